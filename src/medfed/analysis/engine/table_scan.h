// The scan of a whole table (privacy/column_scan.h on each column, both cores), and what a site
// needs from it: the grade of each column, from the data officer's reviewed scan file beside the
// CSV (`medfed scan T.csv --json > T.csv.scan.json`) when there is one, else from scanning.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "medfed/core/status.h"
#include "medfed/privacy/column_scan.h"
#include "medfed/table/table.h"

namespace medfed::analysis {

privacy::ColumnScan ScanTableColumn(const table::Column& column);
std::vector<privacy::ColumnScan> ScanTable(const table::Table& table);

// Each row's value as text (missing as ""), for equivalence classes and de-identification.
std::vector<std::string> ColumnTexts(const table::Column& column);

struct ColumnGrade {
  int grade = 1;
  std::string role;  // "direct_identifier", ...
  std::string why;   // detected kinds, for refusals
};
using TableGrades = std::map<std::string, ColumnGrade>;  // by column name

// Grades from a scan file (the JSON `medfed scan --json` prints); errors name the file.
StatusOr<TableGrades> LoadScanFile(const std::string& path);
// Grades from scanning the table.
TableGrades GradesOfTable(const table::Table& table);

}  // namespace medfed::analysis
