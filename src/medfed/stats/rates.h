// Incidence and mortality rates as SEER*Stat computes them (docs/protocols/rates.md):
// crude rates and rates age-adjusted by direct standardisation to a standard population,
// with gamma confidence intervals: Fay & Feuer (1997) for the lower limit and the
// Tiwari, Clegg & Zou (2006) modification for the upper limit (SEER*Stat's "Tiwari" option;
// asht::wspoissonTest(wmtype = "tcz") in R).
#pragma once

#include <string>
#include <vector>

#include "medfed/core/status.h"

namespace medfed::stats {

struct StandardPopulation {
  std::string name;
  std::string description;
  std::vector<double> lower_bounds;  // age at the start of each group, ascending, first 0
  std::vector<double> population;
};

// "us2000" (19 groups, Census P25-1130), "segi1960" (18 groups, world), "china2000"
// (19 groups, 2000 census of China).
StatusOr<const StandardPopulation*> FindStandardPopulation(const std::string& name);
std::vector<std::string> StandardPopulationNames();

// Age groups shared by the data and the standard: the data's group boundaries and the
// standard's are intersected; both are then collapsed onto the common groups.
struct AgeAlignment {
  std::vector<double> lower_bounds;         // common groups
  std::vector<size_t> data_to_common;       // data group -> common group
  std::vector<double> standard_population;  // per common group
};
StatusOr<AgeAlignment> AlignAgeGroups(const std::vector<double>& data_lower_bounds, const StandardPopulation& standard);

// Parses an age-group label ("00", "0", "01-04", "1-4", "85+", "85 +", "85-89") or a number
// to the lower bound of its group.
StatusOr<double> AgeGroupLowerBound(const std::string& label);

struct RateEstimate {
  double cases = 0;
  double population = 0;
  double rate = 0;
  double std_error = 0;
  double lower = 0;
  double upper = 0;
};

// Crude rate per `per` with exact Poisson limits (the gamma interval with one age group).
RateEstimate CrudeRate(double cases, double population, double per, double confidence = 0.95);

// Age-adjusted rate: sum_i (cases_i / population_i) * per * standard_i / sum(standard).
// Groups with zero population and zero cases contribute nothing; zero population with
// cases is an error.
StatusOr<RateEstimate> AgeAdjustedRate(const std::vector<double>& cases, const std::vector<double>& population,
                                       const std::vector<double>& standard, double per, double confidence = 0.95);

}  // namespace medfed::stats
