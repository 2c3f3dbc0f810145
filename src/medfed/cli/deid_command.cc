// medfed deid FILE.csv --out OUT.csv [--policy POLICY.toml] [--report REPORT.json] [--key FILE]
// De-identifies a table before it joins the network (privacy/deidentification.h): the scan says
// what each column holds, the policy what to do with it, the lattice search reaches k with the
// least loss; the output is written (temporary file, then rename) only if it passed every check.

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "absl/strings/str_format.h"
#include "medfed/analysis/engine/table_scan.h"
#include "medfed/cli/commands.h"
#include "medfed/cli/results_output.h"
#include "medfed/cli/risk_report.h"
#include "medfed/core/file.h"
#include "medfed/core/secret_file.h"
#include "medfed/core/text_table.h"
#include "medfed/crypto/secure_random.h"
#include "medfed/governance/deid_policy_file.h"
#include "medfed/table/csv_reader.h"
#include "medfed/table/csv_writer.h"

namespace medfed::cli {
namespace {

struct DeidArguments {
  std::string file, out, policy, report, key;
  bool create_key = false, json = false;
  RiskOptions risk;
};

// The site's pseudonym key: the bytes of FILE (at least 32). --create-key writes 32 random bytes,
// hex-encoded, readable by the owner only.
StatusOr<std::string> PseudonymKey(const DeidArguments& arguments) {
  if (arguments.key.empty()) return std::string();
  if (!FileExists(arguments.key)) {
    if (!arguments.create_key) {
      return NotFound("pseudonym key " + arguments.key +
                      " does not exist; add --create-key to make one (keep it "
                      "secret and keep it: the same key gives the same pseudonyms)");
    }
    std::string hex = crypto::RandomHex(32) + "\n";
    Status written = WriteSecretFile(arguments.key, hex);
    crypto::WipeString(hex);
    RETURN_IF_ERROR(written);
    std::fprintf(stderr, "deid: created pseudonym key %s\n", arguments.key.c_str());
  }
  auto key = ReadSecretFile(arguments.key, "pseudonym key", 32);
  if (!key.ok()) {
    return Status(key.status().code(), MessageOf(key.status()) + " (--create-key makes a new one under another name)");
  }
  return key;
}

std::vector<std::vector<std::string>> ColumnsNamed(const privacy::TextTableData& table,
                                                   const std::vector<std::string>& names,
                                                   const std::vector<uint8_t>* skip_rows = nullptr) {
  std::vector<std::vector<std::string>> columns;
  for (const auto& name : names) {
    const size_t c = std::find(table.names.begin(), table.names.end(), name) - table.names.begin();
    std::vector<std::string> column;
    for (size_t r = 0; r < table.rows(); ++r) {
      if (skip_rows == nullptr || !(*skip_rows)[r]) column.push_back(table.cells[c][r]);
    }
    columns.push_back(std::move(column));
  }
  return columns;
}

int RunDeid(const DeidArguments& arguments) {
  std::error_code error;
  if (std::filesystem::equivalent(arguments.file, arguments.out, error)) {
    return ReportError(InvalidArgument("--out " + arguments.out +
                                       " is the input file; write the de-identified "
                                       "table to a new file"));
  }
  auto policy_or = arguments.policy.empty() ? StatusOr<privacy::DeidPolicy>(privacy::DeidPolicy::Default())
                                            : governance::LoadDeidPolicyFile(arguments.policy);
  if (!policy_or.ok()) return ReportError(policy_or.status());
  const privacy::DeidPolicy& policy = *policy_or;
  auto key_or = PseudonymKey(arguments);
  if (!key_or.ok()) return ReportError(key_or.status());
  const std::string& key = *key_or;
  table::CsvOptions csv;
  csv.all_text = true;  // values are rewritten as written: "007" stays "007"
  auto table = table::ReadCsv(arguments.file, csv);
  if (!table.ok()) return ReportError(table.status());
  if (table->row_count() == 0) {
    return ReportError(InvalidArgument(arguments.file + " has a header but no rows; there is nothing to de-identify"));
  }
  std::fprintf(stderr, "deid: scanning %zu rows x %zu columns of %s\n", table->row_count(), table->column_count(),
               arguments.file.c_str());
  const std::vector<privacy::ColumnScan> scans = analysis::ScanTable(*table);
  privacy::TextTableData input;
  for (size_t c = 0; c < table->column_count(); ++c) {
    input.names.push_back(table->column(c).name());
    input.cells.push_back(analysis::ColumnTexts(table->column(c)));
  }
  std::fprintf(stderr, "deid: searching the generalization lattice for k = %llu\n",
               static_cast<unsigned long long>(policy.k));
  const auto started = std::chrono::steady_clock::now();
  auto outcome = privacy::Deidentify(input, scans, policy, key);
  const double milliseconds =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (!outcome.ok()) return ReportError(Annotate(outcome.status(), arguments.file + ": "));

  auto before = RiskDocument(outcome->quasi_identifiers, ColumnsNamed(input, outcome->quasi_identifiers),
                             outcome->rows_in, arguments.risk);
  if (!before.ok()) return ReportError(before.status());
  RiskOptions after_options = arguments.risk;
  after_options.population_table.clear();  // the population table holds the original values
  auto after = RiskDocument(outcome->quasi_identifiers, ColumnsNamed(outcome->output, outcome->quasi_identifiers),
                            outcome->rows_out, after_options);
  if (!after.ok()) return ReportError(after.status());

  nlohmann::ordered_json columns = nlohmann::ordered_json::array();
  for (const auto& column : outcome->columns) {
    nlohmann::ordered_json entry = {{"name", column.name},
                                    {"role", privacy::ColumnRoleName(column.role)},
                                    {"detected", column.detected},
                                    {"action", privacy::DeidActionName(column.action)},
                                    {"detail", column.detail}};
    if (column.level >= 0) {
      entry["hierarchy"] = column.hierarchy;
      entry["level"] = column.level;
      entry["level_name"] = column.level_name;
    }
    if (column.loss >= 0) {
      entry["information_loss"] = column.loss;
      entry["beyond_preferred_coarsest"] = column.beyond_coarsest;
    }
    if (column.masked > 0) entry["values_masked"] = column.masked;
    columns.push_back(entry);
  }
  const privacy::AnonymitySearchResult& search = outcome->search;
  nlohmann::ordered_json report = {
      {"input", arguments.file},
      {"output", arguments.out},
      {"policy", arguments.policy.empty() ? "default (Safe Harbor-style with Chinese identifiers)" : arguments.policy},
      {"k", policy.k},
      {"suppression_limit", policy.suppression_limit},
      {"rows_in", outcome->rows_in},
      {"rows_out", outcome->rows_out},
      {"rows_suppressed", outcome->rows_in - outcome->rows_out},
      {"columns", columns},
      {"search",
       {{"quasi_identifiers", outcome->quasi_identifiers},
        {"levels", search.levels},
        {"loss", search.loss},
        {"lattice_nodes", search.lattice_nodes},
        {"checks", search.checks},
        {"policy_levels_alone_would_suppress", search.minimum_node_suppressed},
        {"search_milliseconds", search.milliseconds},
        {"milliseconds", milliseconds}}},
      {"risk_before", *before},
      {"risk_after", *after}};

  std::string csv_text;
  std::vector<std::string_view> fields(outcome->output.names.begin(), outcome->output.names.end());
  table::AppendCsvRecord(csv_text, fields);
  for (size_t r = 0; r < outcome->rows_out; ++r) {
    for (size_t c = 0; c < fields.size(); ++c) fields[c] = outcome->output.cells[c][r];
    table::AppendCsvRecord(csv_text, fields);
  }
  if (Status written = WriteFileAtomically(arguments.out, csv_text); !written.ok()) return ReportError(written);
  if (!arguments.report.empty()) {
    if (Status written = WriteFileAtomically(arguments.report, report.dump(2) + "\n"); !written.ok()) {
      return ReportError(written);
    }
  }
  if (arguments.json) {
    std::printf("%s\n", report.dump(2).c_str());
    return 0;
  }
  std::printf("%s -> %s: %llu rows in, %llu out (%llu suppressed), %llu-anonymous over %zu quasi-identifiers\n\n",
              arguments.file.c_str(), arguments.out.c_str(), static_cast<unsigned long long>(outcome->rows_in),
              static_cast<unsigned long long>(outcome->rows_out),
              static_cast<unsigned long long>(outcome->rows_in - outcome->rows_out),
              static_cast<unsigned long long>(outcome->after.k), outcome->quasi_identifiers.size());
  // The loss of a generalized column (its cells' mean, suppressed rows losing everything), so the
  // reader sees what each column paid for k.
  TextTable table_text({"column", "role", "action", "loss", "detail"},
                       {TextTable::Align::kLeft, TextTable::Align::kLeft, TextTable::Align::kLeft,
                        TextTable::Align::kRight, TextTable::Align::kLeft});
  for (const auto& column : outcome->columns) {
    table_text.AddRow({column.name, privacy::ColumnRoleName(column.role), privacy::DeidActionName(column.action),
                       column.loss >= 0 ? absl::StrFormat("%.3f", column.loss) : "",
                       column.detail + (column.masked ? " (" + std::to_string(column.masked) + " values)" : "")});
  }
  std::printf("%s\n", table_text.Render().c_str());
  std::printf(
      "Lattice: %llu nodes, %llu checked, %.1f ms; information loss %.3f; the policy's levels alone would "
      "have suppressed %llu rows.\n",
      static_cast<unsigned long long>(search.lattice_nodes), static_cast<unsigned long long>(search.checks),
      milliseconds, search.loss, static_cast<unsigned long long>(search.minimum_node_suppressed));
  std::printf("\nBefore: %s\nAfter:  %s", DescribeRisk(*before).c_str(), DescribeRisk(*after).c_str());
  return 0;
}

}  // namespace

int DeidentifyFile(const std::string& file, const std::string& out, const std::string& report, const std::string& key) {
  DeidArguments arguments;
  arguments.file = file;
  arguments.out = out;
  arguments.report = report;
  arguments.key = key;
  arguments.create_key = true;
  return RunDeid(arguments);
}

void AddDeidCommand(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<DeidArguments>();
  CLI::App* command = app.add_subcommand(
      "deid",
      "De-identify a CSV: drop or pseudonymise identifiers, mask them in text, generalize quasi-identifiers "
      "to k-anonymity with the least loss");
  command->add_option("file", arguments->file, "the CSV file")->required();
  command->add_option("--out", arguments->out, "the de-identified CSV to write")->required();
  command->add_option("--policy", arguments->policy,
                      "de-identification policy (TOML, docs/privacy/deidentification.md); default: Safe Harbor-style "
                      "with Chinese identifiers, k = 5, at most 5% of rows suppressed");
  command->add_option("--report", arguments->report, "write the report (JSON) to FILE");
  command->add_option("--key", arguments->key, "the site's secret pseudonym key (a file of at least 32 bytes)");
  command->add_flag("--create-key", arguments->create_key, "create the --key file with a fresh random key if missing");
  command->add_flag("--json", arguments->json, "print the report as JSON on stdout");
  AddRiskOptions(command, arguments->risk);
  command->callback([arguments, &exit_code] { exit_code = RunDeid(*arguments); });
}

}  // namespace medfed::cli
