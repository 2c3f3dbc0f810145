// What a site checks, across analyses and studies, before a contribution is masked and sent:
//
//   1. Differencing: the rows behind the release must not differ from the rows behind an
//      earlier release to the same researcher by 1 .. min_rows-1 rows (two aggregates over sets
//      that differ by a few rows give those rows' aggregate away: DataSHIELD's dsBase#251).
//      Identical row sets are allowed: repeating a query reveals nothing new. Noised releases
//      are neither checked nor recorded: their noise, charged to the budget, bounds what any
//      combination of releases tells about one patient.
//   2. The privacy budget: a noised release charges the researcher's budget at this site
//      (zCDP rho); one that would overspend is refused, saying how much is left.
//   3. Its share of the noise: discrete Gaussian draws added to the requested coordinates.
//
// Everything is kept in the site's own ReleaseStore and never leaves the site.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "medfed/analysis/engine/analysis.h"
#include "medfed/analysis/engine/site_data.h"
#include "medfed/governance/release_store.h"
#include "medfed/privacy/discrete_gaussian.h"
#include "medfed/privacy/site_policy.h"

namespace medfed::federation {

class ReleaseGuard {
 public:
  ReleaseGuard(std::shared_ptr<governance::ReleaseStore> store, std::shared_ptr<analysis::SiteData> data,
               const privacy::SitePolicy& policy)
      : store_(std::move(store)), data_(std::move(data)), policy_(policy) {}

  // A refusal, or nullopt with the noise added to `contribution`. `what` names the release for
  // the budget's record ("study S analysis A"); `sites` is the number of sites of the study.
  StatusOr<std::optional<analysis::Refusal>> Admit(const std::string& researcher, const std::string& what, int sites,
                                                   analysis::Contribution& contribution);

 private:
  std::shared_ptr<governance::ReleaseStore> store_;
  std::shared_ptr<analysis::SiteData> data_;
  const privacy::SitePolicy& policy_;
  absl::Mutex sampler_mutex_;
  privacy::DiscreteGaussianSampler sampler_ ABSL_GUARDED_BY(sampler_mutex_);
};

}  // namespace medfed::federation
