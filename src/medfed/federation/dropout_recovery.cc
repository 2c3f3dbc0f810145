#include "medfed/federation/dropout_recovery.h"

#include <algorithm>

#include "medfed/federation/wire.h"

namespace medfed::federation {

void DropoutRecovery::SetSessionSites(std::vector<std::string> sites) {
  std::sort(sites.begin(), sites.end());
  session_sites_ = std::move(sites);
}

Status DropoutRecovery::Record(const std::string& site, const v1::MaskMaterial& material) {
  ASSIGN_OR_RETURN(crypto::MaskMaterial parsed, FromWire(material, site));
  latest_[site] = std::move(parsed);
  return absl::OkStatus();
}

Status DropoutRecovery::Prepare(const std::vector<std::string>& participants, std::vector<v1::SiteRequest>& requests) {
  round_material_.clear();
  for (const auto& site : participants) {
    auto found = latest_.find(site);
    if (found == latest_.end()) return DataLoss("site " + site + " sent no mask material with its last answer");
    round_material_[site] = found->second;
  }
  for (size_t i = 0; i < participants.size(); ++i) {
    v1::RoundRequest* round = requests[i].mutable_round();
    for (const auto& site : participants) round->add_participants(site);
    for (const auto& [from, material] : round_material_) {
      if (from == participants[i]) continue;
      auto sealed = material.sealed.find(participants[i]);
      if (sealed == material.sealed.end()) {
        return DataLoss("site " + from + " sent no mask shares for site " + participants[i]);
      }
      (*round->mutable_shares())[from] = sealed->second;
    }
  }
  return absl::OkStatus();
}

StatusOr<std::vector<crypto::RingElement>> DropoutRecovery::Recover(
    uint64_t round, std::map<std::string, std::vector<crypto::RingElement>> masked,
    const std::vector<std::string>& dropped, const std::vector<v1::SiteResponse>& unmasked) const {
  crypto::SurvivorSumInputs inputs;
  inputs.session_id = session_id_;
  inputs.round = round;
  inputs.threshold = threshold_;
  inputs.session_sites = session_sites_;
  inputs.material = round_material_;
  inputs.masked = std::move(masked);
  inputs.dropped = dropped;
  for (const auto& response : unmasked) {
    ASSIGN_OR_RETURN(inputs.revealed[response.site()], FromWire(response.unmasked(), response.site()));
  }
  return crypto::RecoverSurvivorSum(inputs);
}

}  // namespace medfed::federation
