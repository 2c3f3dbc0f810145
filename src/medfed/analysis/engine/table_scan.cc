#include "medfed/analysis/engine/table_scan.h"

#include <unordered_map>

#include "medfed/core/file.h"
#include "medfed/core/parallel.h"
#include "medfed/core/text.h"
#include "nlohmann/json.hpp"

namespace medfed::analysis {
namespace {

// Column values as text: string columns as in the file, integers printed; floats and booleans
// carry no identifiers and are scanned by header only (their values are not needed).
std::vector<std::string> NumericTexts(const table::Column& column) {
  std::vector<std::string> texts;
  if (column.type() != table::ColumnType::kInteger) return texts;
  texts.reserve(column.size());
  for (size_t row = 0; row < column.size(); ++row) {
    if (!column.IsMissing(row)) texts.push_back(std::to_string(column.integers()[row]));
  }
  return texts;
}

}  // namespace

privacy::ColumnScan ScanTableColumn(const table::Column& column) {
  uint64_t missing = 0;
  std::vector<std::string_view> values;
  std::vector<std::string> owned = NumericTexts(column);
  if (column.type() == table::ColumnType::kString) {
    values.reserve(column.size());
    for (size_t row = 0; row < column.size(); ++row) {
      if (column.IsMissing(row)) {
        ++missing;
      } else {
        values.push_back(column.RawText(row));
      }
    }
  } else {
    for (size_t row = 0; row < column.size(); ++row) missing += column.IsMissing(row);
    values.assign(owned.begin(), owned.end());
  }
  return privacy::ScanColumn(column.name(), values, missing);
}

std::vector<std::string> ColumnTexts(const table::Column& column) {
  std::vector<std::string> texts(column.size());
  for (size_t row = 0; row < column.size(); ++row) {
    if (column.IsMissing(row)) continue;
    if (column.type() == table::ColumnType::kString) {
      texts[row] = std::string(column.RawText(row));
    } else if (column.type() == table::ColumnType::kInteger) {
      texts[row] = std::to_string(column.integers()[row]);
    } else {
      texts[row] = FormatRoundTrip(column.NumericValue(row));
    }
  }
  return texts;
}

std::vector<privacy::ColumnScan> ScanTable(const table::Table& table) {
  std::vector<privacy::ColumnScan> scans(table.column_count());
  ParallelFor(table.column_count(), HardwareThreads(), [&](size_t begin, size_t end) {
    for (size_t c = begin; c < end; ++c) scans[c] = ScanTableColumn(table.column(c));
  });
  return scans;
}

StatusOr<TableGrades> LoadScanFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  const nlohmann::json document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.contains("columns") || !document["columns"].is_array()) {
    return InvalidArgument(path +
                           ": not a scan file (expected the JSON of `medfed scan FILE --json`, with \"columns\")");
  }
  TableGrades grades;
  for (const auto& column : document["columns"]) {
    if (!column.contains("name") || !column["name"].is_string() || !column.contains("grade") ||
        !column["grade"].is_number_integer() || column["grade"].get<int>() < 1 || column["grade"].get<int>() > 5) {
      return InvalidArgument(path + R"(: every column needs a "name" and a "grade" from 1 to 5; found )" +
                             column.dump());
    }
    ColumnGrade grade;
    grade.grade = column["grade"].get<int>();
    grade.role = column.value("role", "");
    if (column.contains("detected") && column["detected"].is_array()) {
      for (const auto& kind : column["detected"]) {
        if (kind.contains("kind") && kind["kind"].is_string()) {
          grade.why += (grade.why.empty() ? "" : ", ") + kind["kind"].get<std::string>();
        }
      }
    }
    grades[column["name"].get<std::string>()] = grade;
  }
  return grades;
}

TableGrades GradesOfTable(const table::Table& table) {
  TableGrades grades;
  for (const privacy::ColumnScan& scan : ScanTable(table)) {
    ColumnGrade grade{scan.grade, privacy::ColumnRoleName(scan.role), ""};
    for (const auto& kind : scan.detected)
      grade.why += (grade.why.empty() ? "" : ", ") + std::string(privacy::IdentifierKindName(kind.kind));
    grades[scan.name] = grade;
  }
  return grades;
}

}  // namespace medfed::analysis
