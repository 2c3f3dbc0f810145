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

StatusOr<std::vector<v1::SiteResponse>> InProcessTransport::ExchangeEach(const std::vector<v1::SiteRequest>& requests,
                                                                         std::chrono::milliseconds timeout) {
  if (requests.size() != workers_.size()) {
    return Internal("an exchange of " + std::to_string(requests.size()) + " requests for " +
                    std::to_string(workers_.size()) + " sites");
  }
  std::vector<std::future<std::string>> replies;
  for (size_t i = 0; i < workers_.size(); ++i) {
    auto& worker = workers_[i];
    auto promise = std::make_shared<std::promise<std::string>>();
    replies.push_back(promise->get_future());
    {
      absl::MutexLock lock(&worker->mutex);
      worker->queue.emplace_back(requests[i].SerializeAsString(), std::move(promise));
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<v1::SiteResponse> responses(workers_.size());
  for (size_t i = 0; i < workers_.size(); ++i) {
    const std::string& site = workers_[i]->node->name();
    bool silenced;
    {
      absl::MutexLock lock(&silenced_mutex_);
      silenced = silenced_.count(site) > 0;
    }
    if (silenced) std::this_thread::sleep_until(deadline);  // its reply is lost in transit
    if (silenced || replies[i].wait_until(deadline) != std::future_status::ready) {
      return DeadlineExceeded("site " + site + " did not answer within " +
                              std::to_string(timeout.count() / 1000.0).substr(0, 5) +
                              " s; the round was aborted and nothing was unmasked");
    }
    if (!responses[i].ParseFromString(replies[i].get())) {
      return DataLoss("site " + site + " sent a malformed response");
    }
  }
  return responses;
}

}  // namespace medfed::federation
