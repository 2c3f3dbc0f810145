// The small expression language shared by `where` filters and R formulas.
//
//   where:    age >= 50 and sex == "F"      rx in ["Obs", "Lev"]      not is_na(nodes)
//             (R spellings &, |, !, &&, ||, %in% c(...) work too)
//   formula:  Surv(time, status) ~ rx + factor(stage) + log(age) + I(age^2) + a*b - 1
//
// Precedence, loosest first (as in R): ~ ; or | || ; and & && ; not ! ; comparisons and `in` ;
// + - ; * / ; %in% ; : ; unary - + ; ^ (right-associative).
#pragma once

#include <string>
#include <vector>

#include "medfed/core/status.h"

namespace medfed::table {

// Limits on what a researcher may write (docs/threat-model.md). Every walk over an expression
// (deparse, evaluation, formula expansion, destruction) recurses, so the tree's height is
// bounded at parse time; the parser itself recurses at most this deep too.
inline constexpr size_t kMaxExpressionLength = 16384;  // characters of source
inline constexpr int kMaxExpressionDepth = 64;         // nesting: parentheses, calls, operators

struct Expression {
  enum class Kind { kNumber, kString, kBoolean, kName, kCall, kUnary, kBinary, kList };

  Kind kind = Kind::kNumber;
  double number = 0;                  // kNumber
  bool boolean = false;               // kBoolean
  std::string text;                   // kString value, kName name, kCall function, kUnary/kBinary operator
  std::vector<Expression> arguments;  // operands, call arguments, list items
  size_t position = 0;                // byte offset in the source, for error messages
  int height = 1;                     // 1 for a leaf; 1 + the tallest argument otherwise

  bool IsName() const { return kind == Kind::kName; }
  bool IsCall(const std::string& function) const { return kind == Kind::kCall && text == function; }
  bool IsBinary(const std::string& op) const { return kind == Kind::kBinary && text == op; }
  bool IsNumber(double value) const { return kind == Kind::kNumber && number == value; }

  // R's deparse: `log(age)`, `I(age^2)`, `a + b`, `` `odd name` ``. Used for term names.
  std::string Deparse() const;
  // Names of the columns the expression reads, in order of first appearance.
  void CollectNames(std::vector<std::string>& names) const;
};

// Parses `source`; `what` ("where", "formula") prefixes error messages. Operators are
// normalised: and/&&/& -> "&", or/||/| -> "|", not/! -> "!", %in% -> "in".
// A source longer than kMaxExpressionLength or nested deeper than kMaxExpressionDepth (a long
// `a and b and ...` chain counts one level per operator) is an error that names the limit.
StatusOr<Expression> ParseExpression(const std::string& source, const std::string& what);

// R's as.character() for a double: up to 15 significant digits, scientific notation when it
// is shorter ("1e+05", "0.5", "61").
std::string RNumberToString(double value);

}  // namespace medfed::table
