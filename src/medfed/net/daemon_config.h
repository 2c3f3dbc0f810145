// The configuration files of the network daemons (docs/deployment.md). Paths are relative to
// the configuration file; unknown keys are errors naming the line.
//
//   hub.toml                                  site.toml
//   [hub]                                     [site]
//   listen = "0.0.0.0:7443"                   name = "hospital-a"     # = its certificate's CN
//   identity = "identity/hub"                 hub = "hub.example.org:7443"
//   state = "state/hub"                       identity = "identity/hospital-a"
//   round_timeout_seconds = 60                state = "state/hospital-a"
//   max_message_mb = 256                      policy = "policy.toml"
//   max_concurrent_studies = 4                tables.colon = "data/colon.csv"
//   references = "reference"                  genotypes.chip = "data/chip"
//                                             references = "reference"
//                                             max_message_mb = 256
//                                             contact = "Dr. Li, genetics clinic, +86 ..."
//                                             diagnoses.patients = "disease"
//
// `references`: a directory of reference files (ontologies, expected-survival tables) served by
// their SHA-256 to studies that name them so (net/reference_directory.h). `contact` and
// `diagnoses` (a column per table) are what the site's steward can release when approving a
// contact request for a matched patient (docs/protocols/match.md).
#pragma once

#include <map>
#include <string>

#include "medfed/core/status.h"

namespace medfed::net {

struct HubConfig {
  std::string path;
  std::string listen = "127.0.0.1:7443";  // port 0: any free port, written to STATE/hub.port
  std::string identity, state;
  int round_timeout_seconds = 60;
  int max_message_mb = 256;
  int max_concurrent_studies = 4;
  std::string references;  // "": serves no reference data
};

struct SiteDaemonConfig {
  std::string path;
  std::string name, hub, identity, state, policy;
  std::map<std::string, std::string> tables, genotypes;
  std::string references;  // "": serves no reference data
  int max_message_mb = 256;
  std::string contact;                           // a contact at the clinic ("": none to release)
  std::map<std::string, std::string> diagnoses;  // table -> its diagnosis column
};

StatusOr<HubConfig> LoadHubConfig(const std::string& path);
StatusOr<SiteDaemonConfig> LoadSiteConfig(const std::string& path);

}  // namespace medfed::net
