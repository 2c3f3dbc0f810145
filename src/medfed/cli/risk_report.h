// The re-identification risk section of `medfed scan` and `medfed deid` reports: prosecutor risk
// always; journalist and marketer risk when a population table is given; population uniqueness
// (Zayatz, Pitman, SNB, Dankar's rule) when the population size is given.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include "medfed/core/status.h"

#include "nlohmann/json.hpp"

namespace medfed::cli {

struct RiskOptions {
  double threshold = 0.2;
  std::string population_table;  // CSV: the quasi-identifier columns and a `count` column
  double population_size = 0;    // people in the population the table was drawn from; 0 = unknown
};

// --threshold, --population and --population-size, as `scan` and `deid` take them.
void AddRiskOptions(CLI::App* command, RiskOptions& options);

// `values[c][r]`: the text of quasi-identifier `names[c]` in record r.
StatusOr<nlohmann::ordered_json> RiskDocument(const std::vector<std::string>& names,
                                              const std::vector<std::vector<std::string>>& values, uint64_t records,
                                              const RiskOptions& options);

// The lines `medfed scan` and `medfed deid` print for a risk document.
std::string DescribeRisk(const nlohmann::ordered_json& risk);

}  // namespace medfed::cli
