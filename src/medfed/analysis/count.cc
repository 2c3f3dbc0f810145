// `count`: the number of rows (after `where`) across all sites, as nrow(subset(...)) in R.
// One round; the pooled count is suppressed when 0 < n < min_cell_count.
#include "medfed/analysis/model_rounds.h"
#include "medfed/analysis/registry.h"
#include "medfed/table/evaluator.h"

namespace medfed {
namespace {

class CountSite : public SiteAnalysis {
 public:
  CountSite(std::shared_ptr<const Table> table, std::string where, SiteContext& context)
      : table_(std::move(table)), where_(std::move(where)), context_(context) {}

  StatusOr<Contribution> Local(const RoundParameters&) override {
    ASSIGN_OR_RETURN(std::vector<uint32_t> rows, SelectRows(where_, *table_));
    if (auto refusal = RefuseIfTooFewRows(rows.size(), context_)) return *refusal;
    Contribution contribution;
    contribution.values = {static_cast<double>(rows.size())};
    return contribution;
  }

 private:
  std::shared_ptr<const Table> table_;
  std::string where_;
  SiteContext context_;
};

class CountHub : public HubAnalysis {
 public:
  explicit CountHub(const HubContext& context) : context_(context) {}
  StatusOr<RoundParameters> Begin() override { return RoundParameters{}; }
  StatusOr<HubStep> Combine(const PooledRound& pooled) override {
    const double n = pooled.sum.at(0);
    Json result;
    result["status"] = "ok";
    if (n > 0 && n < context_.policy.min_cell_count) {
      result["n"] = nullptr;
      result["suppressed"] = true;
      result["note"] = "count below min_cell_count " +
                       std::to_string(context_.policy.min_cell_count) + " is suppressed";
    } else {
      result["n"] = static_cast<int64_t>(n);
      result["suppressed"] = false;
    }
    return HubStep::Finish(std::move(result));
  }

 private:
  HubContext context_;
};

StatusOr<std::unique_ptr<SiteAnalysis>> CreateSite(const AnalysisSpec& spec, SiteContext& context) {
  ASSIGN_OR_RETURN(auto table, LoadAnalysisTable(spec, context, {}));
  return std::unique_ptr<SiteAnalysis>(new CountSite(table, spec.String("where"), context));
}

StatusOr<std::unique_ptr<HubAnalysis>> CreateHub(const AnalysisSpec&, const HubContext& context) {
  return std::unique_ptr<HubAnalysis>(new CountHub(context));
}

std::string Render(const Json& result) {
  if (result.value("suppressed", false)) return "  n: suppressed (" + result.value("note", "") + ")\n";
  return "  n: " + std::to_string(result["n"].get<int64_t>()) + "\n";
}

}  // namespace

const AnalysisDefinition& CountDefinition() {
  static const AnalysisDefinition definition = {
      "count",
      "rows across sites, as nrow(subset(table, where))",
      {{"table", KeyKind::kString, true, "table name"},
       {"where", KeyKind::kString, false, "row filter"}},
      nullptr,  // only `where`, checked for every analysis
      CreateSite,
      CreateHub,
      Render};
  return definition;
}

}  // namespace medfed
