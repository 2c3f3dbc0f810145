// The hub daemon (`medfed hub serve`), put together from four parts:
//   HubService       the gRPC service sites connect to and researchers submit to (hub_service.h)
//   StudyScheduler   the persistent study queue: reviews, decisions, running approved studies
//                    over the sites' streams with the round engine (study_scheduler.h)
//   LedgerReplicator the ledger the hub appends to and replicates to every site
//                    (ledger_replicator.h)
//   ContactDesk      researchers' contact requests for matched patients, relayed to the sites and
//                    answered sealed (contact_desk.h)
// This class owns them, their shared state (the database, the connected sites) and their order
// of starting and stopping.
//
// The hub never sees a row or a single site's summary: it relays key-agreement messages and
// adds masked vectors (docs/threat-model.md). Studies run concurrently (max_concurrent_studies);
// a study whose site is missing or dies fails with the site named, and the hub keeps serving.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>

#include "medfed/core/status.h"
#include "medfed/governance/contact_book.h"
#include "medfed/governance/ledger.h"
#include "medfed/governance/sqlite_database.h"
#include "medfed/governance/study_store.h"
#include "medfed/net/daemon_config.h"
#include "medfed/net/hub_service.h"
#include "medfed/net/identity.h"
#include "medfed/net/ledger_replicator.h"
#include "medfed/net/site_link.h"
#include "medfed/net/study_scheduler.h"

namespace medfed::net {

class HubServer {
 public:
  static StatusOr<std::unique_ptr<HubServer>> Start(const HubConfig& config);
  ~HubServer();
  HubServer(const HubServer&) = delete;
  HubServer& operator=(const HubServer&) = delete;

  int port() const { return port_; }
  void Wait();
  void Shutdown();

 private:
  explicit HubServer(HubConfig config);

  // Declared in the order they are built; destroyed in reverse.
  HubConfig config_;
  NetworkIdentity identity_;
  std::unique_ptr<crypto::Signer> signer_;
  std::unique_ptr<governance::SqliteDatabase> database_;
  std::unique_ptr<governance::Ledger> ledger_;
  std::unique_ptr<governance::StudyStore> studies_;
  SiteDirectory sites_;
  std::unique_ptr<LedgerReplicator> replicator_;
  std::unique_ptr<StudyScheduler> scheduler_;
  std::unique_ptr<governance::ContactBook> contacts_;
  std::unique_ptr<ContactDesk> contact_desk_;
  std::unique_ptr<HubService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace medfed::net
