#include "medfed/federation/study_runner.h"

#include "medfed/federation/coordinator.h"
#include "medfed/federation/in_process_transport.h"
#include "medfed/governance/policy_file.h"

namespace medfed {

StatusOr<Json> RunStudyLocally(const StudyFile& study, const RunOptions& options) {
  std::vector<std::unique_ptr<SiteNode>> nodes;
  for (const auto& site : study.sites) {
    if (!site.address.empty()) {
      return InvalidArgument(study.path + ": site " + site.name + " has an address (" +
                             site.address +
                             "); remote sites are reached with medfed run --hub HOST:PORT");
    }
    SitePolicy policy;
    if (!site.policy_path.empty()) {
      auto loaded = LoadPolicyFile(site.policy_path);
      if (!loaded.ok()) return Annotate(loaded.status(), "site " + site.name + ": policy: ");
      policy = *loaded;
    }
    auto data = std::make_shared<SiteData>(site.name, site.tables, site.genotypes);
    SiteNodeOptions node_options;
    if (!site.state_directory.empty()) {
      auto releases = ReleaseStore::Open(site.state_directory + "/releases.db");
      if (!releases.ok()) return Annotate(releases.status(), "site " + site.name + ": state: ");
      node_options.releases = std::shared_ptr<ReleaseStore>(*std::move(releases));
    }
    nodes.push_back(std::make_unique<SiteNode>(std::move(data), std::move(policy), std::move(node_options)));
  }
  InProcessTransport transport(std::move(nodes));
  CoordinatorOptions coordinator_options;
  coordinator_options.round_timeout = options.round_timeout;
  coordinator_options.output_directory = options.output_directory;
  Coordinator coordinator(transport, coordinator_options);
  return coordinator.Run(study.name, study.analyses);
}

}  // namespace medfed
