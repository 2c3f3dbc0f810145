#include "medfed/net/researcher_client.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "medfed/core/file.h"
#include "medfed/federation/querier.h"
#include "medfed/net/framing.h"
#include "medfed/net/reference_directory.h"
#include "medfed/net/submission.h"
#include "medfed/v1/network.grpc.pb.h"

namespace medfed::net {
namespace {

Status FromGrpc(const grpc::Status& status, const std::string& hub) {
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    return Unavailable("cannot reach the hub at " + hub + ": " + status.error_message() +
                       " (is it running? is this identity's CA the hub's?)");
  }
  return Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

// A result file's name must stay inside the results directory.
bool SafeName(const std::string& name) {
  if (name.empty() || name[0] == '/') return false;
  for (const auto& part : std::filesystem::path(name)) {
    if (part == "..") return false;
  }
  return true;
}

StatusOr<RemoteStudy> Follow(grpc::ClientReader<v1::StudyEvent>& reader, const ClientOptions& options) {
  RemoteStudy outcome;
  bool have_results = false;
  Status ended = absl::OkStatus();
  std::string file_name, file_contents;
  auto say = [&](const std::string& text) {
    if (!options.quiet) std::fprintf(stderr, "%s\n", text.c_str());
  };
  v1::StudyEvent event;
  while (reader.Read(&event)) {
    if (outcome.study_id.empty()) outcome.study_id = event.study_id();
    switch (event.body_case()) {
      case v1::StudyEvent::kAccepted:
        say("hub: " + event.accepted());
        if (options.on_accepted) options.on_accepted(event.study_id());
        break;
      case v1::StudyEvent::kDecision:
        say("site " + event.decision().site() + ": " + event.decision().decision() +
            (event.decision().reason().empty() ? "" : " (" + event.decision().reason() + ")"));
        break;
      case v1::StudyEvent::kProgress:
        say("hub: " + event.progress());
        if (options.on_progress) options.on_progress(event.progress());
        break;
      case v1::StudyEvent::kResultsJson: {
        outcome.document = analysis::Json::parse(event.results_json(), nullptr, false);
        if (outcome.document.is_discarded()) return DataLoss("the hub sent a malformed results document");
        have_results = true;
        break;
      }
      case v1::StudyEvent::kFile: {
        const auto& chunk = event.file();
        if (!SafeName(chunk.name())) return DataLoss("the hub sent a file named " + chunk.name() + "; refused");
        file_name = chunk.name();
        file_contents += chunk.data();
        if (chunk.last()) {
          if (!options.output_directory.empty()) {
            const std::string path = options.output_directory + "/" + file_name;
            std::filesystem::path target(path);
            if (target.has_parent_path()) RETURN_IF_ERROR(MakeDirectories(target.parent_path().string()));
            RETURN_IF_ERROR(WriteFileAtomically(path, file_contents));
          }
          file_contents.clear();
        }
        break;
      }
      case v1::StudyEvent::kFailed:
        ended = Unavailable("study " + event.study_id() + " failed: " + event.failed());
        break;
      case v1::StudyEvent::kDenied:
        ended = PermissionDenied("study " + event.study_id() + " was denied: " + event.denied());
        break;
      default:
        break;
    }
  }
  grpc::Status status = reader.Finish();
  if (!ended.ok()) return ended;
  if (!status.ok()) return FromGrpc(status, options.hub);
  if (!have_results) {
    return Unavailable("the hub ended the stream before the results of study " + outcome.study_id +
                       "; fetch them later with medfed results " + outcome.study_id);
  }
  return outcome;
}

std::unique_ptr<v1::Hub::Stub> Connect(const NetworkIdentity& identity, const std::string& hub) {
  auto channel =
      grpc::CreateCustomChannel(hub, MutualTlsChannelCredentials(identity), ChannelArgumentsFor(kGrpcMessageBytes));
  return v1::Hub::NewStub(channel);
}

}  // namespace

StatusOr<RemoteStudy> SubmitStudy(const federation::StudyFile& unsealed, const NetworkIdentity& identity,
                                  const ClientOptions& options) {
  ASSIGN_OR_RETURN(crypto::Signer signer, crypto::Signer::FromPem(identity.key));
  // Queries that must stay with the researcher are encrypted here; the key never leaves.
  federation::StudyFile study = unsealed;
  analysis::ReferenceData::Lookup local;
  if (!options.references_directory.empty()) {
    ASSIGN_OR_RETURN(auto directory, ReferenceDirectory::Open(options.references_directory));
    local = directory->Lookup();
  }
  ASSIGN_OR_RETURN(federation::QuerierSecrets secrets,
                   federation::SealStudy(study, std::move(local), options.references_directory));
  v1::SubmitRequest request;
  ASSIGN_OR_RETURN(std::string submission, BuildSubmission(study));
  request.set_submission(std::move(submission));
  request.set_signature(signer.Sign(request.submission()));
  auto stub = Connect(identity, options.hub);
  grpc::ClientContext context;
  context.set_wait_for_ready(false);
  auto reader = stub->Submit(&context, request);
  ASSIGN_OR_RETURN(RemoteStudy remote, Follow(*reader, options));
  RETURN_IF_ERROR(federation::OpenResults(remote.document, secrets));
  return remote;
}

StatusOr<RemoteStudy> WatchStudy(const std::string& study_id, const NetworkIdentity& identity,
                                 const ClientOptions& options) {
  v1::WatchRequest request;
  request.set_study_id(study_id);
  auto stub = Connect(identity, options.hub);
  grpc::ClientContext context;
  auto reader = stub->Watch(&context, request);
  return Follow(*reader, options);
}

}  // namespace medfed::net

namespace medfed::net {

StatusOr<v1::ContactStatus> RequestContact(const ContactQuestion& question, const NetworkIdentity& identity,
                                           const std::string& hub) {
  ASSIGN_OR_RETURN(v1::SignedContactRequest request, BuildContactRequest(question, identity));
  auto stub = Connect(identity, hub);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::ContactStatus status;
  grpc::Status sent = stub->RequestContact(&context, request, &status);
  if (!sent.ok()) return FromGrpc(sent, hub);
  return status;
}

StatusOr<v1::ContactStatus> LookupContact(const std::string& request_id, const NetworkIdentity& identity,
                                          const std::string& hub) {
  v1::ContactLookup lookup;
  lookup.set_request_id(request_id);
  auto stub = Connect(identity, hub);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::ContactStatus status;
  grpc::Status got = stub->GetContact(&context, lookup, &status);
  if (!got.ok()) return FromGrpc(got, hub);
  return status;
}

}  // namespace medfed::net
