// The hub's side of dropout-tolerant secure aggregation (crypto/dropout_tolerant_masking.h):
// it keeps the one-time mask material each site sent with its latest answer, relays to each
// participant of a round the others' material sealed to it, and after the round turns the
// survivors' masked vectors and the unmask answers into their sum.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "medfed/core/status.h"
#include "medfed/crypto/dropout_tolerant_masking.h"
#include "medfed/v1/federation.pb.h"

namespace medfed::federation {

class DropoutRecovery {
 public:
  DropoutRecovery(std::string session_id, int threshold) : session_id_(std::move(session_id)), threshold_(threshold) {}

  // The sites of the key directory (whose indexes the shares use).
  void SetSessionSites(std::vector<std::string> sites);
  // The material `site` sent with its latest answer; it replaces the site's earlier material.
  Status Record(const std::string& site, const v1::MaskMaterial& material);
  // Fills requests[i], the round request for participants[i]: the participants and the other
  // participants' material sealed to it. Remembers the material the round is masked with.
  Status Prepare(const std::vector<std::string>& participants, std::vector<v1::SiteRequest>& requests);
  // The sum over the survivors of masked round `round` (prepared last): `masked` are their
  // vectors, `dropped` the participants that sent none, `unmasked` the survivors' answers to the
  // unmask request (at least the threshold of them).
  StatusOr<std::vector<crypto::RingElement>> Recover(uint64_t round,
                                                     std::map<std::string, std::vector<crypto::RingElement>> masked,
                                                     const std::vector<std::string>& dropped,
                                                     const std::vector<v1::SiteResponse>& unmasked) const;

 private:
  std::string session_id_;
  int threshold_;
  std::vector<std::string> session_sites_;
  std::map<std::string, crypto::MaskMaterial> latest_;
  std::map<std::string, crypto::MaskMaterial> round_material_;  // what the prepared round uses
};

}  // namespace medfed::federation
