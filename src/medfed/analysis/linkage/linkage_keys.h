// Linkage keys (hashed resident IDs, keyed pseudonyms, record numbers) read from a table column
// for private set intersection: normalised so that " 0012" and "0012" link, and deduplicated so
// that the protocol sees each key once. What was changed is counted, for the warnings a user
// needs ("3 keys had leading or trailing spaces; compared without them").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "medfed/core/status.h"
#include "medfed/table/table.h"

namespace medfed::analysis {

struct LinkageKeys {
  std::vector<std::string> keys;  // distinct, normalised, in order of first appearance
  std::vector<size_t> first_row;  // the row each key was first seen in (0-based data row)
  uint64_t rows = 0;
  uint64_t trimmed = 0;     // values that had leading or trailing white space
  uint64_t empty = 0;       // missing or blank values, skipped
  uint64_t duplicates = 0;  // rows whose key appeared before, skipped

  // The warnings to show, each naming `source` (e.g. the file).
  std::vector<std::string> Warnings(const std::string& source) const;
};

// Leading and trailing ASCII white space, no-break spaces (U+00A0) and ideographic spaces
// (U+3000, common in Chinese records) are removed; nothing else (case, inner spaces) changes.
std::string_view TrimKey(std::string_view key);

// The key column of `table`, which must exist (the error lists the columns there are); only
// `rows` (ascending row indices) when given. Read the table with CsvOptions::text_columns =
// {column}, so that "007" stays "007".
StatusOr<LinkageKeys> ReadLinkageKeys(const table::Table& table, const std::string& column,
                                      const std::vector<uint32_t>* rows = nullptr);

}  // namespace medfed::analysis
