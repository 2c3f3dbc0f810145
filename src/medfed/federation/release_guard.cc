#include "medfed/federation/release_guard.h"

#include <cmath>

namespace medfed::federation {

StatusOr<std::optional<analysis::Refusal>> ReleaseGuard::Admit(const std::string& researcher, const std::string& what,
                                                               int sites, analysis::Contribution& contribution) {
  const std::string& site = data_->site();
  const int min_rows = policy_.disclosure.min_rows;
  // A noised release needs no differencing guard: the noise bounds what any pair of releases
  // tells about one patient (that is what the budget accounts for). Exact releases are guarded.
  const bool exact = !contribution.noise.has_value();
  // Each row set is keyed by its table's file and that file's SHA-256 (one version of its rows).
  std::vector<std::string> keys;
  for (const auto& released : exact ? contribution.released_rows : std::vector<analysis::ReleasedRows>()) {
    keys.push_back(released.table + "@" + data_->DigestOfSource(released.table));
  }
  for (size_t r = 0; r < keys.size(); ++r) {
    const analysis::ReleasedRows& released = contribution.released_rows[r];
    ASSIGN_OR_RETURN(std::optional<uint64_t> difference,
                     store_->SmallestDifference(researcher, keys[r], *released.rows, released.table_rows));
    if (difference && privacy::IsSmallCount(static_cast<double>(*difference), min_rows)) {
      // The reason names the rule, never the size of the difference.
      return analysis::Refusal{"differencing",
                               "site " + site +
                                   ": the rows of this analysis differ from the rows of an earlier "
                                   "release to this researcher by fewer than " +
                                   std::to_string(min_rows) +
                                   " (min_rows); together the two would describe those few patients (differencing)"};
    }
  }
  if (contribution.noise) {
    const analysis::NoiseRequest& noise = *contribution.noise;
    if (!(noise.share > 0 && noise.share <= 1) || !(noise.charge >= 0 && noise.charge <= 1)) {
      return Internal("a noise request's share and charge must be fractions of its target");
    }
    const double rho = privacy::ZcdpForApproximateDp(noise.target);
    const double budget = privacy::ZcdpForApproximateDp(policy_.privacy_budget);
    if (noise.charge > 0) {
      ASSIGN_OR_RETURN(governance::ReleaseStore::Charge charge,
                       store_->ChargeBudget(researcher, what, noise.charge * rho, budget));
      if (!charge.granted) {
        const double left = std::max(0.0, budget - charge.spent_before);
        return analysis::Refusal{
            "privacy_budget",
            "site " + site + ": researcher " + researcher + " has " +
                privacy::DescribePrivacy(left, policy_.privacy_budget.delta) + " left of this site's budget (" +
                privacy::DescribePrivacy(budget, policy_.privacy_budget.delta) + "); this analysis needs " +
                privacy::DescribePrivacy(noise.charge * rho, noise.target.delta) + " (privacy_budget)"};
      }
      contribution.disclosed[analysis::kBudgetLeftKey] = {privacy::DescribePrivacy(
          std::max(0.0, budget - charge.spent_before - noise.charge * rho), policy_.privacy_budget.delta)};
    }
    ASSIGN_OR_RETURN(privacy::NoiseCalibration calibration,
                     privacy::CalibrateDistributedNoise(noise.groups, noise.share * rho, sites));
    absl::MutexLock lock(&sampler_mutex_);
    for (size_t g = 0; g < noise.groups.size(); ++g) {
      const privacy::NoiseGroup& group = noise.groups[g];
      const size_t stride = std::max<size_t>(1, group.stride);
      if (group.count > 0 && group.first + (group.count - 1) * stride >= contribution.values.size()) {
        return Internal("noise group beyond the contribution (" + std::to_string(contribution.values.size()) +
                        " values)");
      }
      for (size_t k = 0; k < group.count; ++k) {
        double& value = contribution.values[group.first + k * stride];
        if (value != std::nearbyint(value) || std::fabs(value) > 9e15) {
          return Internal("a noised coordinate is not an integer");
        }
        ASSIGN_OR_RETURN(int64_t draw, sampler_.Sample(calibration.site_variance[g]));
        value += static_cast<double>(draw);
      }
    }
  }
  for (size_t r = 0; r < keys.size(); ++r) {
    const analysis::ReleasedRows& released = contribution.released_rows[r];
    RETURN_IF_ERROR(store_->RecordRows(researcher, keys[r], *released.rows, released.table_rows));
  }
  return std::optional<analysis::Refusal>();
}

}  // namespace medfed::federation
