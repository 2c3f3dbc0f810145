#include "medfed/analysis/descriptive/summary_columns.h"

#include <cmath>

#include "medfed/table/evaluator.h"

namespace medfed::analysis {

StatusOr<SummaryColumns> ReadSummaryColumns(const table::Table& table, const std::vector<table::Expression>& variables,
                                            const std::string& where, const SiteContext& context) {
  SummaryColumns columns;
  ASSIGN_OR_RETURN(columns.rows, table::SelectRows(where, table));
  for (const auto& variable : variables) {
    ASSIGN_OR_RETURN(table::RowValues values, table::EvaluateRows(variable, table));
    if (values.kind == table::RowValues::Kind::kFactor) {
      if (variable.IsName()) {
        const table::Column* column = table.FindColumn(variable.text);
        if (column && column->non_numeric() && column->non_numeric()->numeric_values > 0) {
          return table::NotNumericError(table, *column);
        }
      }
      return InvalidArgument("site " + context.data.site() + ": " + variable.Deparse() +
                             " is categorical; summary needs a numeric variable (use a crosstab for categories)");
    }
    std::vector<double> present;
    std::vector<uint32_t> present_rows;
    size_t missing = 0;
    for (uint32_t row : columns.rows) {
      double x = values.kind == table::RowValues::Kind::kNumeric
                     ? values.numbers[row]
                     : (values.logicals[row] < 0 ? std::nan("") : values.logicals[row]);
      if (std::isnan(x)) {
        ++missing;
      } else {
        present.push_back(x);
        present_rows.push_back(row);
      }
    }
    columns.missing.push_back(missing);
    columns.values.push_back(std::move(present));
    columns.present_rows.push_back(std::move(present_rows));
    columns.labels.push_back(variable.Deparse());
  }
  return columns;
}

}  // namespace medfed::analysis
