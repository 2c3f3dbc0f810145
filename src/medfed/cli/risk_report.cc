#include "medfed/cli/risk_report.h"

#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "medfed/core/text.h"
#include "medfed/privacy/population_risk.h"
#include "medfed/privacy/reidentification_risk.h"
#include "medfed/table/csv_reader.h"

namespace medfed::cli {
namespace {

constexpr char kSeparator = '\x1f';

std::string JoinedKey(const std::vector<std::vector<std::string>>& values, uint64_t record) {
  std::string key;
  for (const auto& column : values) key += column[record] + kSeparator;
  return key;
}

// Population class sizes of the sample's classes, from a table of (quasi-identifiers..., count).
StatusOr<nlohmann::ordered_json> JournalistMarketer(const std::vector<std::string>& names,
                                                    const std::vector<std::vector<std::string>>& values,
                                                    uint64_t records, const RiskOptions& options) {
  CsvOptions csv;
  csv.all_text = true;
  ASSIGN_OR_RETURN(Table population, ReadCsv(options.population_table, csv));
  const Column* count = population.FindColumn("count");
  if (count == nullptr) {
    return InvalidArgument(options.population_table +
                           ": a population table needs a `count` column (people per "
                           "combination of the quasi-identifiers)");
  }
  std::vector<const Column*> columns;
  for (const auto& name : names) {
    const Column* column = population.FindColumn(name);
    if (column == nullptr) {
      return InvalidArgument(options.population_table + ": has no column " + QuoteForMessage(name) +
                             "; a population table needs every quasi-identifier of the data (" +
                             JoinStrings(names, ", ") + ") and `count`");
    }
    columns.push_back(column);
  }
  std::unordered_map<std::string, uint64_t> population_sizes;
  for (size_t row = 0; row < population.row_count(); ++row) {
    std::string key;
    for (const Column* column : columns)
      key += std::string(column->IsMissing(row) ? "" : column->RawText(row)) + kSeparator;
    const std::string text(count->IsMissing(row) ? "" : count->RawText(row));
    char* end = nullptr;
    const double people = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(people >= 1) || people != std::floor(people)) {
      return InvalidArgument(options.population_table + ":" + std::to_string(row + 2) + ": count " +
                             QuoteForMessage(text) + " is not a whole number of people >= 1");
    }
    population_sizes[key] += static_cast<uint64_t>(people);
  }
  std::unordered_map<std::string, uint64_t> sample_sizes;
  std::vector<std::string> keys;  // in order of first appearance, so errors name the first class
  for (uint64_t record = 0; record < records; ++record) {
    std::string key = JoinedKey(values, record);
    if (sample_sizes[key]++ == 0) keys.push_back(std::move(key));
  }
  std::vector<uint64_t> sample, matched;
  for (const auto& key : keys) {
    const uint64_t size = sample_sizes[key];
    auto found = population_sizes.find(key);
    if (found == population_sizes.end() || found->second < size) {
      std::string shown = key;
      std::replace(shown.begin(), shown.end(), kSeparator, ',');
      shown.pop_back();
      return InvalidArgument(options.population_table + ": the population has " +
                             (found == population_sizes.end() ? std::string("no") : std::to_string(found->second)) +
                             " people with " + JoinStrings(names, ",") + " = " + shown + ", but the data has " +
                             std::to_string(size) + "; the population table must cover the data");
    }
    sample.push_back(size);
    matched.push_back(found->second);
  }
  const JournalistMarketerRisk risk = PopulationTableRisk(sample, matched, options.threshold);
  return nlohmann::ordered_json{{"highest", risk.journalist_highest},
                                {"records_at_risk", risk.journalist_records_at_risk},
                                {"marketer", risk.marketer}};
}

}  // namespace

void AddRiskOptions(CLI::App* command, RiskOptions& options) {
  command->add_option("--threshold", options.threshold, "risk above which a record counts as at risk")
      ->default_val(0.2);
  command->add_option("--population", options.population_table,
                      "a population table (CSV: the quasi-identifier columns and `count`) for journalist and "
                      "marketer risk");
  command->add_option("--population-size", options.population_size,
                      "people in the population the file was drawn from, for population uniqueness (Zayatz, "
                      "Pitman, SNB, Dankar's rule)");
}

StatusOr<nlohmann::ordered_json> RiskDocument(const std::vector<std::string>& names,
                                              const std::vector<std::vector<std::string>>& values, uint64_t records,
                                              const RiskOptions& options) {
  std::vector<std::vector<uint32_t>> codes;
  for (const auto& column : values) codes.push_back(ValueCodes(column));
  const SampleRisk risk = ProsecutorRisk(codes, records, options.threshold);
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
    const PopulationUniqueness uniqueness =
        EstimatePopulationUniqueness(EquivalenceClassSizes(codes, records), options.population_size);
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
