// The site side of the protocol: one site's data, policy and open study sessions. It answers
// SiteRequests with SiteResponses, whatever carries them (in-process threads or gRPC).
//
// The site enforces, on its own, everything that protects it: it masks every vector it sends,
// refuses a replayed or out-of-order sequence number, runs its policy checks before masking,
// and never sends anything the hub could unmask alone.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "medfed/analysis/analysis.h"
#include "medfed/analysis/analysis_spec.h"
#include "medfed/analysis/site_data.h"
#include "medfed/crypto/secure_aggregation.h"
#include "medfed/privacy/disclosure_policy.h"
#include "medfed/v1/federation.pb.h"

namespace medfed {

class SiteNode {
 public:
  SiteNode(std::shared_ptr<SiteData> data, DisclosurePolicy policy);

  const std::string& name() const { return data_->site(); }
  v1::SiteResponse Handle(const v1::SiteRequest& request);

 private:
  struct Session {
    v1::StudyPlan plan;
    std::unique_ptr<crypto::PairwiseMasker> masker;
    std::map<std::string, std::unique_ptr<SiteAnalysis>> analyses;
    uint64_t last_sequence = 0;
    bool keys_agreed = false;
  };

  StatusOr<v1::SessionOpened> Open(const v1::SiteRequest& request);
  Status AcceptKeys(Session& session, const v1::KeyDirectory& keys);
  StatusOr<v1::RoundReply> Round(Session& session, uint64_t sequence, const v1::RoundRequest& round);

  std::shared_ptr<SiteData> data_;
  DisclosurePolicy policy_;
  std::mutex mutex_;
  std::map<std::string, Session> sessions_;
};

}  // namespace medfed
