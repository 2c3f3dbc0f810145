// `summary`: n, mean, sd and the quartiles of numeric variables across sites.
//
// Round 1 sums n, missing and the sum of each variable; round 2 sums squared deviations from
// the pooled mean (two passes, as R's var(), so large means do not cost precision). The
// quartiles are R's type 7 and exact: each needs one or two order statistics, which the hub
// finds by narrowing the 64-bit order-preserving key of doubles with 255 split points per round
// (stats/quantile.h). Every round's vector is a set of counts, summed under secure aggregation,
// so no site ever sends a value; 8 rounds pin down any double. A variable whose two largest
// values dominate its total at a site is refused there (privacy/dominance.h). With `privacy`,
// noised_summary.h runs instead.
#include <cmath>
#include <set>

#include "medfed/analysis/descriptive/noised_summary.h"
#include "medfed/analysis/descriptive/summary_columns.h"
#include "medfed/analysis/engine/model_rounds.h"
#include "medfed/analysis/engine/noised_release.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/analysis/engine/released_count.h"
#include "medfed/analysis/engine/round_protocol.h"
#include "medfed/core/text.h"
#include "medfed/core/text_table.h"
#include "medfed/stats/quantile.h"
#include "medfed/table/evaluator.h"

namespace medfed::analysis {
namespace {

const std::vector<double> kProbabilities = {0.25, 0.5, 0.75};

std::vector<double> SplitsToNumbers(const std::vector<uint64_t>& splits) {
  // Keys travel as two exact halves (each < 2^32) to survive the double representation.
  std::vector<double> numbers;
  numbers.reserve(splits.size() * 2);
  for (uint64_t key : splits) {
    numbers.push_back(static_cast<double>(key >> 32));
    numbers.push_back(static_cast<double>(key & 0xFFFFFFFFULL));
  }
  return numbers;
}

std::vector<uint64_t> NumbersToSplits(const std::vector<double>& numbers) {
  std::vector<uint64_t> splits;
  for (size_t i = 0; i + 1 < numbers.size(); i += 2) {
    splits.push_back((static_cast<uint64_t>(numbers[i]) << 32) | static_cast<uint64_t>(numbers[i + 1]));
  }
  return splits;
}

// The protocol. Moments: per variable, its values' count, missing count and sum. Spread: per
// variable the sum of squared deviations from the pooled mean, and the counts at or below each
// split of the quantile searches still open. Search: those counts only, until every search has
// found its order statistic (stats/quantile.h).
struct VariableMoments {
  double n = 0;
  double missing = 0;
  double sum = 0;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("n", n);
    fields("missing", missing);
    fields("sum", sum);
  }
};
struct MomentSums {
  std::vector<VariableMoments> variables;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("variables", variables);
  }
};
struct SpreadSums {
  std::vector<double> squared_deviations;
  std::vector<double> search_counts;  // the open searches' splits, in the order of their keys
  template <class Fields>
  void Layout(Fields& fields) {
    fields("squared_deviations", squared_deviations);
    fields("search_counts", search_counts);
  }
};
inline constexpr Phase<MomentSums> kMoments{"moments"};
inline constexpr Phase<SpreadSums> kSpread{"spread"};
inline constexpr Phase<SpreadSums> kSearch{"search"};

class SummarySite;
class SummaryHub;
const Protocol<SummarySite, SummaryHub>& SummaryProtocol();

class SummarySite : public ProtocolSite<SummarySite, SummaryHub> {
 public:
  SummarySite(std::shared_ptr<const table::Table> table, std::vector<table::Expression> variables,
              const AnalysisSpec& spec, SiteContext context)
      : ProtocolSite(SummaryProtocol()),
        table_(std::move(table)),
        variables_(std::move(variables)),
        where_(spec.String("where")),
        context_(context) {}

  StatusOr<Contribution> Moments(const RoundParameters&, MomentSums& sums) {
    ASSIGN_OR_RETURN(SummaryColumns columns, ReadSummaryColumns(*table_, variables_, where_, context_));
    columns_ = std::move(columns);
    const auto& values = columns_->values;
    Contribution contribution;
    for (size_t v = 0; v < values.size(); ++v) {
      if (auto refusal =
              RefuseIfTooFewRows(values[v].size(), context_, "non-missing values of " + columns_->labels[v])) {
        return *refusal;
      }
      if (privacy::IsDominated(values[v], context_.policy.dominance)) {
        return Contribution::Refuse("dominance", DominanceReason(context_, columns_->labels[v]));
      }
    }
    for (size_t v = 0; v < values.size(); ++v) {
      VariableMoments moments;
      for (double x : values[v]) moments.sum += x;
      moments.n = static_cast<double>(values[v].size());
      moments.missing = static_cast<double>(columns_->missing[v]);
      sums.variables.push_back(moments);
    }
    // The rows behind each variable's statistics: those where it is present, as selected.
    for (size_t v = 0; v < values.size(); ++v) {
      std::vector<std::string> names;
      variables_[v].CollectNames(names);
      contribution.released_rows.push_back(MakeSelectedRows(*table_, columns_->rows, columns_->present_rows[v], names));
    }
    return contribution;
  }

  StatusOr<Contribution> Spread(const RoundParameters& parameters, SpreadSums& sums) {
    if (!columns_) return FailedPrecondition("summary: the spread round came before the moments round");
    const auto& values = columns_->values;
    ASSIGN_OR_RETURN(std::vector<double> means, parameters.Numbers("means"));
    if (means.size() != values.size()) return InvalidArgument("summary: the hub sent means of other variables");
    for (size_t v = 0; v < values.size(); ++v) {
      double squares = 0;
      for (double x : values[v]) squares += (x - means[v]) * (x - means[v]);
      sums.squared_deviations.push_back(squares);
    }
    return Search(parameters, sums);
  }

  // One block of counts per search, in the order of the "search:<v>:<k>" keys.
  StatusOr<Contribution> Search(const RoundParameters& parameters, SpreadSums& sums) {
    if (!columns_) return FailedPrecondition("summary: a search round came before the moments round");
    const auto& values = columns_->values;
    for (const auto& [key, numbers] : parameters.numbers) {
      if (!StartsWith(key, "search:")) continue;
      size_t variable = std::stoul(key.substr(7, key.find(':', 7) - 7));
      if (variable >= values.size()) return InvalidArgument("bad quantile search key " + key);
      std::vector<double> counts = stats::CountAtOrBelow(values[variable], NumbersToSplits(numbers));
      sums.search_counts.insert(sums.search_counts.end(), counts.begin(), counts.end());
    }
    return Contribution{};
  }

 private:
  std::shared_ptr<const table::Table> table_;
  std::vector<table::Expression> variables_;
  std::string where_;
  SiteContext context_;
  std::optional<SummaryColumns> columns_;
};

class SummaryHub : public ProtocolHub<SummarySite, SummaryHub> {
 public:
  SummaryHub(std::vector<std::string> labels, const HubContext& context)
      : ProtocolHub(SummaryProtocol()), labels_(std::move(labels)), context_(context) {}

  StatusOr<RoundParameters> Begin() override {
    MomentSums shape;
    shape.variables.resize(labels_.size());
    return Ask(kMoments, {}, std::move(shape));
  }

  StatusOr<HubStep> AfterMoments(MomentSums& pooled, const PooledRound&) {
    const size_t variables = labels_.size();
    for (size_t v = 0; v < variables; ++v) {
      const VariableMoments& moments = pooled.variables[v];
      n_.push_back(moments.n);
      missing_.push_back(moments.missing);
      means_.push_back(n_[v] > 0 ? moments.sum / n_[v] : std::nan(""));
      std::set<uint64_t> ranks;
      for (double p : kProbabilities) {
        for (uint64_t rank : stats::Type7Ranks(static_cast<uint64_t>(n_[v]), p)) ranks.insert(rank);
      }
      for (uint64_t rank : ranks) searches_.push_back({v, rank, stats::OrderStatisticSearch(rank)});
    }
    SpreadSums shape = SearchShape();
    shape.squared_deviations.resize(variables);
    return Next(kSpread, NextRound(), std::move(shape));
  }

  StatusOr<HubStep> AfterSpread(SpreadSums& pooled, const PooledRound& round) {
    for (size_t v = 0; v < labels_.size(); ++v) {
      sds_.push_back(n_[v] > 1 ? std::sqrt(pooled.squared_deviations[v] / (n_[v] - 1)) : std::nan(""));
    }
    return AfterSearch(pooled, round);
  }

  StatusOr<HubStep> AfterSearch(SpreadSums& pooled, const PooledRound&) {
    // Searches are returned in the (sorted) key order of the parameters map.
    size_t offset = 0;
    for (size_t s : SearchOrder()) {
      Search& search = searches_[s];
      std::vector<uint64_t> splits = search.search.Splits();
      std::vector<double> counts(pooled.search_counts.begin() + static_cast<long>(offset),
                                 pooled.search_counts.begin() + static_cast<long>(offset + splits.size()));
      offset += splits.size();
      search.search.Narrow(splits, counts);
    }
    bool done = true;
    for (const auto& search : searches_) done = done && search.search.Done();
    if (!done) return Next(kSearch, NextRound(), SearchShape());
    return HubStep::Finish(Result());
  }

 private:
  struct Search {
    size_t variable;
    uint64_t rank;
    stats::OrderStatisticSearch search;
  };

  static std::string SearchKey(size_t variable, size_t index) {
    return "search:" + std::to_string(variable) + ":" + std::to_string(index);
  }

  // Indices of searches sorted by their parameter key (the order the sites answer in).
  std::vector<size_t> SearchOrder() const {
    std::vector<std::pair<std::string, size_t>> keyed;
    for (size_t s = 0; s < searches_.size(); ++s) {
      if (!searches_[s].search.Done()) keyed.emplace_back(SearchKey(searches_[s].variable, s), s);
    }
    std::sort(keyed.begin(), keyed.end());
    std::vector<size_t> order;
    for (const auto& [key, s] : keyed) order.push_back(s);
    return order;
  }

  // The pooled layout of the open searches' counts.
  SpreadSums SearchShape() const {
    SpreadSums shape;
    size_t splits = 0;
    for (const auto& search : searches_) {
      if (!search.search.Done()) splits += search.search.Splits().size();
    }
    shape.search_counts.resize(splits);
    return shape;
  }

  RoundParameters NextRound() const {
    RoundParameters parameters;
    parameters.numbers["means"] = means_;
    for (size_t s = 0; s < searches_.size(); ++s) {
      if (searches_[s].search.Done()) continue;
      parameters.numbers[SearchKey(searches_[s].variable, s)] = SplitsToNumbers(searches_[s].search.Splits());
    }
    return parameters;
  }

  Json Result() const {
    Json result;
    result["status"] = "ok";
    Json variables = Json::array();
    for (size_t v = 0; v < labels_.size(); ++v) {
      Json variable;
      variable["name"] = labels_[v];
      variable["n"] = static_cast<int64_t>(n_[v]);
      variable["missing"] = ReleasedCount(missing_[v], context_.policy.min_cell_count);
      if (n_[v] > 0 && n_[v] < context_.policy.min_rows) {
        variable["suppressed"] = true;
        variable["note"] =
            "fewer than min_rows " + std::to_string(context_.policy.min_rows) + " values in all; statistics withheld";
        variables.push_back(std::move(variable));
        continue;
      }
      variable["mean"] = means_[v];
      variable["sd"] = sds_[v];
      Json quantiles;
      std::map<uint64_t, double> found;
      for (const auto& search : searches_) {
        if (search.variable == v) found[search.rank] = search.search.Value();
      }
      const auto n = static_cast<uint64_t>(n_[v]);
      for (double p : kProbabilities) {
        std::vector<uint64_t> ranks = stats::Type7Ranks(n, p);
        if (ranks.empty()) continue;
        double lower = found[ranks[0]];
        double upper = ranks.size() > 1 ? found[ranks[1]] : lower;
        char key[16];
        std::snprintf(key, sizeof(key), "%g", p);
        quantiles[key] = stats::Type7Quantile(n, p, lower, upper);
      }
      variable["quantiles"] = std::move(quantiles);
      variables.push_back(std::move(variable));
    }
    result["variables"] = std::move(variables);
    return result;
  }

  std::vector<std::string> labels_;
  HubContext context_;
  std::vector<double> n_, missing_, means_, sds_;
  std::vector<Search> searches_;
};

const Protocol<SummarySite, SummaryHub>& SummaryProtocol() {
  static const auto protocol = Protocol<SummarySite, SummaryHub>("summary")
                                   .Add(kMoments, &SummarySite::Moments, &SummaryHub::AfterMoments)
                                   .Add(kSpread, &SummarySite::Spread, &SummaryHub::AfterSpread)
                                   .Add(kSearch, &SummarySite::Search, &SummaryHub::AfterSearch);
  return protocol;
}

StatusOr<std::vector<table::Expression>> Variables(const AnalysisSpec& spec) {
  std::vector<table::Expression> variables;
  for (const auto& text : spec.Strings("variables")) {
    ASSIGN_OR_RETURN(table::Expression variable, table::ParseExpression(text, "variable"));
    variables.push_back(std::move(variable));
  }
  if (variables.empty()) return InvalidArgument(spec.Describe() + ": variables is empty");
  return variables;
}

std::vector<std::string> Labels(const std::vector<table::Expression>& variables) {
  std::vector<std::string> labels;
  for (const auto& variable : variables) labels.push_back(variable.Deparse());
  return labels;
}

Status Validate(const AnalysisSpec& spec) {
  ASSIGN_OR_RETURN(std::vector<table::Expression> variables, Variables(spec));
  ASSIGN_OR_RETURN(std::optional<privacy::PrivacyTarget> privacy, PrivacyTargetOf(spec));
  if (privacy) return ValidateNoisedSummary(spec, spec.Strings("variables"));
  if (spec.Has("bounds")) {
    return InvalidArgument(
        "bounds are the clipping bounds of a noised summary; add privacy = { epsilon = ..., "
        "delta = ... } or remove bounds");
  }
  return absl::OkStatus();
}

StatusOr<std::unique_ptr<SiteAnalysis>> CreateSite(const AnalysisSpec& spec, SiteContext& context) {
  ASSIGN_OR_RETURN(std::vector<table::Expression> variables, Variables(spec));
  std::vector<std::string> columns;
  for (const auto& variable : variables) variable.CollectNames(columns);
  ASSIGN_OR_RETURN(auto table, LoadAnalysisTable(spec, context, columns));
  if (spec.Has("privacy")) return CreateNoisedSummarySite(spec, context, table, std::move(variables));
  return std::unique_ptr<SiteAnalysis>(new SummarySite(table, std::move(variables), spec, context));
}

StatusOr<std::unique_ptr<HubAnalysis>> CreateHub(const AnalysisSpec& spec, const HubContext& context) {
  ASSIGN_OR_RETURN(std::vector<table::Expression> variables, Variables(spec));
  if (spec.Has("privacy")) return CreateNoisedSummaryHub(spec, context, spec.Strings("variables"));
  return std::unique_ptr<HubAnalysis>(new SummaryHub(Labels(variables), context));
}

std::string Render(const Json& result) {
  TextTable table({"variable", "n", "missing", "mean", "sd", "25%", "median", "75%"}, {TextTable::Align::kLeft});
  for (const auto& variable : result["variables"]) {
    std::vector<std::string> cells = {variable["name"].get<std::string>(), std::to_string(variable["n"].get<int64_t>()),
                                      ReleasedCountText(variable["missing"])};
    if (variable.value("suppressed", false)) {
      cells.insert(cells.end(), {"withheld", "", "", "", ""});
    } else {
      cells.push_back(FormatSignificant(variable["mean"].get<double>(), 5));
      cells.push_back(FormatSignificant(variable["sd"].get<double>(), 5));
      for (const char* key : {"0.25", "0.5", "0.75"}) {
        cells.push_back(variable["quantiles"].contains(key)
                            ? FormatSignificant(variable["quantiles"][key].get<double>(), 6)
                            : "NA");
      }
    }
    table.AddRow(std::move(cells));
  }
  std::string text = table.Render();
  if (result.contains("privacy")) {
    for (const auto& variable : result["variables"]) {
      if (!variable.contains("mean_ci95")) continue;
      text += "  " + variable["name"].get<std::string>() + ": mean 95% interval " +
              FormatSignificant(variable["mean_ci95"][0].get<double>(), 5) + " to " +
              FormatSignificant(variable["mean_ci95"][1].get<double>(), 5) + " (noise included)\n";
    }
    text += "  " + result["note"].get<std::string>() + "; epsilon " +
            FormatSignificant(result["privacy"]["epsilon"].get<double>(), 3) + ", delta " +
            FormatSignificant(result["privacy"]["delta"].get<double>(), 3) + "\n";
  }
  return text;
}

}  // namespace

const AnalysisDefinition& SummaryDefinition() {
  static const AnalysisDefinition definition = {
      "summary",
      "n, mean, sd and quartiles (R type 7) of numeric variables; noised with privacy and bounds",
      {{"table", KeyKind::kString, true, "table name"},
       {"variables", KeyKind::kStringList, true, "numeric variables"},
       {"where", KeyKind::kString, false, "row filter"},
       PrivacyKeySpec(),
       {"bounds", KeyKind::kTable, false, "clipping bounds of each variable for a noised summary: { age = [0, 100] }"}},
      Validate,
      CreateSite,
      CreateHub,
      Render};
  return definition;
}

}  // namespace medfed::analysis
