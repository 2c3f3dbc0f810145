// The hub's gRPC face (proto/medfed/v1/network.proto, service Hub). Every call is authenticated
// by its client certificate: only sites open a site stream, only researchers submit and watch,
// and a researcher watches only their own studies. A site's stream is read here and its
// messages routed: responses to the round waiting for them, decisions to the scheduler, ledger
// hellos and acknowledgements to the replicator, answers to contact requests to the contact desk. A researcher
// following a study gets its events and, at the end, its results and files.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>

#include "medfed/core/status.h"
#include "medfed/governance/study_store.h"
#include "medfed/net/contact_desk.h"
#include "medfed/net/daemon_config.h"
#include "medfed/net/identity.h"
#include "medfed/net/ledger_replicator.h"
#include "medfed/net/site_link.h"
#include "medfed/net/study_scheduler.h"
#include "medfed/v1/network.grpc.pb.h"

namespace medfed::net {

class HubService final : public v1::Hub::Service {
 public:
  HubService(const HubConfig& config, const NetworkIdentity& identity, governance::StudyStore& studies,
             SiteDirectory& sites, StudyScheduler& scheduler, LedgerReplicator& ledger, ContactDesk& contacts);

  // Ends site streams and researchers' follows at their next message or poll.
  void Stop() { stopping_ = true; }

  grpc::Status Connect(grpc::ServerContext* context, grpc::ServerReaderWriter<v1::Frame, v1::Frame>* stream) override;
  grpc::Status Submit(grpc::ServerContext* context, const v1::SubmitRequest* request,
                      grpc::ServerWriter<v1::StudyEvent>* writer) override;
  grpc::Status Watch(grpc::ServerContext* context, const v1::WatchRequest* request,
                     grpc::ServerWriter<v1::StudyEvent>* writer) override;
  grpc::Status RequestContact(grpc::ServerContext* context, const v1::SignedContactRequest* request,
                              v1::ContactStatus* status) override;
  grpc::Status GetContact(grpc::ServerContext* context, const v1::ContactLookup* lookup,
                          v1::ContactStatus* status) override;

 private:
  void OnSiteConnected(const std::shared_ptr<SiteLink>& link);
  void OnSiteMessage(const std::shared_ptr<SiteLink>& link, v1::SiteToHub message);
  StatusOr<Caller> Researcher(const grpc::ServerContext& context);
  // Streams the study's events, and at the end its results and the files its analyses wrote.
  grpc::Status Follow(grpc::ServerContext* context, const std::string& study_id,
                      grpc::ServerWriter<v1::StudyEvent>* writer);

  const HubConfig& config_;
  const NetworkIdentity& identity_;
  governance::StudyStore& studies_;
  SiteDirectory& sites_;
  StudyScheduler& scheduler_;
  LedgerReplicator& ledger_;
  ContactDesk& contacts_;
  std::atomic<bool> stopping_{false};
};

}  // namespace medfed::net
