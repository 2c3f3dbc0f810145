// Runs a study file on local sites (the embedded default): one SiteNode per [[sites]] entry,
// each in its own thread, connected by the in-process transport.
#pragma once

#include <chrono>
#include <string>

#include "medfed/analysis/analysis.h"
#include "medfed/federation/study_file.h"

namespace medfed {

struct RunOptions {
  std::chrono::milliseconds round_timeout{60000};
  std::string output_directory = ".";  // where analyses write their `output` files
};

StatusOr<Json> RunStudyLocally(const StudyFile& study, const RunOptions& options = {});

}  // namespace medfed
