// medfed run STUDY.toml [--json] [--out DIR]
// medfed run STUDY.toml --hub HOST:PORT --identity DIR [--json] [--out DIR]
// medfed results STUDY_ID --hub HOST:PORT --identity DIR [--json] [--out DIR]
#include <cstdio>
#include <optional>

#include "medfed/cli/commands.h"
#include "medfed/cli/results_output.h"
#include "medfed/core/progress.h"
#include "medfed/core/staged_directory.h"
#include "medfed/federation/study_file.h"
#include "medfed/federation/study_runner.h"
#include "medfed/net/researcher_client.h"

namespace medfed::cli {
namespace {

struct RunArguments {
  std::string study;
  bool json = false;
  std::string out;
  double timeout_seconds = 60;
  bool quiet = false;
  HubArguments network;
};

}  // namespace

void AddHubOptions(CLI::App& command, HubArguments& arguments) {
  command.add_option("--hub", arguments.hub,
                     "run through the hub at HOST:PORT (network mode; sites are named, not given data)");
  command.add_option("--identity", arguments.identity, "your researcher identity directory (medfed ca issue)");
  command.add_option("--references", arguments.references,
                     "a directory of reference files on this machine, for a study that names an ontology by its "
                     "sha256 (the query is encrypted against it here)");
}

Status CheckHubArguments(const HubArguments& arguments) {
  if (arguments.hub.empty() != arguments.identity.empty()) {
    return InvalidArgument("--hub and --identity go together (the hub's address and your identity directory)");
  }
  if (arguments.hub.empty() && !arguments.references.empty()) {
    return InvalidArgument("--references is for --hub: in one process give the ontology's path in the study file");
  }
  return absl::OkStatus();
}

StatusOr<analysis::Json> RunThroughHub(const federation::StudyFile& study, const HubArguments& arguments,
                                       const std::string& output_directory) {
  ASSIGN_OR_RETURN(net::NetworkIdentity identity,
                   net::LoadIdentity(arguments.identity, crypto::PartyRole::kResearcher));
  for (const auto& site : study.sites) {
    if (!site.tables.empty() || !site.genotypes.empty() || !site.policy_path.empty()) {
      std::fprintf(stderr,
                   "note: site %s's tables and policy in %s are not used with --hub; each site serves its "
                   "own data under its own policy\n",
                   site.name.c_str(), study.path.c_str());
    }
  }
  net::ClientOptions options;
  options.hub = arguments.hub;
  options.output_directory = output_directory;
  options.quiet = arguments.quiet;
  options.references_directory = arguments.references;
  ASSIGN_OR_RETURN(net::RemoteStudy remote, net::SubmitStudy(study, identity, options));
  return remote.document;
}

namespace {

// With --out, everything the study writes goes into a stage that replaces DIR only once the
// whole results directory is written; without it, result files (GWAS tables) go to ".".
StatusOr<std::optional<StagedDirectory>> StageOutput(const std::string& out) {
  if (out.empty()) return std::optional<StagedDirectory>();
  ASSIGN_OR_RETURN(StagedDirectory stage, StagedDirectory::Begin(out));
  return std::optional<StagedDirectory>(std::move(stage));
}

int Run(const RunArguments& arguments) {
  if (arguments.quiet) Progress::SetEnabled(false);
  auto study = federation::LoadStudyFile(arguments.study);
  if (!study.ok()) return ReportError(study.status());
  if (Status checked = CheckHubArguments(arguments.network); !checked.ok()) return ReportError(checked);
  auto stage = StageOutput(arguments.out);
  if (!stage.ok()) return ReportError(stage.status());
  const std::string output_directory = *stage ? (*stage)->path() : ".";
  StatusOr<analysis::Json> document = InvalidArgument("not run");
  if (!arguments.network.hub.empty()) {
    HubArguments network = arguments.network;
    network.quiet = arguments.quiet || arguments.json;
    document = RunThroughHub(*study, network, output_directory);
  } else {
    federation::RunOptions options;
    options.round_timeout = std::chrono::milliseconds(static_cast<int64_t>(arguments.timeout_seconds * 1000));
    options.output_directory = output_directory;
    options.state_home = federation::DefaultStateHome();
    document = federation::RunStudyLocally(*study, options);
  }
  if (!document.ok()) return ReportError(document.status());
  return Present(*document, arguments.json, arguments.out, *stage ? &**stage : nullptr);
}

struct ResultsArguments {
  std::string study_id, hub, identity, out;
  bool json = false;
};

int Results(const ResultsArguments& arguments) {
  auto identity = net::LoadIdentity(arguments.identity, crypto::PartyRole::kResearcher);
  if (!identity.ok()) return ReportError(identity.status());
  auto stage = StageOutput(arguments.out);
  if (!stage.ok()) return ReportError(stage.status());
  net::ClientOptions options;
  options.hub = arguments.hub;
  options.output_directory = *stage ? (*stage)->path() : ".";
  options.quiet = arguments.json;
  auto remote = net::WatchStudy(arguments.study_id, *identity, options);
  if (!remote.ok()) return ReportError(remote.status());
  return Present(remote->document, arguments.json, arguments.out, *stage ? &**stage : nullptr);
}

}  // namespace

int Present(const analysis::Json& document, bool json, const std::string& out, StagedDirectory* stage) {
  if (!out.empty()) {
    Status written = WriteResultsDirectory(document, stage != nullptr ? stage->path() : out);
    if (written.ok() && stage != nullptr) written = stage->Commit();
    if (!written.ok()) return ReportError(written);
  }
  if (json) {
    std::printf("%s\n", document.dump(2).c_str());
  } else {
    std::printf("%s", RenderResultsText(document).c_str());
    if (!out.empty()) {
      std::printf("\nResults written to %s/results.json\n", out.c_str());
    }
  }
  return 0;
}

void AddRunCommand(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<RunArguments>();
  CLI::App* command =
      app.add_subcommand("run", "Run the analyses of a study file across its sites and print the results");
  command->add_option("study", arguments->study, "study file (TOML, see docs/study-file.md)")->required();
  command->add_flag("--json", arguments->json, "print the results document (JSON) on stdout, nothing else");
  command->add_option("--out", arguments->out, "also write results.json and one JSON file per analysis into DIR");
  command
      ->add_option("--timeout", arguments->timeout_seconds,
                   "seconds a site may take to answer a round before the study is aborted")
      ->default_val(60)
      ->check(CLI::Range(0.1, 86400.0));
  command->add_flag("--quiet", arguments->quiet, "no progress on stderr");
  AddHubOptions(*command, arguments->network);
  command->footer(
      "Local sites keep your privacy budget and the rows behind earlier results (the differencing guard) in\n"
      "[[sites]] state = DIR, else $MEDFED_STATE_HOME/sites/SITE (default ~/.local/state/medfed;\n"
      "MEDFED_STATE_HOME=memory keeps them for this run only). docs/privacy/differential-privacy.md");
  command->callback([arguments, &exit_code] { exit_code = Run(*arguments); });

  auto results = std::make_shared<ResultsArguments>();
  CLI::App* fetch = app.add_subcommand(
      "results", "Follow a study submitted through the hub earlier, and fetch its results when it is done");
  fetch->add_option("study", results->study_id, "study id (printed when the study was submitted)")->required();
  fetch->add_option("--hub", results->hub, "the hub's HOST:PORT")->required();
  fetch->add_option("--identity", results->identity, "your researcher identity directory")->required();
  fetch->add_option("--out", results->out, "write results.json, per-analysis files, figures and result files here");
  fetch->add_flag("--json", results->json, "print the results document (JSON) on stdout, nothing else");
  fetch->callback([results, &exit_code] { exit_code = Results(*results); });
}

}  // namespace medfed::cli
