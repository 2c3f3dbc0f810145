#include "medfed/net/hub_server.h"

#include <string>
#include <utility>

#include "medfed/core/file.h"
#include "medfed/core/log.h"
#include "medfed/net/framing.h"

namespace medfed::net {
namespace {

// A frame plus protobuf overhead: the largest single gRPC message on a site stream.

}  // namespace

StatusOr<std::unique_ptr<HubServer>> HubServer::Start(const HubConfig& config) {
  std::unique_ptr<HubServer> hub(new HubServer(config));
  ASSIGN_OR_RETURN(hub->identity_, LoadIdentity(config.identity, crypto::PartyRole::kHub));
  ASSIGN_OR_RETURN(crypto::Signer signer, crypto::Signer::FromPem(hub->identity_.key));
  hub->signer_ = std::make_unique<crypto::Signer>(std::move(signer));
  RETURN_IF_ERROR(MakeDirectories(config.state));
  ASSIGN_OR_RETURN(hub->database_, governance::SqliteDatabase::Open(config.state + "/medfed.db"));
  ASSIGN_OR_RETURN(hub->ledger_, governance::Ledger::Open(*hub->database_));
  ASSIGN_OR_RETURN(hub->studies_, governance::StudyStore::Open(*hub->database_));
  RETURN_IF_ERROR(hub->ledger_->SetMeta("role", "hub"));
  RETURN_IF_ERROR(hub->ledger_->SetMeta("hub_certificate", hub->identity_.certificate_pem));
  RETURN_IF_ERROR(hub->ledger_->SetMeta("authority_certificate", hub->identity_.authority_pem));
  RETURN_IF_ERROR(hub->studies_->RequeueRunning());

  std::shared_ptr<ReferenceDirectory> references;
  if (!config.references.empty()) {
    ASSIGN_OR_RETURN(references, ReferenceDirectory::Open(config.references));
    LogLine("hub", "serves " + std::to_string(references->size()) + " reference files from " + config.references);
  }
  hub->replicator_ = std::make_unique<LedgerReplicator>(*hub->ledger_, *hub->signer_, hub->sites_);
  hub->scheduler_ = std::make_unique<StudyScheduler>(hub->config_, hub->identity_, *hub->studies_, hub->sites_,
                                                     *hub->replicator_, std::move(references));
  ASSIGN_OR_RETURN(hub->contacts_, governance::ContactBook::Open(*hub->database_));
  hub->contact_desk_ =
      std::make_unique<ContactDesk>(hub->identity_, *hub->studies_, *hub->contacts_, hub->sites_, *hub->replicator_);
  hub->service_ = std::make_unique<HubService>(hub->config_, hub->identity_, *hub->studies_, hub->sites_,
                                               *hub->scheduler_, *hub->replicator_, *hub->contact_desk_);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.listen, MutualTlsServerCredentials(hub->identity_), &hub->port_);
  builder.RegisterService(hub->service_.get());
  builder.SetMaxReceiveMessageSize(kGrpcMessageBytes);
  builder.SetMaxSendMessageSize(kGrpcMessageBytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  hub->server_ = builder.BuildAndStart();
  if (!hub->server_ || hub->port_ == 0) {
    return Unavailable("hub: cannot listen on " + config.listen + " (in use, or not an address of this machine)");
  }
  RETURN_IF_ERROR(WriteFileAtomically(config.state + "/hub.port", std::to_string(hub->port_) + "\n"));
  hub->replicator_->Record({{"type", "hub_started"}, {"hub", hub->identity_.party.name}, {"port", hub->port_}});
  hub->scheduler_->Start();
  hub->replicator_->Start();
  LogLine("hub", "serving on port " + std::to_string(hub->port_) + " (state " + config.state + ", ledger of " +
                     std::to_string(hub->ledger_->size()) + " entries)");
  return hub;
}

HubServer::HubServer(HubConfig config) : config_(std::move(config)) {}

HubServer::~HubServer() { Shutdown(); }

void HubServer::Wait() {
  if (server_) server_->Wait();
}

void HubServer::Shutdown() {
  if (stopped_.exchange(true)) return;
  // No new study starts, no site stream or follower lingers, then the streams close: running
  // studies fail fast with the sites' links closed, and are given 30 s to do so.
  if (scheduler_) scheduler_->Stop();
  if (service_) service_->Stop();
  for (const auto& link : sites_.All()) link->Close(Unavailable("the hub is shutting down"));
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  if (scheduler_ && !scheduler_->AwaitIdle(absl::Seconds(30))) {
    LogLine("hub", "studies still running after 30 s; stopping anyway");
  }
  if (replicator_) replicator_->Stop();
}

}  // namespace medfed::net
