// The numeric values a `summary` reads at a site: each variable evaluated on the rows under
// `where`, split into present values and a missing count. Shared by the exact and the noised
// summary.
#pragma once

#include <string>
#include <vector>

#include "medfed/analysis/engine/registry.h"
#include "medfed/table/expression.h"
#include "medfed/table/table.h"

namespace medfed::analysis {

struct SummaryColumns {
  std::vector<uint32_t> rows;                       // under `where`
  std::vector<std::vector<double>> values;          // per variable, the present values
  std::vector<std::vector<uint32_t>> present_rows;  // per variable, the rows of those values
  std::vector<size_t> missing;                      // per variable
  std::vector<std::string> labels;                  // per variable, as written
};

// A categorical variable is an error naming the site and suggesting a crosstab.
StatusOr<SummaryColumns> ReadSummaryColumns(const table::Table& table, const std::vector<table::Expression>& variables,
                                            const std::string& where, const SiteContext& context);

}  // namespace medfed::analysis
