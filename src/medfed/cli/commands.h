// `medfed` subcommands, one file each.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "medfed/core/status.h"
#include "nlohmann/json.hpp"

namespace medfed {
class StagedDirectory;
}

namespace medfed::cli {

// Each adds its subcommand to `app`; the callback sets `exit_code`.
void AddRunCommand(CLI::App& app, int& exit_code);
void AddDemoCommand(CLI::App& app, int& exit_code);
void AddSynthCommand(CLI::App& app, int& exit_code);
void AddCaCommand(CLI::App& app, int& exit_code);
void AddHubCommand(CLI::App& app, int& exit_code);
void AddSiteCommand(CLI::App& app, int& exit_code);
void AddAuditCommand(CLI::App& app, int& exit_code);
void AddPsiCommand(CLI::App& app, int& exit_code);
void AddScanCommand(CLI::App& app, int& exit_code);
// `medfed scan FILE` (also run by the demo); returns the exit code.
int ScanFile(const std::string& file, bool json, const std::string& report);
void AddDeidCommand(CLI::App& app, int& exit_code);
void AddMatchCommand(CLI::App& app, int& exit_code);
void AddContactCommand(CLI::App& app, int& exit_code);
// `medfed match STUDY --query QUERY --top N` (also run by the demo).
int MatchQuery(const std::string& study, const std::string& query, int top);
// `medfed deid FILE --out OUT --report REPORT --key KEY --create-key` (also run by the demo).
int DeidentifyFile(const std::string& file, const std::string& out, const std::string& report, const std::string& key);

// Prints a results document (tables, or JSON) and writes --out files: shared by run, results
// and demo. With `stage`, the files go into it and it replaces `out` once all are written.
int Present(const nlohmann::ordered_json& document, bool json, const std::string& out,
            StagedDirectory* stage = nullptr);

}  // namespace medfed::cli

namespace medfed::federation {
struct StudyFile;
}

namespace medfed::cli {

// `medfed demo --network`: the study through a hub and site daemons on this machine.
int NetworkDemo(const federation::StudyFile& study, const std::string& out);

// The network options of run and match: the hub, the researcher's identity, and reference files
// on this machine (for a study that names an ontology by hash).
struct HubArguments {
  std::string hub, identity, references;
  bool quiet = false;
};
void AddHubOptions(CLI::App& command, HubArguments& arguments);
// `--hub` and `--identity` both or neither.
Status CheckHubArguments(const HubArguments& arguments);
// The study through the hub: the same results document as a local run (queries that must stay
// with the researcher sealed here and opened here). Result files arrive in `output_directory`.
StatusOr<nlohmann::ordered_json> RunThroughHub(const federation::StudyFile& study, const HubArguments& arguments,
                                               const std::string& output_directory);

}  // namespace medfed::cli
