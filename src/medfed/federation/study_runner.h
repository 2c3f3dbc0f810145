// Runs a study file on local sites (the embedded default): one SiteNode per [[sites]] entry,
// each in its own thread, connected by the in-process transport.
#pragma once

#include <chrono>
#include <string>

#include "medfed/analysis/engine/analysis.h"
#include "medfed/federation/study_file.h"

namespace medfed::federation {

struct RunOptions {
  std::chrono::milliseconds round_timeout{60000};
  std::string output_directory = ".";  // where analyses write their `output` files
  // Where a site without `state` in the study file keeps its budgets and release history:
  // STATE_HOME/sites/<site>/releases.db. Empty: in memory, for this run only.
  std::string state_home;
};

// The per-user default for RunOptions::state_home, as `medfed run` uses it: $MEDFED_STATE_HOME,
// else $XDG_STATE_HOME/medfed, else ~/.local/state/medfed; "" (in memory) when
// MEDFED_STATE_HOME is "memory" or no home is known. The history is keyed by each table's
// SHA-256, so studies of the same data share it, as they should.
std::string DefaultStateHome();

StatusOr<analysis::Json> RunStudyLocally(const StudyFile& study, const RunOptions& options = {});

}  // namespace medfed::federation
