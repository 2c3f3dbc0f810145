// Every site runs in its own thread of this process; every message is serialised to the
// protobuf wire format and parsed back on the other side, as over the network.
#pragma once

#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "medfed/federation/site_node.h"
#include "medfed/federation/transport.h"

namespace medfed::federation {

class InProcessTransport : public Transport {
 public:
  explicit InProcessTransport(std::vector<std::unique_ptr<SiteNode>> sites);
  ~InProcessTransport() override;

  std::vector<std::string> Sites() const override;

  // Fault injection for tests: the site still receives requests but its replies are lost, as
  // when a hospital's machine hangs mid-study.
  void SilenceSite(const std::string& site);
  // Silences the site once it has been sent `messages` more requests: the last of them is
  // handled (its masked vector computed) but its reply is lost, as when a machine dies mid-round.
  void SilenceSiteAfter(const std::string& site, int messages);

 protected:
  std::vector<StatusOr<v1::SiteResponse>> DeliverEach(const std::vector<std::string>& sites,
                                                      const std::vector<v1::SiteRequest>& requests,
                                                      std::chrono::milliseconds timeout) override;

 private:
  struct Worker {
    std::unique_ptr<SiteNode> node;
    std::thread thread;
    absl::Mutex mutex;
    std::deque<std::pair<std::string, std::shared_ptr<std::promise<std::string>>>> queue ABSL_GUARDED_BY(mutex);
    bool stopping ABSL_GUARDED_BY(mutex) = false;
    bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex) { return stopping || !queue.empty(); }
  };

  static void Serve(Worker* worker);

  std::vector<std::unique_ptr<Worker>> workers_;
  bool Silenced(const std::string& site);  // counts the message towards SilenceSiteAfter

  absl::Mutex silenced_mutex_;
  std::set<std::string> silenced_ ABSL_GUARDED_BY(silenced_mutex_);
  std::map<std::string, int> silenced_after_ ABSL_GUARDED_BY(silenced_mutex_);  // site -> messages left
};

}  // namespace medfed::federation
