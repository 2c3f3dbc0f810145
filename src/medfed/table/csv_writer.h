// RFC 4180 CSV output: fields with a comma, quote or line break are quoted, quotes doubled.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace medfed::table {

void AppendCsvField(std::string& out, std::string_view field);
// Appends the fields of one record and a line feed.
void AppendCsvRecord(std::string& out, const std::vector<std::string_view>& fields);

}  // namespace medfed::table
