#include "medfed/table/table.h"

#include "medfed/core/text.h"

namespace medfed::table {

Table::Table(std::string source, std::vector<Column> columns, std::vector<uint64_t> lines)
    : source_(std::move(source)), columns_(std::move(columns)), lines_(std::move(lines)) {
  for (size_t i = 0; i < columns_.size(); ++i) index_.emplace(columns_[i].name(), i);
  row_count_ = columns_.empty() ? 0 : columns_.front().size();
}

const Column* Table::FindColumn(const std::string& name) const {
  auto found = index_.find(name);
  return found == index_.end() ? nullptr : &columns_[found->second];
}

StatusOr<const Column*> Table::GetColumn(const std::string& name) const {
  if (const Column* column = FindColumn(name)) return column;
  std::vector<std::string> names;
  for (const auto& column : columns_) names.push_back(column.name());
  return NotFound(source_ + ": no column named " + QuoteForMessage(name) +
                  "; the columns are: " + JoinStrings(names, ", "));
}

}  // namespace medfed::table
