#include "medfed/federation/in_process_transport.h"

namespace medfed::federation {

InProcessTransport::InProcessTransport(std::vector<std::unique_ptr<SiteNode>> sites) {
  for (auto& site : sites) {
    auto worker = std::make_unique<Worker>();
    worker->node = std::move(site);
    workers_.push_back(std::move(worker));
  }
  for (auto& worker : workers_) worker->thread = std::thread(Serve, worker.get());
}

InProcessTransport::~InProcessTransport() {
  for (auto& worker : workers_) {
    {
      absl::MutexLock lock(&worker->mutex);
      worker->stopping = true;
    }
  }
  for (auto& worker : workers_) worker->thread.join();
}

std::vector<std::string> InProcessTransport::Sites() const {
  std::vector<std::string> names;
  for (const auto& worker : workers_) names.push_back(worker->node->name());
  return names;
}

void InProcessTransport::SilenceSite(const std::string& site) {
  absl::MutexLock lock(&silenced_mutex_);
  silenced_.insert(site);
}

void InProcessTransport::Serve(Worker* worker) {
  while (true) {
    std::pair<std::string, std::shared_ptr<std::promise<std::string>>> job;
    {
      absl::MutexLock lock(&worker->mutex);
      worker->mutex.Await(absl::Condition(worker, &Worker::HasWork));
      if (worker->queue.empty()) return;
      job = std::move(worker->queue.front());
      worker->queue.pop_front();
    }
    v1::SiteRequest request;
    v1::SiteResponse response;
    if (!request.ParseFromString(job.first)) {
      response.set_site(worker->node->name());
      response.mutable_error()->set_code(static_cast<int>(absl::StatusCode::kInvalidArgument));
      response.mutable_error()->set_message("site " + worker->node->name() + ": malformed request (not a SiteRequest)");
    } else {
      response = worker->node->Handle(request);
    }
    std::string bytes;
    response.SerializeToString(&bytes);
    job.second->set_value(std::move(bytes));
  }
}

bool InProcessTransport::Silenced(const std::string& site) {
  absl::MutexLock lock(&silenced_mutex_);
  if (silenced_.count(site)) return true;
  auto countdown = silenced_after_.find(site);
  if (countdown == silenced_after_.end()) return false;
  if (--countdown->second > 0) return false;
  silenced_after_.erase(countdown);
  silenced_.insert(site);
  return true;
}

void InProcessTransport::SilenceSiteAfter(const std::string& site, int messages) {
  absl::MutexLock lock(&silenced_mutex_);
  silenced_after_[site] = messages;
}

std::vector<StatusOr<v1::SiteResponse>> InProcessTransport::DeliverEach(const std::vector<std::string>& sites,
                                                                        const std::vector<v1::SiteRequest>& requests,
                                                                        std::chrono::milliseconds timeout) {
  std::vector<StatusOr<v1::SiteResponse>> responses;
  std::vector<std::future<std::string>> replies(sites.size());
  std::vector<bool> lost(sites.size(), false);
  for (size_t i = 0; i < sites.size(); ++i) {
    Worker* worker = nullptr;
    for (auto& candidate : workers_) {
      if (candidate->node->name() == sites[i]) worker = candidate.get();
    }
    if (worker == nullptr) continue;
    lost[i] = Silenced(sites[i]);
    auto promise = std::make_shared<std::promise<std::string>>();
    replies[i] = promise->get_future();
    absl::MutexLock lock(&worker->mutex);
    worker->queue.emplace_back(requests[i].SerializeAsString(), std::move(promise));
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (size_t i = 0; i < sites.size(); ++i) {
    const std::string& site = sites[i];
    if (!replies[i].valid()) {
      responses.emplace_back(Unavailable("site " + site + " is not one of this network's sites"));
      continue;
    }
    if (lost[i]) {
      // Its reply is lost in transit; let the site finish handling it first, as a real one would.
      replies[i].wait_until(deadline);
      std::this_thread::sleep_until(deadline);
    }
    if (lost[i] || replies[i].wait_until(deadline) != std::future_status::ready) {
      responses.emplace_back(DeadlineExceeded("site " + site + " did not answer within " +
                                              std::to_string(timeout.count() / 1000.0).substr(0, 5) +
                                              " s; the round was aborted and nothing was unmasked"));
      continue;
    }
    v1::SiteResponse response;
    if (!response.ParseFromString(replies[i].get())) {
      responses.emplace_back(DataLoss("site " + site + " sent a malformed response"));
      continue;
    }
    responses.emplace_back(std::move(response));
  }
  return responses;
}

}  // namespace medfed::federation
