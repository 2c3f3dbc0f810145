// The hub's end of one site's stream: sending HubToSite messages in frames, and matching the
// site's responses to the requests waiting for them. When the stream ends, every waiting
// request fails at once with the reason, naming the site.
#pragma once

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

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
  std::mutex mutex_;
  std::condition_variable ready_;
  std::optional<v1::SiteResponse> response_;
  std::optional<Status> failure_;
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

  std::string site_, certificate_;
  Stream* stream_;
  grpc::ServerContext* context_;
  mutable std::mutex mutex_;  // guards pending_, closed_, next_message_id_
  std::mutex write_mutex_;
  std::map<std::pair<std::string, uint64_t>, std::shared_ptr<PendingResponse>> pending_;
  bool closed_ = false;
  uint64_t next_message_id_ = 1;
};

// The sites connected now, by name.
class SiteDirectory {
 public:
  void Put(std::shared_ptr<SiteLink> link);
  void Remove(const std::shared_ptr<SiteLink>& link);  // only if it is still the current one
  std::shared_ptr<SiteLink> Get(const std::string& site) const;
  std::vector<std::shared_ptr<SiteLink>> All() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<SiteLink>> links_;
};

}  // namespace medfed::net
