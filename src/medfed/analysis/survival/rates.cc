// `rates`: SEER*Stat-style rate sessions across registries (docs/protocols/rates.md).
//
// Each site holds a case table (one row per case, with an age or age group) and a population
// table (population at risk by age group and any grouping columns). Round 1: the sites reveal
// the levels of the grouping variables and the age groups of their population tables. Round 2:
// per group and age group, the pooled number of cases and population at risk. The hub computes
// crude and age-adjusted rates per `per` persons (direct standardisation to the chosen standard)
// with gamma confidence intervals (stats/rates.h); a group with fewer cases than rate_min_count
// has its rates suppressed.
#include <cmath>
#include <set>

#include "medfed/analysis/engine/model_rounds.h"
#include "medfed/analysis/engine/noised_release.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/analysis/engine/round_protocol.h"
#include "medfed/core/text.h"
#include "medfed/core/text_table.h"
#include "medfed/privacy/cell_suppression.h"
#include "medfed/stats/rates.h"
#include "medfed/table/evaluator.h"

namespace medfed::analysis {
namespace {

constexpr char kAgeGroupsKey[] = "age_groups";

struct RatesSpec {
  std::string cases_table, population_table;
  std::string age, population_age, population_count;
  std::vector<std::string> by;
  std::string where, population_where;
  const stats::StandardPopulation* standard = nullptr;
  double per = 1e5;
  std::optional<privacy::PrivacyTarget> privacy;  // noised case counts
};

// With `privacy`: each case is in one (group, age) cell or left out, so the case counts are one
// noise group (every other coordinate, between the populations, which are public and not
// noised) and the left-out count another.
std::vector<privacy::NoiseGroup> CaseNoise(size_t cells) { return {{0, cells, 1, 2}, {2 * cells, 1, 1}}; }

StatusOr<RatesSpec> ParseSpec(const AnalysisSpec& spec) {
  RatesSpec parsed;
  parsed.cases_table = spec.String("table");
  parsed.population_table = spec.String("population");
  parsed.age = spec.String("age", "age");
  parsed.population_age = spec.String("population_age", "age_group");
  parsed.population_count = spec.String("population_count", "population");
  parsed.by = spec.Strings("by");
  parsed.where = spec.String("where");
  parsed.population_where = spec.String("population_where");
  ASSIGN_OR_RETURN(parsed.standard, stats::FindStandardPopulation(spec.String("standard", "us2000")));
  parsed.per = spec.Number("per", 1e5);
  if (!(parsed.per > 0)) return InvalidArgument("per must be positive, e.g. 100000");
  ASSIGN_OR_RETURN(parsed.privacy, PrivacyTargetOf(spec));
  for (const std::string& where : {parsed.where, parsed.population_where}) {
    if (!TrimWhitespace(where).empty()) {
      auto parsed_where = table::ParseExpression(where, "where");
      if (!parsed_where.ok()) return parsed_where.status();
    }
  }
  return parsed;
}

// The lower bound of the age group of a value in an age column: numbers are ages (or group
// lower bounds), text is a group label.
StatusOr<double> AgeLowerBound(const table::Column& column, size_t row) {
  if (column.IsNumeric()) return column.NumericValue(row);
  return stats::AgeGroupLowerBound(std::string(column.RawText(row)));
}

// The protocol. Schema: the levels of the `by` variables and the age groups each site holds
// (disclosed), and its number of selected cases. Counts: cases and population per (combination
// of `by` levels, age group), then the cases left out (no age group or level).
struct SchemaSums {
  double cases = 0;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("cases", cases);
  }
};
struct AgeCell {
  double cases = 0;
  double population = 0;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("cases", cases);
    fields("population", population);
  }
};
struct CountSums {
  std::vector<AgeCell> cells;  // combination-major
  double cases_left_out = 0;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("cells", cells);
    fields("cases_left_out", cases_left_out);
  }
};
inline constexpr Phase<SchemaSums> kSchema{"schema"};
inline constexpr Phase<CountSums> kCounts{"counts"};

class RatesSite;
class RatesHub;
const Protocol<RatesSite, RatesHub>& RatesProtocol();

class RatesSite : public ProtocolSite<RatesSite, RatesHub> {
 public:
  RatesSite(RatesSpec spec, std::shared_ptr<const table::Table> cases, std::shared_ptr<const table::Table> population,
            SiteContext& context)
      : ProtocolSite(RatesProtocol()),
        spec_(std::move(spec)),
        cases_(std::move(cases)),
        population_(std::move(population)),
        context_(context) {}

  // factor(column) of both tables.
  StatusOr<table::RowValues> GroupValues(const table::Table& table, const std::string& column) {
    table::Expression call;
    call.kind = table::Expression::Kind::kCall;
    call.text = "factor";
    table::Expression name;
    name.kind = table::Expression::Kind::kName;
    name.text = column;
    call.arguments.push_back(name);
    return table::EvaluateRows(call, table);
  }

  StatusOr<Contribution> Schema(const RoundParameters&, SchemaSums& sums) {
    ASSIGN_OR_RETURN(case_rows_, table::SelectRows(spec_.where, *cases_));
    ASSIGN_OR_RETURN(population_rows_, table::SelectRows(spec_.population_where, *population_));
    Contribution contribution;
    for (const auto& variable : spec_.by) {
      std::set<std::string> levels;
      ASSIGN_OR_RETURN(table::RowValues in_cases, GroupValues(*cases_, variable));
      ASSIGN_OR_RETURN(table::RowValues in_population, GroupValues(*population_, variable));
      // The population table's groups are public (census figures); a group only the cases name
      // is named when it has min_cell_count cases here, else its cases are left out (and
      // counted in cases_left_out), so a rare or mistyped value never leaves the site.
      std::map<std::string, size_t> case_levels;
      for (uint32_t r : case_rows_) {
        if (in_cases.codes[r] >= 0) ++case_levels[in_cases.levels[static_cast<size_t>(in_cases.codes[r])]];
      }
      for (const auto& [level, count] : case_levels) {
        if (count >= static_cast<size_t>(std::max(1, context_.policy.min_cell_count))) levels.insert(level);
      }
      for (uint32_t r : population_rows_) {
        if (in_population.codes[r] >= 0) {
          levels.insert(in_population.levels[static_cast<size_t>(in_population.codes[r])]);
        }
      }
      table::VariableSchema schema;
      schema.label = variable;
      schema.is_factor = true;
      schema.level_order = in_population.level_order;
      schema.levels.assign(levels.begin(), levels.end());
      DiscloseSchemas({schema}, contribution);
    }
    const table::Column& age = *population_->FindColumn(spec_.population_age);
    std::set<double> bounds;
    for (uint32_t r : population_rows_) {
      if (age.IsMissing(r)) continue;
      auto bound = AgeLowerBound(age, r);
      if (!bound.ok()) {
        return Annotate(bound.status(), population_->source() + ":" + std::to_string(population_->LineOfRow(r)) + ": ");
      }
      bounds.insert(*bound);
    }
    for (double bound : bounds) contribution.disclosed[kAgeGroupsKey].push_back(FormatRoundTrip(bound));
    sums.cases = static_cast<double>(case_rows_.size());
    return contribution;
  }

  StatusOr<Contribution> Counts(const RoundParameters& parameters, CountSums& sums) {
    ASSIGN_OR_RETURN(table::GlobalLevels levels, GetGlobalLevels(parameters));
    ASSIGN_OR_RETURN(std::vector<double> bounds, parameters.Numbers("age_bounds"));
    const size_t age_groups = bounds.size();
    auto age_group_of = [&](double age) -> int64_t {
      if (std::isnan(age) || age < 0) return -1;
      size_t g = static_cast<size_t>(std::upper_bound(bounds.begin(), bounds.end(), age) - bounds.begin());
      return g == 0 ? -1 : static_cast<int64_t>(g - 1);
    };
    // Combination index of the grouping variables, per table.
    auto combination = [&](const table::Table& table,
                           const std::vector<uint32_t>& rows) -> StatusOr<std::vector<int64_t>> {
      std::vector<int64_t> index(table.row_count(), 0);
      for (const auto& variable : spec_.by) {
        ASSIGN_OR_RETURN(table::RowValues values, GroupValues(table, variable));
        ASSIGN_OR_RETURN(std::vector<int32_t> codes,
                         table::RecodeToGlobal(values, levels[variable].levels, variable, /*unknown_is_missing=*/true));
        const auto radix = static_cast<int64_t>(levels[variable].levels.size());
        for (uint32_t r : rows) index[r] = codes[r] < 0 ? -1 : (index[r] < 0 ? -1 : index[r] * radix + codes[r]);
      }
      return index;
    };
    size_t combinations = 1;
    for (const auto& variable : spec_.by) combinations *= levels[variable].levels.size();
    ASSIGN_OR_RETURN(std::vector<int64_t> case_group, combination(*cases_, case_rows_));
    ASSIGN_OR_RETURN(std::vector<int64_t> population_group, combination(*population_, population_rows_));
    Contribution contribution;
    sums.cells.assign(combinations * age_groups, AgeCell{});
    const table::Column& case_age = *cases_->FindColumn(spec_.age);
    for (uint32_t r : case_rows_) {
      double age = std::nan("");
      if (!case_age.IsMissing(r)) {
        auto bound = AgeLowerBound(case_age, r);
        if (!bound.ok()) {
          return Annotate(bound.status(), cases_->source() + ":" + std::to_string(cases_->LineOfRow(r)) + ": ");
        }
        age = *bound;
      }
      int64_t g = age_group_of(age);
      if (g < 0 || case_group[r] < 0) {
        sums.cases_left_out += 1;
        continue;
      }
      sums.cells[static_cast<size_t>(case_group[r]) * age_groups + static_cast<size_t>(g)].cases += 1;
    }
    const table::Column& population_age = *population_->FindColumn(spec_.population_age);
    const table::Column& count = *population_->FindColumn(spec_.population_count);
    if (!count.IsNumeric()) return table::NotNumericError(*population_, count);
    for (uint32_t r : population_rows_) {
      double persons = count.NumericValue(r);
      if (std::isnan(persons)) continue;
      if (persons < 0) {
        return InvalidArgument(population_->source() + ":" + std::to_string(population_->LineOfRow(r)) +
                               ": population " + FormatSignificant(persons, 10) + " is negative");
      }
      if (population_age.IsMissing(r) || population_group[r] < 0) continue;
      ASSIGN_OR_RETURN(double bound, AgeLowerBound(population_age, r));
      int64_t g = age_group_of(bound);
      if (g < 0) continue;
      sums.cells[static_cast<size_t>(population_group[r]) * age_groups + static_cast<size_t>(g)].population += persons;
    }
    contribution.released_rows.push_back(MakeReleasedRows(*cases_, case_rows_));
    if (spec_.privacy) {
      contribution.noise = MakeNoiseRequest(CaseNoise(combinations * age_groups), *spec_.privacy);
    }
    return contribution;
  }

 private:
  RatesSpec spec_;
  std::shared_ptr<const table::Table> cases_, population_;
  std::vector<uint32_t> case_rows_, population_rows_;
  SiteContext context_;
};

std::string AgeLabel(const std::vector<double>& bounds, size_t g) {
  std::string low = FormatSignificant(bounds[g], 6);
  if (g + 1 == bounds.size()) return low + "+";
  return low + "-" + FormatSignificant(bounds[g + 1] - 1, 6);
}

Json RateJson(const stats::RateEstimate& estimate) {
  auto value = [](double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); };
  return {{"rate", value(estimate.rate)},
          {"std_error", value(estimate.std_error)},
          {"lower", value(estimate.lower)},
          {"upper", value(estimate.upper)}};
}

class RatesHub : public ProtocolHub<RatesSite, RatesHub> {
 public:
  RatesHub(RatesSpec spec, const HubContext& context)
      : ProtocolHub(RatesProtocol()), spec_(std::move(spec)), context_(context) {}

  StatusOr<RoundParameters> Begin() override { return Ask(kSchema); }

  // The released table as counts: rows all + groups, columns the age groups and the row total.
  // Every line (a row with its total, an age column with the `all` row) is one linear equation,
  // so small cells and their complements are hidden as in a crosstab (cell_suppression.h). A row
  // whose age-adjusted rate is shown gives a second equation on its hidden age cells, so such a
  // row hides at least three of them (or all its non-zero ones).
  privacy::SuppressedTable ProtectRateTable(const std::vector<std::vector<double>>& cases_by_row) const {
    std::vector<std::vector<double>> counts;
    for (const auto& cases : cases_by_row) {
      std::vector<double> row = cases;
      double total = 0;
      for (double c : cases) total += c;
      row.push_back(total);
      counts.push_back(std::move(row));
    }
    privacy::SuppressedTable table = privacy::SuppressSmallCells(counts, context_.policy.min_cell_count);
    const size_t ages = cases_by_row.empty() ? 0 : cases_by_row[0].size();
    bool changed = true;
    while (changed) {
      changed = false;
      for (size_t r = 0; r < counts.size(); ++r) {
        const bool adjusted_shown = !table.suppressed[r][ages] && counts[r][ages] >= context_.policy.rate_min_count;
        size_t hidden_ages = 0;
        for (size_t g = 0; g < ages; ++g) hidden_ages += table.suppressed[r][g] ? 1 : 0;
        while (adjusted_shown && hidden_ages > 0 && hidden_ages < 3) {
          size_t smallest = ages;
          for (size_t g = 0; g < ages; ++g) {
            if (!table.suppressed[r][g] && counts[r][g] > 0 &&
                (smallest == ages || counts[r][g] < counts[r][smallest])) {
              smallest = g;
            }
          }
          if (smallest == ages) break;
          table.suppressed[r][smallest] = true;
          ++table.complementary;
          ++hidden_ages;
          changed = true;
        }
      }
      if (changed) privacy::ProtectLines(table);
    }
    return table;
  }

  // One group's rates; `hidden` marks its age cells and (last) its total.
  StatusOr<Json> GroupJson(const std::string& label, const std::vector<double>& cases,
                           const std::vector<double>& population, const std::vector<bool>& hidden) const {
    const size_t common = cases.size();
    Json group;
    group["group"] = label;
    double total_cases = 0, total_population = 0;
    for (size_t g = 0; g < common; ++g) {
      total_cases += cases[g];
      total_population += population[g];
    }
    group["population"] = total_population;
    if (total_cases < context_.policy.rate_min_count || hidden[common]) {
      group["cases"] = nullptr;
      group["suppressed"] = true;
      group["note"] = total_cases < context_.policy.rate_min_count
                          ? "fewer than " + std::to_string(context_.policy.rate_min_count) +
                                " cases: rates are not shown (rate_min_count)"
                          : "withheld to protect a small count elsewhere in the table (min_cell_count)";
      return group;
    }
    group["cases"] = static_cast<int64_t>(total_cases);
    group["crude"] = RateJson(stats::CrudeRate(total_cases, total_population, spec_.per));
    ASSIGN_OR_RETURN(stats::RateEstimate adjusted,
                     stats::AgeAdjustedRate(cases, population, alignment_.standard_population, spec_.per));
    group["age_adjusted"] = RateJson(adjusted);
    Json age_specific = Json::array();
    for (size_t g = 0; g < common; ++g) {
      Json row = {{"age_group", AgeLabel(alignment_.lower_bounds, g)}, {"population", population[g]}};
      if (hidden[g]) {
        row["cases"] = nullptr;
        row["rate"] = nullptr;
        row["suppressed"] = true;
      } else {
        row["cases"] = static_cast<int64_t>(cases[g]);
        row["rate"] = population[g] > 0 ? Json(cases[g] / population[g] * spec_.per) : Json(nullptr);
      }
      age_specific.push_back(std::move(row));
    }
    group["age_specific"] = std::move(age_specific);
    return group;
  }

  StatusOr<HubStep> AfterSchema(SchemaSums&, const PooledRound& round) {
    ASSIGN_OR_RETURN(table::GlobalLevels levels, UniteDisclosedSchemas(round));
    levels_ = std::move(levels);
    std::set<double> bounds;
    for (const auto& disclosed : round.disclosed) {
      auto found = disclosed.find(kAgeGroupsKey);
      if (found == disclosed.end()) continue;
      for (const auto& text : found->second) bounds.insert(std::strtod(text.c_str(), nullptr));
    }
    bounds_.assign(bounds.begin(), bounds.end());
    ASSIGN_OR_RETURN(alignment_, stats::AlignAgeGroups(bounds_, *spec_.standard));
    RoundParameters parameters;
    PutGlobalLevels(*levels_, parameters);
    parameters.numbers["age_bounds"] = bounds_;
    CountSums shape;
    shape.cells.resize(Labels().size() * bounds_.size());
    return Next(kCounts, std::move(parameters), std::move(shape));
  }

  // "sex=F, region=north" for every combination of the `by` levels, first variable slowest.
  std::vector<std::string> Labels() const {
    std::vector<std::string> labels = {""};
    for (const auto& variable : spec_.by) {
      std::vector<std::string> next;
      for (const auto& prefix : labels) {
        for (const auto& level : levels_->at(variable).levels) {
          next.push_back((prefix.empty() ? "" : prefix + ", ") + variable + "=" + level);
        }
      }
      labels = std::move(next);
    }
    return labels;
  }

  StatusOr<HubStep> AfterCounts(CountSums& pooled, const PooledRound&) {
    const std::vector<std::string> labels = Labels();
    const size_t age_groups = bounds_.size();
    const size_t common = alignment_.lower_bounds.size();
    Json result;
    result["status"] = "ok";
    result["standard"] = spec_.standard->name;
    result["standard_description"] = spec_.standard->description;
    result["per"] = spec_.per;
    result["age_groups"] = [&] {
      Json groups = Json::array();
      for (size_t g = 0; g < common; ++g) groups.push_back(AgeLabel(alignment_.lower_bounds, g));
      return groups;
    }();
    const double left_out = pooled.cases_left_out;
    const int min_cell = context_.policy.min_cell_count;
    result["cases_left_out"] =
        privacy::IsSmallCount(left_out, min_cell) ? Json(nullptr) : Json(static_cast<int64_t>(left_out));
    // Cases and population per group (row 0: all groups together) and common age group.
    std::vector<std::string> row_labels = {"all"};
    std::vector<std::vector<double>> cases_by_row(1, std::vector<double>(common, 0));
    std::vector<std::vector<double>> population_by_row(1, std::vector<double>(common, 0));
    for (size_t c = 0; c < labels.size(); ++c) {
      std::vector<double> cases(common, 0), population(common, 0);
      for (size_t g = 0; g < age_groups; ++g) {
        const size_t target = alignment_.data_to_common[g];
        cases[target] += pooled.cells[c * age_groups + g].cases;
        population[target] += pooled.cells[c * age_groups + g].population;
      }
      for (size_t g = 0; g < common; ++g) {
        cases_by_row[0][g] += cases[g];
        population_by_row[0][g] += population[g];
      }
      if (labels.size() == 1) break;
      row_labels.push_back(labels[c]);
      cases_by_row.push_back(std::move(cases));
      population_by_row.push_back(std::move(population));
    }
    if (spec_.privacy) {
      ASSIGN_OR_RETURN(privacy::NoiseCalibration noise,
                       PooledNoise(CaseNoise(labels.size() * age_groups), *spec_.privacy, context_.sites.size()));
      return Noised(std::move(result), row_labels, cases_by_row, population_by_row, noise, left_out);
    }
    const privacy::SuppressedTable hidden = ProtectRateTable(cases_by_row);
    Json groups = Json::array();
    for (size_t r = 0; r < row_labels.size(); ++r) {
      ASSIGN_OR_RETURN(Json group,
                       GroupJson(row_labels[r], cases_by_row[r], population_by_row[r], hidden.suppressed[r]));
      groups.push_back(std::move(group));
    }
    result["groups"] = std::move(groups);
    return HubStep::Finish(std::move(result));
  }

 private:
  // Rates from noised case counts: nothing is suppressed (the noise protects), and each rate's
  // interval is the normal approximation whose variance adds the noise to the Poisson variance
  // of the cases (Tiwari's gamma intervals assume exact counts).
  StatusOr<HubStep> Noised(Json result, const std::vector<std::string>& row_labels,
                           const std::vector<std::vector<double>>& cases_by_row,
                           const std::vector<std::vector<double>>& population_by_row,
                           const privacy::NoiseCalibration& noise, double left_out) const {
    const double cell_variance = noise.pooled_variance[0];
    // How many noised cells each released cell sums: the data's age groups per common group,
    // times the groups for the `all` row.
    std::vector<double> cells_per_common(alignment_.lower_bounds.size(), 0);
    for (size_t target : alignment_.data_to_common) cells_per_common[target] += 1;
    const double combinations = row_labels.size() == 1 ? 1 : static_cast<double>(row_labels.size() - 1);
    auto estimate = [&](double rate, double variance) {
      stats::RateEstimate e;
      e.rate = rate;
      e.std_error = std::sqrt(std::max(0.0, variance));
      e.lower = rate - kNormal975 * e.std_error;
      e.upper = rate + kNormal975 * e.std_error;
      return RateJson(e);
    };
    Json groups = Json::array();
    for (size_t r = 0; r < row_labels.size(); ++r) {
      const double row_cells = r == 0 ? combinations : 1;
      const auto& cases = cases_by_row[r];
      const auto& population = population_by_row[r];
      double total_cases = 0, total_population = 0, total_variance = 0, adjusted = 0, adjusted_variance = 0,
             weights = 0;
      for (size_t g = 0; g < cases.size(); ++g) weights += alignment_.standard_population[g];
      Json age_specific = Json::array();
      for (size_t g = 0; g < cases.size(); ++g) {
        const double noise_variance = cell_variance * cells_per_common[g] * row_cells;
        const double variance = std::max(0.0, cases[g]) + noise_variance;
        total_cases += cases[g];
        total_population += population[g];
        total_variance += variance;
        Json row = {{"age_group", AgeLabel(alignment_.lower_bounds, g)},
                    {"population", population[g]},
                    {"cases", static_cast<int64_t>(std::llround(cases[g]))}};
        row["rate"] = population[g] > 0 ? Json(cases[g] / population[g] * spec_.per) : Json(nullptr);
        age_specific.push_back(std::move(row));
        if (population[g] > 0 && weights > 0) {
          const double w = alignment_.standard_population[g] / weights;
          adjusted += w * cases[g] / population[g] * spec_.per;
          adjusted_variance += w * w * variance / (population[g] * population[g]) * spec_.per * spec_.per;
        }
      }
      Json group = {{"group", row_labels[r]},
                    {"population", total_population},
                    {"cases", static_cast<int64_t>(std::llround(total_cases))}};
      if (total_population > 0) {
        group["crude"] = estimate(total_cases / total_population * spec_.per,
                                  total_variance / (total_population * total_population) * spec_.per * spec_.per);
        group["age_adjusted"] = estimate(adjusted, adjusted_variance);
      }
      group["age_specific"] = std::move(age_specific);
      groups.push_back(std::move(group));
    }
    result["cases_left_out"] = static_cast<int64_t>(std::llround(left_out));
    result["groups"] = std::move(groups);
    result["noise_sd"] = std::sqrt(cell_variance);
    result["privacy"] = PrivacyJson(*spec_.privacy, context_.sites.size());
    result["note"] = "noised case counts (sd " + FormatSignificant(std::sqrt(cell_variance), 3) +
                     " per age group and group at the sites' finest grouping); nothing suppressed; intervals are "
                     "normal approximations that include the noise";
    return HubStep::Finish(std::move(result));
  }

  RatesSpec spec_;
  HubContext context_;
  std::optional<table::GlobalLevels> levels_;
  std::vector<double> bounds_;
  stats::AgeAlignment alignment_;
};

Status Validate(const AnalysisSpec& spec) { return ParseSpec(spec).status(); }

const Protocol<RatesSite, RatesHub>& RatesProtocol() {
  static const auto protocol = Protocol<RatesSite, RatesHub>("rates")
                                   .Add(kSchema, &RatesSite::Schema, &RatesHub::AfterSchema)
                                   .Add(kCounts, &RatesSite::Counts, &RatesHub::AfterCounts);
  return protocol;
}

StatusOr<std::unique_ptr<SiteAnalysis>> CreateSite(const AnalysisSpec& spec, SiteContext& context) {
  ASSIGN_OR_RETURN(RatesSpec parsed, ParseSpec(spec));
  std::vector<std::string> case_columns = parsed.by;
  case_columns.push_back(parsed.age);
  ASSIGN_OR_RETURN(auto cases, LoadAnalysisTable(spec, context, case_columns));
  // The population table, with its own filter.
  Json population_keys = spec.keys();
  population_keys["table"] = parsed.population_table;
  if (!parsed.population_where.empty()) {
    population_keys["where"] = parsed.population_where;
  } else {
    population_keys.erase("where");
  }
  std::vector<std::string> population_columns = parsed.by;
  population_columns.push_back(parsed.population_age);
  population_columns.push_back(parsed.population_count);
  ASSIGN_OR_RETURN(auto population, LoadAnalysisTable(AnalysisSpec(spec.id(), spec.type(), population_keys), context,
                                                      population_columns));
  return std::unique_ptr<SiteAnalysis>(new RatesSite(std::move(parsed), cases, population, context));
}

StatusOr<std::unique_ptr<HubAnalysis>> CreateHub(const AnalysisSpec& spec, const HubContext& context) {
  ASSIGN_OR_RETURN(RatesSpec parsed, ParseSpec(spec));
  return std::unique_ptr<HubAnalysis>(new RatesHub(std::move(parsed), context));
}

// A rate as registries publish it: two decimals ("13.93"), more for a rate under 1 so that three
// significant digits show.
std::string FormatRate(double rate) {
  int decimals = 2;
  if (rate != 0 && std::fabs(rate) < 1)
    decimals = std::max(2, 2 - static_cast<int>(std::floor(std::log10(std::fabs(rate)))));
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, rate);
  return text;
}

std::string Render(const Json& result) {
  const std::string per = FormatSignificant(result["per"].get<double>(), 10);
  TextTable table({"group", "cases", "population", "crude", "age-adjusted", "95% CI"}, {TextTable::Align::kLeft});
  for (const auto& group : result["groups"]) {
    if (group.value("suppressed", false)) {
      table.AddRow({group["group"].get<std::string>(), "suppressed", "", "", "", ""});
      continue;
    }
    const Json& adjusted = group["age_adjusted"];
    table.AddRow(
        {group["group"].get<std::string>(), std::to_string(group["cases"].get<int64_t>()),
         FormatSignificant(group["population"].get<double>(), 12), FormatRate(group["crude"]["rate"].get<double>()),
         FormatRate(adjusted["rate"].get<double>()),
         "(" + FormatRate(adjusted["lower"].get<double>()) + ", " + FormatRate(adjusted["upper"].get<double>()) + ")"});
  }
  std::string text = "  rates per " + per + ", age-adjusted to " + result["standard_description"].get<std::string>() +
                     "\n" + table.Render();
  if (result.contains("privacy")) {
    text += "  " + result["note"].get<std::string>() + "; epsilon " +
            FormatSignificant(result["privacy"]["epsilon"].get<double>(), 3) + ", delta " +
            FormatSignificant(result["privacy"]["delta"].get<double>(), 3) + "\n";
  }
  return text;
}

}  // namespace

const AnalysisDefinition& RatesDefinition() {
  static const AnalysisDefinition definition = {
      "rates",
      "crude and age-adjusted incidence rates with Tiwari CIs, as a SEER*Stat rate session",
      {{"table", KeyKind::kString, true, "case table (one row per case)"},
       {"population", KeyKind::kString, true, "population table (population at risk)"},
       {"age", KeyKind::kString, false, "age or age group column of the case table (default age)"},
       {"population_age", KeyKind::kString, false, "age group column of the population table (default age_group)"},
       {"population_count", KeyKind::kString, false, "population column (default population)"},
       {"by", KeyKind::kStringList, false, "grouping columns present in both tables"},
       {"standard", KeyKind::kString, false, "us2000 (default), segi1960 or china2000"},
       {"per", KeyKind::kNumber, false, "rates per this many persons (default 100000)"},
       {"where", KeyKind::kString, false, "case filter"},
       {"population_where", KeyKind::kString, false, "population filter"},
       PrivacyKeySpec()},
      Validate,
      CreateSite,
      CreateHub,
      Render};
  return definition;
}

}  // namespace medfed::analysis
