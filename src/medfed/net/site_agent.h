// The site daemon (`medfed site serve`): connects out to the hub over mutual TLS and keeps the
// stream open (reconnecting with backoff), answers study sessions with its SiteNode, reviews
// submitted studies against its policy (recording them in its approval book for a person to
// decide, or deciding by policy), and keeps its replica of the ledger, countersigning every
// tree head it accepts. Contact requests for matched patients wait for its steward
// (`medfed site contacts`), always: a contact discloses one patient. It never runs a session that is not an approved
// study, signed by a researcher its policy accepts, with exactly the approved plan.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "medfed/core/status.h"
#include "medfed/federation/site_node.h"
#include "medfed/governance/approvals.h"
#include "medfed/governance/contact_book.h"
#include "medfed/governance/ledger.h"
#include "medfed/governance/resolution_book.h"
#include "medfed/governance/sqlite_database.h"
#include "medfed/net/daemon_config.h"
#include "medfed/net/identity.h"
#include "medfed/net/reference_directory.h"
#include "medfed/net/submission.h"
#include "medfed/v1/network.grpc.pb.h"

namespace medfed::net {

class SiteAgent {
 public:
  static StatusOr<std::unique_ptr<SiteAgent>> Create(const SiteDaemonConfig& config);
  ~SiteAgent();

  // Serves until Stop(): connects, reconnects after failures.
  void Run();
  void Stop();

 private:
  using Stream = grpc::ClientReaderWriter<v1::Frame, v1::Frame>;
  explicit SiteAgent(SiteDaemonConfig config) : config_(std::move(config)) {}

  Status Serve();  // one connection, until it ends
  Status Send(const v1::SiteToHub& message);
  void HandleReview(const v1::ReviewRequest& review);
  // A contact request for a matched patient: recorded for the steward, or refused at once (not
  // this site's, a researcher the policy does not accept, a handle naming none of its patients).
  void HandleContact(const v1::ContactReview& review);
  // Sends the hub a decided contact request's answer, signed by the site.
  Status ReportContact(const governance::ContactRecord& record);
  void HandleLedger(const v1::LedgerUpdate& update);
  void HandleHello(const v1::HubHello& hello);
  void ReportDecisions();
  void WorkerLoop();
  Status Admit(const v1::StudyPlan& plan);
  // Why the policy refuses a study ("" if it allows it).
  std::string PolicyRefusal(const VerifiedSubmission& verified) const;

  SiteDaemonConfig config_;
  NetworkIdentity identity_;
  std::shared_ptr<federation::SiteIdentity> site_identity_;
  std::unique_ptr<governance::SqliteDatabase> database_;
  std::unique_ptr<governance::Ledger> ledger_;
  std::unique_ptr<governance::ApprovalBook> approvals_;
  std::unique_ptr<governance::ResolutionBook> resolutions_;
  std::unique_ptr<governance::ContactBook> contacts_;
  std::unique_ptr<federation::SiteNode> node_;
  std::shared_ptr<ReferenceDirectory> references_;  // null: serves none
  std::shared_ptr<analysis::SiteData> data_;

  bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(work_mutex_) { return stopping_ || !work_.empty(); }

  absl::Mutex stream_mutex_ ABSL_ACQUIRED_BEFORE(work_mutex_);
  Stream* stream_ ABSL_GUARDED_BY(stream_mutex_) = nullptr;  // the hub connection, while there is one
  grpc::ClientContext* context_ ABSL_GUARDED_BY(stream_mutex_) = nullptr;
  uint64_t next_message_id_ ABSL_GUARDED_BY(stream_mutex_) = 1;
  std::string hub_certificate_ ABSL_GUARDED_BY(stream_mutex_);

  absl::Mutex work_mutex_;
  std::deque<v1::SiteRequest> work_ ABSL_GUARDED_BY(work_mutex_);
  std::vector<std::thread> workers_;
  std::thread decisions_;
  std::atomic<bool> stopping_{false};
};

}  // namespace medfed::net
