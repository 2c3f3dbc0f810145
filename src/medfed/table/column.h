// A typed column of a Table. Missing values: INT64_MIN for integers (as R's NA_integer_),
// NaN for floats, -1 for booleans and factor codes.
#pragma once

#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medfed::table {

enum class ColumnType { kInteger, kFloat, kBoolean, kString };

const char* ColumnTypeName(ColumnType type);

inline constexpr int64_t kMissingInteger = std::numeric_limits<int64_t>::min();

// Where a string column stops being numeric: set when most values are numbers but some are
// not ("unknown", "12,5"), so that using the column numerically can name the offending line.
struct NonNumericValue {
  uint64_t line = 0;
  std::string text;
  uint64_t numeric_values = 0;
  uint64_t non_numeric_values = 0;
};

// The values of a text column as they were read: views into the source text (kept alive by
// `source`), or into `owned` for values that needed unescaping. A missing value is a view with
// a null data pointer. The sorted factor levels and codes are built on first use only, so that
// identifier and free-text columns that no analysis uses cost no hashing or sorting.
struct TextValues {
  std::vector<std::string_view> values;
  std::shared_ptr<const void> source;
  std::deque<std::string> owned;

  mutable std::once_flag factorized;
  mutable std::vector<int32_t> codes;
  mutable std::vector<std::string> levels;
  void Factorize() const;
};

class Column {
 public:
  Column() = default;
  static Column Integers(std::string name, std::vector<int64_t> values);
  static Column Floats(std::string name, std::vector<double> values);
  static Column Booleans(std::string name, std::vector<int8_t> values);
  // `codes` index into `levels`; levels must be sorted and unique.
  static Column Factor(std::string name, std::vector<int32_t> codes, std::vector<std::string> levels);
  // Builds a factor column from text values (empty optional = missing), levels sorted.
  static Column FromStrings(std::string name, const std::vector<std::optional<std::string>>& values);
  // A text column whose factor coding is built on first use.
  static Column Text(std::string name, std::shared_ptr<const TextValues> values);

  const std::string& name() const { return name_; }
  ColumnType type() const { return type_; }
  size_t size() const;
  bool IsNumeric() const { return type_ != ColumnType::kString; }
  bool IsMissing(size_t row) const;

  const std::vector<int64_t>& integers() const { return integers_; }
  const std::vector<double>& floats() const { return floats_; }
  const std::vector<int8_t>& booleans() const { return booleans_; }
  // Factor codes and sorted levels of a string column (built on first call for text columns).
  const std::vector<int32_t>& codes() const;
  const std::vector<std::string>& levels() const;
  // The raw text of row `row` of a string column; empty for missing.
  std::string_view RawText(size_t row) const;

  // Numeric value of integer, float and boolean columns; NaN when missing or a string column.
  double NumericValue(size_t row) const {
    switch (type_) {
      case ColumnType::kInteger:
        return integers_[row] == kMissingInteger ? std::nan("") : static_cast<double>(integers_[row]);
      case ColumnType::kFloat:
        return floats_[row];
      case ColumnType::kBoolean:
        return booleans_[row] < 0 ? std::nan("") : static_cast<double>(booleans_[row]);
      case ColumnType::kString:
        return std::nan("");
    }
    return std::nan("");
  }
  // The value as text ("TRUE", "61", "Lev+5FU"); empty for missing.
  std::string TextValue(size_t row) const;

  const std::optional<NonNumericValue>& non_numeric() const { return non_numeric_; }
  void set_non_numeric(NonNumericValue value) { non_numeric_ = std::move(value); }

 private:
  std::string name_;
  ColumnType type_ = ColumnType::kBoolean;
  std::vector<int64_t> integers_;
  std::vector<double> floats_;
  std::vector<int8_t> booleans_;
  std::vector<int32_t> codes_;
  std::vector<std::string> levels_;
  std::shared_ptr<const TextValues> text_;  // set for lazily factorised text columns
  std::optional<NonNumericValue> non_numeric_;
};

}  // namespace medfed::table
