// `summary` with `privacy = {...}` and clipping `bounds = { age = [0, 100] }`: n, missing,
// mean, sd and quartiles from one noised round (docs/privacy/differential-privacy.md).
//
// Each value is clipped to its variable's bounds [L, U], so one person moves a sum by at most
// max(|L|, |U|). Sums travel on a grid of 1/1024 of that bound, reached by unbiased random
// rounding, so each sum's sensitivity is 1024 grid units whatever the bounds; the sum of squares
// likewise on a grid of max(L^2, U^2)/1024. Per variable, four noise groups: (n, missing), the
// sum, the sum of squares, and a 32-bin histogram over [L, U] from which the quartiles are read
// by linear interpolation. Nothing is released exactly; the exact order statistics of the plain
// summary are not available under differential privacy.
#pragma once

#include <memory>

#include "medfed/analysis/engine/analysis.h"
#include "medfed/analysis/engine/analysis_spec.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/table/expression.h"

namespace medfed::analysis {

// Checks `bounds` against `variables` (every variable bounded, L < U, finite).
Status ValidateNoisedSummary(const AnalysisSpec& spec, const std::vector<std::string>& labels);

StatusOr<std::unique_ptr<SiteAnalysis>> CreateNoisedSummarySite(const AnalysisSpec& spec, SiteContext& context,
                                                                std::shared_ptr<const table::Table> table,
                                                                std::vector<table::Expression> variables);
StatusOr<std::unique_ptr<HubAnalysis>> CreateNoisedSummaryHub(const AnalysisSpec& spec, const HubContext& context,
                                                              std::vector<std::string> labels);

}  // namespace medfed::analysis
