#include "medfed/net/link_transport.h"

namespace medfed::net {

std::vector<StatusOr<v1::SiteResponse>> LinkTransport::DeliverEach(const std::vector<std::string>& sites,
                                                                   const std::vector<v1::SiteRequest>& requests,
                                                                   std::chrono::milliseconds timeout) {
  std::vector<StatusOr<v1::SiteResponse>> responses;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<std::shared_ptr<SiteLink>> links(sites.size());
  std::vector<std::shared_ptr<PendingResponse>> pending(sites.size());
  std::vector<Status> failures(sites.size(), absl::OkStatus());
  for (size_t i = 0; i < sites.size(); ++i) {
    links[i] = directory_.Get(sites[i]);
    if (!links[i]) {
      failures[i] = Unavailable("site " + sites[i] + " is not connected to the hub");
      continue;
    }
    pending[i] = links[i]->Expect(requests[i].session_id(), requests[i].sequence());
    v1::HubToSite message;
    *message.mutable_request() = requests[i];
    failures[i] = links[i]->Send(message);
  }
  for (size_t i = 0; i < sites.size(); ++i) {
    if (failures[i].ok()) {
      responses.push_back(pending[i]->Wait(deadline, sites[i], requests[i].sequence()));
    } else {
      responses.emplace_back(failures[i]);
    }
    if (links[i]) links[i]->Forget(requests[i].session_id(), requests[i].sequence());
  }
  return responses;
}

}  // namespace medfed::net
