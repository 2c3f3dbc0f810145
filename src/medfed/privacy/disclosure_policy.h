// A site's disclosure-control settings. Defaults follow the practice of the networks medfed is
// measured against (docs/privacy/disclosure-control.md): DataSHIELD's nfilter.glm, vantage6's
// minimum rows, OHDSI's minimum cell count, SEER's rule of 16 for rates.
#pragma once

#include <vector>

#include "medfed/privacy/dominance.h"

namespace medfed::privacy {

struct DisclosurePolicy {
  // No analysis runs on fewer rows than this at a site.
  int min_rows = 10;
  // Released counts 1 .. min_cell_count-1 are suppressed; GLM binary columns need this many of
  // each value at a site.
  int min_cell_count = 5;
  // A GLM is refused at a site when parameters > fraction * rows.
  double glm_max_parameter_fraction = 0.2;
  // Rates from fewer cases are suppressed (SEER publishes nothing under 16).
  int rate_min_count = 16;
  // Survival analyses need at least this many events at a site.
  int min_events = 5;
  // Event and censoring times are coarsened to this grid (same unit as the data) before
  // anything leaves the site; 0 keeps them exact.
  double time_resolution = 0;
  // A sum, mean or regression statistic is refused when its n largest contributions at a site
  // exceed k of the total (privacy/dominance.h).
  DominanceRule dominance;

  // The strictest combination of several sites' settings (the release must satisfy all).
  static DisclosurePolicy Strictest(const std::vector<DisclosurePolicy>& policies);
};

// A count is small when it is below the minimum, zero included: if 0 were shown while 1..min-1
// were hidden, the answer would tell a patient's absence from their presence (a membership
// oracle). A minimum of 1 switches the rule off.
inline bool IsSmallCount(double count, int minimum) { return minimum > 1 && count < minimum; }

}  // namespace medfed::privacy
