#include "medfed/analysis/engine/model_rounds.h"

#include <algorithm>

#include "medfed/core/text.h"
#include "medfed/privacy/dominance.h"
#include "medfed/table/evaluator.h"

namespace medfed::analysis {
namespace {

constexpr char kSchemaPrefix[] = "schema:";

const char* OrderName(table::RowValues::LevelOrder order) {
  switch (order) {
    case table::RowValues::LevelOrder::kText:
      return "text";
    case table::RowValues::LevelOrder::kNumeric:
      return "numeric";
    case table::RowValues::LevelOrder::kLogical:
      return "logical";
  }
  return "text";
}

table::RowValues::LevelOrder OrderFromName(const std::string& name) {
  if (name == "numeric") return table::RowValues::LevelOrder::kNumeric;
  if (name == "logical") return table::RowValues::LevelOrder::kLogical;
  return table::RowValues::LevelOrder::kText;
}

std::vector<std::string> EncodeSchema(const table::VariableSchema& schema) {
  std::vector<std::string> encoded = {schema.is_factor ? "factor" : "numeric", OrderName(schema.level_order)};
  encoded.insert(encoded.end(), schema.levels.begin(), schema.levels.end());
  return encoded;
}

table::VariableSchema DecodeSchema(const std::string& label, const std::vector<std::string>& encoded) {
  table::VariableSchema schema;
  schema.label = label;
  schema.is_factor = !encoded.empty() && encoded[0] == "factor";
  schema.level_order = encoded.size() > 1 ? OrderFromName(encoded[1]) : table::RowValues::LevelOrder::kText;
  if (encoded.size() > 2) schema.levels.assign(encoded.begin() + 2, encoded.end());
  return schema;
}

}  // namespace

StatusOr<std::shared_ptr<const table::Table>> LoadAnalysisTable(const AnalysisSpec& spec, SiteContext& context,
                                                                const std::vector<std::string>& columns) {
  const std::string table_name = spec.String("table");
  RETURN_IF_ERROR(context.access.CheckTable(context.data.site(), table_name));
  auto table = context.data.GetTable(table_name);
  if (!table.ok()) return Annotate(table.status(), spec.Describe() + ": ");
  std::vector<std::string> needed = columns;
  const std::string where = spec.String("where");
  if (!TrimWhitespace(where).empty()) {
    ASSIGN_OR_RETURN(table::Expression filter, table::ParseExpression(where, "where"));
    filter.CollectNames(needed);
  }
  std::shared_ptr<const TableGrades> grades;
  if (context.access.max_grade) {
    ASSIGN_OR_RETURN(grades, context.data.GetTableGrades(table_name));
  }
  // The columns the site releases: a missing column and a withheld one get different answers,
  // and neither lists a column the policy withholds.
  std::vector<std::string> released;
  for (const auto& existing : (*table)->columns()) {
    if (context.access.CheckColumn(context.data.site(), table_name, existing.name()).ok()) {
      released.push_back(existing.name());
    }
  }
  for (const auto& column : needed) {
    if ((*table)->FindColumn(column) == nullptr) {
      return NotFound("site " + context.data.site() + ": " + spec.Describe() + ": table " + table_name + " (" +
                      (*table)->source() + ") has no column " + QuoteForMessage(column) +
                      "; the columns it releases are: " + JoinStrings(released, ", "));
    }
    Status allowed = context.access.CheckColumn(context.data.site(), table_name, column);
    if (!allowed.ok()) {
      return Status(allowed.code(), MessageOf(allowed) +
                                        " (the site's policy withholds it; the columns it releases are: " +
                                        JoinStrings(released, ", ") + ")");
    }
    if (grades) {
      auto grade = grades->find(column);
      if (grade == grades->end()) {
        return PermissionDenied("site " + context.data.site() + ": column " + column + " of table " + table_name +
                                " has no grade in the table's scan file; the site's max_grade policy refuses "
                                "ungraded columns (rescan the table: medfed scan FILE --json)");
      }
      RETURN_IF_ERROR(context.access.CheckGrade(context.data.site(), table_name, column, grade->second.grade,
                                                grade->second.role + ": " + grade->second.why));
    }
  }
  return table;
}

std::vector<std::string> FormulaColumns(const table::Formula& formula) {
  std::vector<std::string> names;
  if (formula.response) formula.response->CollectNames(names);
  for (const auto& variable : formula.variables) variable.CollectNames(names);
  for (const auto& offset : formula.offsets) offset.CollectNames(names);
  return names;
}

std::optional<Contribution> RefuseIfTooFewRows(size_t rows, const SiteContext& context, const std::string& what) {
  const auto minimum = static_cast<size_t>(context.policy.min_rows);
  if (privacy::IsSmallCount(static_cast<double>(rows), static_cast<int>(minimum))) {
    // The reason names the rule and the site, never the site's count (a count under a filter
    // that isolates a patient would tell whether the patient is there).
    return Contribution::Refuse("min_rows", "site " + context.data.site() + ": fewer than " + std::to_string(minimum) +
                                                " " + what + " (min_rows)");
  }
  return std::nullopt;
}

ReleasedRows MakeReleasedRows(const table::Table& table, std::vector<uint32_t> rows) {
  std::sort(rows.begin(), rows.end());
  ReleasedRows released;
  released.table = table.source();
  released.table_rows = static_cast<uint32_t>(table.row_count());
  released.rows = std::make_shared<const std::vector<uint32_t>>(std::move(rows));
  return released;
}

std::string DominanceReason(const SiteContext& context, const std::string& what) {
  const privacy::DominanceRule& rule = context.policy.dominance;
  return "site " + context.data.site() + ": the " + std::to_string(rule.n) + " largest values of " + what +
         " make up more than " + FormatSignificant(100 * rule.k, 3) + "% of its total there (dominance)";
}

std::optional<Contribution> RefuseIfDominated(const Eigen::MatrixXd& design, const std::vector<std::string>& names,
                                              const Eigen::VectorXd* response, const std::string& response_name,
                                              const SiteContext& context) {
  auto dominated = [&](const double* values, Eigen::Index size) {
    bool binary = true;
    for (Eigen::Index i = 0; i < size && binary; ++i) binary = values[i] == 0 || values[i] == 1;
    return !binary &&
           privacy::IsDominated(std::span<const double>(values, static_cast<size_t>(size)), context.policy.dominance);
  };
  for (Eigen::Index j = 0; j < design.cols(); ++j) {
    if (dominated(design.col(j).data(), design.rows())) {
      return Contribution::Refuse("dominance", DominanceReason(context, j < static_cast<Eigen::Index>(names.size())
                                                                            ? names[static_cast<size_t>(j)]
                                                                            : "a model column"));
    }
  }
  if (response != nullptr && dominated(response->data(), response->size())) {
    return Contribution::Refuse("dominance", DominanceReason(context, response_name));
  }
  return std::nullopt;
}

ReleasedRows MakeSelectedRows(const table::Table& table, const std::vector<uint32_t>& selected,
                              const std::vector<uint32_t>& used, const std::vector<std::string>& columns) {
  std::vector<const table::Column*> read;
  for (const auto& name : columns) {
    if (const table::Column* column = table.FindColumn(name)) read.push_back(column);
  }
  std::vector<uint32_t> in_use(used);
  std::sort(in_use.begin(), in_use.end());
  std::vector<uint32_t> rows;
  rows.reserve(selected.size());
  for (uint32_t row : selected) {
    const bool data_lack_a_value =
        std::any_of(read.begin(), read.end(), [row](const table::Column* column) { return column->IsMissing(row); });
    if (data_lack_a_value || std::binary_search(in_use.begin(), in_use.end(), row)) rows.push_back(row);
  }
  return MakeReleasedRows(table, std::move(rows));
}

void DiscloseSchemas(const std::vector<table::VariableSchema>& schemas, Contribution& contribution) {
  for (const auto& schema : schemas) {
    contribution.disclosed[kSchemaPrefix + schema.label] = EncodeSchema(schema);
  }
}

StatusOr<table::GlobalLevels> UniteDisclosedSchemas(const PooledRound& pooled) {
  std::vector<std::vector<table::VariableSchema>> per_site;
  for (const auto& disclosed : pooled.disclosed) {
    std::vector<table::VariableSchema> schemas;
    for (const auto& [key, encoded] : disclosed) {
      if (!StartsWith(key, kSchemaPrefix)) continue;
      schemas.push_back(DecodeSchema(key.substr(sizeof(kSchemaPrefix) - 1), encoded));
    }
    per_site.push_back(std::move(schemas));
  }
  return table::UniteSchemas(per_site, pooled.sites);
}

void PutGlobalLevels(const table::GlobalLevels& levels, RoundParameters& parameters) {
  for (const auto& [label, schema] : levels) {
    parameters.texts[kSchemaPrefix + label] = EncodeSchema(schema);
  }
}

StatusOr<table::GlobalLevels> GetGlobalLevels(const RoundParameters& parameters) {
  table::GlobalLevels levels;
  for (const auto& [key, encoded] : parameters.texts) {
    if (!StartsWith(key, kSchemaPrefix)) continue;
    std::string label = key.substr(sizeof(kSchemaPrefix) - 1);
    levels.emplace(label, DecodeSchema(label, encoded));
  }
  return levels;
}

Json RefusedResult(const std::string& reason) {
  Json result;
  result["status"] = "refused";
  result["reason"] = reason;
  return result;
}

}  // namespace medfed::analysis
