#include "medfed/privacy/disclosure_policy.h"

#include <algorithm>

namespace medfed::privacy {

DisclosurePolicy DisclosurePolicy::Strictest(const std::vector<DisclosurePolicy>& policies) {
  if (policies.empty()) return DisclosurePolicy();
  DisclosurePolicy strictest = policies.front();
  for (const auto& policy : policies) {
    strictest.min_rows = std::max(strictest.min_rows, policy.min_rows);
    strictest.min_cell_count = std::max(strictest.min_cell_count, policy.min_cell_count);
    strictest.glm_max_parameter_fraction =
        std::min(strictest.glm_max_parameter_fraction, policy.glm_max_parameter_fraction);
    strictest.rate_min_count = std::max(strictest.rate_min_count, policy.rate_min_count);
    strictest.min_events = std::max(strictest.min_events, policy.min_events);
    strictest.time_resolution = std::max(strictest.time_resolution, policy.time_resolution);
    strictest.dominance.n = std::max(strictest.dominance.n, policy.dominance.n);
    strictest.dominance.k = std::min(strictest.dominance.k, policy.dominance.k);
  }
  return strictest;
}

}  // namespace medfed::privacy
