#include "medfed/analysis/engine/noised_release.h"

namespace medfed::analysis {

KeySpec PrivacyKeySpec() {
  return {"privacy", KeyKind::kTable, false,
          "differential privacy: { epsilon = 1.0, delta = 1e-6 }, noise added by the sites, charged to your "
          "budget at each site"};
}

StatusOr<std::optional<privacy::PrivacyTarget>> PrivacyTargetOf(const AnalysisSpec& spec) {
  if (!spec.Has("privacy")) return std::optional<privacy::PrivacyTarget>();
  const Json& keys = spec.keys().at("privacy");
  privacy::PrivacyTarget target;
  for (const auto& [name, value] : keys.items()) {
    if (name != "epsilon" && name != "delta") {
      return InvalidArgument("privacy has no key \"" + name.substr(0, 64) + "\"; it takes epsilon and delta");
    }
    if (!value.is_number()) return InvalidArgument("privacy." + name + " must be a number");
    (name == "epsilon" ? target.epsilon : target.delta) = value.get<double>();
  }
  if (!keys.contains("epsilon") || !keys.contains("delta")) {
    return InvalidArgument("privacy needs both epsilon and delta, e.g. privacy = { epsilon = 1.0, delta = 1e-6 }");
  }
  RETURN_IF_ERROR(privacy::ValidatePrivacyTarget(target));
  return std::optional<privacy::PrivacyTarget>(target);
}

NoiseRequest MakeNoiseRequest(std::vector<privacy::NoiseGroup> groups, const privacy::PrivacyTarget& target,
                              double share, double charge) {
  NoiseRequest request;
  request.groups = std::move(groups);
  request.target = target;
  request.share = share;
  request.charge = charge;
  return request;
}

StatusOr<privacy::NoiseCalibration> PooledNoise(const std::vector<privacy::NoiseGroup>& groups,
                                                const privacy::PrivacyTarget& target, size_t sites, double share) {
  return privacy::CalibrateDistributedNoise(groups, share * privacy::ZcdpForApproximateDp(target),
                                            static_cast<int>(sites));
}

Json PrivacyJson(const privacy::PrivacyTarget& target, size_t sites) {
  Json privacy;
  privacy["mechanism"] = "distributed discrete Gaussian";
  privacy["epsilon"] = target.epsilon;
  privacy["delta"] = target.delta;
  privacy["rho"] = privacy::ZcdpForApproximateDp(target);
  privacy["sites"] = sites;
  privacy["note"] =
      "noised: each site added its share of discrete Gaussian noise before secure aggregation; "
      "the stated privacy holds even if the hub and any one site collude; intervals include the noise";
  return privacy;
}

}  // namespace medfed::analysis
