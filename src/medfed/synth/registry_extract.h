// A seeded generator of population-based cancer registry extracts: for each registry, the
// colorectal cancer cases diagnosed in three calendar years (one row per case: age, sex, year,
// ICD-10 site) and the population at risk by 5-year age group (with 0 and 1-4 separate), sex and
// year. Incidence rises steeply with age and is higher in men, as in registry data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace medfed::synth {

struct RegistryExtract {
  std::string cases_csv;
  std::string population_csv;
};

struct RegistryOptions {
  uint64_t seed = 20240601;
  std::vector<double> populations = {3.2e6, 1.8e6, 0.9e6};  // persons per registry
  std::vector<int> years = {2018, 2019, 2020};
};

std::vector<RegistryExtract> GenerateRegistryExtracts(const RegistryOptions& options);

}  // namespace medfed::synth
