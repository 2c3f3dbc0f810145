#include "medfed/federation/study_runner.h"

#include <cctype>
#include <cstdlib>

#include "medfed/federation/coordinator.h"
#include "medfed/federation/in_process_transport.h"
#include "medfed/federation/querier.h"
#include "medfed/governance/policy_file.h"

namespace medfed::federation {
namespace {

// A site name as one path component.
std::string PathSafe(const std::string& name) {
  std::string safe;
  for (char c : name) safe.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '_');
  return safe.empty() || safe[0] == '.' ? "_" + safe : safe;
}

}  // namespace

std::string DefaultStateHome() {
  const char* explicit_home = std::getenv("MEDFED_STATE_HOME");
  if (explicit_home != nullptr && *explicit_home != '\0') {
    return std::string(explicit_home) == "memory" ? "" : explicit_home;
  }
  const char* xdg = std::getenv("XDG_STATE_HOME");
  if (xdg != nullptr && *xdg == '/') return std::string(xdg) + "/medfed";
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home == '/') return std::string(home) + "/.local/state/medfed";
  return "";
}

StatusOr<analysis::Json> RunStudyLocally(const StudyFile& unsealed, const RunOptions& options) {
  // Even in one process the hub half computes on a sealed query; the key stays here.
  StudyFile study = unsealed;
  ASSIGN_OR_RETURN(QuerierSecrets secrets, SealStudy(study));
  std::vector<std::unique_ptr<SiteNode>> nodes;
  for (const auto& site : study.sites) {
    if (!site.address.empty()) {
      return InvalidArgument(study.path + ": site " + site.name + " has an address (" + site.address +
                             "); remote sites are reached with medfed run --hub HOST:PORT");
    }
    privacy::SitePolicy policy;
    if (!site.policy_path.empty()) {
      auto loaded = governance::LoadPolicyFile(site.policy_path);
      if (!loaded.ok()) return Annotate(loaded.status(), "site " + site.name + ": policy: ");
      policy = *loaded;
    }
    auto data = std::make_shared<analysis::SiteData>(site.name, site.tables, site.genotypes);
    SiteNodeOptions node_options;
    std::string state = site.state_directory;
    if (state.empty() && !options.state_home.empty()) state = options.state_home + "/sites/" + PathSafe(site.name);
    if (!state.empty()) {
      data->set_state_directory(state);
      auto releases = governance::ReleaseStore::Open(state + "/releases.db");
      if (!releases.ok()) return Annotate(releases.status(), "site " + site.name + ": state: ");
      node_options.releases = std::shared_ptr<governance::ReleaseStore>(*std::move(releases));
    }
    nodes.push_back(std::make_unique<SiteNode>(std::move(data), std::move(policy), std::move(node_options)));
  }
  InProcessTransport transport(std::move(nodes));
  CoordinatorOptions coordinator_options;
  coordinator_options.round_timeout = options.round_timeout;
  coordinator_options.output_directory = options.output_directory;
  coordinator_options.references = study.references;
  coordinator_options.on_dropout = study.on_dropout;
  coordinator_options.dropout_threshold = study.dropout_threshold;
  Coordinator coordinator(transport, coordinator_options);
  ASSIGN_OR_RETURN(analysis::Json document, coordinator.Run(study.name, study.analyses));
  RETURN_IF_ERROR(OpenResults(document, secrets));
  return document;
}

}  // namespace medfed::federation
