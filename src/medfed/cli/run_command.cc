// medfed run STUDY.toml [--json] [--out DIR]
#include <cstdio>

#include "medfed/cli/commands.h"
#include "medfed/cli/results_output.h"
#include "medfed/core/progress.h"
#include "medfed/federation/study_file.h"
#include "medfed/federation/study_runner.h"

namespace medfed::cli {
namespace {

struct RunArguments {
  std::string study;
  bool json = false;
  std::string out;
  double timeout_seconds = 60;
  bool quiet = false;
};

int Run(const RunArguments& arguments) {
  if (arguments.quiet) Progress::SetEnabled(false);
  auto study = LoadStudyFile(arguments.study);
  if (!study.ok()) return ReportError(study.status());
  RunOptions options;
  options.round_timeout =
      std::chrono::milliseconds(static_cast<int64_t>(arguments.timeout_seconds * 1000));
  if (!arguments.out.empty()) options.output_directory = arguments.out;
  auto document = RunStudyLocally(*study, options);
  if (!document.ok()) return ReportError(document.status());
  if (!arguments.out.empty()) {
    Status written = WriteResultsDirectory(*document, arguments.out);
    if (!written.ok()) return ReportError(written);
  }
  if (arguments.json) {
    std::printf("%s\n", document->dump(2).c_str());
  } else {
    std::printf("%s", RenderResultsText(*document).c_str());
    if (!arguments.out.empty()) {
      std::printf("\nResults written to %s/results.json\n", arguments.out.c_str());
    }
  }
  return 0;
}

}  // namespace

void AddRunCommand(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<RunArguments>();
  CLI::App* command = app.add_subcommand(
      "run", "Run the analyses of a study file across its sites and print the results");
  command->add_option("study", arguments->study, "study file (TOML, see docs/study-file.md)")
      ->required();
  command->add_flag("--json", arguments->json,
                    "print the results document (JSON) on stdout, nothing else");
  command->add_option("--out", arguments->out,
                      "also write results.json and one JSON file per analysis into DIR");
  command->add_option("--timeout", arguments->timeout_seconds,
                      "seconds a site may take to answer a round before the study is aborted")
      ->default_val(60);
  command->add_flag("--quiet", arguments->quiet, "no progress on stderr");
  command->callback([arguments, &exit_code] { exit_code = Run(*arguments); });
}

}  // namespace medfed::cli
