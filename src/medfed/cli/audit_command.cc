// medfed audit log --state DIR [--json]
// medfed audit verify --state DIR (--identity DIR | --ca FILE)
#include <cstdio>
#include <ctime>

#include "medfed/cli/commands.h"
#include "medfed/cli/results_output.h"
#include "medfed/core/file.h"
#include "medfed/governance/ledger.h"

namespace medfed::cli {
namespace {

struct AuditArguments {
  std::string state;
  bool json = false;
  std::string identity;  // the party's identity directory: trust its ca.crt
  std::string ca;        // or this CA certificate
};

// The CA certificate the person checking trusts: from their own identity directory or a file,
// never from the database being checked (a rewritten database would bring its own CA).
StatusOr<std::string> TrustedAuthority(const AuditArguments& arguments) {
  if (arguments.identity.empty() == arguments.ca.empty()) {
    return InvalidArgument(
        "audit verify needs the CA to trust: --identity DIR (the hub's or site's identity directory, its ca.crt) "
        "or --ca FILE; the certificates stored in the database are never trusted");
  }
  const std::string path = arguments.ca.empty() ? arguments.identity + "/ca.crt" : arguments.ca;
  auto pem = ReadFileToString(path);
  if (!pem.ok()) return NotFound("cannot read the CA certificate " + path + ": " + MessageOf(pem.status()));
  if (pem->find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return InvalidArgument(path + " holds no PEM certificate; give the network's ca.crt");
  }
  return *pem;
}

StatusOr<std::unique_ptr<governance::SqliteDatabase>> OpenState(const std::string& state) {
  const std::string path = state + "/medfed.db";
  if (!FileExists(path)) return NotFound(path + ": no hub or site state here (the `state` of hub.toml or site.toml)");
  return governance::SqliteDatabase::Open(path);
}

std::string Summary(const nlohmann::ordered_json& entry) {
  std::string text;
  for (const auto& [key, value] : entry.items()) {
    if (key == "type" || key == "study" || key == "analyses") continue;
    text += (text.empty() ? "" : " ") + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  if (entry.contains("analyses")) text += " analyses=" + std::to_string(entry["analyses"].size());
  return text;
}

int Log(const AuditArguments& arguments) {
  auto database = OpenState(arguments.state);
  if (!database.ok()) return ReportError(database.status());
  auto ledger = governance::Ledger::Open(**database);
  if (!ledger.ok()) return ReportError(ledger.status());
  auto records = (*ledger)->Read(0, (*ledger)->size());
  if (!records.ok()) return ReportError(records.status());
  if (arguments.json) {
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    for (const auto& record : *records) {
      all.push_back({{"index", record.index},
                     {"time_ms", record.time_ms},
                     {"entry", nlohmann::ordered_json::parse(record.body, nullptr, false)},
                     {"tree_root", crypto::HexOf(record.root)}});
    }
    std::printf("%s\n", all.dump(2).c_str());
    return 0;
  }
  for (const auto& record : *records) {
    auto entry = nlohmann::ordered_json::parse(record.body, nullptr, false);
    auto seconds = static_cast<std::time_t>(record.time_ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &utc);
    std::printf("%5llu  %s  %-12s %-24s %s\n", static_cast<unsigned long long>(record.index), stamp,
                entry.value("type", std::string("?")).c_str(), entry.value("study", std::string("")).c_str(),
                Summary(entry).c_str());
  }
  std::printf("%zu entries; tree head %s\n", records->size(), crypto::HexOf((*ledger)->root()).c_str());
  return 0;
}

int Verify(const AuditArguments& arguments) {
  auto authority = TrustedAuthority(arguments);
  if (!authority.ok()) return ReportError(authority.status());
  auto database = OpenState(arguments.state);
  if (!database.ok()) return ReportError(database.status());
  auto ledger = governance::Ledger::Open(**database);
  if (!ledger.ok()) return ReportError(Annotate(ledger.status(), "ledger: "));
  auto checked = (*ledger)->Verify(*authority);
  if (!checked.ok()) return ReportError(checked.status());
  if (auto alarm = (*ledger)->Meta("alarm")) {
    return ReportError(DataLoss("the replica is intact, but it refused a hub update: " + *alarm));
  }
  std::printf("ledger OK: %llu entries, every tree head signed by hub %s, tree head %s\n",
              static_cast<unsigned long long>(checked->entries), checked->hub.c_str(),
              crypto::HexOf((*ledger)->root()).c_str());
  // At the hub: how far each site has checked and countersigned (a site that lags or stopped
  // countersigning may have refused an update: see its log and its own `audit verify`).
  auto countersigned = (*ledger)->NewestCountersignatures();
  if (!countersigned.ok()) return ReportError(countersigned.status());
  for (const auto& [site, size] : *countersigned) {
    std::printf("  countersigned by %s up to entry %llu%s\n", site.c_str(), static_cast<unsigned long long>(size) - 1,
                size == checked->entries ? " (the newest)" : "");
  }
  return 0;
}

}  // namespace

void AddAuditCommand(CLI::App& app, int& exit_code) {
  CLI::App* audit = app.add_subcommand("audit", "Read and check the ledger replica of a hub or site");
  audit->require_subcommand(1);
  auto log = std::make_shared<AuditArguments>();
  CLI::App* log_command = audit->add_subcommand("log", "Show the ledger's entries");
  log_command->add_option("--state", log->state, "the state directory of hub.toml or site.toml")->required();
  log_command->add_flag("--json", log->json, "as JSON");
  log_command->callback([log, &exit_code] { exit_code = Log(*log); });
  auto verify = std::make_shared<AuditArguments>();
  CLI::App* verify_command =
      audit->add_subcommand("verify", "Check every entry, tree head and signature; name the first bad entry");
  verify_command->add_option("--state", verify->state, "the state directory of hub.toml or site.toml")->required();
  verify_command->add_option("--identity", verify->identity,
                             "your identity directory: trust its ca.crt (or give --ca)");
  verify_command->add_option("--ca", verify->ca, "the network's CA certificate to trust");
  verify_command->callback([verify, &exit_code] { exit_code = Verify(*verify); });
}

}  // namespace medfed::cli
