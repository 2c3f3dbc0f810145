// medfed demo --network: the demo study through real daemons on this machine. A fresh CA
// issues identities for a hub, the three hospitals and a researcher; the hub and the site
// daemons start as processes on 127.0.0.1 (mutual TLS); two hospitals approve studies by policy,
// the third needs a person, whom the demo plays with `medfed site approvals ... approve`; the
// results arrive as from a local run; the ledger is shown and every site's replica verified;
// then everything stops.
#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>

#include "medfed/cli/commands.h"
#include "medfed/cli/results_output.h"
#include "medfed/core/file.h"
#include "medfed/core/subprocess.h"
#include "medfed/federation/study_file.h"
#include "medfed/governance/ledger.h"
#include "medfed/net/local_network.h"
#include "medfed/net/researcher_client.h"

namespace medfed::cli {
namespace {

constexpr char kResearcher[] = "demo-researcher";

// Plays the data steward of a site whose policy wants a person's approval.
void ApproveAsSteward(const net::LocalNetwork& network, const std::string& site, const std::string& study_id) {
  std::printf(
      "\n%s wants a person to approve each study; the demo plays its data steward:\n"
      "  medfed site approvals --config %s approve %s\n\n",
      site.c_str(), network.site_config(site).c_str(), study_id.c_str());
  std::fflush(stdout);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    auto approval = Subprocess::Start({SelfExecutable(), "site", "approvals", "--config", network.site_config(site),
                                       "approve", study_id, "--by", "demo data steward"},
                                      network.log("approvals"));
    // The study reaches the site a moment after the hub accepts it: try until it is there.
    if (approval.ok() && approval->Wait(std::chrono::seconds(20)) == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
}

void ShowLedger(const net::LocalNetwork& network, const std::vector<std::string>& sites) {
  auto database = governance::SqliteDatabase::Open(network.hub_state() + "/medfed.db");
  if (!database.ok()) return;
  auto ledger = governance::Ledger::Open(**database);
  if (!ledger.ok()) return;
  auto records = (*ledger)->Read(0, (*ledger)->size());
  if (!records.ok()) return;
  std::map<std::string, int> kinds;
  for (const auto& record : *records) {
    kinds[nlohmann::ordered_json::parse(record.body, nullptr, false).value("type", std::string("?"))] += 1;
  }
  std::printf("\nThe ledger (every entry signed by the hub; `medfed audit log --state %s`):\n  %zu entries:",
              network.hub_state().c_str(), records->size());
  for (const auto& [kind, count] : kinds) std::printf(" %s %d,", kind.c_str(), count);
  std::printf("\n  tree head %s\n", crypto::HexOf((*ledger)->root()).c_str());
  auto authority = ReadFileToString(network.identity("hub") + "/ca.crt");
  if (!authority.ok()) return;
  // The sites receive the last entries within moments; wait for them (bounded), then verify.
  const uint64_t hub_size = records->size();
  for (const auto& site : sites) {
    auto site_database = governance::SqliteDatabase::Open(network.site_state(site) + "/medfed.db");
    if (!site_database.ok()) continue;
    // Reopened each time: the daemon appends through its own connection.
    auto replica = governance::Ledger::Open(**site_database);
    for (int attempt = 0; attempt < 50 && replica.ok() && (*replica)->size() < hub_size; ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      replica = governance::Ledger::Open(**site_database);
    }
    if (!replica.ok()) continue;
    auto verified = (*replica)->Verify(*authority);
    std::string state =
        verified.ok() ? std::to_string(verified->entries) + " entries, every tree head and countersignature verified"
                      : MessageOf(verified.status());
    if (verified.ok() && verified->entries < hub_size) state += " (behind the hub's " + std::to_string(hub_size) + ")";
    std::printf("  %s's replica: %s\n", site.c_str(), state.c_str());
  }
}

}  // namespace

int NetworkDemo(const federation::StudyFile& study, const std::string& out) {
  const std::string root = (std::filesystem::absolute(out) / "network").lexically_normal().string();
  std::error_code ignored;
  std::filesystem::remove_all(root, ignored);
  net::LocalNetworkOptions options;
  options.directory = root;
  options.executable = SelfExecutable();
  options.researchers = {kResearcher};
  std::vector<std::string> names;
  for (size_t s = 0; s < study.sites.size(); ++s) {
    const bool manual = s + 1 == study.sites.size();
    net::LocalSite site;
    site.name = study.sites[s].name;
    site.tables = study.sites[s].tables;
    site.genotypes = study.sites[s].genotypes;
    site.policy_toml = std::string("[access]\nresearchers = [\"") + kResearcher + "\"]\napproval = \"" +
                       (manual ? "manual" : "automatic") + "\"\n";
    options.sites.push_back(site);
    names.push_back(site.name);
  }
  auto network = net::LocalNetwork::Create(options);
  if (!network.ok()) return ReportError(network.status());
  std::printf(
      "medfed demo --network: a hub and %zu site daemons on 127.0.0.1, mutual TLS with certificates from a "
      "fresh CA (%s/ca); daemon logs in %s/logs.\n",
      names.size(), root.c_str(), root.c_str());
  Status started = (*network)->StartHub();
  for (const auto& name : names) {
    if (started.ok()) started = (*network)->StartSite(name);
  }
  if (!started.ok()) return ReportError(started);
  std::printf("hub listening at %s; sites %s connect out to it.\n\n", (*network)->hub_address().c_str(),
              [&] {
                std::string list;
                for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
                return list;
              }()
                  .c_str());
  std::fflush(stdout);

  federation::StudyFile remote = study;
  for (auto& site : remote.sites) {
    site.tables.clear();
    site.genotypes.clear();
    site.policy_path.clear();
  }
  auto identity = net::LoadIdentity((*network)->identity(kResearcher), crypto::PartyRole::kResearcher);
  if (!identity.ok()) return ReportError(identity.status());
  std::thread steward;
  net::ClientOptions client;
  client.hub = (*network)->hub_address();
  client.output_directory = out;
  client.on_accepted = [&](const std::string& study_id) {
    steward = std::thread([&, study_id] { ApproveAsSteward(**network, names.back(), study_id); });
  };
  auto result = net::SubmitStudy(remote, *identity, client);
  if (steward.joinable()) steward.join();
  if (!result.ok()) {
    (*network)->StopAll();
    return ReportError(result.status());
  }
  std::printf("\n");
  const int presented = Present(result->document, false, out);
  ShowLedger(**network, names);
  (*network)->StopAll();
  std::printf("\nhub and sites stopped. Their state (ledger replicas, approvals) stays in %s.\n", root.c_str());
  return presented;
}

}  // namespace medfed::cli
