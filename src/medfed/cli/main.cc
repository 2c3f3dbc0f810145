// medfed: federated analysis of hospital data without pooling records.
#include <malloc.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "medfed/analysis/engine/registry.h"
#include "medfed/cli/commands.h"
#include "medfed/core/text.h"

int main(int argc, char** argv) {
  // Rounds allocate and free vectors of many megabytes (Cox risk-set sums, GWAS blocks). By
  // default glibc returns such blocks to the kernel at once and the next round faults every page
  // in again (a third of a Cox run's time); keep them in the heap instead.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  CLI::App app(
      "medfed: hospitals keep their data at home and answer questions together, as one cohort.\n"
      "Joint statistics (the same numbers as R on the pooled data) under secure aggregation.\n");
  app.require_subcommand(1);
  app.set_version_flag("--version", "medfed 0.1.0");
  std::string analyses = "Analysis types for study files:\n";
  for (const auto* definition : medfed::analysis::AllAnalyses()) {
    analyses += "  " + definition->type + std::string(12 - std::min<size_t>(11, definition->type.size()), ' ') +
                definition->description + "\n";
  }
  int exit_code = 0;
  medfed::cli::AddRunCommand(app, exit_code);
  medfed::cli::AddDemoCommand(app, exit_code);
  medfed::cli::AddSynthCommand(app, exit_code);
  medfed::cli::AddCaCommand(app, exit_code);
  medfed::cli::AddHubCommand(app, exit_code);
  medfed::cli::AddSiteCommand(app, exit_code);
  medfed::cli::AddAuditCommand(app, exit_code);
  medfed::cli::AddPsiCommand(app, exit_code);
  medfed::cli::AddScanCommand(app, exit_code);
  medfed::cli::AddDeidCommand(app, exit_code);
  medfed::cli::AddMatchCommand(app, exit_code);
  medfed::cli::AddContactCommand(app, exit_code);
  // Set after the subcommands exist, so that only `medfed --help` and `medfed run --help` carry it.
  app.footer(analyses +
             "\nSee README.md and docs/ for the study file and the protocols; docs/deployment.md for\n"
             "the network (ca, hub, site, audit, run --hub).");
  app.get_subcommand("run")->footer(analyses + "\nSee docs/study-file.md for every key.");
  // An unknown command: name it and the nearest one, rather than CLI11's "a subcommand is required".
  if (argc >= 2 && argv[1][0] != '-') {
    std::vector<std::string> commands;
    for (const CLI::App* command : app.get_subcommands({})) commands.push_back(command->get_name());
    if (std::find(commands.begin(), commands.end(), argv[1]) == commands.end()) {
      const std::string nearest = medfed::NearestName(argv[1], commands);
      std::fprintf(stderr, "medfed: unknown command %s%s; the commands are %s (medfed --help)\n",
                   medfed::QuoteForMessage(argv[1]).c_str(),
                   nearest.empty() ? "" : ("; did you mean \"" + nearest + "\"?").c_str(),
                   medfed::JoinStrings(commands, ", ").c_str());
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  // Output that did not all reach stdout (a full disk, a closed pipe) must not end with status
  // 0: whoever reads it would take a cut-short table for the whole result.
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::fprintf(stderr, "error: could not write all output to stdout (%s); the output above is incomplete\n",
                 std::strerror(errno));
    return exit_code == 0 ? 1 : exit_code;
  }
  return exit_code;
}
