// The Manhattan and QQ plots of a GWAS result, drawn from its results TSV (read line by line,
// so a file of millions of variants needs no more memory than the pictures).
#pragma once

#include <string>

#include "medfed/analysis/engine/analysis.h"
#include "medfed/core/status.h"

namespace medfed::cli {

// Writes `<stem>.manhattan.svg` and `<stem>.qq.svg` for `result` (a gwas result with status ok)
// whose TSV is at `tsv_path`.
Status WriteGwasFigures(const analysis::Json& result, const std::string& tsv_path, const std::string& stem);

}  // namespace medfed::cli
