// The hub's end of one site's stream: sending HubToSite messages in frames, and matching the
// site's responses to the requests waiting for them. When the stream ends, every waiting
// request fails at once with the reason, naming the site.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "medfed/core/status.h"
#include "medfed/v1/network.grpc.pb.h"

namespace medfed::net {

class PendingResponse {
 public:
  // Waits until the response arrives, the link fails, or `deadline`.
  StatusOr<v1::SiteResponse> Wait(std::chrono::steady_clock::time_point deadline, const std::string& site,
                                  uint64_t sequence);
  void Fulfil(v1::SiteResponse response);
  void Fail(const Status& status);

 private:
  bool Settled() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return response_.has_value() || failure_.has_value(); }

  absl::Mutex mutex_;
  std::optional<v1::SiteResponse> response_ ABSL_GUARDED_BY(mutex_);
  std::optional<Status> failure_ ABSL_GUARDED_BY(mutex_);
};

class SiteLink {
 public:
  using Stream = grpc::ServerReaderWriter<v1::Frame, v1::Frame>;
  // `context` is cancelled when the link closes, which ends the stream for both sides.
  SiteLink(std::string site, std::string certificate_pem, Stream* stream, grpc::ServerContext* context);

  const std::string& site() const { return site_; }
  const std::string& certificate() const { return certificate_; }

  Status Send(const v1::HubToSite& message);
  std::shared_ptr<PendingResponse> Expect(const std::string& session_id, uint64_t sequence);
  void Forget(const std::string& session_id, uint64_t sequence);
  void Deliver(v1::SiteResponse response);
  void Close(const Status& reason);
  // For the stream's own handler once its reads ended: fails waiters without cancelling the call,
  // so that the handler's status (e.g. why a frame was refused) reaches the site.
  void CloseFromHandler(const Status& reason);
  bool closed() const;
  // Returns once no Send is writing to the stream (call after Close, before the stream ends).
  void DrainWriters();

  // Ledger replication state: entries the site has acknowledged and entries sent to it.
  uint64_t ledger_acknowledged = 0, ledger_sent = 0;
  bool ledger_ready = false;  // the site's hello (its replica size) has arrived: updates may flow
  bool ledger_refused = false;

 private:
  void CloseAndMaybeCancel(const Status& reason, bool cancel);

  const std::string site_, certificate_;
  // Writers hold write_mutex_ (one message's frames go out together) and, inside it, check
  // closed_ under mutex_: once the handler has closed the link and passed DrainWriters(),
  // nobody touches the stream again.
  absl::Mutex write_mutex_ ABSL_ACQUIRED_BEFORE(mutex_);
  Stream* const stream_ ABSL_PT_GUARDED_BY(write_mutex_);
  grpc::ServerContext* const context_;
  mutable absl::Mutex mutex_;
  std::map<std::pair<std::string, uint64_t>, std::shared_ptr<PendingResponse>> pending_ ABSL_GUARDED_BY(mutex_);
  bool closed_ ABSL_GUARDED_BY(mutex_) = false;
  uint64_t next_message_id_ ABSL_GUARDED_BY(mutex_) = 1;
};

// The sites connected now, by name.
class SiteDirectory {
 public:
  void Put(std::shared_ptr<SiteLink> link);
  void Remove(const std::shared_ptr<SiteLink>& link);  // only if it is still the current one
  std::shared_ptr<SiteLink> Get(const std::string& site) const;
  std::vector<std::shared_ptr<SiteLink>> All() const;

 private:
  mutable absl::Mutex mutex_;
  std::map<std::string, std::shared_ptr<SiteLink>> links_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace medfed::net
