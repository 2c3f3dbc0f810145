#include "medfed/net/hub_service.h"

#include <filesystem>
#include <fstream>
#include <utility>

#include "medfed/core/log.h"
#include "medfed/net/framing.h"

namespace medfed::net {
namespace {

grpc::Status ToGrpc(const Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace

HubService::HubService(const HubConfig& config, const NetworkIdentity& identity, governance::StudyStore& studies,
                       SiteDirectory& sites, StudyScheduler& scheduler, LedgerReplicator& ledger, ContactDesk& contacts)
    : config_(config),
      identity_(identity),
      studies_(studies),
      sites_(sites),
      scheduler_(scheduler),
      ledger_(ledger),
      contacts_(contacts) {}

grpc::Status HubService::Connect(grpc::ServerContext* context, grpc::ServerReaderWriter<v1::Frame, v1::Frame>* stream) {
  auto caller = CallerOf(*context, identity_.authority_pem);
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
  OnSiteConnected(link);
  FrameAssembler assembler(static_cast<size_t>(config_.max_message_mb) << 20);
  v1::Frame frame;
  Status failure = absl::OkStatus();
  while (!stopping_ && stream->Read(&frame)) {
    v1::SiteToHub message;
    auto complete = assembler.Add(frame, message);
    if (!complete.ok()) {
      failure = complete.status();
      LogLine("hub", "site " + site + ": " + MessageOf(failure) + "; closing its connection");
      break;
    }
    if (*complete) OnSiteMessage(link, std::move(message));
  }
  sites_.Remove(link);
  ledger_.Forget(*link);
  link->CloseFromHandler(Unavailable("site " + site + " disconnected"));
  link->DrainWriters();
  LogLine("hub", "site " + site + " disconnected");
  return failure.ok() ? grpc::Status::OK : ToGrpc(failure);
}

void HubService::OnSiteConnected(const std::shared_ptr<SiteLink>& link) {
  sites_.Put(link);
  LogLine("hub", "site " + link->site() + " connected");
  v1::HubToSite hello;
  hello.mutable_hello()->set_hub_certificate(identity_.certificate_pem);
  (void)link->Send(hello);
  scheduler_.SendReviews(link);
  contacts_.SendPending(link);
  scheduler_.Wake();
}

void HubService::OnSiteMessage(const std::shared_ptr<SiteLink>& link, v1::SiteToHub message) {
  switch (message.body_case()) {
    case v1::SiteToHub::kResponse:
      link->Deliver(std::move(*message.mutable_response()));
      break;
    case v1::SiteToHub::kResolution:
      scheduler_.OnResolution(link->site(), message.resolution());
      break;
    case v1::SiteToHub::kContactAnswer:
      contacts_.OnAnswer(*link, message.contact_answer());
      break;
    case v1::SiteToHub::kDecision:
      scheduler_.OnDecision(link->site(), message.decision());
      break;
    case v1::SiteToHub::kHello:
      ledger_.OnHello(*link, message.hello().ledger_size());
      break;
    case v1::SiteToHub::kLedgerAck:
      ledger_.OnAck(*link, message.ledger_ack());
      break;
    default:
      LogLine("hub", "site " + link->site() + " sent an empty message; ignored");
  }
}

grpc::Status HubService::Submit(grpc::ServerContext* context, const v1::SubmitRequest* request,
                                grpc::ServerWriter<v1::StudyEvent>* writer) {
  auto caller = Researcher(*context);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto study_id = scheduler_.Submit(*request, *caller);
  if (!study_id.ok()) {
    LogLine("hub", "refused a study from " + caller->party.name + ": " + MessageOf(study_id.status()));
    return ToGrpc(study_id.status());
  }
  return Follow(context, *study_id, writer);
}

grpc::Status HubService::Watch(grpc::ServerContext* context, const v1::WatchRequest* request,
                               grpc::ServerWriter<v1::StudyEvent>* writer) {
  auto caller = Researcher(*context);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto study = studies_.Get(request->study_id());
  if (!study.ok()) return ToGrpc(study.status());
  // Another researcher's study is reported as absent, not as forbidden.
  if (!study->has_value() || (*study)->researcher != caller->party.name) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "no study " + request->study_id() + " of yours");
  }
  return Follow(context, request->study_id(), writer);
}

grpc::Status HubService::RequestContact(grpc::ServerContext* context, const v1::SignedContactRequest* request,
                                        v1::ContactStatus* status) {
  auto caller = Researcher(*context);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto answered = contacts_.Request(*request, *caller);
  if (!answered.ok()) {
    LogLine("hub", "refused a contact request from " + caller->party.name + ": " + MessageOf(answered.status()));
    return ToGrpc(answered.status());
  }
  *status = *std::move(answered);
  return grpc::Status::OK;
}

grpc::Status HubService::GetContact(grpc::ServerContext* context, const v1::ContactLookup* lookup,
                                    v1::ContactStatus* status) {
  auto caller = Researcher(*context);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto found = contacts_.Lookup(lookup->request_id().substr(0, 64), *caller);
  if (!found.ok()) return ToGrpc(found.status());
  *status = *std::move(found);
  return grpc::Status::OK;
}

StatusOr<Caller> HubService::Researcher(const grpc::ServerContext& context) {
  auto caller = CallerOf(context, identity_.authority_pem);
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

grpc::Status HubService::Follow(grpc::ServerContext* context, const std::string& study_id,
                                grpc::ServerWriter<v1::StudyEvent>* writer) {
  auto loaded = studies_.Get(study_id);
  if (!loaded.ok() || !loaded->has_value()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no study " + study_id);
  auto channel = scheduler_.ChannelFor(**loaded);
  size_t next = 0;
  bool finished = false;
  while (!finished) {
    if (context->IsCancelled() || stopping_) return grpc::Status(grpc::StatusCode::CANCELLED, "stopped following");
    for (const auto& event : channel->Read(next, std::chrono::milliseconds(500), finished)) {
      if (!writer->Write(event)) return grpc::Status(grpc::StatusCode::CANCELLED, "the researcher left");
    }
  }
  loaded = studies_.Get(study_id);
  if (!loaded.ok() || !loaded->has_value() || (*loaded)->state != governance::StudyState::kDone)
    return grpc::Status::OK;
  v1::StudyEvent results;
  results.set_study_id(study_id);
  results.set_results_json((*loaded)->result_json);
  if (!writer->Write(results)) return grpc::Status(grpc::StatusCode::CANCELLED, "the researcher left");
  // The files the analyses wrote, in 1 MiB chunks.
  const std::string directory = scheduler_.StudyDirectory(study_id);
  std::error_code error;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(directory, error)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = std::filesystem::relative(entry.path(), directory).string();
    std::ifstream in(entry.path(), std::ios::binary);
    std::string chunk(1 << 20, '\0');
    bool last = false;
    while (!last) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      const auto got = static_cast<size_t>(in.gcount());
      last = in.eof() || got == 0;
      v1::StudyEvent file;
      file.set_study_id(study_id);
      file.mutable_file()->set_name(name);
      file.mutable_file()->set_data(chunk.substr(0, got));
      file.mutable_file()->set_last(last);
      if (!writer->Write(file)) return grpc::Status(grpc::StatusCode::CANCELLED, "the researcher left");
    }
  }
  return grpc::Status::OK;
}

}  // namespace medfed::net
