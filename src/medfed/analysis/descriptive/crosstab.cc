// `crosstab`: a one- or two-way table of counts across sites, as R's table(rows, cols) (rows
// with a missing value in either variable are left out). Round 1 unites the level sets,
// round 2 sums the cell counts; the released table hides small cells and their complements
// (privacy/cell_suppression.h). With `privacy`, round 1 releases no count, and round 2's cells
// and the missing count (one group: a person is in exactly one of them) carry each site's share
// of discrete Gaussian noise instead of being suppressed.
#include <cmath>

#include "medfed/analysis/engine/model_rounds.h"
#include "medfed/analysis/engine/noised_release.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/analysis/engine/released_count.h"
#include "medfed/analysis/engine/round_protocol.h"
#include "medfed/core/text.h"
#include "medfed/core/text_table.h"
#include "medfed/privacy/cell_suppression.h"
#include "medfed/table/evaluator.h"

namespace medfed::analysis {
namespace {

constexpr char kRows[] = "rows";
constexpr char kCols[] = "cols";

// factor(expression): counts are always over levels, as table() does.
StatusOr<table::Expression> AsFactor(const std::string& text, const std::string& key) {
  ASSIGN_OR_RETURN(table::Expression inner, table::ParseExpression(text, key));
  if (inner.IsCall("factor")) return inner;
  table::Expression call;
  call.kind = table::Expression::Kind::kCall;
  call.text = "factor";
  call.arguments.push_back(std::move(inner));
  return call;
}

// The protocol. Schema: the levels present at each site (and its row counts, zero when noised).
// Cells: the table's cells, row-major under the united levels, and with privacy the rows left
// out for missing values (noised with the cells).
struct CellSums {
  std::vector<double> cells;
  std::vector<double> noised_missing;  // one number with privacy, else none
  template <class Fields>
  void Layout(Fields& fields) {
    fields("cells", cells);
    fields("noised_missing", noised_missing);
  }
};
inline constexpr Phase<FrameCountSums> kSchema{"schema"};
inline constexpr Phase<CellSums> kCells{"cells"};

class CrosstabSite;
class CrosstabHub;
const Protocol<CrosstabSite, CrosstabHub>& CrosstabProtocol();

class CrosstabSite : public ProtocolSite<CrosstabSite, CrosstabHub> {
 public:
  CrosstabSite(std::shared_ptr<const table::Table> table, std::vector<table::Expression> variables,
               const AnalysisSpec& spec, std::optional<privacy::PrivacyTarget> privacy, SiteContext& context)
      : ProtocolSite(CrosstabProtocol()),
        table_(std::move(table)),
        variables_(std::move(variables)),
        where_(spec.String("where")),
        privacy_(privacy),
        context_(context) {}

  StatusOr<Contribution> Schema(const RoundParameters&, FrameCountSums& sums) {
    ASSIGN_OR_RETURN(rows_, table::SelectRows(where_, *table_));
    ASSIGN_OR_RETURN(table::ModelFrame frame, table::ModelFrame::BuildFromExpressions(variables_, *table_, rows_));
    frame_ = std::make_unique<table::ModelFrame>(std::move(frame));
    if (auto refusal = RefuseIfTooFewRows(frame_->rows(), context_)) return *refusal;
    Contribution contribution;
    std::vector<table::VariableSchema> schemas = frame_->Schemas(context_.policy.min_cell_count);
    schemas[0].label = kRows;
    if (schemas.size() > 1) schemas[1].label = kCols;
    DiscloseSchemas(schemas, contribution);
    if (!privacy_) {  // the noised cells round gives both
      sums.rows = static_cast<double>(frame_->rows());
      sums.missing = static_cast<double>(frame_->missing());
    }
    return contribution;
  }

  StatusOr<Contribution> Cells(const RoundParameters& parameters, CellSums& sums) {
    if (!frame_) return FailedPrecondition("crosstab: the cells round came before the schema round");
    if (auto refusal = RefuseIfTooFewRows(frame_->rows(), context_)) return *refusal;
    Contribution contribution;
    ASSIGN_OR_RETURN(table::GlobalLevels levels, GetGlobalLevels(parameters));
    const auto& row_levels = levels[kRows].levels;
    ASSIGN_OR_RETURN(std::vector<int32_t> row_codes, table::RecodeToGlobal(frame_->variables()[0], row_levels, kRows));
    std::vector<int32_t> col_codes(row_codes.size(), 0);
    size_t col_count = 1;
    if (variables_.size() > 1) {
      const auto& col_levels = levels[kCols].levels;
      col_count = col_levels.size();
      ASSIGN_OR_RETURN(col_codes, table::RecodeToGlobal(frame_->variables()[1], col_levels, kCols));
    }
    sums.cells.assign(row_levels.size() * col_count, 0.0);
    for (size_t i = 0; i < row_codes.size(); ++i) {
      sums.cells[static_cast<size_t>(row_codes[i]) * col_count + static_cast<size_t>(col_codes[i])] += 1;
    }
    std::vector<std::string> columns;
    for (const auto& variable : variables_) variable.CollectNames(columns);
    contribution.released_rows.push_back(MakeSelectedRows(*table_, rows_, frame_->source_rows(), columns));
    if (privacy_) {
      sums.noised_missing = {static_cast<double>(frame_->missing())};
      contribution.noise = MakeNoiseRequest({{0, sums.cells.size() + 1, 1}}, *privacy_);
    }
    return contribution;
  }

 private:
  std::shared_ptr<const table::Table> table_;
  std::vector<table::Expression> variables_;
  std::string where_;
  std::optional<privacy::PrivacyTarget> privacy_;
  SiteContext context_;
  std::vector<uint32_t> rows_;  // under `where`
  std::unique_ptr<table::ModelFrame> frame_;
};

class CrosstabHub : public ProtocolHub<CrosstabSite, CrosstabHub> {
 public:
  CrosstabHub(const HubContext& context, bool two_way, std::optional<privacy::PrivacyTarget> privacy)
      : ProtocolHub(CrosstabProtocol()), context_(context), two_way_(two_way), privacy_(privacy) {}

  StatusOr<RoundParameters> Begin() override { return Ask(kSchema); }

  StatusOr<HubStep> AfterSchema(FrameCountSums& pooled, const PooledRound& round) {
    n_ = pooled.rows;
    missing_ = pooled.missing;
    ASSIGN_OR_RETURN(table::GlobalLevels levels, UniteDisclosedSchemas(round));
    levels_ = std::move(levels);
    RoundParameters parameters;
    PutGlobalLevels(*levels_, parameters);
    CellSums shape;
    shape.cells.resize((*levels_)[kRows].levels.size() * (two_way_ ? (*levels_)[kCols].levels.size() : 1));
    if (privacy_) shape.noised_missing.resize(1);
    return Next(kCells, std::move(parameters), std::move(shape));
  }

  StatusOr<HubStep> AfterCells(CellSums& pooled, const PooledRound&) {
    const auto& rows = (*levels_)[kRows].levels;
    std::vector<std::string> cols = two_way_ ? (*levels_)[kCols].levels : std::vector<std::string>{"n"};
    std::vector<std::vector<double>> counts(rows.size(), std::vector<double>(cols.size()));
    for (size_t r = 0; r < rows.size(); ++r) {
      for (size_t c = 0; c < cols.size(); ++c) counts[r][c] = pooled.cells[r * cols.size() + c];
    }
    if (privacy_) return Noised(rows, cols, counts, pooled.noised_missing[0]);
    // One-way tables are protected along their single dimension.
    privacy::SuppressedTable table;
    if (two_way_) {
      table = privacy::SuppressSmallCells(counts, context_.policy.min_cell_count);
    } else {
      std::vector<double> line;
      for (const auto& row : counts) line.push_back(row[0]);
      privacy::SuppressedLine one = privacy::SuppressSmallGroups(line, context_.policy.min_cell_count);
      table.counts = counts;
      table.primary = one.primary;
      table.complementary = one.complementary;
      for (bool s : one.suppressed) table.suppressed.push_back({s});
    }
    Json result;
    result["status"] = "ok";
    result["n"] = static_cast<int64_t>(n_);
    result["missing"] = ReleasedCount(missing_, context_.policy.min_cell_count);
    result["rows"] = rows;
    result["cols"] = cols;
    Json released = Json::array();
    Json hidden = Json::array();
    for (size_t r = 0; r < rows.size(); ++r) {
      Json row = Json::array();
      Json row_hidden = Json::array();
      for (size_t c = 0; c < cols.size(); ++c) {
        bool suppressed = table.suppressed[r][c];
        if (suppressed) {
          row.push_back(nullptr);
        } else {
          row.push_back(static_cast<int64_t>(counts[r][c]));
        }
        row_hidden.push_back(suppressed);
      }
      released.push_back(std::move(row));
      hidden.push_back(std::move(row_hidden));
    }
    result["counts"] = std::move(released);
    result["suppressed"] = std::move(hidden);
    if (table.primary > 0) {
      result["note"] = std::to_string(table.primary) + " cell(s) below min_cell_count " +
                       std::to_string(context_.policy.min_cell_count) + " and " + std::to_string(table.complementary) +
                       " complementary cell(s) are suppressed";
    }
    return HubStep::Finish(std::move(result));
  }

 private:
  // Every cell as the sites' noised sum: nothing is suppressed, n is the sum of the cells.
  StatusOr<HubStep> Noised(const std::vector<std::string>& rows, const std::vector<std::string>& cols,
                           const std::vector<std::vector<double>>& counts, double missing) {
    const size_t cells = rows.size() * cols.size();
    ASSIGN_OR_RETURN(privacy::NoiseCalibration noise,
                     PooledNoise({{0, cells + 1, 1}}, *privacy_, context_.sites.size()));
    const double sd = std::sqrt(noise.pooled_variance[0]);
    Json result;
    result["status"] = "ok";
    double n = 0;
    Json released = Json::array();
    Json hidden = Json::array();
    for (const auto& row : counts) {
      Json cells_json = Json::array();
      for (double count : row) {
        n += count;
        cells_json.push_back(static_cast<int64_t>(std::llround(count)));
      }
      released.push_back(std::move(cells_json));
      hidden.push_back(Json::array());
      for (size_t c = 0; c < cols.size(); ++c) hidden.back().push_back(false);
    }
    result["n"] = static_cast<int64_t>(std::llround(n));
    result["missing"] = static_cast<int64_t>(std::llround(missing));
    result["rows"] = rows;
    result["cols"] = cols;
    result["counts"] = std::move(released);
    result["suppressed"] = std::move(hidden);
    result["noise_sd"] = sd;
    result["n_noise_sd"] = sd * std::sqrt(static_cast<double>(cells));
    result["privacy"] = PrivacyJson(*privacy_, context_.sites.size());
    result["note"] = "noised counts (sd " + FormatSignificant(sd, 3) + " per cell; a 95% interval is the count +/- " +
                     FormatSignificant(kNormal975 * sd, 3) + "); epsilon " + FormatSignificant(privacy_->epsilon, 3) +
                     ", delta " + FormatSignificant(privacy_->delta, 3);
    return HubStep::Finish(std::move(result));
  }

  HubContext context_;
  bool two_way_;
  std::optional<privacy::PrivacyTarget> privacy_;
  double n_ = 0;
  double missing_ = 0;
  std::optional<table::GlobalLevels> levels_;
};

StatusOr<std::vector<table::Expression>> Variables(const AnalysisSpec& spec) {
  std::vector<table::Expression> variables;
  ASSIGN_OR_RETURN(table::Expression rows, AsFactor(spec.String("rows"), "rows"));
  variables.push_back(std::move(rows));
  if (spec.Has("cols")) {
    ASSIGN_OR_RETURN(table::Expression cols, AsFactor(spec.String("cols"), "cols"));
    variables.push_back(std::move(cols));
  }
  return variables;
}

const Protocol<CrosstabSite, CrosstabHub>& CrosstabProtocol() {
  static const auto protocol = Protocol<CrosstabSite, CrosstabHub>("crosstab")
                                   .Add(kSchema, &CrosstabSite::Schema, &CrosstabHub::AfterSchema)
                                   .Add(kCells, &CrosstabSite::Cells, &CrosstabHub::AfterCells);
  return protocol;
}

Status Validate(const AnalysisSpec& spec) {
  RETURN_IF_ERROR(PrivacyTargetOf(spec).status());
  return Variables(spec).status();
}

StatusOr<std::unique_ptr<SiteAnalysis>> CreateSite(const AnalysisSpec& spec, SiteContext& context) {
  ASSIGN_OR_RETURN(std::vector<table::Expression> variables, Variables(spec));
  std::vector<std::string> columns;
  for (const auto& variable : variables) variable.CollectNames(columns);
  ASSIGN_OR_RETURN(auto table, LoadAnalysisTable(spec, context, columns));
  ASSIGN_OR_RETURN(std::optional<privacy::PrivacyTarget> privacy, PrivacyTargetOf(spec));
  return std::unique_ptr<SiteAnalysis>(new CrosstabSite(table, std::move(variables), spec, privacy, context));
}

StatusOr<std::unique_ptr<HubAnalysis>> CreateHub(const AnalysisSpec& spec, const HubContext& context) {
  ASSIGN_OR_RETURN(std::optional<privacy::PrivacyTarget> privacy, PrivacyTargetOf(spec));
  return std::unique_ptr<HubAnalysis>(new CrosstabHub(context, spec.Has("cols"), privacy));
}

std::string Render(const Json& result) {
  std::vector<std::string> header = {""};
  for (const auto& col : result["cols"]) header.push_back(col.get<std::string>());
  std::vector<TextTable::Align> align(header.size(), TextTable::Align::kRight);
  align[0] = TextTable::Align::kLeft;
  TextTable table(header, align);
  for (size_t r = 0; r < result["rows"].size(); ++r) {
    std::vector<std::string> cells = {result["rows"][r].get<std::string>()};
    for (const auto& cell : result["counts"][r]) {
      cells.push_back(cell.is_null() ? "<" + std::string("suppressed>") : std::to_string(cell.get<int64_t>()));
    }
    table.AddRow(std::move(cells));
  }
  std::string text = table.Render();
  text += "  n = " + std::to_string(result["n"].get<int64_t>()) +
          ", left out for missing values: " + ReleasedCountText(result["missing"]) + "\n";
  if (result.contains("note")) text += "  " + result["note"].get<std::string>() + "\n";
  return text;
}

}  // namespace

const AnalysisDefinition& CrosstabDefinition() {
  static const AnalysisDefinition definition = {
      "crosstab",
      "table of counts, as table(rows, cols); small cells suppressed, or all noised with privacy = {...}",
      {{"table", KeyKind::kString, true, "table name"},
       {"rows", KeyKind::kString, true, "row variable"},
       {"cols", KeyKind::kString, false, "column variable"},
       {"where", KeyKind::kString, false, "row filter"},
       PrivacyKeySpec()},
      Validate,
      CreateSite,
      CreateHub,
      Render};
  return definition;
}

}  // namespace medfed::analysis
