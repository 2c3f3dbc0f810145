// medfed demo: the bundled three-hospital study (examples/demo/study.toml): a colorectal
// cohort, three cancer registries and a case-control GWAS.
#include <cstdio>
#include <filesystem>

#include "medfed/cli/commands.h"
#include "medfed/cli/results_output.h"
#include "medfed/core/file.h"
#include "medfed/federation/study_file.h"
#include "medfed/federation/study_runner.h"

#ifndef MEDFED_SOURCE_DIR
#define MEDFED_SOURCE_DIR "."
#endif

namespace medfed::cli {
namespace {

struct DemoArguments {
  std::string study;
  std::string out = "medfed-demo";
  bool network = false;
};

std::string FindDemoStudy() {
  for (const std::string& candidate :
       {std::string("examples/demo/study.toml"), std::string(MEDFED_SOURCE_DIR) + "/examples/demo/study.toml"}) {
    if (FileExists(candidate)) return candidate;
  }
  return "examples/demo/study.toml";
}

int Demo(const DemoArguments& arguments) {
  const std::string path = arguments.study.empty() ? FindDemoStudy() : arguments.study;
  auto study = federation::LoadStudyFile(path);
  if (!study.ok()) return ReportError(study.status());
  if (arguments.network) return NetworkDemo(*study, arguments.out);
  std::printf(
      "medfed demo: %zu hospitals keep their rows at home; each analysis runs in rounds "
      "whose summaries are pairwise-masked (secure aggregation).\nStudy file: %s\n\n",
      study->sites.size(), path.c_str());
  federation::RunOptions options;
  options.output_directory = arguments.out;
  options.state_home = federation::DefaultStateHome();
  auto document = federation::RunStudyLocally(*study, options);
  if (!document.ok()) return ReportError(document.status());
  Status written = WriteResultsDirectory(*document, arguments.out);
  if (!written.ok()) return ReportError(written);
  std::printf("%s", RenderResultsText(*document).c_str());
  std::printf("\nJSON results were written to %s/results.json (one file per analysis beside it).\n",
              std::filesystem::absolute(arguments.out).lexically_normal().c_str());
  // Before a table joins the network, its data officer scans it: a messy registry extract.
  const std::string extract = (std::filesystem::path(path).parent_path() / "data" / "messy_extract.csv").string();
  if (arguments.study.empty() && FileExists(extract)) {
    std::printf("\nBefore a hospital connects a table, its data officer scans it (medfed scan %s):\n\n",
                extract.c_str());
    std::fflush(stdout);
    const std::string report = (std::filesystem::path(arguments.out) / "messy_extract.scan.html").string();
    if (int scanned = ScanFile(extract, false, report); scanned != 0) return scanned;
    std::printf("\nThe scan report is %s.\n", std::filesystem::absolute(report).lexically_normal().c_str());
    // ... and de-identifies it with the default policy before it may join the network.
    const std::filesystem::path out(arguments.out);
    const std::string deidentified = (out / "messy_extract.deid.csv").string();
    std::printf("\nThen de-identifies it (medfed deid %s --out %s --key %s --create-key):\n\n", extract.c_str(),
                deidentified.c_str(), (out / "site.key").c_str());
    std::fflush(stdout);
    if (int done = DeidentifyFile(extract, deidentified, (out / "messy_extract.deid.json").string(),
                                  (out / "site.key").string());
        done != 0) {
      return done;
    }
    std::printf("\nThe de-identified extract and its report (JSON) are beside the results.\n");
  }
  // A clinician asks three rare-disease clinics "who has seen a patient like this?", encrypted.
  const std::filesystem::path rare = std::filesystem::path(path).parent_path().parent_path() / "rare";
  if (arguments.study.empty() && FileExists((rare / "study.toml").string())) {
    std::printf(
        "\nA clinician asks three rare-disease clinics for patients like hers, the query encrypted "
        "(medfed match %s --query %s --top 5):\n\n",
        (rare / "study.toml").c_str(), (rare / "data" / "query.json").c_str());
    std::fflush(stdout);
    if (int matched = MatchQuery((rare / "study.toml").string(), (rare / "data" / "query.json").string(), 5);
        matched != 0) {
      return matched;
    }
  }
  return 0;
}

}  // namespace

void AddDemoCommand(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<DemoArguments>();
  CLI::App* command = app.add_subcommand(
      "demo", "Run the bundled three-hospital study: colorectal-cancer cohort, cancer registries, a GWAS");
  command->add_option("--study", arguments->study, "another study file to run as the demo");
  command->add_option("--out", arguments->out, "where to write the results")->default_val("medfed-demo");
  command->add_flag("--network", arguments->network,
                    "run it through a hub and three site daemons started as processes on this machine "
                    "(mutual TLS, approvals, the ledger), then stop them");
  command->callback([arguments, &exit_code] { exit_code = Demo(*arguments); });
}

}  // namespace medfed::cli
