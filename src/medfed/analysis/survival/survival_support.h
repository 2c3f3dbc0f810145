// Pieces shared by the survival analyses (kaplan_meier, logrank, cox, life_table).
//
// Every survival analysis starts with the same two rounds:
//   schema  the site evaluates Surv(time, event) ~ ... on its complete rows and reveals the
//           factor levels of the right-hand side and the set of status values it holds;
//   times   the hub fixes the status coding (R's Surv: 0/1, FALSE/TRUE, or 1/2 with 2 = event,
//           decided on the pooled values) and the time grid (the coarsest time_resolution of
//           all sites' policies); each site codes events, coarsens its times, checks
//           min_events, and reveals the set of its distinct event times.
// The union of the event times is what the hub learns beyond pooled sums
// (docs/protocols/survival.md).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "medfed/analysis/engine/model_rounds.h"
#include "medfed/analysis/engine/round_protocol.h"
#include "medfed/table/evaluator.h"

namespace medfed::analysis {

// What the times round sends besides the disclosed event times: the site's events.
struct EventSums {
  double events = 0;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("events", events);
  }
};
// Risk counts per group (AppendRiskCounts' blocks, one after another).
struct RiskCountSums {
  std::vector<double> counts;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("counts", counts);
  }
};
inline constexpr Phase<FrameCountSums> kSurvivalSchema{"schema"};
inline constexpr Phase<EventSums> kSurvivalTimes{"times"};

// Site side: the survival rows of one site after the times round.
struct SurvivalRows {
  std::vector<double> time;    // coarsened to the study's time grid
  std::vector<uint8_t> event;  // 1 = event
  size_t events() const;
};

class SurvivalSite {
 public:
  SurvivalSite(std::shared_ptr<const table::Table> table, table::Formula formula, std::string where,
               SiteContext context);

  // The schema round: builds the frame, discloses levels and status values. Returns a refusal
  // contribution if the site has too few rows.
  StatusOr<Contribution> Schema(FrameCountSums& sums);
  // The times round: event coding and time grid from the hub; fills rows(); discloses the
  // site's distinct event times unless `disclose_event_times` is false (life tables).
  StatusOr<Contribution> Times(const RoundParameters& parameters, EventSums& sums, bool disclose_event_times = true);

  const table::ModelFrame& frame() const { return *frame_; }
  const SurvivalRows& rows() const { return rows_; }
  const table::Formula& formula() const { return formula_; }
  const table::Table& table() const { return *table_; }
  const SiteContext& context() const { return context_; }

  // Index of each row's combination of the factor variables `variables` (formula variable
  // indices) under the united levels, in the order CombinationLabels enumerates them.
  StatusOr<std::vector<int32_t>> CombinationIndex(const std::vector<int>& variables,
                                                  const table::GlobalLevels& levels) const;
  // The combination of all the formula's variables: the strata of a curve or a life table.
  StatusOr<std::vector<int32_t>> StratumIndex(const table::GlobalLevels& levels) const;

 private:
  std::shared_ptr<const table::Table> table_;
  table::Formula formula_;
  std::string where_;
  SiteContext context_;
  std::unique_ptr<table::ModelFrame> frame_;
  SurvivalRows rows_;
};

// Hub side.
class SurvivalHub {
 public:
  explicit SurvivalHub(const HubContext& context) : context_(context) {}

  // After the schema round: pooled n and missing, united levels, the status coding. A noised
  // analysis releases no count in this round (`counts_released` false).
  Status AfterSchema(const FrameCountSums& pooled, const PooledRound& round, bool counts_released = true);
  // Parameters of the times round (and of a round that codes events on the grid).
  RoundParameters TimesParameters() const;
  // After the times round: the union of event times (ascending) and pooled events.
  Status AfterTimes(const EventSums& pooled, const PooledRound& round);

  double n() const { return n_; }
  double missing() const { return missing_; }
  double events() const { return events_; }
  const table::GlobalLevels& levels() const { return levels_; }
  const std::vector<double>& event_times() const { return event_times_; }
  double time_resolution() const { return context_.policy.time_resolution; }
  int min_cell_count() const { return context_.policy.min_cell_count; }
  // The note a result carries when times were coarsened.
  void AddTimeNote(Json& result) const;

 private:
  HubContext context_;
  double n_ = 0, missing_ = 0, events_ = 0;
  table::GlobalLevels levels_;
  std::string coding_ = "01";
  std::vector<double> event_times_;
};

// The protocol of a survival analysis that opens with the shared schema and times rounds
// (kaplan_meier, logrank, life_table); the analysis adds its own phases after them. The site
// half provides `SurvivalSite& survival()`, the hub half `SurvivalHub& survival()` and
// `StatusOr<HubStep> AfterOpening()`, which asks for the analysis' first own phase.
template <class Site, class Hub>
Protocol<Site, Hub> SurvivalProtocol(const std::string& analysis, bool disclose_event_times) {
  Protocol<Site, Hub> protocol(analysis);
  protocol.Add(
      kSurvivalSchema,
      [](Site& site, const RoundParameters&, FrameCountSums& sums) { return site.survival().Schema(sums); },
      [](Hub& hub, FrameCountSums& pooled, const PooledRound& round) -> StatusOr<HubStep> {
        RETURN_IF_ERROR(hub.survival().AfterSchema(pooled, round));
        return hub.Next(kSurvivalTimes, hub.survival().TimesParameters());
      });
  protocol.Add(
      kSurvivalTimes,
      [disclose_event_times](Site& site, const RoundParameters& parameters, EventSums& sums) {
        return site.survival().Times(parameters, sums, disclose_event_times);
      },
      [](Hub& hub, EventSums& pooled, const PooledRound& round) -> StatusOr<HubStep> {
        RETURN_IF_ERROR(hub.survival().AfterTimes(pooled, round));
        return hub.AfterOpening();
      });
  return protocol;
}

// Labels "a=x, b=y" of every combination of the variables' levels, first variable slowest
// (survival's strata() order). `keys` index the united levels; `names` are what the labels
// show (the variables as the user wrote them).
std::vector<std::string> CombinationLabels(const std::vector<std::string>& keys, const std::vector<std::string>& names,
                                           const table::GlobalLevels& levels);

// Grouping variables of survfit/survdiff may be numeric (each value a group): wraps every
// variable that is not already factor() or strata() in factor(). Returns the names to show.
std::vector<std::string> MakeGroupingFactors(table::Formula& formula);

// The formula's variables used as strata (inside strata()) and the others.
struct SurvivalTerms {
  std::vector<int> strata;  // variable indices of strata(...) terms
  std::vector<int> others;  // variable indices of the remaining main-effect terms
};
SurvivalTerms SplitSurvivalTerms(const table::Formula& formula);

// Parses and checks a survival formula: Surv(time, event) on the left.
StatusOr<table::Formula> ParseSurvivalFormula(const std::string& text);

// Per group g (of `groups`), the block [n, then (n at risk, events) at every event time, then
// n at risk at every extra time], written into `out` (size groups * block, zero-filled).
// "At risk at t" is time >= t, as survfit counts it. O(n log K + groups * K).
void AppendRiskCounts(const SurvivalRows& rows, const std::vector<int32_t>& group, size_t groups,
                      const std::vector<double>& event_times, const std::vector<double>& extra_times,
                      std::vector<double>& out);

// Numbers <-> exact text for disclosed time sets.
std::vector<std::string> TimesToTexts(const std::vector<double>& times);

}  // namespace medfed::analysis
