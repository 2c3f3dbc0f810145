// Evaluates an Expression on every row of a Table: `where` filters (a logical per row) and the
// variables of a formula (numeric, or a factor for string/boolean columns, factor() and strata()).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "medfed/core/status.h"
#include "medfed/table/expression.h"
#include "medfed/table/table.h"

namespace medfed::table {

struct RowValues {
  enum class Kind { kNumeric, kLogical, kFactor };
  Kind kind = Kind::kNumeric;
  std::vector<double> numbers;      // kNumeric; NaN is missing
  std::vector<int8_t> logicals;     // kLogical; -1 is missing
  std::vector<int32_t> codes;       // kFactor; -1 is missing
  std::vector<std::string> levels;  // kFactor; in level order
  // How the factor's levels sort when sites' level sets are united: numerically for factor()
  // of a numeric column, FALSE < TRUE for logicals, byte order for text.
  enum class LevelOrder { kText, kNumeric, kLogical };
  LevelOrder level_order = LevelOrder::kText;

  size_t size() const;
  bool IsMissing(size_t row) const;
};

StatusOr<RowValues> EvaluateRows(const Expression& expression, const Table& table);

// Rows (in order) for which `where` is TRUE; rows where it is FALSE or NA are left out, as
// R's subset() does. An empty `where` selects every row.
StatusOr<std::vector<uint32_t>> SelectRows(const std::string& where, const Table& table);

// The error for a string column used where numbers are needed: names the file, the line and
// the first value that is not a number.
Status NotNumericError(const Table& table, const Column& column);

// Sorts level texts in the order `order` prescribes.
void SortLevels(std::vector<std::string>& levels, RowValues::LevelOrder order);

}  // namespace medfed::table
