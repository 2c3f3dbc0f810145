#include "medfed/cli/risk_report.h"

#include <cmath>
#include <cstdio>

#include "medfed/core/text.h"
#include "medfed/privacy/population_risk.h"
#include "medfed/privacy/reidentification_risk.h"
#include "medfed/table/csv_reader.h"

namespace medfed::cli {
namespace {

// Population class sizes of the sample's classes, from a table of (quasi-identifiers..., count).
StatusOr<nlohmann::ordered_json> JournalistMarketer(const std::vector<std::string>& names,
                                                    const std::vector<std::vector<std::string>>& values,
                                                    uint64_t records, const RiskOptions& options) {
  table::CsvOptions csv;
  csv.all_text = true;
  ASSIGN_OR_RETURN(table::Table population, table::ReadCsv(options.population_table, csv));
  const table::Column* count = population.FindColumn("count");
  if (count == nullptr) {
    return InvalidArgument(options.population_table +
                           ": a population table needs a `count` column (people per "
                           "combination of the quasi-identifiers)");
  }
  std::vector<const table::Column*> columns;
  for (const auto& name : names) {
    const table::Column* column = population.FindColumn(name);
    if (column == nullptr) {
      return InvalidArgument(options.population_table + ": has no column " + QuoteForMessage(name) +
                             "; a population table needs every quasi-identifier of the data (" +
                             JoinStrings(names, ", ") + ") and `count`");
    }
    columns.push_back(column);
  }
  std::vector<std::vector<std::string>> population_values(columns.size());
  std::vector<uint64_t> population_counts;
  for (size_t row = 0; row < population.row_count(); ++row) {
    for (size_t c = 0; c < columns.size(); ++c) {
      population_values[c].emplace_back(columns[c]->IsMissing(row) ? "" : columns[c]->RawText(row));
    }
    const std::string text(count->IsMissing(row) ? "" : count->RawText(row));
    char* end = nullptr;
    const double people = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(people >= 1) || people != std::floor(people) || people > 1e15) {
      return InvalidArgument(options.population_table + ":" + std::to_string(row + 2) + ": count " +
                             QuoteForMessage(text) + " is not a whole number of people from 1 to 10^15");
    }
    population_counts.push_back(static_cast<uint64_t>(people));
  }
  auto risk =
      privacy::MatchPopulationTable(names, values, records, population_values, population_counts, options.threshold);
  if (!risk.ok()) return InvalidArgument(options.population_table + ": " + std::string(risk.status().message()));
  return nlohmann::ordered_json{{"highest", risk->journalist_highest},
                                {"records_at_risk", risk->journalist_records_at_risk},
                                {"marketer", risk->marketer}};
}

}  // namespace

void AddRiskOptions(CLI::App* command, RiskOptions& options) {
  command->add_option("--threshold", options.threshold, "risk above which a record counts as at risk")
      ->default_val(0.2)
      ->check(CLI::Range(0.0, 1.0));
  command->add_option("--population", options.population_table,
                      "a population table (CSV: the quasi-identifier columns and `count`) for journalist and "
                      "marketer risk");
  command
      ->add_option("--population-size", options.population_size,
                   "people in the population the file was drawn from, for population uniqueness (Zayatz, "
                   "Pitman, SNB, Dankar's rule)")
      ->check(CLI::Range(0.0, 1e11));
}

StatusOr<nlohmann::ordered_json> RiskDocument(const std::vector<std::string>& names,
                                              const std::vector<std::vector<std::string>>& values, uint64_t records,
                                              const RiskOptions& options) {
  std::vector<std::vector<uint32_t>> codes;
  for (const auto& column : values) codes.push_back(privacy::ValueCodes(column));
  const privacy::SampleRisk risk = privacy::ProsecutorRisk(codes, records, options.threshold);
  nlohmann::ordered_json document = {{"quasi_identifiers", names},
                                     {"records", records},
                                     {"classes", risk.classes},
                                     {"k", risk.k},
                                     {"uniques", risk.uniques},
                                     {"prosecutor",
                                      {{"highest", risk.highest_risk},
                                       {"average", risk.average_risk},
                                       {"records_at_risk", risk.records_at_risk},
                                       {"threshold", risk.threshold}}}};
  if (!options.population_table.empty()) {
    ASSIGN_OR_RETURN(document["journalist"], JournalistMarketer(names, values, records, options));
  }
  if (options.population_size > 0) {
    if (options.population_size < static_cast<double>(records)) {
      return InvalidArgument("--population-size " + FormatSignificant(options.population_size, 10) +
                             " is smaller than the " + std::to_string(records) + " records of the data");
    }
    const privacy::PopulationUniqueness uniqueness =
        privacy::EstimatePopulationUniqueness(privacy::EquivalenceClassSizes(codes, records), options.population_size);
    auto optional = [](const std::optional<double>& value) {
      return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
    };
    document["population_uniqueness"] = {
        {"population", uniqueness.population},    {"sampling_fraction", uniqueness.sampling_fraction},
        {"zayatz", optional(uniqueness.zayatz)},  {"pitman", optional(uniqueness.pitman)},
        {"snb", optional(uniqueness.snb)},        {"dankar", uniqueness.dankar},
        {"dankar_model", uniqueness.dankar_model}};
  }
  return document;
}

std::string DescribeRisk(const nlohmann::ordered_json& risk) {
  const auto& names = risk["quasi_identifiers"];
  std::string text = "Re-identification risk over " + std::to_string(names.size()) + " quasi-identifier" +
                     (names.size() == 1 ? "" : "s");
  for (size_t i = 0; i < names.size(); ++i) text += (i == 0 ? ": " : ", ") + names[i].get<std::string>();
  char line[512];
  std::snprintf(line, sizeof line, "\n  %llu equivalence classes, k = %llu, %.2f%% of records unique\n",
                static_cast<unsigned long long>(risk["classes"].get<uint64_t>()),
                static_cast<unsigned long long>(risk["k"].get<uint64_t>()), 100 * risk["uniques"].get<double>());
  text += line;
  const auto& prosecutor = risk["prosecutor"];
  std::snprintf(line, sizeof line, "  prosecutor risk: highest %.3f, average %.3f; %.2f%% of records above %.2f\n",
                prosecutor["highest"].get<double>(), prosecutor["average"].get<double>(),
                100 * prosecutor["records_at_risk"].get<double>(), prosecutor["threshold"].get<double>());
  text += line;
  if (risk.contains("journalist")) {
    const auto& journalist = risk["journalist"];
    std::snprintf(line, sizeof line, "  journalist risk: highest %.3f, %.2f%% of records at risk; marketer risk %.4f\n",
                  journalist["highest"].get<double>(), 100 * journalist["records_at_risk"].get<double>(),
                  journalist["marketer"].get<double>());
    text += line;
  }
  if (risk.contains("population_uniqueness")) {
    const auto& uniqueness = risk["population_uniqueness"];
    std::snprintf(line, sizeof line, "  population uniques (Dankar's rule, %s model): %.4f%% of %.0f people\n",
                  uniqueness["dankar_model"].get<std::string>().c_str(), 100 * uniqueness["dankar"].get<double>(),
                  uniqueness["population"].get<double>());
    text += line;
  }
  return text;
}

}  // namespace medfed::cli
