#include "medfed/net/hub_server.h"

#include <filesystem>

#include "medfed/core/file.h"
#include "medfed/core/log.h"
#include "medfed/net/framing.h"

namespace medfed::net {
namespace {

// A frame plus protobuf overhead: the largest single gRPC message on a site stream.
constexpr int kGrpcMessageLimit = 4 << 20;

grpc::Status ToGrpc(const Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace

class HubServer::Service final : public v1::Hub::Service {
 public:
  explicit Service(HubServer& hub) : hub_(hub) {}

  grpc::Status Connect(grpc::ServerContext* context, grpc::ServerReaderWriter<v1::Frame, v1::Frame>* stream) override {
    auto caller = CallerOf(*context, hub_.identity_.authority_pem);
    if (!caller.ok()) {
      LogLine("hub", "refused a connection from " + context->peer() + ": " + MessageOf(caller.status()));
      return ToGrpc(caller.status());
    }
    if (caller->party.role != crypto::PartyRole::kSite) {
      const std::string reason =
          caller->party.name + " is a " + crypto::RoleName(caller->party.role) + "; only sites open a site stream";
      LogLine("hub", "refused a site stream from " + context->peer() + ": " + reason);
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, reason);
    }
    const std::string site = caller->party.name;
    auto link = std::make_shared<SiteLink>(site, caller->certificate_pem, stream, context);
    hub_.OnSiteConnected(link);
    FrameAssembler assembler(static_cast<size_t>(hub_.config_.max_message_mb) << 20);
    v1::Frame frame;
    Status failure = absl::OkStatus();
    while (!hub_.stopping_ && stream->Read(&frame)) {
      v1::SiteToHub message;
      auto complete = assembler.Add(frame, message);
      if (!complete.ok()) {
        failure = complete.status();
        LogLine("hub", "site " + site + ": " + MessageOf(failure) + "; closing its connection");
        break;
      }
      if (*complete) hub_.OnSiteMessage(link, std::move(message));
    }
    hub_.sites_.Remove(link);
    link->CloseFromHandler(Unavailable("site " + site + " disconnected"));
    link->DrainWriters();
    LogLine("hub", "site " + site + " disconnected");
    return failure.ok() ? grpc::Status::OK : ToGrpc(failure);
  }

  grpc::Status Submit(grpc::ServerContext* context, const v1::SubmitRequest* request,
                      grpc::ServerWriter<v1::StudyEvent>* writer) override {
    auto caller = Researcher(*context);
    if (!caller.ok()) return ToGrpc(caller.status());
    auto study_id = hub_.Submit(*request, *caller);
    if (!study_id.ok()) {
      LogLine("hub", "refused a study from " + caller->party.name + ": " + MessageOf(study_id.status()));
      return ToGrpc(study_id.status());
    }
    return hub_.Follow(context, *study_id, writer);
  }

  grpc::Status Watch(grpc::ServerContext* context, const v1::WatchRequest* request,
                     grpc::ServerWriter<v1::StudyEvent>* writer) override {
    auto caller = Researcher(*context);
    if (!caller.ok()) return ToGrpc(caller.status());
    auto study = hub_.studies_->Get(request->study_id());
    if (!study.ok()) return ToGrpc(study.status());
    // Another researcher's study is reported as absent, not as forbidden.
    if (!study->has_value() || (*study)->researcher != caller->party.name) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no study " + request->study_id() + " of yours");
    }
    return hub_.Follow(context, request->study_id(), writer);
  }

 private:
  StatusOr<Caller> Researcher(const grpc::ServerContext& context) {
    auto caller = CallerOf(context, hub_.identity_.authority_pem);
    if (!caller.ok()) {
      LogLine("hub", "refused a call from " + context.peer() + ": " + MessageOf(caller.status()));
      return caller.status();
    }
    if (caller->party.role != crypto::PartyRole::kResearcher) {
      const std::string reason =
          caller->party.name + " is a " + crypto::RoleName(caller->party.role) + "; only researchers submit studies";
      LogLine("hub", "refused a submission from " + context.peer() + ": " + reason);
      return PermissionDenied(reason);
    }
    return caller;
  }

  HubServer& hub_;
};

StatusOr<std::unique_ptr<HubServer>> HubServer::Start(const HubConfig& config) {
  std::unique_ptr<HubServer> hub(new HubServer(config));
  ASSIGN_OR_RETURN(hub->identity_, LoadIdentity(config.identity, crypto::PartyRole::kHub));
  ASSIGN_OR_RETURN(crypto::Signer signer, crypto::Signer::FromPem(hub->identity_.key));
  hub->signer_ = std::make_unique<crypto::Signer>(std::move(signer));
  RETURN_IF_ERROR(MakeDirectories(config.state));
  ASSIGN_OR_RETURN(hub->database_, SqliteDatabase::Open(config.state + "/medfed.db"));
  ASSIGN_OR_RETURN(hub->ledger_, Ledger::Open(*hub->database_));
  ASSIGN_OR_RETURN(hub->studies_, StudyStore::Open(*hub->database_));
  RETURN_IF_ERROR(hub->ledger_->SetMeta("role", "hub"));
  RETURN_IF_ERROR(hub->ledger_->SetMeta("hub_certificate", hub->identity_.certificate_pem));
  RETURN_IF_ERROR(hub->ledger_->SetMeta("authority_certificate", hub->identity_.authority_pem));
  RETURN_IF_ERROR(hub->studies_->RequeueRunning());

  hub->service_ = std::make_unique<Service>(*hub);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.listen, MutualTlsServerCredentials(hub->identity_), &hub->port_);
  builder.RegisterService(hub->service_.get());
  builder.SetMaxReceiveMessageSize(kGrpcMessageLimit);
  builder.SetMaxSendMessageSize(kGrpcMessageLimit);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  hub->server_ = builder.BuildAndStart();
  if (!hub->server_ || hub->port_ == 0) {
    return Unavailable("hub: cannot listen on " + config.listen + " (in use, or not an address of this machine)");
  }
  RETURN_IF_ERROR(WriteFileAtomically(config.state + "/hub.port", std::to_string(hub->port_) + "\n"));
  hub->Record({{"type", "hub_started"}, {"hub", hub->identity_.party.name}, {"port", hub->port_}});
  hub->scheduler_ = std::thread([raw = hub.get()] { raw->SchedulerLoop(); });
  hub->ledger_pusher_ = std::thread([raw = hub.get()] { raw->LedgerLoop(); });
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
  if (stopping_.exchange(true)) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_scheduler_.notify_all();
    wake_ledger_.notify_all();
  }
  for (const auto& link : sites_.All()) link->Close(Unavailable("the hub is shutting down"));
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  if (scheduler_.joinable()) scheduler_.join();
  if (ledger_pusher_.joinable()) ledger_pusher_.join();
  // Running studies fail fast once their sites' links are closed.
  std::unique_lock<std::mutex> lock(mutex_);
  wake_scheduler_.wait_for(lock, std::chrono::seconds(30), [&] { return running_.empty(); });
}

void HubServer::OnSiteConnected(const std::shared_ptr<SiteLink>& link) {
  sites_.Put(link);
  LogLine("hub", "site " + link->site() + " connected");
  v1::HubToSite hello;
  hello.mutable_hello()->set_hub_certificate(identity_.certificate_pem);
  (void)link->Send(hello);
  SendReviews(link);
  std::lock_guard<std::mutex> lock(mutex_);
  wake_scheduler_.notify_all();
}

void HubServer::OnSiteMessage(const std::shared_ptr<SiteLink>& link, v1::SiteToHub message) {
  switch (message.body_case()) {
    case v1::SiteToHub::kResponse:
      link->Deliver(std::move(*message.mutable_response()));
      break;
    case v1::SiteToHub::kDecision:
      OnDecision(link->site(), message.decision());
      break;
    case v1::SiteToHub::kHello: {
      std::lock_guard<std::mutex> lock(mutex_);
      link->ledger_acknowledged = link->ledger_sent = message.hello().ledger_size();
      link->ledger_ready = true;
      ledger_dirty_ = true;
      wake_ledger_.notify_all();
      break;
    }
    case v1::SiteToHub::kLedgerAck: {
      const v1::LedgerAck& ack = message.ledger_ack();
      std::lock_guard<std::mutex> lock(mutex_);
      if (!ack.error().empty()) {
        if (ack.out_of_step()) {
          link->ledger_sent = link->ledger_acknowledged = ack.size();  // resend from where the replica ends
          ledger_dirty_ = true;
          wake_ledger_.notify_all();
        } else {
          link->ledger_refused = true;
          LogLine("hub", "site " + link->site() + " REFUSED the ledger: " + ack.error());
        }
        break;
      }
      link->ledger_acknowledged = ack.size();
      Status kept = ledger_->AddCountersignature(ack.size(), link->site(), link->certificate(), ack.countersignature());
      if (!kept.ok()) LogLine("hub", "site " + link->site() + ": countersignature not kept: " + MessageOf(kept));
      break;
    }
    default:
      LogLine("hub", "site " + link->site() + " sent an empty message; ignored");
  }
}

void HubServer::Record(nlohmann::ordered_json entry) {
  auto appended = ledger_->Append(entry, *signer_);
  if (!appended.ok()) {
    LogLine("hub", "LEDGER WRITE FAILED: " + MessageOf(appended.status()));
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  ledger_dirty_ = true;
  wake_ledger_.notify_all();
}

void HubServer::LedgerLoop() {
  while (!stopping_) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_ledger_.wait_for(lock, std::chrono::seconds(2), [&] { return ledger_dirty_ || stopping_.load(); });
      ledger_dirty_ = false;
    }
    if (stopping_) break;
    for (const auto& link : sites_.All()) PushLedger(link);
  }
}

void HubServer::PushLedger(const std::shared_ptr<SiteLink>& link) {
  uint64_t from;
  const uint64_t size = ledger_->size();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!link->ledger_ready || link->ledger_refused || link->ledger_sent >= size) return;
    from = link->ledger_sent;
    link->ledger_sent = size;
  }
  auto records = ledger_->Read(from, size - from);
  if (!records.ok()) {
    LogLine("hub", "cannot read the ledger: " + MessageOf(records.status()));
    return;
  }
  v1::HubToSite message;
  v1::LedgerUpdate* update = message.mutable_ledger();
  update->set_old_size(from);
  for (const auto& record : *records) {
    v1::LedgerEntry* entry = update->add_entries();
    entry->set_index(record.index);
    entry->set_body(record.body);
    entry->set_time_ms(record.time_ms);
    entry->set_root(std::string(record.root.begin(), record.root.end()));
    entry->set_hub_signature(record.hub_signature);
  }
  for (const auto& node : ledger_->ConsistencyProof(from, size))
    update->add_consistency_proof(std::string(node.begin(), node.end()));
  (void)link->Send(message);
}

std::string HubServer::StudyDirectory(const std::string& study_id) const {
  return config_.state + "/studies/" + study_id;
}

}  // namespace medfed::net
