// R model formulas: `y ~ a + b`, `a*b`, `a:b`, `(a + b)^2`, `- 1`/`+ 0`, `factor(x)`,
// `offset(log(t))`, `Surv(time, status) ~ ...` and `strata(x)`, expanded into terms exactly as
// R's terms.formula does (terms ordered by degree, then by appearance; duplicates removed).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "medfed/core/status.h"
#include "medfed/table/expression.h"

namespace medfed::table {

// A formula may expand to at most this many terms (`a*b*c*...` doubles them with each factor).
inline constexpr size_t kMaxFormulaTerms = 1024;

struct FormulaTerm {
  std::vector<int> variables;  // indices into Formula::variables, ascending
  std::string label;           // "a", "a:b"
};

struct Formula {
  std::string text;
  std::optional<Expression> response;  // left of '~', if any
  std::vector<Expression> variables;   // right-side variables in order of first appearance
  std::vector<FormulaTerm> terms;
  bool intercept = true;
  std::vector<Expression> offsets;  // offset(...) terms

  // Label of a variable as R writes it in term and coefficient names.
  std::string VariableLabel(int index) const { return variables[static_cast<size_t>(index)].Deparse(); }
  // Index of the terms that are strata(...) calls (used by survival analyses).
  std::vector<size_t> StrataTerms() const;
  // The formula without strata(...) terms (their variables stay listed but unused).
  Formula WithoutStrata() const;
};

StatusOr<Formula> ParseFormula(const std::string& text);

}  // namespace medfed::table
