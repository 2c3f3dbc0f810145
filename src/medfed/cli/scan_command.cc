// medfed scan FILE.csv [--json] [--report REPORT.html] [--threshold 0.2]
// What every column holds (role, detected kinds, GB/T 39725 category and grade) and the
// re-identification risk over the quasi-identifiers found (docs/privacy/grading.md).
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "medfed/analysis/engine/table_scan.h"
#include "medfed/cli/commands.h"
#include "medfed/cli/results_output.h"
#include "medfed/cli/risk_report.h"
#include "medfed/core/file.h"
#include "medfed/core/parallel.h"
#include "medfed/core/text_table.h"
#include "medfed/plot/svg.h"
#include "medfed/privacy/column_scan.h"
#include "medfed/privacy/reidentification_risk.h"
#include "medfed/table/csv_reader.h"
#include "nlohmann/json.hpp"

namespace medfed::cli {
namespace {

struct ScanArguments {
  std::string file, report;
  bool json = false;
  RiskOptions risk;
};

int RunScan(const ScanArguments& arguments);

// "resident_id 1.00, mobile_phone (in text) 0.72": the detected kinds of a column of the document.
std::string DescribeDetected(const nlohmann::ordered_json& detected) {
  std::string text;
  for (const auto& kind : detected) {
    char confidence[16];
    std::snprintf(confidence, sizeof confidence, "%.2f", kind["confidence"].get<double>());
    text += (text.empty() ? "" : ", ") + kind["kind"].get<std::string>() +
            (kind["in_text"].get<bool>() ? " (in text)" : "") + " " + confidence;
  }
  return text;
}

std::string HtmlReport(const nlohmann::ordered_json& document) {
  std::string html =
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>medfed scan</title><style>"
      "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
      "padding:4px 8px;text-align:left}.g5{background:#f4b6b6}.g4{background:#f8d2b0}.g3{background:#fbeeb0}"
      "</style></head><body>";
  html += "<h1>Scan of " + plot::EscapeXml(document["file"].get<std::string>()) + "</h1>";
  html += "<p>" + std::to_string(document["rows"].get<uint64_t>()) + " rows; table grade " +
          std::to_string(document["grade"].get<int>()) + " (GB/T 39725-2020, docs/privacy/grading.md)</p>";
  html += "<table><tr><th>column</th><th>role</th><th>detected</th><th>category</th><th>grade</th></tr>";
  for (const auto& column : document["columns"]) {
    const std::string detected = DescribeDetected(column["detected"]);
    const int grade = column["grade"].get<int>();
    html += "<tr class=\"g" + std::to_string(grade) + "\"><td>" + plot::EscapeXml(column["name"].get<std::string>()) +
            "</td><td>" + column["role"].get<std::string>() + "</td><td>" + plot::EscapeXml(detected) + "</td><td>" +
            column["category"].get<std::string>() + "</td><td>" + std::to_string(grade) + "</td></tr>";
  }
  html += "</table>";
  const auto& risk = document["risk"];
  html += "<h2>Re-identification risk</h2><p>quasi-identifiers: " + plot::EscapeXml(risk["quasi_identifiers"].dump()) +
          "</p><pre>" + plot::EscapeXml(risk.dump(2)) + "</pre></body></html>\n";
  return html;
}

}  // namespace

int ScanFile(const std::string& file, bool json, const std::string& report) {
  ScanArguments arguments;
  arguments.file = file;
  arguments.json = json;
  arguments.report = report;
  return RunScan(arguments);
}

namespace {

int RunScan(const ScanArguments& arguments) {
  auto table = table::ReadCsv(arguments.file);
  if (!table.ok()) return ReportError(table.status());
  std::fprintf(stderr, "scan: %zu rows x %zu columns of %s\n", table->row_count(), table->column_count(),
               arguments.file.c_str());
  const std::vector<privacy::ColumnScan> scans = analysis::ScanTable(*table);

  nlohmann::ordered_json document = {{"file", arguments.file}, {"rows", table->row_count()}};
  nlohmann::ordered_json columns = nlohmann::ordered_json::array();
  int grade = 1;
  std::vector<std::vector<std::string>> quasi_values;
  std::vector<std::string> quasi_names;
  for (size_t c = 0; c < scans.size(); ++c) {
    const privacy::ColumnScan& scan = scans[c];
    grade = std::max(grade, scan.grade);
    nlohmann::ordered_json detected = nlohmann::ordered_json::array();
    for (const auto& kind : scan.detected) {
      detected.push_back({{"kind", privacy::IdentifierKindName(kind.kind)},
                          {"confidence", std::round(kind.confidence * 100) / 100},
                          {"values", kind.values},
                          {"in_text", kind.in_text}});
    }
    columns.push_back({{"name", scan.name},
                       {"role", privacy::ColumnRoleName(scan.role)},
                       {"detected", detected},
                       {"category", scan.category},
                       {"grade", scan.grade},
                       {"confidence", std::round(scan.confidence * 100) / 100},
                       {"missing", scan.missing},
                       {"distinct", scan.distinct}});
    if (scan.role == privacy::ColumnRole::kQuasiIdentifier) {
      quasi_values.push_back(analysis::ColumnTexts(table->column(c)));
      quasi_names.push_back(scan.name);
    }
  }
  document["grade"] = grade;
  document["columns"] = columns;
  auto risk = RiskDocument(quasi_names, quasi_values, table->row_count(), arguments.risk);
  if (!risk.ok()) return ReportError(risk.status());
  document["risk"] = *risk;
  if (!arguments.report.empty()) {
    Status written = WriteFileAtomically(arguments.report, HtmlReport(document));
    if (!written.ok()) return ReportError(written);
    std::fprintf(stderr, "scan: report written to %s\n", arguments.report.c_str());
  }
  if (arguments.json) {
    std::printf("%s\n", document.dump(2).c_str());
    return 0;
  }
  std::printf("%s: %zu rows, table grade %d (%s)\n\n", arguments.file.c_str(), table->row_count(), grade,
              privacy::GradeDescription(grade));
  TextTable columns_table({"column", "role", "grade", "category", "detected"},
                          {TextTable::Align::kLeft, TextTable::Align::kLeft, TextTable::Align::kRight,
                           TextTable::Align::kLeft, TextTable::Align::kLeft});
  for (const auto& column : document["columns"]) {
    columns_table.AddRow({column["name"].get<std::string>(), column["role"].get<std::string>(),
                          std::to_string(column["grade"].get<int>()), column["category"].get<std::string>(),
                          DescribeDetected(column["detected"])});
  }
  std::printf("%s", columns_table.Render().c_str());
  std::printf("\n%s", DescribeRisk(document["risk"]).c_str());
  return 0;
}

}  // namespace

void AddScanCommand(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<ScanArguments>();
  CLI::App* command = app.add_subcommand(
      "scan",
      "What each column of a CSV holds (identifiers, quasi-identifiers, sensitive data), its grade, and "
      "the re-identification risk");
  command->add_option("file", arguments->file, "the CSV file")->required();
  command->add_flag("--json", arguments->json, "print the scan as JSON on stdout");
  command->add_option("--report", arguments->report, "also write an HTML report to FILE");
  AddRiskOptions(command, arguments->risk);
  command->callback([arguments, &exit_code] { exit_code = RunScan(*arguments); });
}

}  // namespace medfed::cli
