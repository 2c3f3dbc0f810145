// `kaplan_meier` with `privacy = {...}`: survival on the grid of `times`, from one noised round
// (docs/privacy/differential-privacy.md).
//
// The exact curve needs each site's distinct event times, which a noised analysis must not
// reveal. Here the sites count, per stratum, the events and the censorings in each interval of
// the grid [0, t1], (t1, t2], ..., (tK, inf): every person is one event or one censoring in one
// interval, so all counts are one noise group of sensitivity 1. The hub derives the numbers at
// risk from the noised counts and estimates survival at each grid time by the actuarial method
// (withdrawals count half, as a life table), with intervals on the log scale whose variance adds
// the noise to Greenwood's. The schema round releases no count.
#pragma once

#include <memory>

#include "medfed/analysis/engine/analysis.h"
#include "medfed/analysis/engine/analysis_spec.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/table/formula.h"

namespace medfed::analysis {

// Checks that a noised fit has a grid: `times`, ascending and positive.
Status ValidateNoisedKaplanMeier(const AnalysisSpec& spec);

StatusOr<std::unique_ptr<SiteAnalysis>> CreateNoisedKaplanMeierSite(const AnalysisSpec& spec, SiteContext& context,
                                                                    table::Formula formula);
StatusOr<std::unique_ptr<HubAnalysis>> CreateNoisedKaplanMeierHub(const AnalysisSpec& spec, const HubContext& context,
                                                                  table::Formula formula,
                                                                  std::vector<std::string> names);

}  // namespace medfed::analysis
