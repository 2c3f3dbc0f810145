#include "medfed/net/link_transport.h"

namespace medfed::net {

StatusOr<std::vector<v1::SiteResponse>> LinkTransport::Exchange(const v1::SiteRequest& request,
                                                                std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<std::shared_ptr<SiteLink>> links;
  for (const auto& site : sites_) {
    auto link = directory_.Get(site);
    if (!link) return Unavailable("site " + site + " is not connected to the hub");
    links.push_back(std::move(link));
  }
  std::vector<std::shared_ptr<PendingResponse>> pending;
  v1::HubToSite message;
  *message.mutable_request() = request;
  Status sent = absl::OkStatus();
  for (auto& link : links) {
    pending.push_back(link->Expect(request.session_id(), request.sequence()));
    if (sent.ok()) sent = link->Send(message);
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
