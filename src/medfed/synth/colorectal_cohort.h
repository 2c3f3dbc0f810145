// A seeded generator of realistic multi-hospital colorectal-cancer cohorts, modelled on the
// adjuvant-chemotherapy trial in R's survival::colon (Moertel 1990): three arms (Obs, Lev,
// Lev+5FU), stage, positive nodes, differentiation, obstruction, CEA, follow-up and death, with
// hospital-specific case mix and a few percent missing values. The output depends only on the
// options (DeterministicRandom), so the bundled CSVs, the tests and the R scripts that produced
// the golden numbers all see the same rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace medfed::synth {

struct CohortOptions {
  uint64_t seed = 20240501;
  std::vector<std::string> sites = {"hospital-a", "hospital-b", "hospital-c"};
  std::vector<size_t> rows = {1200, 900, 600};  // per site
  // Extra standard-normal covariates x1..xK (for benchmarks with many covariates).
  int extra_covariates = 0;
};

// One CSV text per site, with a header line. Columns:
//   id, city, age, sex, stage, rx, nodes, differ, obstruct, cea, bmi, time, status,
//   recurrence, visits, fu_years [, x1 ... xK], pseudonym
// `pseudonym` is a linkage key: some patients were treated at more than one hospital
// (ColorectalPerson), so that distinct_count and psi have overlaps to find.
std::vector<std::string> GenerateColorectalCohort(const CohortOptions& options);

// The person behind row `row` (0-based) of site `site`: equal numbers are the same patient.
uint64_t ColorectalPerson(const std::vector<size_t>& site_rows, size_t site, size_t row);

}  // namespace medfed::synth
