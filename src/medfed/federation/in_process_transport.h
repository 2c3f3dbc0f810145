// Every site runs in its own thread of this process; every message is serialised to the
// protobuf wire format and parsed back on the other side, as over the network.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "medfed/federation/site_node.h"
#include "medfed/federation/transport.h"

namespace medfed {

class InProcessTransport : public Transport {
 public:
  explicit InProcessTransport(std::vector<std::unique_ptr<SiteNode>> sites);
  ~InProcessTransport() override;

  std::vector<std::string> Sites() const override;
  StatusOr<std::vector<v1::SiteResponse>> Exchange(const v1::SiteRequest& request,
                                                   std::chrono::milliseconds timeout) override;

  // Fault injection for tests: the site still receives requests but its replies are lost, as
  // when a hospital's machine hangs mid-study.
  void SilenceSite(const std::string& site);

 private:
  struct Worker {
    std::unique_ptr<SiteNode> node;
    std::thread thread;
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<std::pair<std::string, std::shared_ptr<std::promise<std::string>>>> queue;
    bool stopping = false;
  };

  static void Serve(Worker* worker);

  std::vector<std::unique_ptr<Worker>> workers_;
  std::mutex silenced_mutex_;
  std::set<std::string> silenced_;
};

}  // namespace medfed
