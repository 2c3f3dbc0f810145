// RFC 4180 CSV reader with type inference.
//
// - A header line is required; column names must be unique and non-empty.
// - Fields may be quoted ("a, b", "say ""hi"""), quoted fields may span lines; unquoted fields
//   have surrounding blanks removed. LF and CRLF line ends; blank lines are skipped; a UTF-8
//   byte-order mark is ignored.
// - Missing: empty, NA, NaN.
// - Each column becomes integer (all values fit int64), float, boolean (TRUE/FALSE, True/False,
//   true/false) or string (anything else). String columns are factors with levels sorted by
//   byte order (R's sort in the C locale).
// - Errors name the file, the line and the column and say what to fix: wrong field count, an
//   unterminated or stray quote, text after a closing quote, invalid UTF-8.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "medfed/core/status.h"
#include "medfed/table/table.h"

namespace medfed::table {

struct CsvOptions {
  char delimiter = ',';
  // Columns kept as the text in the file, whatever their values look like: identifiers such as
  // "007" or an 18-digit ID number must not become numbers (linkage keys, pseudonyms).
  std::vector<std::string> text_columns;
  // Every column as text, with no type inference (de-identification rewrites values as written).
  bool all_text = false;
};

StatusOr<Table> ReadCsv(const std::string& path, const CsvOptions& options = {});

// Parses CSV text held in memory; `source` names it in error messages.
StatusOr<Table> ParseCsv(std::string_view text, const std::string& source, const CsvOptions& options = {});

}  // namespace medfed::table
