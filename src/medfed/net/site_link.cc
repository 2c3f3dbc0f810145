#include "medfed/net/site_link.h"

#include <algorithm>

#include "medfed/core/log.h"

#include "medfed/net/framing.h"

namespace medfed::net {

StatusOr<v1::SiteResponse> PendingResponse::Wait(std::chrono::steady_clock::time_point deadline,
                                                 const std::string& site, uint64_t sequence) {
  absl::MutexLock lock(&mutex_);
  const auto remaining =
      std::max(deadline - std::chrono::steady_clock::now(), std::chrono::steady_clock::duration::zero());
  if (!mutex_.AwaitWithTimeout(absl::Condition(this, &PendingResponse::Settled), absl::FromChrono(remaining))) {
    return DeadlineExceeded("site " + site + " did not answer message " + std::to_string(sequence) +
                            " in time; the round is aborted");
  }
  if (failure_) return *failure_;
  return *std::move(response_);
}

void PendingResponse::Fulfil(v1::SiteResponse response) {
  absl::MutexLock lock(&mutex_);
  response_ = std::move(response);
}

void PendingResponse::Fail(const Status& status) {
  absl::MutexLock lock(&mutex_);
  if (!response_) failure_ = status;
}

SiteLink::SiteLink(std::string site, std::string certificate_pem, Stream* stream, grpc::ServerContext* context)
    : site_(std::move(site)), certificate_(std::move(certificate_pem)), stream_(stream), context_(context) {}

Status SiteLink::Send(const v1::HubToSite& message) {
  absl::MutexLock writing(&write_mutex_);
  uint64_t message_id;
  {
    absl::MutexLock lock(&mutex_);
    if (closed_) return Unavailable("site " + site_ + " is not connected");
    message_id = next_message_id_++;
  }
  for (const v1::Frame& frame : SplitIntoFrames(message, message_id)) {
    if (!stream_->Write(frame)) {
      Close(Unavailable("site " + site_ + ": the connection was lost while sending"));
      return Unavailable("site " + site_ + ": the connection was lost while sending");
    }
  }
  return absl::OkStatus();
}

void SiteLink::DrainWriters() { absl::MutexLock writing(&write_mutex_); }

std::shared_ptr<PendingResponse> SiteLink::Expect(const std::string& session_id, uint64_t sequence) {
  auto pending = std::make_shared<PendingResponse>();
  absl::MutexLock lock(&mutex_);
  if (closed_) {
    pending->Fail(Unavailable("site " + site_ + " is not connected"));
  } else {
    pending_[{session_id, sequence}] = pending;
  }
  return pending;
}

void SiteLink::Forget(const std::string& session_id, uint64_t sequence) {
  absl::MutexLock lock(&mutex_);
  pending_.erase({session_id, sequence});
}

void SiteLink::Deliver(v1::SiteResponse response) {
  std::shared_ptr<PendingResponse> pending;
  {
    absl::MutexLock lock(&mutex_);
    auto found = pending_.find({response.session_id(), response.sequence()});
    if (found == pending_.end()) {
      // A late answer to a timed-out round, a replay, or a forgery: no round takes it.
      LogLine("hub", "site " + site_ + ": dropped a response for study " + response.session_id() + " message " +
                         std::to_string(response.sequence()) + " that no round waits for (late, replayed or forged)");
      return;
    }
    pending = found->second;
    pending_.erase(found);
  }
  pending->Fulfil(std::move(response));
}

void SiteLink::Close(const Status& reason) { CloseAndMaybeCancel(reason, /*cancel=*/true); }

void SiteLink::CloseFromHandler(const Status& reason) { CloseAndMaybeCancel(reason, /*cancel=*/false); }

void SiteLink::CloseAndMaybeCancel(const Status& reason, bool cancel) {
  std::map<std::pair<std::string, uint64_t>, std::shared_ptr<PendingResponse>> pending;
  {
    absl::MutexLock lock(&mutex_);
    if (cancel && !closed_ && context_ != nullptr) context_->TryCancel();  // ends the stream's handler too
    closed_ = true;
    pending.swap(pending_);
  }
  for (auto& [key, waiter] : pending) waiter->Fail(reason);
}

bool SiteLink::closed() const {
  absl::MutexLock lock(&mutex_);
  return closed_;
}

void SiteDirectory::Put(std::shared_ptr<SiteLink> link) {
  std::shared_ptr<SiteLink> previous;
  {
    absl::MutexLock lock(&mutex_);
    auto& slot = links_[link->site()];
    previous = slot;
    slot = std::move(link);
  }
  if (previous) previous->Close(Unavailable("site " + previous->site() + " reconnected"));
}

void SiteDirectory::Remove(const std::shared_ptr<SiteLink>& link) {
  absl::MutexLock lock(&mutex_);
  auto found = links_.find(link->site());
  if (found != links_.end() && found->second == link) links_.erase(found);
}

std::shared_ptr<SiteLink> SiteDirectory::Get(const std::string& site) const {
  absl::MutexLock lock(&mutex_);
  auto found = links_.find(site);
  return found == links_.end() ? nullptr : found->second;
}

std::vector<std::shared_ptr<SiteLink>> SiteDirectory::All() const {
  absl::MutexLock lock(&mutex_);
  std::vector<std::shared_ptr<SiteLink>> all;
  for (const auto& [site, link] : links_) all.push_back(link);
  return all;
}

}  // namespace medfed::net
