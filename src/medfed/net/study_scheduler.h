// The hub's study lifecycle: a researcher's signed submission is recorded and sent to its sites
// for review; the sites' decisions are kept; a study every site approved waits for its sites to
// be connected and then runs with the round engine over their streams (at most
// max_concurrent_studies at once); its progress, results and failure are published on the study
// board for the researchers following it. Each step is a ledger entry.
//
// No gRPC here: the service (hub_service.h) turns calls into these methods and streams the board.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "medfed/core/status.h"
#include "medfed/governance/study_store.h"
#include "medfed/net/daemon_config.h"
#include "medfed/net/identity.h"
#include "medfed/net/ledger_replicator.h"
#include "medfed/net/reference_directory.h"
#include "medfed/net/site_link.h"
#include "medfed/net/study_board.h"
#include "medfed/v1/network.pb.h"

namespace medfed::net {

class StudyScheduler {
 public:
  // `references`: the hub's reference directory (null: it serves none).
  StudyScheduler(const HubConfig& config, const NetworkIdentity& identity, governance::StudyStore& studies,
                 SiteDirectory& sites, LedgerReplicator& ledger, std::shared_ptr<ReferenceDirectory> references);
  ~StudyScheduler();
  StudyScheduler(const StudyScheduler&) = delete;
  StudyScheduler& operator=(const StudyScheduler&) = delete;

  // Starts the scheduling thread; Stop() ends it (no study starts after it returns).
  void Start();
  void Stop();
  // Waits until no study runs (they fail fast once their sites' links are closed); false if
  // some still ran at the timeout.
  bool AwaitIdle(absl::Duration timeout);

  // Records a verified submission and sends it to its connected sites for review; returns the
  // study's id. The same signed submission again returns the same id.
  StatusOr<std::string> Submit(const v1::SubmitRequest& request, const Caller& caller);
  // Sends a site every study that awaits its decision (on connect, and on a new submission).
  void SendReviews(const std::shared_ptr<SiteLink>& link);
  void OnDecision(const std::string& site, const v1::ReviewDecision& decision);
  // A site's steward resolved a handle of one of the site's studies: recorded in the ledger.
  void OnResolution(const std::string& site, const v1::HandleResolution& resolution);
  // Something changed that may let a waiting study start (a site connected).
  void Wake();

  // A study's channel of events; a study from before a restart gets its story from the store.
  std::shared_ptr<StudyChannel> ChannelFor(const governance::StudyRecord& study);
  // Where a study's analyses write their files.
  std::string StudyDirectory(const std::string& study_id) const;
  bool stopping() const { return stopping_; }

 private:
  void Loop();
  bool Woken() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return wake_ || stopping_; }
  bool Idle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return running_.empty(); }
  // Starts `study` if its sites are connected and a slot is free; fails it if its sites stayed
  // away longer than a round's timeout. Returns false when no slot is free.
  bool TryStart(governance::StudyRecord study);
  void Run(governance::StudyRecord study);
  Status SaveAndPublish(governance::StudyRecord& study, v1::StudyEvent event, bool finished);
  // What the hub halves read: the study's carried files, and the hub's directory.
  analysis::ReferenceData HubReferences(std::vector<analysis::ReferenceFile> carried) const;

  const HubConfig& config_;
  const NetworkIdentity& identity_;
  governance::StudyStore& studies_;
  SiteDirectory& sites_;
  LedgerReplicator& ledger_;
  const std::shared_ptr<ReferenceDirectory> references_;
  StudyBoard board_;
  std::atomic<bool> stopping_{false};  // read without the lock by followers and the loop

  // One decision at a time: each is a read-modify-write of a study in the store.
  absl::Mutex decision_mutex_;
  absl::Mutex mutex_;
  std::set<std::string> running_ ABSL_GUARDED_BY(mutex_);
  // Approved studies waiting for a site to connect, since when.
  std::map<std::string, std::chrono::steady_clock::time_point> waiting_since_ ABSL_GUARDED_BY(mutex_);
  bool wake_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread loop_;
};

}  // namespace medfed::net
