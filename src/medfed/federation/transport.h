// How the hub reaches the sites. The in-process transport (each site a thread) and the gRPC
// transport (net/) implement the same interface and carry the same serialised messages.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "medfed/core/status.h"
#include "medfed/v1/federation.pb.h"

namespace medfed::federation {

class Transport {
 public:
  virtual ~Transport() = default;
  virtual std::vector<std::string> Sites() const = 0;
  // Sends requests[i] to sites[i] (sites of Sites(), each with its own request: a round's
  // per-site parameters), all at once, and waits for every answer until `timeout`. Returns, per
  // site, its response (a site's own error reply is a response) or why none came, naming the
  // site: kUnavailable (not connected, connection lost), kDeadlineExceeded (no answer in time),
  // kDataLoss (malformed). A dropout-tolerant hub carries on without the sites that have none.
  // Checks that there is one request per site, then hands over to the transport's DeliverEach.
  std::vector<StatusOr<v1::SiteResponse>> Deliver(const std::vector<std::string>& sites,
                                                  const std::vector<v1::SiteRequest>& requests,
                                                  std::chrono::milliseconds timeout);
  // Every site of Sites() gets requests[i]; the first site without a response, in Sites()
  // order, fails the exchange.
  StatusOr<std::vector<v1::SiteResponse>> ExchangeEach(const std::vector<v1::SiteRequest>& requests,
                                                       std::chrono::milliseconds timeout);

 protected:
  // Deliver, with requests.size() == sites.size().
  virtual std::vector<StatusOr<v1::SiteResponse>> DeliverEach(const std::vector<std::string>& sites,
                                                              const std::vector<v1::SiteRequest>& requests,
                                                              std::chrono::milliseconds timeout) = 0;
};

}  // namespace medfed::federation
