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
  // Sends requests[i] to site Sites()[i] (each its own: a round's per-site parameters), all at
  // once, and returns their responses in Sites() order. Fails, naming the site, when a site does
  // not answer within `timeout` or cannot be reached.
  virtual StatusOr<std::vector<v1::SiteResponse>> ExchangeEach(const std::vector<v1::SiteRequest>& requests,
                                                               std::chrono::milliseconds timeout) = 0;
};

}  // namespace medfed::federation
