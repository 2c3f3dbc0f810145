// The Transport of a study run by the hub: each site's request goes to it over its stream (all at
// once), and the responses are collected until the round's deadline. A site that is not
// connected, drops its connection or stays silent has no response, and the reason names it.
#pragma once

#include "medfed/federation/transport.h"
#include "medfed/net/site_link.h"

namespace medfed::net {

class LinkTransport : public federation::Transport {
 public:
  LinkTransport(SiteDirectory& directory, std::vector<std::string> sites)
      : directory_(directory), sites_(std::move(sites)) {}

  std::vector<std::string> Sites() const override { return sites_; }

 protected:
  std::vector<StatusOr<v1::SiteResponse>> DeliverEach(const std::vector<std::string>& sites,
                                                      const std::vector<v1::SiteRequest>& requests,
                                                      std::chrono::milliseconds timeout) override;

 private:
  SiteDirectory& directory_;
  std::vector<std::string> sites_;
};

}  // namespace medfed::net
