#include "medfed/table/design_matrix.h"

#include <algorithm>

#include "medfed/core/text.h"

namespace medfed::table {
namespace {

const VariableSchema& SchemaOf(const Formula& formula, const GlobalLevels& levels, int variable) {
  // NOLINTNEXTLINE(readability-identifier-naming): static storage, so named as a constant
  static const VariableSchema kNumeric;
  auto found = levels.find(formula.VariableLabel(variable));
  return found == levels.end() ? kNumeric : found->second;
}

// True when `subset` (sorted) is contained in `term` (sorted).
bool Contains(const std::vector<int>& term, const std::vector<int>& subset) {
  return std::includes(term.begin(), term.end(), subset.begin(), subset.end());
}

}  // namespace

StatusOr<DesignLayout> MakeDesignLayout(const Formula& formula, const GlobalLevels& levels) {
  DesignLayout layout;
  layout.intercept = formula.intercept;
  if (layout.intercept) layout.column_names.emplace_back("(Intercept)");
  bool first_factor_done = layout.intercept;
  for (size_t t = 0; t < formula.terms.size(); ++t) {
    const FormulaTerm& term = formula.terms[t];
    DesignTerm design;
    design.label = term.label;
    for (int variable : term.variables) {
      const VariableSchema& schema = SchemaOf(formula, levels, variable);
      if (!schema.is_factor) {
        design.parts.emplace_back(variable, VariableCoding::kNumeric);
        continue;
      }
      VariableCoding coding = VariableCoding::kIndicators;
      std::vector<int> rest;
      for (int other : term.variables) {
        if (other != variable) rest.push_back(other);
      }
      if (rest.empty()) {
        coding = VariableCoding::kContrasts;
      } else {
        for (size_t earlier = 0; earlier < t; ++earlier) {
          if (Contains(formula.terms[earlier].variables, rest)) {
            coding = VariableCoding::kContrasts;
            break;
          }
        }
      }
      if (!first_factor_done && schema.levels.size() > 1) {
        coding = VariableCoding::kIndicators;  // no intercept: first factor fully coded
        first_factor_done = true;
      }
      if (coding == VariableCoding::kContrasts && schema.levels.size() < 2) {
        return InvalidArgument("formula " + QuoteForMessage(formula.text) + ": " + schema.label +
                               " has only one level (" +
                               (schema.levels.empty() ? std::string("none") : QuoteForMessage(schema.levels[0])) +
                               ") among the rows used at all sites; contrasts need two or more, so drop it from "
                               "the formula or widen the where filter");
      }
      design.parts.emplace_back(variable, coding);
    }
    // Column names: the first part varies fastest.
    std::vector<std::vector<std::string>> part_names;
    for (const auto& [variable, coding] : design.parts) {
      const std::string label = formula.VariableLabel(variable);
      std::vector<std::string> names;
      if (coding == VariableCoding::kNumeric) {
        names.push_back(label);
      } else {
        const auto& level_list = SchemaOf(formula, levels, variable).levels;
        size_t first = coding == VariableCoding::kContrasts ? 1 : 0;
        for (size_t l = first; l < level_list.size(); ++l) names.push_back(label + level_list[l]);
      }
      part_names.push_back(std::move(names));
    }
    std::vector<std::string> combined = {""};
    for (size_t p = 0; p < part_names.size(); ++p) {
      std::vector<std::string> next;
      for (const auto& suffix : part_names[p]) {
        for (const auto& prefix : combined) next.push_back(p == 0 ? suffix : prefix + ":" + suffix);
      }
      combined = std::move(next);
    }
    design.first_column = layout.column_names.size();
    design.column_count = combined.size();
    for (auto& name : combined) layout.column_names.push_back(std::move(name));
    layout.terms.push_back(std::move(design));
  }
  return layout;
}

StatusOr<Eigen::MatrixXd> BuildDesignMatrix(const ModelFrame& frame, const Formula& formula, const DesignLayout& layout,
                                            const GlobalLevels& levels) {
  const auto n = static_cast<Eigen::Index>(frame.rows());
  Eigen::MatrixXd design(n, static_cast<Eigen::Index>(layout.columns()));
  if (layout.intercept) design.col(0).setOnes();
  // Global codes of every factor variable used.
  std::vector<std::vector<int32_t>> global_codes(formula.variables.size());
  for (const auto& term : layout.terms) {
    for (const auto& [variable, coding] : term.parts) {
      if (coding == VariableCoding::kNumeric || !global_codes[static_cast<size_t>(variable)].empty()) {
        continue;
      }
      const std::string label = formula.VariableLabel(variable);
      ASSIGN_OR_RETURN(global_codes[static_cast<size_t>(variable)],
                       RecodeToGlobal(frame.variables()[static_cast<size_t>(variable)],
                                      SchemaOf(formula, levels, variable).levels, label));
    }
  }
  for (const auto& term : layout.terms) {
    // Per-part column counts, first part fastest.
    std::vector<size_t> counts;
    for (const auto& [variable, coding] : term.parts) {
      if (coding == VariableCoding::kNumeric) {
        counts.push_back(1);
      } else {
        size_t level_count = SchemaOf(formula, levels, variable).levels.size();
        counts.push_back(coding == VariableCoding::kContrasts ? level_count - 1 : level_count);
      }
    }
    for (size_t c = 0; c < term.column_count; ++c) {
      auto column = design.col(static_cast<Eigen::Index>(term.first_column + c));
      column.setOnes();
      size_t remainder = c;
      for (size_t p = 0; p < term.parts.size(); ++p) {
        size_t index = remainder % counts[p];
        remainder /= counts[p];
        const auto& [variable, coding] = term.parts[p];
        const RowValues& values = frame.variables()[static_cast<size_t>(variable)];
        if (coding == VariableCoding::kNumeric) {
          if (values.kind == RowValues::Kind::kNumeric) {
            for (Eigen::Index i = 0; i < n; ++i) column[i] *= values.numbers[static_cast<size_t>(i)];
          } else {
            for (Eigen::Index i = 0; i < n; ++i) column[i] *= values.logicals[static_cast<size_t>(i)];
          }
          continue;
        }
        const auto& codes = global_codes[static_cast<size_t>(variable)];
        const auto level = static_cast<int32_t>(coding == VariableCoding::kContrasts ? index + 1 : index);
        for (Eigen::Index i = 0; i < n; ++i) {
          if (codes[static_cast<size_t>(i)] != level) column[i] = 0.0;
        }
      }
    }
  }
  return design;
}

}  // namespace medfed::table
