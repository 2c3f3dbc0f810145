// A whole network on this machine, for `medfed demo --network`, the multi-process tests and
// the network benchmark: a CA and identities, hub and site configuration files, and the hub
// and site daemons as child processes of `executable` on 127.0.0.1. Each party's files live in
// its own directory under `directory`, as they would on its own machine.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "medfed/core/status.h"
#include "medfed/core/subprocess.h"

namespace medfed::net {

struct LocalSite {
  std::string name;
  std::map<std::string, std::string> tables, genotypes;  // paths (made absolute)
  std::string policy_toml;                               // the site's policy file contents
  std::string references;                                // its reference directory ("": none)
  std::string contact;                                   // released on approved contact requests
  std::map<std::string, std::string> diagnoses;          // table -> diagnosis column
};

struct LocalNetworkOptions {
  std::string directory;
  std::string executable;  // the medfed binary
  std::vector<LocalSite> sites;
  std::vector<std::string> researchers = {"researcher"};
  int round_timeout_seconds = 60;
  int max_concurrent_studies = 4;
  int max_message_mb = 256;
  std::string hub_references;  // the hub's reference directory ("": none)
};

class LocalNetwork {
 public:
  static StatusOr<std::unique_ptr<LocalNetwork>> Create(LocalNetworkOptions options);
  ~LocalNetwork();

  Status StartHub();  // waits until it listens (the first start picks a free port, kept after)
  void StopHub();
  void KillHub();
  Status StartSite(const std::string& name);
  void StopSite(const std::string& name);
  void KillSite(const std::string& name);
  void StopAll();

  std::string hub_address() const { return "localhost:" + std::to_string(port_); }
  std::string identity(const std::string& party) const { return options_.directory + "/identities/" + party; }
  std::string site_config(const std::string& site) const;
  std::string site_state(const std::string& site) const;
  std::string hub_state() const { return options_.directory + "/hub/state"; }
  std::string log(const std::string& party) const { return options_.directory + "/logs/" + party + ".log"; }
  const std::string& directory() const { return options_.directory; }

 private:
  explicit LocalNetwork(LocalNetworkOptions options) : options_(std::move(options)) {}
  Status WriteHubConfig();

  LocalNetworkOptions options_;
  int port_ = 0;
  Subprocess hub_;
  std::map<std::string, Subprocess> sites_;
};

}  // namespace medfed::net
