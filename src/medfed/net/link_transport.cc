#include "medfed/net/link_transport.h"

namespace medfed::net {

StatusOr<std::vector<v1::SiteResponse>> LinkTransport::ExchangeEach(const std::vector<v1::SiteRequest>& requests,
                                                                    std::chrono::milliseconds timeout) {
  if (requests.size() != sites_.size()) {
    return Internal("an exchange of " + std::to_string(requests.size()) + " requests for " +
                    std::to_string(sites_.size()) + " sites");
  }
  if (requests.empty()) return std::vector<v1::SiteResponse>();
  const v1::SiteRequest& request = requests.front();  // session and sequence are the same for all
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<std::shared_ptr<SiteLink>> links;
  for (const auto& site : sites_) {
    auto link = directory_.Get(site);
    if (!link) return Unavailable("site " + site + " is not connected to the hub");
    links.push_back(std::move(link));
  }
  std::vector<std::shared_ptr<PendingResponse>> pending;
  Status sent = absl::OkStatus();
  for (size_t i = 0; i < links.size(); ++i) {
    pending.push_back(links[i]->Expect(request.session_id(), request.sequence()));
    v1::HubToSite message;
    *message.mutable_request() = requests[i];
    if (sent.ok()) sent = links[i]->Send(message);
  }
  std::vector<v1::SiteResponse> responses;
  Status failure = sent;
  for (size_t i = 0; i < links.size(); ++i) {
    if (failure.ok()) {
      auto response = pending[i]->Wait(deadline, sites_[i], request.sequence());
      if (response.ok()) {
        responses.push_back(*std::move(response));
      } else {
        failure = response.status();
      }
    }
    links[i]->Forget(request.session_id(), request.sequence());
  }
  if (!failure.ok()) return failure;
  return responses;
}

}  // namespace medfed::net
