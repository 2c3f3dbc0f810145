#include "medfed/table/formula.h"

#include <algorithm>
#include <cmath>

#include "medfed/core/text.h"

namespace medfed::table {
namespace {

using TermList = std::vector<std::vector<int>>;

void AddUnique(TermList& list, std::vector<int> term) {
  std::sort(term.begin(), term.end());
  term.erase(std::unique(term.begin(), term.end()), term.end());
  if (std::find(list.begin(), list.end(), term) == list.end()) list.push_back(std::move(term));
}

Status TooManyTerms() {
  return InvalidArgument("expands to more than " + std::to_string(kMaxFormulaTerms) +
                         " terms (the limit for a formula); write fewer interactions");
}

// Every term of `a` with every term of `b`. `a*b*c*...` doubles the terms with each factor,
// so the product is refused once it passes the limit, before it is built.
StatusOr<TermList> Interact(const TermList& a, const TermList& b) {
  if (a.size() * b.size() > kMaxFormulaTerms) return TooManyTerms();
  TermList out;
  for (const auto& x : a) {
    for (const auto& y : b) {
      std::vector<int> merged = x;
      merged.insert(merged.end(), y.begin(), y.end());
      AddUnique(out, std::move(merged));
    }
  }
  return out;
}

// Adds `extra` to `list`, refusing a result past the limit.
Status AddAll(TermList& list, const TermList& extra) {
  for (const auto& term : extra) AddUnique(list, term);
  if (list.size() > kMaxFormulaTerms) return TooManyTerms();
  return absl::OkStatus();
}

class FormulaBuilder {
 public:
  explicit FormulaBuilder(Formula& formula) : formula_(formula) {}

  // Expands `e` into terms; `intercept` tracks explicit 0/1.
  StatusOr<TermList> Expand(const Expression& e) {
    if (e.kind == Expression::Kind::kUnary && e.text == "(") return Expand(e.arguments[0]);
    if (e.kind == Expression::Kind::kNumber) {
      if (e.number == 1) {
        formula_.intercept = true;
        return TermList{};
      }
      if (e.number == 0) {
        formula_.intercept = false;
        return TermList{};
      }
      return InvalidArgument("the number " + e.Deparse() + " cannot be a term; only 1 (intercept) and 0 (none) can");
    }
    if (e.kind == Expression::Kind::kUnary && e.text == "-") {
      // "~ -1 + x"
      ASSIGN_OR_RETURN(TermList removed, ExpandRemoved(e.arguments[0]));
      (void)removed;
      return TermList{};
    }
    if (e.kind == Expression::Kind::kBinary) {
      const std::string& op = e.text;
      if (op == "+") {
        ASSIGN_OR_RETURN(TermList left, Expand(e.arguments[0]));
        ASSIGN_OR_RETURN(TermList right, Expand(e.arguments[1]));
        RETURN_IF_ERROR(AddAll(left, right));
        return left;
      }
      if (op == "-") {
        ASSIGN_OR_RETURN(TermList left, Expand(e.arguments[0]));
        ASSIGN_OR_RETURN(TermList removed, ExpandRemoved(e.arguments[1]));
        TermList kept;
        for (auto& term : left) {
          if (std::find(removed.begin(), removed.end(), term) == removed.end()) kept.push_back(term);
        }
        return kept;
      }
      if (op == "*") {
        ASSIGN_OR_RETURN(TermList left, Expand(e.arguments[0]));
        ASSIGN_OR_RETURN(TermList right, Expand(e.arguments[1]));
        TermList out = left;
        RETURN_IF_ERROR(AddAll(out, right));
        ASSIGN_OR_RETURN(TermList product, Interact(left, right));
        RETURN_IF_ERROR(AddAll(out, product));
        return out;
      }
      if (op == ":") {
        ASSIGN_OR_RETURN(TermList left, Expand(e.arguments[0]));
        ASSIGN_OR_RETURN(TermList right, Expand(e.arguments[1]));
        return Interact(left, right);
      }
      if (op == "^") {
        const Expression& power = e.arguments[1];
        if (power.kind != Expression::Kind::kNumber || power.number < 1 || power.number != std::floor(power.number)) {
          return InvalidArgument("in " + e.Deparse() +
                                 ": the power of a term must be a whole number >= 1; "
                                 "write I(" +
                                 e.Deparse() + ") for arithmetic");
        }
        ASSIGN_OR_RETURN(TermList base, Expand(e.arguments[0]));
        // Past the number of terms in the base no new interaction appears (R: (a+b)^5 is
        // (a+b)^2), so a huge power costs no more than that.
        const double useful = std::min(power.number, static_cast<double>(base.size()));
        TermList out = base;
        for (int k = 1; k < static_cast<int>(useful); ++k) {
          ASSIGN_OR_RETURN(TermList product, Interact(out, base));
          RETURN_IF_ERROR(AddAll(out, product));
        }
        return out;
      }
      if (op == "/") {
        // a/b = a + a:b (nesting)
        ASSIGN_OR_RETURN(TermList left, Expand(e.arguments[0]));
        ASSIGN_OR_RETURN(TermList right, Expand(e.arguments[1]));
        std::vector<int> all;
        for (auto& term : left) all.insert(all.end(), term.begin(), term.end());
        TermList out = left;
        for (auto& term : right) {
          std::vector<int> merged = all;
          merged.insert(merged.end(), term.begin(), term.end());
          AddUnique(out, merged);
        }
        if (out.size() > kMaxFormulaTerms) return TooManyTerms();
        return out;
      }
      return InvalidArgument("the operator '" + op + "' in " + e.Deparse() +
                             " has no meaning between terms; wrap arithmetic in I(...)");
    }
    if (e.IsCall("offset")) {
      if (e.arguments.size() != 1) return InvalidArgument("offset() takes one argument");
      formula_.offsets.push_back(e.arguments[0]);
      return TermList{};
    }
    if (e.kind == Expression::Kind::kName || e.kind == Expression::Kind::kCall) {
      return TermList{{VariableIndex(e)}};
    }
    return InvalidArgument(e.Deparse() + " cannot be a term of a formula");
  }

 private:
  // The right side of '-': 1 removes the intercept, 0 adds nothing.
  StatusOr<TermList> ExpandRemoved(const Expression& e) {
    if (e.kind == Expression::Kind::kNumber && e.number == 1) {
      formula_.intercept = false;
      return TermList{};
    }
    if (e.kind == Expression::Kind::kNumber && e.number == 0) {
      formula_.intercept = true;
      return TermList{};
    }
    bool saved = formula_.intercept;
    ASSIGN_OR_RETURN(TermList removed, Expand(e));
    formula_.intercept = saved;
    return removed;
  }

  int VariableIndex(const Expression& e) {
    std::string label = e.Deparse();
    for (size_t i = 0; i < formula_.variables.size(); ++i) {
      if (formula_.variables[i].Deparse() == label) return static_cast<int>(i);
    }
    formula_.variables.push_back(e);
    return static_cast<int>(formula_.variables.size() - 1);
  }

  Formula& formula_;
};

}  // namespace

StatusOr<Formula> ParseFormula(const std::string& text) {
  ASSIGN_OR_RETURN(Expression parsed, ParseExpression(text, "formula"));
  Formula formula;
  formula.text = text;
  const Expression* right = nullptr;
  if (parsed.IsBinary("~")) {
    formula.response = parsed.arguments[0];
    right = &parsed.arguments[1];
  } else if (parsed.kind == Expression::Kind::kUnary && parsed.text == "~") {
    right = &parsed.arguments[0];
  } else {
    return InvalidArgument("formula " + QuoteForMessage(text) +
                           " has no '~'; write it as response ~ terms, e.g. y ~ age + sex");
  }
  FormulaBuilder builder(formula);
  auto expanded = builder.Expand(*right);
  if (!expanded.ok()) {
    return Annotate(expanded.status(), "formula " + QuoteForMessage(text) + ": ");
  }
  TermList terms = *std::move(expanded);
  // R orders terms by degree, keeping the order of appearance within a degree.
  std::stable_sort(terms.begin(), terms.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
  for (auto& variables : terms) {
    FormulaTerm term;
    std::vector<std::string> labels;
    for (int v : variables) labels.push_back(formula.VariableLabel(v));
    term.label = JoinStrings(labels, ":");
    term.variables = std::move(variables);
    formula.terms.push_back(std::move(term));
  }
  return formula;
}

std::vector<size_t> Formula::StrataTerms() const {
  std::vector<size_t> strata;
  for (size_t t = 0; t < terms.size(); ++t) {
    if (terms[t].variables.size() == 1 && variables[static_cast<size_t>(terms[t].variables[0])].IsCall("strata")) {
      strata.push_back(t);
    }
  }
  return strata;
}

Formula Formula::WithoutStrata() const {
  Formula copy = *this;
  copy.terms.clear();
  for (const auto& term : terms) {
    bool is_strata = false;
    for (int v : term.variables) {
      if (variables[static_cast<size_t>(v)].IsCall("strata")) is_strata = true;
    }
    if (!is_strata) copy.terms.push_back(term);
  }
  return copy;
}

}  // namespace medfed::table
