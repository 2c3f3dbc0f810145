// Pieces shared by the analyses that read a table through a formula or a variable list:
// checking referenced columns at open time, the site minimum-rows rule, and the "schema round"
// in which the sites reveal which factor levels occur among their rows so that the hub can
// unite them (R's global factor levels) before any design is built.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medfed/analysis/analysis.h"
#include "medfed/analysis/analysis_spec.h"
#include "medfed/analysis/registry.h"
#include "medfed/table/formula.h"
#include "medfed/table/model_frame.h"

namespace medfed {

// Loads the spec's `table` at the site and checks that `columns` and the columns of `where`
// exist; errors name the site, the analysis, the file and the columns it has.
StatusOr<std::shared_ptr<const Table>> LoadAnalysisTable(const AnalysisSpec& spec,
                                                         SiteContext& context,
                                                         const std::vector<std::string>& columns);

// Columns a formula reads (response, variables, offsets).
std::vector<std::string> FormulaColumns(const Formula& formula);

// The refusal for 0 < rows < policy.min_rows (a site with no rows contributes nothing).
std::optional<Contribution> RefuseIfTooFewRows(size_t rows, const SiteContext& context,
                                               const std::string& what = "rows");

// Schema round: disclose the schemas, unite them at the hub, send them back.
void DiscloseSchemas(const std::vector<VariableSchema>& schemas, Contribution& contribution);
StatusOr<GlobalLevels> UniteDisclosedSchemas(const PooledRound& pooled);
void PutGlobalLevels(const GlobalLevels& levels, RoundParameters& parameters);
StatusOr<GlobalLevels> GetGlobalLevels(const RoundParameters& parameters);

// The result of a refused analysis: {"id","type","status":"refused","reason"}.
Json RefusedResult(const std::string& reason);

}  // namespace medfed
