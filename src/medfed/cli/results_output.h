// Presenting a results document: aligned text tables for people, the JSON document for
// programs, and the files of --out DIR (written atomically).
#pragma once

#include <string>

#include "medfed/analysis/engine/analysis.h"
#include "medfed/core/status.h"

namespace medfed::cli {

std::string RenderResultsText(const analysis::Json& document);

// Writes DIR/results.json, DIR/<id>.json for every analysis, and the figures of analyses that
// have one (DIR/<id>.svg: Kaplan-Meier curves; DIR/<id>.manhattan.svg and DIR/<id>.qq.svg: GWAS).
Status WriteResultsDirectory(const analysis::Json& document, const std::string& directory);

// Prints an error the way every subcommand does: "medfed: error: ..." on stderr.
int ReportError(const Status& status);

}  // namespace medfed::cli
