#include "medfed/table/column.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "medfed/core/text.h"

namespace medfed::table {

const char* ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kInteger:
      return "integer";
    case ColumnType::kFloat:
      return "float";
    case ColumnType::kBoolean:
      return "boolean";
    case ColumnType::kString:
      return "string";
  }
  return "unknown";
}

Column Column::Integers(std::string name, std::vector<int64_t> values) {
  Column column;
  column.name_ = std::move(name);
  column.type_ = ColumnType::kInteger;
  column.integers_ = std::move(values);
  return column;
}

Column Column::Floats(std::string name, std::vector<double> values) {
  Column column;
  column.name_ = std::move(name);
  column.type_ = ColumnType::kFloat;
  column.floats_ = std::move(values);
  return column;
}

Column Column::Booleans(std::string name, std::vector<int8_t> values) {
  Column column;
  column.name_ = std::move(name);
  column.type_ = ColumnType::kBoolean;
  column.booleans_ = std::move(values);
  return column;
}

Column Column::Factor(std::string name, std::vector<int32_t> codes, std::vector<std::string> levels) {
  Column column;
  column.name_ = std::move(name);
  column.type_ = ColumnType::kString;
  column.codes_ = std::move(codes);
  column.levels_ = std::move(levels);
  return column;
}

Column Column::FromStrings(std::string name, const std::vector<std::optional<std::string>>& values) {
  std::map<std::string, int32_t> index;
  for (const auto& value : values) {
    if (value) index.emplace(*value, 0);
  }
  std::vector<std::string> levels;
  for (auto& [level, code] : index) {
    code = static_cast<int32_t>(levels.size());
    levels.push_back(level);
  }
  std::vector<int32_t> codes;
  codes.reserve(values.size());
  for (const auto& value : values) codes.push_back(value ? index[*value] : -1);
  return Factor(std::move(name), std::move(codes), std::move(levels));
}

Column Column::Text(std::string name, std::shared_ptr<const TextValues> values) {
  Column column;
  column.name_ = std::move(name);
  column.type_ = ColumnType::kString;
  column.text_ = std::move(values);
  return column;
}

void TextValues::Factorize() const {
  std::call_once(factorized, [this] {
    std::unordered_map<std::string_view, int32_t> lookup;
    codes.resize(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      if (values[i].data() == nullptr) {
        codes[i] = -1;
        continue;
      }
      codes[i] = lookup.try_emplace(values[i], static_cast<int32_t>(lookup.size())).first->second;
    }
    std::vector<std::pair<std::string_view, int32_t>> entries(lookup.begin(), lookup.end());
    std::sort(entries.begin(), entries.end());
    std::vector<int32_t> remap(entries.size());
    levels.reserve(entries.size());
    for (size_t l = 0; l < entries.size(); ++l) {
      remap[static_cast<size_t>(entries[l].second)] = static_cast<int32_t>(l);
      levels.emplace_back(entries[l].first);
    }
    for (int32_t& code : codes) {
      if (code >= 0) code = remap[static_cast<size_t>(code)];
    }
  });
}

const std::vector<int32_t>& Column::codes() const {
  if (text_) {
    text_->Factorize();
    return text_->codes;
  }
  return codes_;
}

const std::vector<std::string>& Column::levels() const {
  if (text_) {
    text_->Factorize();
    return text_->levels;
  }
  return levels_;
}

std::string_view Column::RawText(size_t row) const {
  if (text_) {
    std::string_view value = text_->values[row];
    return value.data() == nullptr ? std::string_view() : value;
  }
  if (type_ == ColumnType::kString && codes_[row] >= 0) {
    return levels_[static_cast<size_t>(codes_[row])];
  }
  return std::string_view();
}

size_t Column::size() const {
  switch (type_) {
    case ColumnType::kInteger:
      return integers_.size();
    case ColumnType::kFloat:
      return floats_.size();
    case ColumnType::kBoolean:
      return booleans_.size();
    case ColumnType::kString:
      return text_ ? text_->values.size() : codes_.size();
  }
  return 0;
}

bool Column::IsMissing(size_t row) const {
  switch (type_) {
    case ColumnType::kInteger:
      return integers_[row] == kMissingInteger;
    case ColumnType::kFloat:
      return std::isnan(floats_[row]);
    case ColumnType::kBoolean:
      return booleans_[row] < 0;
    case ColumnType::kString:
      return text_ ? text_->values[row].data() == nullptr : codes_[row] < 0;
  }
  return true;
}

std::string Column::TextValue(size_t row) const {
  if (IsMissing(row)) return "";
  switch (type_) {
    case ColumnType::kInteger:
      return std::to_string(integers_[row]);
    case ColumnType::kFloat:
      return FormatRoundTrip(floats_[row]);
    case ColumnType::kBoolean:
      return booleans_[row] ? "TRUE" : "FALSE";
    case ColumnType::kString:
      return std::string(RawText(row));
  }
  return "";
}

}  // namespace medfed::table
