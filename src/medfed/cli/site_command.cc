// medfed site serve --config site.toml
// medfed site approvals --config site.toml list | show ID | approve ID [--by NAME] | deny ID --reason TEXT
// medfed site resolve --config site.toml QUERY HANDLE --reason TEXT [--by NAME]
// medfed site contacts --config site.toml list | show ID | approve ID [--fields F,..] [--by NAME] | deny ID --reason
// TEXT
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "absl/synchronization/mutex.h"
#include "medfed/analysis/matching/contact_details.h"
#include "medfed/cli/commands.h"
#include "medfed/cli/daemon_signals.h"
#include "medfed/cli/results_output.h"
#include "medfed/core/log.h"
#include "medfed/core/progress.h"
#include "medfed/core/text.h"
#include "medfed/core/text_table.h"
#include "medfed/crypto/sealed_box.h"
#include "medfed/governance/approvals.h"
#include "medfed/governance/contact_book.h"
#include "medfed/governance/resolution_book.h"
#include "medfed/net/matched_patient.h"
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
  analysis::SiteData data(config->name, config->tables, config->genotypes);
  data.set_state_directory(config->state);
  auto matched = net::FindMatchedPatient(*config, *opened->approvals, data, arguments.query, arguments.handle);
  if (!matched.ok()) return ReportError(matched.status());
  auto resolutions = governance::ResolutionBook::Open(*opened->database);
  if (!resolutions.ok()) return ReportError(resolutions.status());
  const std::string by = arguments.by.empty() ? CurrentUser() : arguments.by;
  Status recorded = (*resolutions)->Record(arguments.query, arguments.handle, by, arguments.reason);
  if (!recorded.ok()) return ReportError(recorded);
  std::printf(
      "handle %s of study %s: patient %s (table %s)\nrecorded as resolved by %s; the site daemon reports "
      "it to the ledger (without the patient)\n",
      arguments.handle.c_str(), arguments.query.c_str(), matched->patient.c_str(), matched->sources.table.c_str(),
      by.c_str());
  return 0;
}

struct ContactArguments {
  std::string config, action, request_id, fields, reason, by;
};

std::string JoinComma(const std::vector<std::string>& items) {
  std::string joined;
  for (const auto& item : items) joined += (joined.empty() ? "" : ", ") + item;
  return joined;
}

// A contact request's patient and the details each requested field would release, for the
// steward deciding on it.
struct ContactPreview {
  net::MatchedPatient matched;
  analysis::Json details;           // the fields the site holds
  std::vector<std::string> absent;  // requested, not held
};

StatusOr<ContactPreview> PreviewContact(const net::SiteDaemonConfig& config, const governance::ApprovalBook& approvals,
                                        const governance::ContactRecord& record) {
  analysis::SiteData data(config.name, config.tables, config.genotypes);
  data.set_state_directory(config.state);
  ContactPreview preview;
  ASSIGN_OR_RETURN(preview.matched, net::FindMatchedPatient(config, approvals, data, record.study_id, record.handle));
  const std::vector<std::string> held = analysis::HeldContactFields(preview.matched.sources, record.fields);
  for (const auto& field : record.fields) {
    if (std::find(held.begin(), held.end(), field) == held.end()) preview.absent.push_back(field);
  }
  ASSIGN_OR_RETURN(preview.details,
                   analysis::ContactDetails(data, preview.matched.sources, preview.matched.patient, held));
  return preview;
}

// The steward's side of "from match to contact": list, show (the patient and exactly what would
// leave), approve (all requested fields the site holds, or --fields), deny (--reason).
int Contacts(const ContactArguments& arguments) {
  auto opened = OpenSiteBooks(arguments.config);
  if (!opened.ok()) return ReportError(opened.status());
  auto book = governance::ContactBook::Open(*opened->database);
  if (!book.ok()) return ReportError(book.status());
  if (arguments.action == "list") {
    auto records = (*book)->List();
    if (!records.ok()) return ReportError(records.status());
    TextTable table({"request", "researcher", "study", "fields", "state", "received", "decided by"},
                    {TextTable::Align::kLeft});
    for (const auto& record : *records) {
      table.AddRow({record.request_id, record.researcher, record.study_id, JoinComma(record.fields),
                    governance::ApprovalStateName(record.state), Time(record.received_ms), record.decided_by});
    }
    std::printf("%s", records->empty() ? "no contact requests received yet\n" : table.Render().c_str());
    return 0;
  }
  if (arguments.request_id.empty()) {
    return ReportError(InvalidArgument(arguments.action + " needs a request id; `list` shows them"));
  }
  auto found = (*book)->Get(arguments.request_id);
  if (!found.ok()) return ReportError(found.status());
  if (!found->has_value()) {
    return ReportError(NotFound("no contact request " + arguments.request_id +
                                " here; `medfed site contacts --config " + arguments.config + " list` shows them"));
  }
  const governance::ContactRecord& record = **found;
  if (arguments.action == "show") {
    std::printf(
        "request     %s\nresearcher  %s (from the certificate)\nstudy       %s\nhandle      %s\nreason      %s\n"
        "asks for    %s\nstate       %s%s\nreceived    %s\n",
        record.request_id.c_str(), record.researcher.c_str(), record.study_id.c_str(), record.handle.c_str(),
        record.reason.c_str(), JoinComma(record.fields).c_str(), governance::ApprovalStateName(record.state),
        record.decided_by.empty()
            ? ""
            : (" by " + record.decided_by + (record.decision_reason.empty() ? "" : ": " + record.decision_reason))
                  .c_str(),
        Time(record.received_ms).c_str());
    if (record.state == governance::ApprovalState::kPending) {
      auto preview = PreviewContact(opened->config, *opened->approvals, record);
      if (!preview.ok()) return ReportError(preview.status());
      std::printf("patient     %s (table %s; not released)\nwould leave, sealed to %s:\n%s\n",
                  preview->matched.patient.c_str(), preview->matched.sources.table.c_str(), record.researcher.c_str(),
                  preview->details.dump(2).c_str());
      if (!preview->absent.empty()) {
        std::printf("not held by this site (not released): %s\n", JoinComma(preview->absent).c_str());
      }
    } else if (!record.released_fields.empty()) {
      std::printf("released    %s\n", JoinComma(record.released_fields).c_str());
    }
    return 0;
  }
  if (record.state != governance::ApprovalState::kPending) {
    return ReportError(FailedPrecondition("contact request " + record.request_id + " was already " +
                                          governance::ApprovalStateName(record.state) + " by " + record.decided_by));
  }
  const std::string by = arguments.by.empty() ? CurrentUser() : arguments.by;
  if (arguments.action == "deny") {
    auto decided = (*book)->Decide(record.request_id, /*approve=*/false, by, arguments.reason, {}, "");
    if (!decided.ok()) return ReportError(decided.status());
    std::printf("contact request %s denied by %s; the site daemon tells the hub\n", record.request_id.c_str(),
                by.c_str());
    return 0;
  }
  auto preview = PreviewContact(opened->config, *opened->approvals, record);
  if (!preview.ok()) return ReportError(preview.status());
  // What leaves: the requested fields the site holds, or the steward's narrower choice.
  std::vector<std::string> released;
  for (auto it = preview->details.begin(); it != preview->details.end(); ++it) released.push_back(it.key());
  if (!arguments.fields.empty()) {
    std::vector<std::string> chosen;
    for (const std::string& field : SplitString(arguments.fields, ',')) {
      const std::string name(TrimWhitespace(field));
      if (!preview->details.contains(name)) {
        return ReportError(InvalidArgument(
            "--fields: " + name + " is not among the requested fields this site holds (" + JoinComma(released) + ")"));
      }
      chosen.push_back(name);
    }
    released = chosen;
  }
  if (released.empty()) {
    return ReportError(FailedPrecondition("this site holds none of the fields the request asks for (" +
                                          JoinComma(record.fields) + "); deny it with a reason"));
  }
  analysis::Json details = analysis::Json::object();
  for (const auto& field : released) details[field] = preview->details[field];
  v1::SignedContactRequest signed_request;
  v1::ContactRequest request;
  if (!signed_request.ParseFromString(record.signed_request) || !request.ParseFromString(signed_request.request())) {
    return ReportError(Internal("the site's copy of contact request " + record.request_id + " is unreadable"));
  }
  auto sealed = crypto::SealTo(request.reply_key(), details.dump());
  if (!sealed.ok()) return ReportError(sealed.status());
  auto decided = (*book)->Decide(record.request_id, /*approve=*/true, by, arguments.reason, released, *sealed);
  if (!decided.ok()) return ReportError(decided.status());
  std::printf("contact request %s approved by %s: %s leave, sealed to %s; the site daemon sends them\n",
              record.request_id.c_str(), by.c_str(), JoinComma(released).c_str(), record.researcher.c_str());
  return 0;
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

  auto contact = std::make_shared<ContactArguments>();
  CLI::App* contacts = site->add_subcommand(
      "contacts", "List, show, approve or deny researchers' contact requests for matched patients (always a person)");
  contacts->add_option("--config", contact->config, "site.toml")->required();
  contacts->add_option("action", contact->action, "list, show, approve or deny")
      ->required()
      ->check(CLI::IsMember({"list", "show", "approve", "deny"}));
  contacts->add_option("request", contact->request_id, "request id (show, approve, deny)");
  contacts->add_option("--fields", contact->fields,
                       "approve: release only these (comma-separated; default: every requested field the site holds)");
  contacts->add_option("--reason", contact->reason, "why (the researcher reads it; required to deny)");
  contacts->add_option("--by", contact->by, "who decides (default: the login name)");
  contacts->callback([contact, &exit_code] {
    if (contact->action == "deny" && contact->reason.empty()) {
      exit_code = ReportError(InvalidArgument("deny needs --reason: the researcher reads it"));
      return;
    }
    exit_code = Contacts(*contact);
  });
}

}  // namespace medfed::cli
