#include "medfed/table/evaluator.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "medfed/core/text.h"

namespace medfed::table {
namespace {

// A value during evaluation: either per-row (RowValues) or a scalar literal / literal list.
struct Value {
  enum class Kind { kRows, kNumber, kString, kBoolean, kList };
  Kind kind = Kind::kRows;
  RowValues rows;
  double number = 0;
  std::string text;
  bool boolean = false;
  std::vector<Value> items;
};

class Evaluator {
 public:
  explicit Evaluator(const Table& table) : table_(table), n_(table.row_count()) {}

  StatusOr<Value> Evaluate(const Expression& e) {
    switch (e.kind) {
      case Expression::Kind::kNumber: {
        Value v;
        v.kind = Value::Kind::kNumber;
        v.number = e.number;
        return v;
      }
      case Expression::Kind::kString: {
        Value v;
        v.kind = Value::Kind::kString;
        v.text = e.text;
        return v;
      }
      case Expression::Kind::kBoolean: {
        Value v;
        v.kind = Value::Kind::kBoolean;
        v.boolean = e.boolean;
        return v;
      }
      case Expression::Kind::kList: {
        Value v;
        v.kind = Value::Kind::kList;
        for (const auto& item : e.arguments) {
          ASSIGN_OR_RETURN(Value element, Evaluate(item));
          if (element.kind == Value::Kind::kRows || element.kind == Value::Kind::kList) {
            return InvalidArgument(
                "a list [...] may hold only numbers, strings and TRUE/FALSE, "
                "not " +
                item.Deparse());
          }
          v.items.push_back(std::move(element));
        }
        return v;
      }
      case Expression::Kind::kName:
        return ColumnValue(e.text);
      case Expression::Kind::kCall:
        return Call(e);
      case Expression::Kind::kUnary:
        return Unary(e);
      case Expression::Kind::kBinary:
        return Binary(e);
    }
    return Internal("unknown expression kind");
  }

  StatusOr<RowValues> ToRows(Value value) {
    switch (value.kind) {
      case Value::Kind::kRows:
        return std::move(value.rows);
      case Value::Kind::kNumber: {
        RowValues rows;
        rows.numbers.assign(n_, value.number);
        return rows;
      }
      case Value::Kind::kBoolean: {
        RowValues rows;
        rows.kind = RowValues::Kind::kLogical;
        rows.logicals.assign(n_, value.boolean ? 1 : 0);
        return rows;
      }
      default:
        return InvalidArgument("a text or list literal cannot stand on its own here");
    }
  }

 private:
  StatusOr<Value> ColumnValue(const std::string& name) {
    ASSIGN_OR_RETURN(const Column* column, table_.GetColumn(name));
    Value v;
    RowValues& rows = v.rows;
    switch (column->type()) {
      case ColumnType::kInteger:
      case ColumnType::kFloat:
        rows.kind = RowValues::Kind::kNumeric;
        rows.numbers.resize(n_);
        for (size_t i = 0; i < n_; ++i) rows.numbers[i] = column->NumericValue(i);
        break;
      case ColumnType::kBoolean:
        rows.kind = RowValues::Kind::kLogical;
        rows.logicals = column->booleans();
        break;
      case ColumnType::kString:
        rows.kind = RowValues::Kind::kFactor;
        rows.codes = column->codes();
        rows.levels = column->levels();
        break;
    }
    return v;
  }

  // A numeric view of a value, or the error naming why it is not numeric.
  StatusOr<std::vector<double>> Numbers(const Value& value, const Expression& source) {
    if (value.kind == Value::Kind::kNumber) return std::vector<double>(n_, value.number);
    if (value.kind == Value::Kind::kBoolean) {
      return std::vector<double>(n_, value.boolean ? 1.0 : 0.0);
    }
    if (value.kind != Value::Kind::kRows) {
      return InvalidArgument("expected a number or a numeric column, found " + source.Deparse());
    }
    const RowValues& rows = value.rows;
    if (rows.kind == RowValues::Kind::kNumeric) return rows.numbers;
    if (rows.kind == RowValues::Kind::kLogical) {
      std::vector<double> numbers(n_);
      for (size_t i = 0; i < n_; ++i) {
        numbers[i] = rows.logicals[i] < 0 ? std::nan("") : rows.logicals[i];
      }
      return numbers;
    }
    if (source.IsName()) {
      if (const Column* column = table_.FindColumn(source.text)) {
        return NotNumericError(table_, *column);
      }
    }
    return InvalidArgument(source.Deparse() +
                           " is categorical (text); it cannot be used as a "
                           "number here");
  }

  StatusOr<Value> Unary(const Expression& e) {
    ASSIGN_OR_RETURN(Value operand, Evaluate(e.arguments[0]));
    if (e.text == "(" || e.text == "+") return operand;
    if (e.text == "-") {
      ASSIGN_OR_RETURN(std::vector<double> numbers, Numbers(operand, e.arguments[0]));
      for (double& x : numbers) x = -x;
      return NumericValue(std::move(numbers));
    }
    if (e.text == "!") {
      ASSIGN_OR_RETURN(std::vector<int8_t> logicals, Logicals(operand, e.arguments[0]));
      for (int8_t& x : logicals) x = x < 0 ? -1 : static_cast<int8_t>(1 - x);
      return LogicalValue(std::move(logicals));
    }
    return InvalidArgument("the operator '" + e.text + "' cannot be used in " + e.Deparse());
  }

  StatusOr<std::vector<int8_t>> Logicals(const Value& value, const Expression& source) {
    if (value.kind == Value::Kind::kBoolean) {
      return std::vector<int8_t>(n_, value.boolean ? 1 : 0);
    }
    if (value.kind == Value::Kind::kRows && value.rows.kind == RowValues::Kind::kLogical) {
      return value.rows.logicals;
    }
    if (value.kind == Value::Kind::kRows && value.rows.kind == RowValues::Kind::kNumeric) {
      std::vector<int8_t> logicals(n_);
      for (size_t i = 0; i < n_; ++i) {
        double x = value.rows.numbers[i];
        logicals[i] = std::isnan(x) ? -1 : (x != 0 ? 1 : 0);
      }
      return logicals;
    }
    return InvalidArgument(source.Deparse() +
                           " is not a condition (TRUE/FALSE); compare it, "
                           "for example " +
                           source.Deparse() + " == \"...\"");
  }

  static Value NumericValue(std::vector<double> numbers) {
    Value v;
    v.rows.kind = RowValues::Kind::kNumeric;
    v.rows.numbers = std::move(numbers);
    return v;
  }
  static Value LogicalValue(std::vector<int8_t> logicals) {
    Value v;
    v.rows.kind = RowValues::Kind::kLogical;
    v.rows.logicals = std::move(logicals);
    return v;
  }

  StatusOr<Value> Binary(const Expression& e) {
    const std::string& op = e.text;
    if (op == "~") return InvalidArgument("'~' belongs in a formula, not in " + e.Deparse());
    if (op == ":") {
      return InvalidArgument("':' (interaction) belongs in a formula, not in " + e.Deparse());
    }
    ASSIGN_OR_RETURN(Value left, Evaluate(e.arguments[0]));
    ASSIGN_OR_RETURN(Value right, Evaluate(e.arguments[1]));
    if (op == "&" || op == "|") {
      ASSIGN_OR_RETURN(std::vector<int8_t> a, Logicals(left, e.arguments[0]));
      ASSIGN_OR_RETURN(std::vector<int8_t> b, Logicals(right, e.arguments[1]));
      std::vector<int8_t> out(n_);
      for (size_t i = 0; i < n_; ++i) {
        // Kleene logic, as R: FALSE & NA is FALSE, TRUE | NA is TRUE.
        if (op == "&") {
          out[i] = (a[i] == 0 || b[i] == 0) ? 0 : ((a[i] < 0 || b[i] < 0) ? -1 : 1);
        } else {
          out[i] = (a[i] == 1 || b[i] == 1) ? 1 : ((a[i] < 0 || b[i] < 0) ? -1 : 0);
        }
      }
      return LogicalValue(std::move(out));
    }
    if (op == "+" || op == "-" || op == "*" || op == "/" || op == "^") {
      ASSIGN_OR_RETURN(std::vector<double> a, Numbers(left, e.arguments[0]));
      ASSIGN_OR_RETURN(std::vector<double> b, Numbers(right, e.arguments[1]));
      for (size_t i = 0; i < n_; ++i) {
        switch (op[0]) {
          case '+':
            a[i] += b[i];
            break;
          case '-':
            a[i] -= b[i];
            break;
          case '*':
            a[i] *= b[i];
            break;
          case '/':
            a[i] /= b[i];
            break;
          case '^':
            a[i] = std::pow(a[i], b[i]);
            break;
        }
      }
      return NumericValue(std::move(a));
    }
    if (op == "in") return In(left, right, e);
    return Compare(op, left, right, e);
  }

  StatusOr<Value> In(const Value& left, const Value& right, const Expression& e) {
    if (right.kind != Value::Kind::kList) {
      return InvalidArgument("'in' needs a list on its right, as in " + e.arguments[0].Deparse() + R"( in ["a", "b"])");
    }
    std::vector<int8_t> out(n_, 0);
    for (const Value& item : right.items) {
      ASSIGN_OR_RETURN(Value equal, Compare("==", left, item, e));
      for (size_t i = 0; i < n_; ++i) {
        int8_t x = equal.rows.logicals[i];
        if (x < 0) {
          out[i] = -1;
        } else if (x == 1 && out[i] >= 0) {
          out[i] = 1;
        }
      }
    }
    // R: NA %in% c(...) is FALSE, not NA.
    for (auto& x : out) x = x < 0 ? 0 : x;
    return LogicalValue(std::move(out));
  }

  static int8_t Apply(const std::string& op, int comparison) {
    if (op == "==") return comparison == 0;
    if (op == "!=") return comparison != 0;
    if (op == "<") return comparison < 0;
    if (op == "<=") return comparison <= 0;
    if (op == ">") return comparison > 0;
    return comparison >= 0;  // ">="
  }

  StatusOr<Value> Compare(const std::string& op, const Value& left, const Value& right, const Expression& e) {
    // Text on one side: compare factor levels (or a numeric column with a numeric string).
    const bool left_factor = left.kind == Value::Kind::kRows && left.rows.kind == RowValues::Kind::kFactor;
    const bool right_factor = right.kind == Value::Kind::kRows && right.rows.kind == RowValues::Kind::kFactor;
    if (left_factor || right_factor) {
      bool swapped = !left_factor;
      const Value& factor = swapped ? right : left;
      const Value& other = swapped ? left : right;
      std::string flipped = op;
      if (swapped) {
        if (op == "<")
          flipped = ">";
        else if (op == ">")
          flipped = "<";
        else if (op == "<=")
          flipped = ">=";
        else if (op == ">=")
          flipped = "<=";
      }
      const RowValues& rows = factor.rows;
      std::vector<int8_t> out(n_, -1);
      const Expression& factor_source = e.arguments[swapped ? 1 : 0];
      if (other.kind == Value::Kind::kNumber && factor_source.IsName()) {
        // A mostly numeric column with a stray word in it: say which line, don't guess.
        const Column* column = table_.FindColumn(factor_source.text);
        if (column != nullptr && column->non_numeric() && column->non_numeric()->numeric_values > 0) {
          return NotNumericError(table_, *column);
        }
      }
      if (other.kind == Value::Kind::kNumber) {
        // A text column against a number: R would compare the text ("F" > "3"), which is never
        // what was meant. Ordering needs every level to be a number; equality at least one.
        size_t numeric_levels = 0;
        std::string example;
        for (const auto& level : rows.levels) {
          char* end = nullptr;
          std::strtod(level.c_str(), &end);
          if (!level.empty() && end != level.c_str() && *end == '\0') {
            ++numeric_levels;
          } else if (example.empty()) {
            example = level;
          }
        }
        const bool ordering = op != "==" && op != "!=";
        if (!rows.levels.empty() && (ordering ? numeric_levels < rows.levels.size() : numeric_levels == 0)) {
          return InvalidArgument("in " + e.Deparse() + ": " + factor_source.Deparse() + " is categorical (text, e.g. " +
                                 QuoteForMessage(example) + ") and cannot be compared with the number " +
                                 RNumberToString(other.number) + "; compare it with a quoted level such as " +
                                 factor_source.Deparse() + " == " + QuoteForMessage(example));
        }
      }
      if (other.kind == Value::Kind::kString || other.kind == Value::Kind::kNumber ||
          other.kind == Value::Kind::kBoolean) {
        std::string target = other.kind == Value::Kind::kString   ? other.text
                             : other.kind == Value::Kind::kNumber ? RNumberToString(other.number)
                                                                  : (other.boolean ? "TRUE" : "FALSE");
        std::vector<int8_t> per_level(rows.levels.size());
        for (size_t l = 0; l < rows.levels.size(); ++l) {
          int comparison = rows.levels[l].compare(target);
          if (other.kind == Value::Kind::kNumber) {
            char* end = nullptr;
            double level_number = std::strtod(rows.levels[l].c_str(), &end);
            if (end != rows.levels[l].c_str() && *end == '\0') {
              comparison = level_number < other.number ? -1 : (level_number > other.number);
            }
          }
          per_level[l] = Apply(flipped, comparison);
        }
        for (size_t i = 0; i < n_; ++i) {
          int32_t code = rows.codes[i];
          out[i] = code < 0 ? -1 : per_level[static_cast<size_t>(code)];
        }
        return LogicalValue(std::move(out));
      }
      if (other.kind == Value::Kind::kRows && other.rows.kind == RowValues::Kind::kFactor) {
        for (size_t i = 0; i < n_; ++i) {
          int32_t a = rows.codes[i];
          int32_t b = other.rows.codes[i];
          if (a < 0 || b < 0) continue;
          out[i] =
              Apply(flipped, rows.levels[static_cast<size_t>(a)].compare(other.rows.levels[static_cast<size_t>(b)]));
        }
        return LogicalValue(std::move(out));
      }
      return InvalidArgument("cannot compare the categorical " + e.arguments[swapped ? 1 : 0].Deparse() + " with " +
                             e.arguments[swapped ? 0 : 1].Deparse() +
                             "; compare it with a quoted level such as \"...\"");
    }
    if (left.kind == Value::Kind::kString || right.kind == Value::Kind::kString) {
      // A numeric column against a string: accept a string that is a number ("2").
      const Value& text = left.kind == Value::Kind::kString ? left : right;
      char* end = nullptr;
      double number = std::strtod(text.text.c_str(), &end);
      if (text.text.empty() || *end != '\0') {
        return InvalidArgument("in " + e.Deparse() + ": " + QuoteForMessage(text.text) +
                               " is text but the other side is numeric; compare with a number");
      }
      Value converted;
      converted.kind = Value::Kind::kNumber;
      converted.number = number;
      return left.kind == Value::Kind::kString ? Compare(op, converted, right, e) : Compare(op, left, converted, e);
    }
    ASSIGN_OR_RETURN(std::vector<double> a, Numbers(left, e.arguments[0]));
    ASSIGN_OR_RETURN(std::vector<double> b, Numbers(right, e.arguments[1]));
    std::vector<int8_t> out(n_);
    for (size_t i = 0; i < n_; ++i) {
      if (std::isnan(a[i]) || std::isnan(b[i])) {
        out[i] = -1;
      } else {
        out[i] = Apply(op, a[i] < b[i] ? -1 : (a[i] > b[i] ? 1 : 0));
      }
    }
    return LogicalValue(std::move(out));
  }

  StatusOr<Value> Call(const Expression& e) {
    const std::string& f = e.text;
    auto expect_arguments = [&](size_t count) -> Status {
      if (e.arguments.size() != count) {
        return InvalidArgument(f + "() takes " + std::to_string(count) + " argument" + (count == 1 ? "" : "s") +
                               ", found " + e.Deparse());
      }
      return absl::OkStatus();
    };
    if (f == "is_na" || f == "is.na") {
      RETURN_IF_ERROR(expect_arguments(1));
      ASSIGN_OR_RETURN(Value x, Evaluate(e.arguments[0]));
      ASSIGN_OR_RETURN(RowValues rows, ToRows(std::move(x)));
      std::vector<int8_t> out(n_);
      for (size_t i = 0; i < n_; ++i) out[i] = rows.IsMissing(i) ? 1 : 0;
      return LogicalValue(std::move(out));
    }
    if (f == "I") {
      RETURN_IF_ERROR(expect_arguments(1));
      return Evaluate(e.arguments[0]);
    }
    if (f == "log" || f == "log2" || f == "log10" || f == "log1p" || f == "exp" || f == "sqrt" || f == "abs") {
      RETURN_IF_ERROR(expect_arguments(1));
      ASSIGN_OR_RETURN(Value x, Evaluate(e.arguments[0]));
      ASSIGN_OR_RETURN(std::vector<double> numbers, Numbers(x, e.arguments[0]));
      for (double& v : numbers) {
        if (f == "log")
          v = std::log(v);
        else if (f == "log2")
          v = std::log2(v);
        else if (f == "log10")
          v = std::log10(v);
        else if (f == "log1p")
          v = std::log1p(v);
        else if (f == "exp")
          v = std::exp(v);
        else if (f == "sqrt")
          v = std::sqrt(v);
        else
          v = std::fabs(v);
      }
      return NumericValue(std::move(numbers));
    }
    if (f == "as.numeric") {
      RETURN_IF_ERROR(expect_arguments(1));
      ASSIGN_OR_RETURN(Value x, Evaluate(e.arguments[0]));
      ASSIGN_OR_RETURN(std::vector<double> numbers, Numbers(x, e.arguments[0]));
      return NumericValue(std::move(numbers));
    }
    if (f == "factor" || f == "as.factor") {
      RETURN_IF_ERROR(expect_arguments(1));
      ASSIGN_OR_RETURN(Value x, Evaluate(e.arguments[0]));
      ASSIGN_OR_RETURN(RowValues rows, ToRows(std::move(x)));
      Value v;
      v.rows = MakeFactor(rows);
      return v;
    }
    if (f == "strata") {
      if (e.arguments.empty()) return InvalidArgument("strata() needs at least one variable");
      std::vector<RowValues> parts;
      for (const auto& argument : e.arguments) {
        ASSIGN_OR_RETURN(Value x, Evaluate(argument));
        ASSIGN_OR_RETURN(RowValues rows, ToRows(std::move(x)));
        parts.push_back(MakeFactor(rows));
      }
      Value v;
      v.rows = CombineStrata(parts, e);
      return v;
    }
    return InvalidArgument("unknown function " + f + "() in " + e.Deparse() +
                           "; available: factor, strata, I, log, log2, log10, log1p, exp, sqrt, "
                           "abs, as.numeric, is_na");
  }

  // Factor of any per-row value: numeric values become levels sorted numerically, written as R
  // writes them; logicals become FALSE/TRUE.
  RowValues MakeFactor(const RowValues& rows) {
    if (rows.kind == RowValues::Kind::kFactor) return rows;
    RowValues factor;
    factor.kind = RowValues::Kind::kFactor;
    factor.codes.assign(n_, -1);
    if (rows.kind == RowValues::Kind::kLogical) {
      factor.level_order = RowValues::LevelOrder::kLogical;
      bool has[2] = {false, false};
      for (int8_t x : rows.logicals) {
        if (x >= 0) has[x] = true;
      }
      int32_t code_of[2] = {-1, -1};
      if (has[0]) code_of[0] = static_cast<int32_t>(factor.levels.size()), factor.levels.emplace_back("FALSE");
      if (has[1]) code_of[1] = static_cast<int32_t>(factor.levels.size()), factor.levels.emplace_back("TRUE");
      for (size_t i = 0; i < n_; ++i) {
        if (rows.logicals[i] >= 0) factor.codes[i] = code_of[rows.logicals[i]];
      }
      return factor;
    }
    factor.level_order = RowValues::LevelOrder::kNumeric;
    std::map<double, int32_t> distinct;
    for (double x : rows.numbers) {
      if (!std::isnan(x)) distinct.emplace(x, 0);
    }
    for (auto& [value, code] : distinct) {
      code = static_cast<int32_t>(factor.levels.size());
      factor.levels.push_back(RNumberToString(value));
    }
    for (size_t i = 0; i < n_; ++i) {
      double x = rows.numbers[i];
      if (!std::isnan(x)) factor.codes[i] = distinct[x];
    }
    return factor;
  }

  // strata(a, b): levels "a=1, b=x" as R's survival::strata names them.
  RowValues CombineStrata(const std::vector<RowValues>& parts, const Expression& e) {
    RowValues combined;
    combined.kind = RowValues::Kind::kFactor;
    combined.codes.assign(n_, -1);
    std::map<std::vector<int32_t>, int32_t> seen;
    std::vector<std::vector<int32_t>> keys(n_);
    for (size_t i = 0; i < n_; ++i) {
      std::vector<int32_t> key;
      bool missing = false;
      for (const auto& part : parts) {
        if (part.codes[i] < 0) missing = true;
        key.push_back(part.codes[i]);
      }
      if (!missing) seen.emplace(key, 0);
      keys[i] = std::move(key);
    }
    // Level order: lexicographic in the component levels (as interaction() sorts).
    for (auto& [key, code] : seen) {
      code = static_cast<int32_t>(combined.levels.size());
      std::vector<std::string> labels;
      for (size_t k = 0; k < parts.size(); ++k) {
        labels.push_back(e.arguments[k].Deparse() + "=" + parts[k].levels[static_cast<size_t>(key[k])]);
      }
      combined.levels.push_back(JoinStrings(labels, ", "));
    }
    for (size_t i = 0; i < n_; ++i) {
      auto found = seen.find(keys[i]);
      if (found != seen.end()) combined.codes[i] = found->second;
    }
    return combined;
  }

  const Table& table_;
  const size_t n_;
};

}  // namespace

size_t RowValues::size() const {
  switch (kind) {
    case Kind::kNumeric:
      return numbers.size();
    case Kind::kLogical:
      return logicals.size();
    case Kind::kFactor:
      return codes.size();
  }
  return 0;
}

bool RowValues::IsMissing(size_t row) const {
  switch (kind) {
    case Kind::kNumeric:
      return std::isnan(numbers[row]);
    case Kind::kLogical:
      return logicals[row] < 0;
    case Kind::kFactor:
      return codes[row] < 0;
  }
  return true;
}

StatusOr<RowValues> EvaluateRows(const Expression& expression, const Table& table) {
  Evaluator evaluator(table);
  ASSIGN_OR_RETURN(auto value, evaluator.Evaluate(expression));
  return evaluator.ToRows(std::move(value));
}

StatusOr<std::vector<uint32_t>> SelectRows(const std::string& where, const Table& table) {
  std::vector<uint32_t> rows;
  if (TrimWhitespace(where).empty()) {
    rows.resize(table.row_count());
    for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<uint32_t>(i);
    return rows;
  }
  ASSIGN_OR_RETURN(Expression expression, ParseExpression(where, "where"));
  auto evaluated = EvaluateRows(expression, table);
  if (!evaluated.ok()) {
    return Annotate(evaluated.status(), "where " + QuoteForMessage(where) + ": ");
  }
  const RowValues& condition = *evaluated;
  if (condition.kind != RowValues::Kind::kLogical) {
    return InvalidArgument("where " + QuoteForMessage(where) +
                           " is not a condition; write a comparison such as age >= 50");
  }
  for (size_t i = 0; i < condition.logicals.size(); ++i) {
    if (condition.logicals[i] == 1) rows.push_back(static_cast<uint32_t>(i));
  }
  return rows;
}

Status NotNumericError(const Table& table, const Column& column) {
  const auto& info = column.non_numeric();
  if (info && info->numeric_values > 0) {
    return InvalidArgument(table.source() + ":" + std::to_string(info->line) + ": column " +
                           QuoteForMessage(column.name()) + " is used as a number but holds " +
                           QuoteForMessage(info->text) + " (" + std::to_string(info->non_numeric_values) +
                           " such value(s)); correct it or write NA for a missing value");
  }
  return InvalidArgument(table.source() + ": column " + QuoteForMessage(column.name()) + " holds text (for example " +
                         QuoteForMessage(info ? info->text : std::string()) +
                         ") and cannot be used as a number; use it as a factor or pick a numeric "
                         "column");
}

void SortLevels(std::vector<std::string>& levels, RowValues::LevelOrder order) {
  switch (order) {
    case RowValues::LevelOrder::kText:
      std::sort(levels.begin(), levels.end());
      break;
    case RowValues::LevelOrder::kNumeric:
      std::sort(levels.begin(), levels.end(), [](const std::string& a, const std::string& b) {
        return std::strtod(a.c_str(), nullptr) < std::strtod(b.c_str(), nullptr);
      });
      break;
    case RowValues::LevelOrder::kLogical:
      std::sort(levels.begin(), levels.end());  // "FALSE" < "TRUE"
      break;
  }
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
}

}  // namespace medfed::table
