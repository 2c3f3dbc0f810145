// Pieces shared by the analyses that read a table through a formula or a variable list:
// checking referenced columns at open time, the site minimum-rows rule, and the "schema round"
// in which the sites reveal which factor levels occur among their rows so that the hub can
// unite them (R's global factor levels) before any design is built.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medfed/analysis/engine/analysis.h"
#include "medfed/analysis/engine/analysis_spec.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/stats/glm_irls.h"
#include "medfed/table/design_matrix.h"
#include "medfed/table/formula.h"
#include "medfed/table/model_frame.h"

namespace medfed::analysis {

// Loads the spec's `table` at the site and checks that `columns` and the columns of `where`
// exist; errors name the site, the analysis, the file and the columns it has.
StatusOr<std::shared_ptr<const table::Table>> LoadAnalysisTable(const AnalysisSpec& spec, SiteContext& context,
                                                                const std::vector<std::string>& columns);

// Columns a formula reads (response, variables, offsets).
std::vector<std::string> FormulaColumns(const table::Formula& formula);

// The refusal for 0 < rows < policy.min_rows (a site with no rows contributes nothing).
std::optional<Contribution> RefuseIfTooFewRows(size_t rows, const SiteContext& context,
                                               const std::string& what = "rows");

// The rows of `table` behind a release, for the site's differencing guard
// (federation/release_guard.h); `rows` need not be sorted.
ReleasedRows MakeReleasedRows(const table::Table& table, std::vector<uint32_t> rows);

// The rows a researcher selected for a release: the rows under `where` (`selected`), less those
// the analysis' own expressions dropped although every column they read (`columns`) has a value
// there (log(age - 60) drops rows as a filter would). Rows left out because the data lack a
// value are not the researcher's choice and stay in the set, so analyses of the same selection
// with different variables do not differ by the few rows each happens to lack
// (docs/privacy/disclosure-control.md, differencing).
ReleasedRows MakeSelectedRows(const table::Table& table, const std::vector<uint32_t>& selected,
                              const std::vector<uint32_t>& used, const std::vector<std::string>& columns);

// The refusal reason of the dominance rule for `what` (a variable or model column, as the
// researcher wrote it), naming the rule's n and k, never a value.
std::string DominanceReason(const SiteContext& context, const std::string& what);

// The dominance rule over a model's columns (a regression releases each column's sum and sum of
// squares): every column that is not 0/1 (0/1 columns are counts, under min_cell_count), named
// by `names`, is checked; `response` too when given.
std::optional<Contribution> RefuseIfDominated(const Eigen::MatrixXd& design, const std::vector<std::string>& names,
                                              const Eigen::VectorXd* response, const std::string& response_name,
                                              const SiteContext& context);

// What a schema round sends besides the disclosed levels: the site's rows in the frame and the
// rows it left out for missing values.
struct FrameCountSums {
  double rows = 0;
  double missing = 0;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("rows", rows);
    fields("missing", missing);
  }
};

// A round whose sites send only disclosed sets (blinded keys, encrypted records): secure
// aggregation still carries one number, always zero.
struct NoSums {
  double zero = 0;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("zero", zero);
  }
};

// IRLS sums of a model with `parameters` columns as a layout field, packed the way
// stats::IrlsSums packs itself (four scalars, the upper triangle of X'WX, X'Wz).
struct IrlsField {
  size_t parameters = 0;
  stats::IrlsSums sums;

  static IrlsField Of(stats::IrlsSums sums) {
    IrlsField field;
    field.parameters = static_cast<size_t>(sums.right_side.size());
    field.sums = std::move(sums);
    return field;
  }
  static IrlsField Shaped(size_t parameters) {
    IrlsField field;
    field.parameters = parameters;
    return field;
  }
  size_t PackedSize() const { return stats::IrlsSums::PackedSize(parameters); }
  void AppendPacked(std::vector<double>& out) const { sums.AppendPacked(out); }
  void UnpackFrom(const double* data) { sums = stats::IrlsSums::Unpack(data, parameters); }
};

// Schema round: disclose the schemas, unite them at the hub, send them back.
void DiscloseSchemas(const std::vector<table::VariableSchema>& schemas, Contribution& contribution);
StatusOr<table::GlobalLevels> UniteDisclosedSchemas(const PooledRound& pooled);
void PutGlobalLevels(const table::GlobalLevels& levels, RoundParameters& parameters);
StatusOr<table::GlobalLevels> GetGlobalLevels(const RoundParameters& parameters);

// The result of a refused analysis: {"id","type","status":"refused","reason"}.
Json RefusedResult(const std::string& reason);

}  // namespace medfed::analysis
