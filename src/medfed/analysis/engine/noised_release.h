// Pieces shared by the analyses that can release noised results (`privacy = { epsilon = 1.0,
// delta = 1e-6 }`; docs/privacy/differential-privacy.md): the key, its checks, the noise both
// halves agree on, and how a result says it is noised.
#pragma once

#include <optional>
#include <vector>

#include "medfed/analysis/engine/analysis_spec.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/privacy/differential_privacy.h"

namespace medfed::analysis {

// The `privacy` key of an analysis' definition.
KeySpec PrivacyKeySpec();

// The analysis' privacy target, nullopt without the key; errors name the bad setting.
StatusOr<std::optional<privacy::PrivacyTarget>> PrivacyTargetOf(const AnalysisSpec& spec);

// The noise request a site attaches to its contribution.
// `share` and `charge` as in NoiseRequest (analysis.h), for releases that span rounds.
NoiseRequest MakeNoiseRequest(std::vector<privacy::NoiseGroup> groups, const privacy::PrivacyTarget& target,
                              double share = 1, double charge = 1);

// What the hub reports: the pooled noise of each group, from the same calibration the sites
// used (deterministic in the groups, the target, the number of sites and the share).
StatusOr<privacy::NoiseCalibration> PooledNoise(const std::vector<privacy::NoiseGroup>& groups,
                                                const privacy::PrivacyTarget& target, size_t sites, double share = 1);

// {"mechanism", "epsilon", "delta", "rho", "sites"} plus a note, for a noised result.
Json PrivacyJson(const privacy::PrivacyTarget& target, size_t sites);

// The two-sided 95% normal quantile, for intervals that include the noise.
constexpr double kNormal975 = 1.959963984540054;

}  // namespace medfed::analysis
