#include "medfed/federation/transport.h"

namespace medfed::federation {

std::vector<StatusOr<v1::SiteResponse>> Transport::Deliver(const std::vector<std::string>& sites,
                                                           const std::vector<v1::SiteRequest>& requests,
                                                           std::chrono::milliseconds timeout) {
  if (requests.size() != sites.size()) {
    return std::vector<StatusOr<v1::SiteResponse>>(
        sites.size(), Internal("a delivery of " + std::to_string(requests.size()) + " requests for " +
                               std::to_string(sites.size()) + " sites"));
  }
  return DeliverEach(sites, requests, timeout);
}

StatusOr<std::vector<v1::SiteResponse>> Transport::ExchangeEach(const std::vector<v1::SiteRequest>& requests,
                                                                std::chrono::milliseconds timeout) {
  const std::vector<std::string> sites = Sites();
  if (requests.size() != sites.size()) {
    return Internal("an exchange of " + std::to_string(requests.size()) + " requests for " +
                    std::to_string(sites.size()) + " sites");
  }
  std::vector<StatusOr<v1::SiteResponse>> delivered = Deliver(sites, requests, timeout);
  std::vector<v1::SiteResponse> responses;
  responses.reserve(delivered.size());
  for (auto& response : delivered) {
    if (!response.ok()) return response.status();
    responses.push_back(*std::move(response));
  }
  return responses;
}

}  // namespace medfed::federation
