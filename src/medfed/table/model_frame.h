// The rows and variables a model uses at one site: R's model.frame with na.omit.
//
// The frame evaluates the response (or the parts of Surv(...)) and every right-side variable
// on the rows a `where` selected, and keeps the complete cases. Factor levels are the ones
// present among those rows; the sites' level sets are united (GlobalLevels) before any design
// matrix is built, so that every site codes the same columns.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "medfed/core/status.h"
#include "medfed/table/evaluator.h"
#include "medfed/table/formula.h"
#include "medfed/table/table.h"

namespace medfed::table {

// What a site reveals about one variable so that the sites can agree on the coding: whether it
// is numeric or a factor and which levels occur among the rows used.
// The level that stands for every level too rare to be named (see ModelFrame::Schemas).
inline constexpr char kOtherLevel[] = "(other)";

struct VariableSchema {
  std::string label;
  bool is_factor = false;
  RowValues::LevelOrder level_order = RowValues::LevelOrder::kText;
  std::vector<std::string> levels;
};

// label -> schema, united over sites.
using GlobalLevels = std::map<std::string, VariableSchema>;

// Unites per-site schemas; fails when sites disagree on whether a variable is a factor.
StatusOr<GlobalLevels> UniteSchemas(const std::vector<std::vector<VariableSchema>>& per_site,
                                    const std::vector<std::string>& site_names);

// Why no row is left, when no row is: the variables that have no value at any site (a column
// that is empty everywhere reads as logical without levels). Empty when there are none.
std::string DescribeVariablesWithoutValues(const GlobalLevels& levels);

class ModelFrame {
 public:
  // The response parts are the left side (one for y, two for Surv(time, event)), none for a
  // one-sided formula. A row is kept when every part, variable and offset is non-missing.
  static StatusOr<ModelFrame> Build(const Formula& formula, const Table& table,
                                    const std::vector<uint32_t>& selected_rows);
  // A frame over explicit expressions, without a formula (summary, crosstab).
  static StatusOr<ModelFrame> BuildFromExpressions(const std::vector<Expression>& variables, const Table& table,
                                                   const std::vector<uint32_t>& selected_rows);

  size_t rows() const { return rows_; }
  // Rows the `where` selected but that had a missing value in a used variable.
  size_t missing() const { return missing_; }

  const std::vector<RowValues>& response_parts() const { return response_parts_; }
  const std::vector<RowValues>& variables() const { return variables_; }
  const std::vector<std::string>& variable_labels() const { return labels_; }
  // Sum of offset(...) terms per row (zeros when there are none).
  const std::vector<double>& offset() const { return offset_; }
  // The rows of the source table the frame kept (complete cases), in order.
  const std::vector<uint32_t>& source_rows() const { return source_rows_; }

  // Schema of every right-side variable, levels restricted to the rows used.
  // The variables' schemas as a site discloses them: a factor level is named only when at least
  // `min_level_count` of the frame's rows have it (a level's text is data: a diagnosis, a place,
  // a name typed into the wrong column); rows of rarer levels are pooled under kOtherLevel. A
  // site with none of a level says nothing of it, the same as one with a few.
  std::vector<VariableSchema> Schemas(int min_level_count = 1) const;

 private:
  static StatusOr<ModelFrame> Assemble(std::vector<RowValues> response_parts, std::vector<RowValues> variables,
                                       std::vector<std::string> labels, std::vector<RowValues> offsets,
                                       const std::vector<uint32_t>& selected_rows);

  size_t rows_ = 0;
  size_t missing_ = 0;
  std::vector<RowValues> response_parts_;
  std::vector<RowValues> variables_;
  std::vector<std::string> labels_;
  std::vector<double> offset_;
  std::vector<uint32_t> source_rows_;
};

// Keeps only `rows` of `values` (indices into it), in order.
RowValues SubsetRows(const RowValues& values, const std::vector<uint32_t>& rows);

// Re-codes a factor against global levels: returns per-row indices into `global_levels`
// (-1 where missing). A local level absent from the global list counts under kOtherLevel when
// that is a global level; otherwise it is an error, or missing (-1) with `unknown_is_missing`.
StatusOr<std::vector<int32_t>> RecodeToGlobal(const RowValues& factor, const std::vector<std::string>& global_levels,
                                              const std::string& label, bool unknown_is_missing = false);

}  // namespace medfed::table
