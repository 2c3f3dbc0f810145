#include "medfed/analysis/linkage/linkage_keys.h"

#include <unordered_map>

namespace medfed::analysis {
namespace {

// Length of a white-space character at the start (forward) or end (backward) of `text`, or 0.
size_t SpaceAtStart(std::string_view text) {
  if (text.empty()) return 0;
  const auto c = static_cast<unsigned char>(text[0]);
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') return 1;
  if (text.size() >= 2 && c == 0xC2 && static_cast<unsigned char>(text[1]) == 0xA0) return 2;  // U+00A0
  if (text.size() >= 3 && text.substr(0, 3) == "\xE3\x80\x80") return 3;                       // U+3000
  return 0;
}

size_t SpaceAtEnd(std::string_view text) {
  if (text.empty()) return 0;
  const auto c = static_cast<unsigned char>(text.back());
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') return 1;
  if (text.size() >= 2 && text.substr(text.size() - 2) == "\xC2\xA0") return 2;
  if (text.size() >= 3 && text.substr(text.size() - 3) == "\xE3\x80\x80") return 3;
  return 0;
}

std::string Plural(uint64_t count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

}  // namespace

std::string_view TrimKey(std::string_view key) {
  while (size_t n = SpaceAtStart(key)) key.remove_prefix(n);
  while (size_t n = SpaceAtEnd(key)) key.remove_suffix(n);
  return key;
}

std::vector<std::string> LinkageKeys::Warnings(const std::string& source) const {
  std::vector<std::string> warnings;
  if (rows == 0) warnings.push_back(source + ": no rows; its set is empty");
  if (trimmed > 0) {
    warnings.push_back(source + ": " + Plural(trimmed, "key had", "keys had") +
                       " leading or trailing spaces; compared without them");
  }
  if (empty > 0) warnings.push_back(source + ": " + Plural(empty, "row has", "rows have") + " no key; skipped");
  if (duplicates > 0) {
    warnings.push_back(source + ": " + Plural(duplicates, "row repeats", "rows repeat") +
                       " a key of an earlier row; each key counts once");
  }
  return warnings;
}

StatusOr<LinkageKeys> ReadLinkageKeys(const table::Table& table, const std::string& column_name,
                                      const std::vector<uint32_t>* rows) {
  ASSIGN_OR_RETURN(const table::Column* column, table.GetColumn(column_name));
  LinkageKeys result;
  result.rows = rows != nullptr ? rows->size() : table.row_count();
  std::unordered_map<std::string, size_t> seen;
  seen.reserve(result.rows);
  for (size_t i = 0; i < result.rows; ++i) {
    const size_t row = rows != nullptr ? (*rows)[i] : i;
    if (column->IsMissing(row)) {
      ++result.empty;
      continue;
    }
    // Text columns keep the file's bytes ("007" stays "007"); a numeric column prints its value.
    const std::string text =
        column->type() == table::ColumnType::kString ? std::string(column->RawText(row)) : column->TextValue(row);
    const std::string_view key = TrimKey(text);
    if (key.empty()) {
      ++result.empty;
      continue;
    }
    if (key.size() != text.size()) ++result.trimmed;
    if (!seen.emplace(std::string(key), result.keys.size()).second) {
      ++result.duplicates;
      continue;
    }
    result.keys.emplace_back(key);
    result.first_row.push_back(row);
  }
  return result;
}

}  // namespace medfed::analysis
