// The site side of the protocol: one site's data, policy and open study sessions. It answers
// SiteRequests with SiteResponses, whatever carries them (in-process threads or gRPC).
//
// The site enforces, on its own, everything that protects it: it masks every vector it sends,
// refuses a replayed or out-of-order sequence number, checks its access policy (analysis
// types, tables, columns) and its disclosure rules before masking, and never sends anything
// the hub could unmask alone. Sessions run concurrently; one session's messages are handled
// one at a time.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "medfed/analysis/engine/analysis.h"
#include "medfed/analysis/engine/analysis_spec.h"
#include "medfed/analysis/engine/reference_data.h"
#include "medfed/analysis/engine/site_data.h"
#include "medfed/crypto/certificates.h"
#include "medfed/crypto/dropout_tolerant_masking.h"
#include "medfed/crypto/secure_aggregation.h"
#include "medfed/federation/release_guard.h"
#include "medfed/governance/release_store.h"
#include "medfed/privacy/site_policy.h"
#include "medfed/v1/federation.pb.h"

namespace medfed::federation {

// Network mode: the site's certified key, with which it signs its session keys, and the CA
// that vouches for the other sites' keys.
struct SiteIdentity {
  crypto::Signer signer;
  std::string certificate_pem;
  std::string authority_pem;
};

struct SiteNodeOptions {
  // Reference data the site serves by hash, besides what a study carries (network mode: the
  // site's reference directory), and where it lives, for messages.
  analysis::ReferenceData::Lookup served_references;
  std::string served_from;
  // Called before a session opens (network mode: the study must be approved, the researcher
  // allowed, the ledger healthy); an error refuses the session.
  std::function<Status(const v1::StudyPlan&)> admit;
  std::shared_ptr<const SiteIdentity> identity;
  // Budgets spent and row sets released, per researcher (release_guard.h). Network mode keeps
  // them in the site's state directory; without one they last as long as the SiteNode.
  std::shared_ptr<governance::ReleaseStore> releases;
};

class SiteNode {
 public:
  SiteNode(std::shared_ptr<analysis::SiteData> data, privacy::SitePolicy policy, SiteNodeOptions options = {});

  const std::string& name() const { return data_->site(); }
  const privacy::SitePolicy& policy() const { return policy_; }
  v1::SiteResponse Handle(const v1::SiteRequest& request);
  // Drops every open session: the hub that opened them is gone (its connection ended), and a
  // restarted hub runs its studies again from the start under the same session ids. A session
  // still being opened when this runs is dropped too.
  void CloseAllSessions();

  // The message a site signs to bind its X25519 key to its name and a session.
  static std::string KeyBindingMessage(const std::string& session_id, const std::string& site,
                                       const std::string& public_key);

 private:
  struct Session {
    absl::Mutex mutex;  // one request of a session at a time
    v1::StudyPlan plan ABSL_GUARDED_BY(mutex);
    // One of the two: pairwise masking (on_dropout = "abort") or dropout-tolerant double masking
    // (on_dropout = "continue").
    std::unique_ptr<crypto::PairwiseMasker> masker ABSL_GUARDED_BY(mutex);
    std::unique_ptr<crypto::DoubleMasker> double_masker ABSL_GUARDED_BY(mutex);
    analysis::ReferenceData references ABSL_GUARDED_BY(mutex);  // read by the analyses as they open
    std::map<std::string, std::unique_ptr<analysis::SiteAnalysis>> analyses ABSL_GUARDED_BY(mutex);
    std::map<std::string, uint32_t> last_round ABSL_GUARDED_BY(mutex);  // analysis -> last round answered
    uint64_t last_sequence ABSL_GUARDED_BY(mutex) = 0;
    bool keys_agreed ABSL_GUARDED_BY(mutex) = false;
    // Who the releases go to: the researcher's certified name in network mode, "local" when
    // one process plays every site.
    std::string researcher ABSL_GUARDED_BY(mutex) = "local";
  };

  StatusOr<std::shared_ptr<Session>> Open(const v1::SiteRequest& request, v1::SessionOpened& opened);
  Status AcceptKeys(Session& session, const v1::KeyDirectory& keys) ABSL_EXCLUSIVE_LOCKS_REQUIRED(session.mutex);
  StatusOr<v1::RoundReply> Round(Session& session, uint64_t sequence, const v1::RoundRequest& round)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(session.mutex);
  StatusOr<v1::UnmaskReply> Unmask(Session& session, uint64_t sequence, const v1::UnmaskRequest& unmask)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(session.mutex);
  StatusOr<std::unique_ptr<analysis::SiteAnalysis>> CreateAnalysis(Session& session, const v1::AnalysisSpec& wire_spec,
                                                                   const std::string& session_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(session.mutex);

  std::shared_ptr<analysis::SiteData> data_;
  privacy::SitePolicy policy_;
  SiteNodeOptions options_;
  std::unique_ptr<ReleaseGuard> guard_;
  absl::Mutex mutex_ ABSL_ACQUIRED_AFTER(Session::mutex);
  std::map<std::string, std::shared_ptr<Session>> sessions_ ABSL_GUARDED_BY(mutex_);
  uint64_t generation_ ABSL_GUARDED_BY(mutex_) = 0;  // incremented by CloseAllSessions
};

}  // namespace medfed::federation
