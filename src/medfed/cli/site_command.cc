// medfed site serve --config site.toml
// medfed site approvals --config site.toml list | show ID | approve ID [--by NAME] | deny ID --reason TEXT
// medfed site resolve --config site.toml QUERY HANDLE --reason TEXT [--by NAME]
#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "absl/synchronization/mutex.h"
#include "medfed/analysis/matching/match_handles.h"
#include "medfed/cli/commands.h"
#include "medfed/cli/daemon_signals.h"
#include "medfed/cli/results_output.h"
#include "medfed/core/log.h"
#include "medfed/core/progress.h"
#include "medfed/core/text.h"
#include "medfed/core/text_table.h"
#include "medfed/governance/approvals.h"
#include "medfed/governance/resolution_book.h"
#include "medfed/net/site_agent.h"

namespace medfed::cli {
namespace {

int Serve(const std::string& config_path) {
  auto config = net::LoadSiteConfig(config_path);
  if (!config.ok()) return ReportError(config.status());
  Progress::SetEnabled(false);
  net::SiteAgent* running = nullptr;
  absl::Mutex mutex;
  std::thread signals = StopOnSignal([&] {
    absl::MutexLock lock(&mutex);
    if (running != nullptr) running->Stop();
  });
  auto agent = net::SiteAgent::Create(*config);
  if (!agent.ok()) {
    StopWaitingForSignals(signals);
    return ReportError(agent.status());
  }
  {
    absl::MutexLock lock(&mutex);
    running = agent->get();
  }
  LogLine("site " + config->name, "serving (hub " + config->hub + ", state " + config->state + ")");
  (*agent)->Run();
  {
    absl::MutexLock lock(&mutex);
    running = nullptr;
  }
  StopWaitingForSignals(signals);
  agent->reset();
  LogLine("site " + config->name, "stopped");
  return 0;
}

struct ApprovalArguments {
  std::string config;
  std::string action;
  std::string study_id;
  std::string reason;
  std::string by;
};

std::string Time(int64_t ms) {
  if (ms == 0) return "";
  auto seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M UTC", &utc);
  return text;
}

std::string CurrentUser() {
  const passwd* entry = getpwuid(getuid());
  return entry != nullptr ? entry->pw_name : "unknown";
}

// What a steward's command opens: the site's configuration, its database and approval book.
struct SiteBooks {
  net::SiteDaemonConfig config;
  std::unique_ptr<governance::SqliteDatabase> database;
  std::unique_ptr<governance::ApprovalBook> approvals;
};

StatusOr<SiteBooks> OpenSiteBooks(const std::string& config_path) {
  SiteBooks books;
  ASSIGN_OR_RETURN(books.config, net::LoadSiteConfig(config_path));
  ASSIGN_OR_RETURN(books.database, governance::SqliteDatabase::Open(books.config.state + "/medfed.db"));
  ASSIGN_OR_RETURN(books.approvals, governance::ApprovalBook::Open(*books.database));
  return books;
}

int Approvals(const ApprovalArguments& arguments) {
  auto opened = OpenSiteBooks(arguments.config);
  if (!opened.ok()) return ReportError(opened.status());
  governance::ApprovalBook* book = opened->approvals.get();
  if (arguments.action == "list") {
    auto records = book->List();
    if (!records.ok()) return ReportError(records.status());
    TextTable table({"study", "researcher", "name", "state", "received", "decided by"}, {TextTable::Align::kLeft});
    for (const auto& record : *records) {
      table.AddRow({record.study_id, record.researcher, record.study_name, governance::ApprovalStateName(record.state),
                    Time(record.received_ms), record.decided_by});
    }
    std::printf("%s", records->empty() ? "no studies received yet\n" : table.Render().c_str());
    return 0;
  }
  if (arguments.study_id.empty())
    return ReportError(InvalidArgument(arguments.action + " needs a study id; `list` shows them"));
  if (arguments.action == "show") {
    auto record = book->Get(arguments.study_id);
    if (!record.ok()) return ReportError(record.status());
    if (!record->has_value())
      return ReportError(NotFound("no study " + arguments.study_id + " here; `list` shows them"));
    const governance::ApprovalRecord& study = **record;
    std::printf(
        "study       %s\nname        %s\nresearcher  %s (from the certificate)\nplan digest %s\nstate       %s%s\n"
        "received    %s\nanalyses:\n%s",
        study.study_id.c_str(), study.study_name.c_str(), study.researcher.c_str(), study.plan_digest.c_str(),
        governance::ApprovalStateName(study.state),
        study.decided_by.empty()
            ? ""
            : (" by " + study.decided_by + (study.reason.empty() ? "" : ": " + study.reason)).c_str(),
        Time(study.received_ms).c_str(), study.summary.c_str());
    return 0;
  }
  const bool approve = arguments.action == "approve";
  const std::string by = arguments.by.empty() ? CurrentUser() : arguments.by;
  auto decided = book->Decide(arguments.study_id, approve, by, arguments.reason);
  if (!decided.ok()) return ReportError(decided.status());
  std::printf("study %s %s by %s; the site daemon tells the hub\n", arguments.study_id.c_str(),
              approve ? "approved" : "denied", by.c_str());
  return 0;
}

struct ResolveArguments {
  std::string config, query, handle, reason, by;
};

// The steward's side of a phenotype_match follow-up: which of this site's patients a handle of
// query QUERY (the study's id) names. Only a study this site approved can be resolved; the
// resolution is recorded and the daemon reports it to the hub's ledger (without the patient).
int Resolve(const ResolveArguments& arguments) {
  auto opened = OpenSiteBooks(arguments.config);
  if (!opened.ok()) return ReportError(opened.status());
  const net::SiteDaemonConfig* config = &opened->config;
  auto record = opened->approvals->Get(arguments.query);
  if (!record.ok()) return ReportError(record.status());
  if (!record->has_value() || (*record)->state != governance::ApprovalState::kApproved) {
    return ReportError(NotFound("site " + config->name + " approved no study " + arguments.query +
                                "; `medfed site approvals --config " + arguments.config + " list` shows its studies"));
  }
  // The study's phenotype_match analyses, from the plan the site approved.
  analysis::SiteData data(config->name, config->tables, config->genotypes);
  data.set_state_directory(config->state);
  const std::string marker = " (phenotype_match): ";
  bool any = false;
  for (const std::string& line : SplitString((*record)->summary, '\n')) {
    const size_t at = line.find(marker);
    if (at == std::string::npos) continue;
    const analysis::Json keys = analysis::Json::parse(line.substr(at + marker.size()), nullptr, false);
    if (!keys.is_object() || !keys.contains("table") || !keys.contains("id_column")) continue;
    any = true;
    const std::string table = keys["table"].get<std::string>();
    auto patient =
        analysis::ResolveHandle(data, table, keys["id_column"].get<std::string>(), arguments.query, arguments.handle);
    if (!patient.ok()) return ReportError(patient.status());
    if (!patient->has_value()) continue;
    auto resolutions = governance::ResolutionBook::Open(*opened->database);
    if (!resolutions.ok()) return ReportError(resolutions.status());
    const std::string by = arguments.by.empty() ? CurrentUser() : arguments.by;
    Status recorded = (*resolutions)->Record(arguments.query, arguments.handle, by, arguments.reason);
    if (!recorded.ok()) return ReportError(recorded);
    std::printf(
        "handle %s of study %s: patient %s (table %s)\nrecorded as resolved by %s; the site daemon reports "
        "it to the ledger (without the patient)\n",
        arguments.handle.c_str(), arguments.query.c_str(), (*patient)->c_str(), table.c_str(), by.c_str());
    return 0;
  }
  return ReportError(NotFound(any ? "handle " + arguments.handle + " names none of site " + config->name +
                                        "'s patients in study " + arguments.query +
                                        " (handles are fresh for every query: use the one from that study's result)"
                                  : "study " + arguments.query + " has no phenotype_match analysis"));
}

}  // namespace

void AddSiteCommand(CLI::App& app, int& exit_code) {
  CLI::App* site = app.add_subcommand("site", "The site daemon and its approvals");
  site->require_subcommand(1);
  auto config = std::make_shared<std::string>();
  CLI::App* serve = site->add_subcommand("serve", "Connect to the hub and serve approved studies (docs/deployment.md)");
  serve->add_option("--config", *config, "site.toml")->required();
  serve->callback([config, &exit_code] { exit_code = Serve(*config); });

  auto arguments = std::make_shared<ApprovalArguments>();
  CLI::App* approvals =
      site->add_subcommand("approvals", "List, show, approve or deny the studies submitted to this site");
  approvals->add_option("--config", arguments->config, "site.toml")->required();
  approvals->add_option("action", arguments->action, "list, show, approve or deny")
      ->required()
      ->check(CLI::IsMember({"list", "show", "approve", "deny"}));
  approvals->add_option("study", arguments->study_id, "study id (show, approve, deny)");
  approvals->add_option("--reason", arguments->reason, "deny: why (the researcher reads it)");
  approvals->add_option("--by", arguments->by, "who decides (default: the login name)");
  approvals->callback([arguments, &exit_code] { exit_code = Approvals(*arguments); });

  auto resolve = std::make_shared<ResolveArguments>();
  CLI::App* resolving = site->add_subcommand(
      "resolve",
      "Find the patient behind a phenotype_match handle of a study this site approved (recorded in the ledger)");
  resolving->add_option("--config", resolve->config, "site.toml")->required();
  resolving->add_option("query", resolve->query, "the study's id (the match result's query_id)")->required();
  resolving->add_option("handle", resolve->handle, "the handle from the match result")->required();
  resolving->add_option("--reason", resolve->reason, "why (e.g. the researcher's contact request); recorded")
      ->required();
  resolving->add_option("--by", resolve->by, "who resolves (default: the login name)");
  resolving->callback([resolve, &exit_code] { exit_code = Resolve(*resolve); });
}

}  // namespace medfed::cli
