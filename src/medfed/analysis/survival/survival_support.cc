#include "medfed/analysis/survival/survival_support.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "medfed/core/text.h"

namespace medfed::analysis {
namespace {

constexpr char kStatusKey[] = "status_values";
constexpr char kEventTimesKey[] = "event_times";

// The hub's strictest time grid, and a site's check that it is no finer than its own.
double Coarsen(double time, double resolution) {
  if (resolution <= 0) return time;
  return std::ceil(time / resolution - 1e-9) * resolution;
}

}  // namespace

size_t SurvivalRows::events() const {
  size_t count = 0;
  for (uint8_t e : event) count += e;
  return count;
}

StatusOr<table::Formula> ParseSurvivalFormula(const std::string& text) {
  ASSIGN_OR_RETURN(table::Formula formula, table::ParseFormula(text));
  if (!formula.response || !formula.response->IsCall("Surv") || formula.response->arguments.size() != 2) {
    return InvalidArgument("formula " + QuoteForMessage(text) +
                           " needs Surv(time, event) on the left, e.g. Surv(time, status) ~ rx");
  }
  if (!formula.offsets.empty()) {
    return InvalidArgument("formula " + QuoteForMessage(text) + ": offset() is not supported here");
  }
  return formula;
}

SurvivalTerms SplitSurvivalTerms(const table::Formula& formula) {
  SurvivalTerms terms;
  for (const auto& term : formula.terms) {
    for (int v : term.variables) {
      auto& target = formula.variables[static_cast<size_t>(v)].IsCall("strata") ? terms.strata : terms.others;
      if (std::find(target.begin(), target.end(), v) == target.end()) target.push_back(v);
    }
  }
  return terms;
}

void AppendRiskCounts(const SurvivalRows& rows, const std::vector<int32_t>& group, size_t groups,
                      const std::vector<double>& event_times, const std::vector<double>& extra_times,
                      std::vector<double>& out) {
  const size_t k_count = event_times.size();
  const size_t j_count = extra_times.size();
  const size_t block = 1 + 2 * k_count + j_count;
  // Histograms of "how many event (extra) times are <= t", then suffix sums.
  std::vector<double> event_histogram(groups * (k_count + 1), 0.0);
  std::vector<double> extra_histogram(groups * (j_count + 1), 0.0);
  std::vector<size_t> extra_order(j_count);
  for (size_t j = 0; j < j_count; ++j) extra_order[j] = j;
  std::sort(extra_order.begin(), extra_order.end(),
            [&](size_t a, size_t b) { return extra_times[a] < extra_times[b]; });
  std::vector<double> sorted_extra(j_count);
  for (size_t j = 0; j < j_count; ++j) sorted_extra[j] = extra_times[extra_order[j]];
  for (size_t i = 0; i < rows.time.size(); ++i) {
    const auto g = static_cast<size_t>(group[i]);
    const double t = rows.time[i];
    out[g * block] += 1;
    const size_t last =
        static_cast<size_t>(std::upper_bound(event_times.begin(), event_times.end(), t) - event_times.begin());
    event_histogram[g * (k_count + 1) + last] += 1;
    if (rows.event[i] && last > 0 && event_times[last - 1] == t) {
      out[g * block + 2 + 2 * (last - 1)] += 1;
    }
    const size_t extra_last =
        static_cast<size_t>(std::upper_bound(sorted_extra.begin(), sorted_extra.end(), t) - sorted_extra.begin());
    extra_histogram[g * (j_count + 1) + extra_last] += 1;
  }
  for (size_t g = 0; g < groups; ++g) {
    double at_risk = 0;
    for (size_t k = k_count; k-- > 0;) {
      at_risk += event_histogram[g * (k_count + 1) + k + 1];
      out[g * block + 1 + 2 * k] = at_risk;
    }
    at_risk = 0;
    for (size_t j = j_count; j-- > 0;) {
      at_risk += extra_histogram[g * (j_count + 1) + j + 1];
      out[g * block + 1 + 2 * k_count + extra_order[j]] = at_risk;
    }
  }
}

std::vector<std::string> TimesToTexts(const std::vector<double>& times) {
  std::vector<std::string> texts;
  texts.reserve(times.size());
  for (double t : times) texts.push_back(FormatRoundTrip(t));
  return texts;
}

std::vector<std::string> CombinationLabels(const std::vector<std::string>& keys, const std::vector<std::string>& names,
                                           const table::GlobalLevels& levels) {
  std::vector<std::string> combinations = {""};
  for (size_t v = 0; v < keys.size(); ++v) {
    auto found = levels.find(keys[v]);
    std::vector<std::string> next;
    for (const auto& prefix : combinations) {
      if (found == levels.end()) continue;
      for (const auto& level : found->second.levels) {
        // strata(x) levels already read "x=level".
        std::string part = StartsWith(keys[v], "strata(") ? level : names[v] + "=" + level;
        next.push_back(prefix.empty() ? part : prefix + ", " + part);
      }
    }
    combinations = std::move(next);
  }
  return combinations;
}

std::vector<std::string> MakeGroupingFactors(table::Formula& formula) {
  std::vector<std::string> names;
  for (auto& variable : formula.variables) {
    names.push_back(variable.Deparse());
    if (variable.IsCall("factor") || variable.IsCall("strata")) continue;
    table::Expression call;
    call.kind = table::Expression::Kind::kCall;
    call.text = "factor";
    call.arguments.push_back(variable);
    variable = std::move(call);
  }
  return names;
}

SurvivalSite::SurvivalSite(std::shared_ptr<const table::Table> table, table::Formula formula, std::string where,
                           SiteContext context)
    : table_(std::move(table)), formula_(std::move(formula)), where_(std::move(where)), context_(context) {}

StatusOr<Contribution> SurvivalSite::Schema(FrameCountSums& sums) {
  ASSIGN_OR_RETURN(std::vector<uint32_t> selected, table::SelectRows(where_, *table_));
  ASSIGN_OR_RETURN(table::ModelFrame frame, table::ModelFrame::Build(formula_, *table_, selected));
  frame_ = std::make_unique<table::ModelFrame>(std::move(frame));
  if (auto refusal = RefuseIfTooFewRows(frame_->rows(), context_)) return *refusal;
  const table::RowValues& time = frame_->response_parts()[0];
  const table::RowValues& status = frame_->response_parts()[1];
  const std::string where_is = table_->source() + ":";
  if (time.kind != table::RowValues::Kind::kNumeric) {
    return InvalidArgument(formula_.text + ": the survival time " + formula_.response->arguments[0].Deparse() +
                           " must be numeric");
  }
  for (size_t i = 0; i < frame_->rows(); ++i) {
    if (time.numbers[i] < 0) {
      return InvalidArgument(where_is + std::to_string(table_->LineOfRow(frame_->source_rows()[i])) +
                             ": survival time " + FormatSignificant(time.numbers[i], 8) +
                             " is negative; times count from the start of follow-up");
    }
  }
  std::set<std::string> values;
  if (status.kind == table::RowValues::Kind::kLogical) {
    for (int8_t x : status.logicals) values.insert(x ? "TRUE" : "FALSE");
  } else if (status.kind == table::RowValues::Kind::kNumeric) {
    for (size_t i = 0; i < status.numbers.size(); ++i) {
      double x = status.numbers[i];
      if (x != 0 && x != 1 && x != 2) {
        return InvalidArgument(where_is + std::to_string(table_->LineOfRow(frame_->source_rows()[i])) + ": status " +
                               FormatSignificant(x, 8) +
                               " is not an event code; use 0/1, TRUE/FALSE or 1/2 (2 = event)");
      }
      values.insert(x == 0 ? "0" : (x == 1 ? "1" : "2"));
    }
  } else {
    return InvalidArgument(formula_.text + ": the event indicator " + formula_.response->arguments[1].Deparse() +
                           " must be 0/1, TRUE/FALSE or 1/2");
  }
  Contribution contribution;
  DiscloseSchemas(frame_->Schemas(context_.policy.min_cell_count), contribution);
  contribution.disclosed[kStatusKey].assign(values.begin(), values.end());
  sums.rows = static_cast<double>(frame_->rows());
  sums.missing = static_cast<double>(frame_->missing());
  contribution.released_rows.push_back(
      MakeSelectedRows(*table_, selected, frame_->source_rows(), FormulaColumns(formula_)));
  return contribution;
}

StatusOr<Contribution> SurvivalSite::Times(const RoundParameters& parameters, EventSums& sums,
                                           bool disclose_event_times) {
  if (!frame_) return FailedPrecondition("the times round came before the schema round");
  ASSIGN_OR_RETURN(std::string coding, parameters.Text("coding"));
  ASSIGN_OR_RETURN(double resolution, parameters.Number("resolution"));
  if (resolution < context_.policy.time_resolution) {
    return Contribution::Refuse("time_resolution", "site " + context_.data.site() + ": times must be coarsened to " +
                                                       FormatSignificant(context_.policy.time_resolution, 6) +
                                                       ", the study asked for " + FormatSignificant(resolution, 6));
  }
  const table::RowValues& time = frame_->response_parts()[0];
  const table::RowValues& status = frame_->response_parts()[1];
  const size_t n = frame_->rows();
  rows_.time.resize(n);
  rows_.event.resize(n);
  std::set<double> event_times;
  for (size_t i = 0; i < n; ++i) {
    rows_.time[i] = Coarsen(time.numbers[i], resolution);
    double code = status.kind == table::RowValues::Kind::kLogical ? status.logicals[i] : status.numbers[i];
    rows_.event[i] = coding == "12" ? (code == 2) : (code == 1);
    if (rows_.event[i]) event_times.insert(rows_.time[i]);
  }
  const size_t events = rows_.events();
  const auto minimum = static_cast<size_t>(context_.policy.min_events);
  if (privacy::IsSmallCount(static_cast<double>(events), static_cast<int>(minimum))) {
    return Contribution::Refuse("min_events", "site " + context_.data.site() + ": fewer than " +
                                                  std::to_string(minimum) + " events (min_events)");
  }
  Contribution contribution;
  if (disclose_event_times) {
    contribution.disclosed[kEventTimesKey] = TimesToTexts(std::vector<double>(event_times.begin(), event_times.end()));
  }
  sums.events = static_cast<double>(events);
  return contribution;
}

StatusOr<std::vector<int32_t>> SurvivalSite::CombinationIndex(const std::vector<int>& variables,
                                                              const table::GlobalLevels& levels) const {
  std::vector<int32_t> index(frame_->rows(), 0);
  for (int variable : variables) {
    const std::string label = formula_.VariableLabel(variable);
    auto found = levels.find(label);
    if (found == levels.end() || !found->second.is_factor) {
      return InvalidArgument(label +
                             " must be categorical here; wrap a numeric variable in "
                             "factor()");
    }
    ASSIGN_OR_RETURN(
        std::vector<int32_t> codes,
        table::RecodeToGlobal(frame_->variables()[static_cast<size_t>(variable)], found->second.levels, label));
    const auto radix = static_cast<int32_t>(found->second.levels.size());
    for (size_t i = 0; i < index.size(); ++i) index[i] = index[i] * radix + codes[i];
  }
  return index;
}

StatusOr<std::vector<int32_t>> SurvivalSite::StratumIndex(const table::GlobalLevels& levels) const {
  std::vector<int> all(formula_.variables.size());
  for (size_t v = 0; v < all.size(); ++v) all[v] = static_cast<int>(v);
  return CombinationIndex(all, levels);
}

Status SurvivalHub::AfterSchema(const FrameCountSums& pooled, const PooledRound& round, bool counts_released) {
  n_ = pooled.rows;
  missing_ = pooled.missing;
  ASSIGN_OR_RETURN(levels_, UniteDisclosedSchemas(round));
  std::set<std::string> values;
  for (const auto& disclosed : round.disclosed) {
    auto found = disclosed.find(kStatusKey);
    if (found != disclosed.end()) values.insert(found->second.begin(), found->second.end());
  }
  // R's Surv(): numeric status with a maximum of 2 is coded 1/2 (2 = event).
  coding_ = values.count("2") ? "12" : "01";
  if (counts_released && n_ == 0) {
    return InvalidArgument("no rows are left at any site (after where and missing values)" +
                           table::DescribeVariablesWithoutValues(levels_));
  }
  return absl::OkStatus();
}

RoundParameters SurvivalHub::TimesParameters() const {
  RoundParameters parameters;
  parameters.texts["coding"] = {coding_};
  parameters.numbers["resolution"] = {context_.policy.time_resolution};
  PutGlobalLevels(levels_, parameters);
  return parameters;
}

Status SurvivalHub::AfterTimes(const EventSums& pooled, const PooledRound& round) {
  events_ = pooled.events;
  std::set<double> times;
  for (const auto& disclosed : round.disclosed) {
    auto found = disclosed.find(kEventTimesKey);
    if (found == disclosed.end()) continue;
    for (const auto& text : found->second) times.insert(std::strtod(text.c_str(), nullptr));
  }
  event_times_.assign(times.begin(), times.end());
  return absl::OkStatus();
}

void SurvivalHub::AddTimeNote(Json& result) const {
  if (context_.policy.time_resolution > 0) {
    result["time_resolution"] = context_.policy.time_resolution;
    result["note"] = "times were coarsened to multiples of " + FormatSignificant(context_.policy.time_resolution, 6) +
                     " (rounded up) as a site's policy requires; results differ from the "
                     "exact-time analysis accordingly";
  }
}

}  // namespace medfed::analysis
