// Formula terms -> design matrix with R's coding and column names.
//
// Follows R's model.matrix: a factor in a term is coded by treatment contrasts (first level
// dropped) when the term without it is empty or contained in an earlier term, and by full
// indicator coding otherwise (TermCode in R's src/library/stats/src/model.c); without an
// intercept the first factor of the first term that has one is fully coded. Columns of an
// interaction vary fastest in its first variable. Names: "(Intercept)", "age", "rxLev+5FU",
// "sexM:age", "factor(stage)3".
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>

#include "medfed/core/status.h"
#include "medfed/table/formula.h"
#include "medfed/table/model_frame.h"

namespace medfed::table {

enum class VariableCoding { kNumeric, kContrasts, kIndicators };

struct DesignTerm {
  std::string label;
  std::vector<std::pair<int, VariableCoding>> parts;  // formula variable index, coding
  size_t first_column = 0;
  size_t column_count = 0;
};

struct DesignLayout {
  bool intercept = true;
  std::vector<DesignTerm> terms;
  std::vector<std::string> column_names;

  size_t columns() const { return column_names.size(); }
};

// Decides the coding of every term from the formula and the sites' united schemas. The hub
// and every site compute the same layout from the same inputs.
StatusOr<DesignLayout> MakeDesignLayout(const Formula& formula, const GlobalLevels& levels);

// The design matrix of one site's frame (rows = frame rows), column-major.
StatusOr<Eigen::MatrixXd> BuildDesignMatrix(const ModelFrame& frame, const Formula& formula, const DesignLayout& layout,
                                            const GlobalLevels& levels);

}  // namespace medfed::table
