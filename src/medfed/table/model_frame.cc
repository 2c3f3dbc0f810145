#include "medfed/table/model_frame.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "medfed/core/text.h"

namespace medfed::table {

RowValues SubsetRows(const RowValues& values, const std::vector<uint32_t>& rows) {
  RowValues subset;
  subset.kind = values.kind;
  subset.level_order = values.level_order;
  switch (values.kind) {
    case RowValues::Kind::kNumeric:
      subset.numbers.reserve(rows.size());
      for (uint32_t r : rows) subset.numbers.push_back(values.numbers[r]);
      break;
    case RowValues::Kind::kLogical:
      subset.logicals.reserve(rows.size());
      for (uint32_t r : rows) subset.logicals.push_back(values.logicals[r]);
      break;
    case RowValues::Kind::kFactor: {
      // Keep only the levels still present (R's drop.unused.levels).
      std::vector<int32_t> used(values.levels.size(), -1);
      for (uint32_t r : rows) {
        int32_t code = values.codes[r];
        if (code >= 0) used[static_cast<size_t>(code)] = 0;
      }
      for (size_t l = 0; l < used.size(); ++l) {
        if (used[l] == 0) {
          used[l] = static_cast<int32_t>(subset.levels.size());
          subset.levels.push_back(values.levels[l]);
        }
      }
      subset.codes.reserve(rows.size());
      for (uint32_t r : rows) {
        int32_t code = values.codes[r];
        subset.codes.push_back(code < 0 ? -1 : used[static_cast<size_t>(code)]);
      }
      break;
    }
  }
  return subset;
}

namespace {

// Sums of values and of their squares and cross products travel under secure aggregation, whose
// fixed-point ring holds magnitudes up to 2^72 (crypto/fixed_point.h). A value over 1e9 could
// overflow them; it is refused here, where its table, column and row are known, rather than as
// an anonymous position in an encoded vector.
constexpr double kMaxModelValue = 1e9;

Status CheckMagnitudes(const RowValues& values, const std::string& label, const Table& table,
                       const std::vector<uint32_t>& selected_rows) {
  if (values.kind != RowValues::Kind::kNumeric) return absl::OkStatus();
  for (uint32_t row : selected_rows) {
    const double x = row < values.numbers.size() ? values.numbers[row] : 0;
    if (std::isinf(x) || std::fabs(x) > kMaxModelValue) {
      return InvalidArgument(table.source() + ":" + std::to_string(table.LineOfRow(row)) + ": " + label + " is " +
                             RNumberToString(x) +
                             ", beyond 1e9 in magnitude, the most a model can sum exactly "
                             "under secure aggregation; check the value, or rescale the column (e.g. to thousands)");
    }
  }
  return absl::OkStatus();
}

}  // namespace

StatusOr<ModelFrame> ModelFrame::Build(const Formula& formula, const Table& table,
                                       const std::vector<uint32_t>& selected_rows) {
  std::vector<RowValues> response_parts;
  if (formula.response) {
    const Expression& response = *formula.response;
    std::vector<const Expression*> parts;
    if (response.IsCall("Surv")) {
      if (response.arguments.size() != 2) {
        return InvalidArgument("formula " + QuoteForMessage(formula.text) +
                               ": Surv() takes two arguments, Surv(time, event)");
      }
      for (const auto& argument : response.arguments) parts.push_back(&argument);
    } else {
      parts.push_back(&response);
    }
    for (const Expression* part : parts) {
      auto values = EvaluateRows(*part, table);
      if (!values.ok()) {
        return Annotate(values.status(), "formula " + QuoteForMessage(formula.text) + ": ");
      }
      RETURN_IF_ERROR(CheckMagnitudes(*values, part->Deparse(), table, selected_rows));
      response_parts.push_back(*std::move(values));
    }
  }
  std::vector<RowValues> variables;
  std::vector<std::string> labels;
  for (size_t v = 0; v < formula.variables.size(); ++v) {
    auto values = EvaluateRows(formula.variables[v], table);
    if (!values.ok()) {
      return Annotate(values.status(), "formula " + QuoteForMessage(formula.text) + ": ");
    }
    RETURN_IF_ERROR(CheckMagnitudes(*values, formula.VariableLabel(static_cast<int>(v)), table, selected_rows));
    variables.push_back(*std::move(values));
    labels.push_back(formula.VariableLabel(static_cast<int>(v)));
  }
  std::vector<RowValues> offsets;
  for (const auto& offset : formula.offsets) {
    auto values = EvaluateRows(offset, table);
    if (!values.ok()) {
      return Annotate(values.status(), "formula " + QuoteForMessage(formula.text) + ": ");
    }
    if (values->kind == RowValues::Kind::kFactor) {
      return InvalidArgument("formula " + QuoteForMessage(formula.text) + ": offset(" + offset.Deparse() +
                             ") must be numeric");
    }
    offsets.push_back(*std::move(values));
  }
  return Assemble(std::move(response_parts), std::move(variables), std::move(labels), std::move(offsets),
                  selected_rows);
}

StatusOr<ModelFrame> ModelFrame::BuildFromExpressions(const std::vector<Expression>& expressions, const Table& table,
                                                      const std::vector<uint32_t>& selected_rows) {
  std::vector<RowValues> variables;
  std::vector<std::string> labels;
  for (const auto& expression : expressions) {
    ASSIGN_OR_RETURN(RowValues values, EvaluateRows(expression, table));
    RETURN_IF_ERROR(CheckMagnitudes(values, expression.Deparse(), table, selected_rows));
    variables.push_back(std::move(values));
    labels.push_back(expression.Deparse());
  }
  return Assemble({}, std::move(variables), std::move(labels), {}, selected_rows);
}

StatusOr<ModelFrame> ModelFrame::Assemble(std::vector<RowValues> response_parts, std::vector<RowValues> variables,
                                          std::vector<std::string> labels, std::vector<RowValues> offsets,
                                          const std::vector<uint32_t>& selected_rows) {
  ModelFrame frame;
  std::vector<uint32_t> complete;
  complete.reserve(selected_rows.size());
  for (uint32_t row : selected_rows) {
    bool ok = true;
    for (const auto& part : response_parts) ok = ok && !part.IsMissing(row);
    for (const auto& variable : variables) ok = ok && !variable.IsMissing(row);
    for (const auto& offset : offsets) ok = ok && !offset.IsMissing(row);
    if (ok) complete.push_back(row);
  }
  frame.rows_ = complete.size();
  frame.missing_ = selected_rows.size() - complete.size();
  for (const auto& part : response_parts) frame.response_parts_.push_back(SubsetRows(part, complete));
  for (const auto& variable : variables) frame.variables_.push_back(SubsetRows(variable, complete));
  frame.labels_ = std::move(labels);
  frame.offset_.assign(complete.size(), 0.0);
  for (const auto& offset : offsets) {
    RowValues subset = SubsetRows(offset, complete);
    for (size_t i = 0; i < complete.size(); ++i) {
      frame.offset_[i] +=
          subset.kind == RowValues::Kind::kNumeric ? subset.numbers[i] : static_cast<double>(subset.logicals[i]);
    }
  }
  frame.source_rows_ = std::move(complete);
  return frame;
}

std::vector<VariableSchema> ModelFrame::Schemas(int min_level_count) const {
  std::vector<VariableSchema> schemas;
  for (size_t v = 0; v < variables_.size(); ++v) {
    VariableSchema schema;
    schema.label = labels_[v];
    const RowValues& values = variables_[v];
    if (values.kind == RowValues::Kind::kFactor) {
      schema.is_factor = true;
      schema.level_order = values.level_order;
      std::vector<size_t> counts(values.levels.size(), 0);
      for (int32_t code : values.codes) {
        if (code >= 0) ++counts[static_cast<size_t>(code)];
      }
      bool pooled = false;
      for (size_t l = 0; l < values.levels.size(); ++l) {
        if (counts[l] >= static_cast<size_t>(std::max(1, min_level_count))) {
          schema.levels.push_back(values.levels[l]);
        } else if (counts[l] > 0) {
          pooled = true;
        }
      }
      if (pooled) schema.levels.emplace_back(kOtherLevel);
    } else if (values.kind == RowValues::Kind::kLogical) {
      // R codes a logical variable as a factor with levels FALSE, TRUE.
      schema.is_factor = true;
      schema.level_order = RowValues::LevelOrder::kLogical;
      bool has[2] = {false, false};
      for (int8_t x : values.logicals) {
        if (x >= 0) has[x] = true;
      }
      if (has[0]) schema.levels.emplace_back("FALSE");
      if (has[1]) schema.levels.emplace_back("TRUE");
    }
    schemas.push_back(std::move(schema));
  }
  return schemas;
}

StatusOr<GlobalLevels> UniteSchemas(const std::vector<std::vector<VariableSchema>>& per_site,
                                    const std::vector<std::string>& site_names) {
  GlobalLevels global;
  std::map<std::string, std::string> first_site;
  for (size_t s = 0; s < per_site.size(); ++s) {
    for (const auto& schema : per_site[s]) {
      auto [it, inserted] = global.try_emplace(schema.label, schema);
      if (inserted) {
        first_site[schema.label] = site_names[s];
        continue;
      }
      VariableSchema& united = it->second;
      // A column with no values at a site (a header-only table, or every value missing) reads
      // as logical without levels: it says nothing about the type, so the other sites decide.
      auto no_values = [](const VariableSchema& candidate) {
        return candidate.is_factor && candidate.levels.empty() &&
               candidate.level_order == RowValues::LevelOrder::kLogical;
      };
      if (united.is_factor != schema.is_factor && no_values(schema)) continue;
      if (united.is_factor != schema.is_factor && no_values(united)) {
        united = schema;
        first_site[schema.label] = site_names[s];
        continue;
      }
      if (united.is_factor != schema.is_factor) {
        return InvalidArgument("variable " + QuoteForMessage(schema.label) + " is " +
                               (united.is_factor ? "categorical" : "numeric") + " at site " + first_site[schema.label] +
                               " but " + (schema.is_factor ? "categorical" : "numeric") + " at site " + site_names[s] +
                               "; the sites' tables must agree (check for text in a numeric "
                               "column, or use factor())");
      }
      united.levels.insert(united.levels.end(), schema.levels.begin(), schema.levels.end());
    }
  }
  for (auto& [label, schema] : global) {
    // (other) comes last, after the named levels in their order.
    auto other = std::remove(schema.levels.begin(), schema.levels.end(), std::string(kOtherLevel));
    const bool has_other = other != schema.levels.end();
    schema.levels.erase(other, schema.levels.end());
    SortLevels(schema.levels, schema.level_order);
    if (has_other) schema.levels.emplace_back(kOtherLevel);
  }
  return global;
}

std::string DescribeVariablesWithoutValues(const GlobalLevels& levels) {
  std::vector<std::string> empty;
  for (const auto& [label, schema] : levels) {
    if (schema.is_factor && schema.levels.empty() && schema.level_order == RowValues::LevelOrder::kLogical) {
      empty.push_back(label);
    }
  }
  if (empty.empty()) return "";
  return "; " + JoinStrings(empty, ", ") + (empty.size() == 1 ? " has" : " have") +
         " no value at any site (every row missing)";
}

StatusOr<std::vector<int32_t>> RecodeToGlobal(const RowValues& factor, const std::vector<std::string>& global_levels,
                                              const std::string& label, bool unknown_is_missing) {
  std::unordered_map<std::string, int32_t> index;
  for (size_t l = 0; l < global_levels.size(); ++l) {
    index.emplace(global_levels[l], static_cast<int32_t>(l));
  }
  std::vector<int32_t> local_to_global;
  if (factor.kind == RowValues::Kind::kLogical) {
    auto false_it = index.find("FALSE");
    auto true_it = index.find("TRUE");
    std::vector<int32_t> codes(factor.logicals.size(), -1);
    for (size_t i = 0; i < codes.size(); ++i) {
      int8_t x = factor.logicals[i];
      if (x < 0) continue;
      auto it = x ? true_it : false_it;
      if (it == index.end()) return Internal("level of " + label + " missing from global levels");
      codes[i] = it->second;
    }
    return codes;
  }
  const auto other = index.find(kOtherLevel);
  for (const auto& level : factor.levels) {
    auto found = index.find(level);
    // A level too rare to be named at any site is counted under (other).
    if (found == index.end()) found = other;
    local_to_global.push_back(found == index.end() ? -1 : found->second);
  }
  std::vector<int32_t> codes(factor.codes.size(), -1);
  for (size_t i = 0; i < codes.size(); ++i) {
    int32_t code = factor.codes[i];
    if (code < 0) continue;
    codes[i] = local_to_global[static_cast<size_t>(code)];
    if (codes[i] < 0 && !unknown_is_missing) {
      return FailedPrecondition("level " + QuoteForMessage(factor.levels[static_cast<size_t>(code)]) + " of " + label +
                                " is not among the levels the sites agreed on");
    }
  }
  return codes;
}

}  // namespace medfed::table
