#include "medfed/synth/registry_extract.h"

#include <cmath>
#include <cstdio>

#include "medfed/core/random.h"

namespace medfed::synth {
namespace {

const char* const kGroups[] = {"00",    "01-04", "05-09", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44",
                               "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85+"};
const int kLower[] = {0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85};
// Age structure (share of the population), close to an urban Chinese city around 2020.
const double kShare[] = {0.010, 0.040, 0.052, 0.050, 0.048, 0.058, 0.078, 0.090, 0.080, 0.075,
                         0.080, 0.082, 0.075, 0.060, 0.050, 0.032, 0.020, 0.012, 0.008};

}  // namespace

std::vector<RegistryExtract> GenerateRegistryExtracts(const RegistryOptions& options) {
  std::vector<RegistryExtract> extracts;
  for (size_t r = 0; r < options.populations.size(); ++r) {
    DeterministicRandom random(options.seed * 7727 + r * 104729 + 3);
    RegistryExtract extract;
    extract.cases_csv = "case_id,age,sex,year,icd10\n";
    extract.population_csv = "age_group,sex,year,population\n";
    // Registries differ a little in age structure: later ones are older.
    const double ageing = 1.0 + 0.08 * static_cast<double>(r);
    int case_id = 0;
    for (int year : options.years) {
      for (const char* sex : {"F", "M"}) {
        for (size_t g = 0; g < 19; ++g) {
          double share = kShare[g] * (kLower[g] >= 60 ? ageing : 1.0);
          double population = std::round(options.populations[r] * share / 2 * (1 + 0.01 * (year - options.years[0])));
          char line[96];
          std::snprintf(line, sizeof(line), "%s,%s,%d,%.0f\n", kGroups[g], sex, year, population);
          extract.population_csv += line;
          // Colorectal incidence per person-year: log-linear in age, 1.4x in men.
          const double mid_age = g == 0 ? 0.5 : (g == 1 ? 2.5 : (g == 18 ? 88.0 : kLower[g] + 2.5));
          const double rate = std::exp(-13.3 + 0.085 * mid_age) * (sex[0] == 'M' ? 1.4 : 1.0);
          const int64_t cases = random.Poisson(rate * population);
          for (int64_t c = 0; c < cases; ++c) {
            const int width = g == 0 ? 1 : (g == 1 ? 4 : (g == 18 ? 10 : 5));
            const int age = kLower[g] + static_cast<int>(random.Below(static_cast<uint64_t>(width)));
            const double u = random.Uniform();
            const char* site = u < 0.55 ? "C18" : (u < 0.65 ? "C19" : "C20");
            std::snprintf(line, sizeof(line), "R%zu-%06d,%d,%s,%d,%s\n", r + 1, ++case_id, age, sex, year, site);
            extract.cases_csv += line;
          }
        }
      }
    }
    extracts.push_back(std::move(extract));
  }
  return extracts;
}

}  // namespace medfed::synth
