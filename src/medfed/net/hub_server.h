// The hub daemon (`medfed hub serve`): the gRPC service sites connect to and researchers submit
// to, the persistent study queue, the scheduler that runs approved studies over the sites'
// streams with the round engine, and the ledger it appends to and replicates to every site.
//
// The hub never sees a row or a single site's summary: it relays key-agreement messages and
// adds masked vectors (docs/threat-model.md). Studies run concurrently (max_concurrent_studies);
// a study whose site is missing or dies fails with the site named, and the hub keeps serving.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "medfed/core/status.h"
#include "medfed/governance/ledger.h"
#include "medfed/governance/sqlite_database.h"
#include "medfed/governance/study_store.h"
#include "medfed/net/daemon_config.h"
#include "medfed/net/identity.h"
#include "medfed/net/site_link.h"
#include "medfed/net/study_board.h"
#include "medfed/v1/network.grpc.pb.h"

namespace medfed::net {

class HubServer {
 public:
  static StatusOr<std::unique_ptr<HubServer>> Start(const HubConfig& config);
  ~HubServer();

  int port() const { return port_; }
  void Wait();
  void Shutdown();

 private:
  class Service;
  friend class Service;

  explicit HubServer(HubConfig config);

  // Sites.
  void OnSiteConnected(const std::shared_ptr<SiteLink>& link);
  void OnSiteMessage(const std::shared_ptr<SiteLink>& link, v1::SiteToHub message);
  void OnDecision(const std::string& site, const v1::ReviewDecision& decision);
  void SendReviews(const std::shared_ptr<SiteLink>& link);

  // Researchers.
  StatusOr<std::string> Submit(const v1::SubmitRequest& request, const Caller& caller);
  // Streams the study's events (and at the end its results and files) to a researcher.
  grpc::Status Follow(grpc::ServerContext* context, const std::string& study_id,
                      grpc::ServerWriter<v1::StudyEvent>* writer);
  std::shared_ptr<StudyChannel> ChannelFor(const StudyRecord& study);

  // Studies.
  void SchedulerLoop();
  void RunStudy(StudyRecord study);
  Status SaveAndPublish(StudyRecord& study, v1::StudyEvent event, bool finished);
  std::string StudyDirectory(const std::string& study_id) const;

  // Ledger.
  void Record(nlohmann::ordered_json entry);
  void LedgerLoop();
  void PushLedger(const std::shared_ptr<SiteLink>& link);

  HubConfig config_;
  NetworkIdentity identity_;
  std::unique_ptr<crypto::Signer> signer_;
  std::unique_ptr<SqliteDatabase> database_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<StudyStore> studies_;
  SiteDirectory sites_;
  StudyBoard board_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;

  std::mutex decision_mutex_;  // one decision at a time: a study's read-modify-write
  std::mutex mutex_;           // guards running_, waiting_since_, the links' ledger state, the wake flags
  std::condition_variable wake_scheduler_, wake_ledger_;
  std::set<std::string> running_;
  std::map<std::string, std::chrono::steady_clock::time_point> waiting_since_;
  std::thread scheduler_, ledger_pusher_;
  bool ledger_dirty_ = false;
  std::atomic<bool> stopping_{false};
};

}  // namespace medfed::net
