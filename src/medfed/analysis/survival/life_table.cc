// `life_table`: actuarial survival by interval and, with an expected-survival table, relative
// survival by the Ederer II method (stats/life_table.h; docs/protocols/rates.md).
//
// Rounds: schema and times (survival_support.h; event times are not revealed, only counts per
// interval), then per stratum and interval the pooled numbers entering, withdrawn and dying,
// and the sum of the entering patients' expected survival through the interval. The expected
// table (age x sex x calendar year -> probability of surviving one year) is public data: the hub
// reads it and sends it to the sites with the round's parameters.
#include <cmath>
#include <map>

#include "medfed/analysis/engine/registry.h"
#include "medfed/analysis/survival/survival_support.h"
#include "medfed/core/text.h"
#include "medfed/core/text_table.h"
#include "medfed/stats/life_table.h"
#include "medfed/table/csv_reader.h"

namespace medfed::analysis {
namespace {

struct LifeTableSpec {
  table::Formula formula;
  std::vector<std::string> names;
  std::vector<double> boundaries;
  bool relative = false;  // an expected-survival table is given
  std::string age, sex, year;
  double years_per_unit = 1 / 365.25;
};

StatusOr<LifeTableSpec> ParseSpec(const AnalysisSpec& spec) {
  LifeTableSpec parsed;
  ASSIGN_OR_RETURN(parsed.formula, ParseSurvivalFormula(spec.String("formula")));
  parsed.names = MakeGroupingFactors(parsed.formula);
  parsed.boundaries = spec.Numbers("intervals");
  if (parsed.boundaries.size() < 2) {
    return InvalidArgument("intervals needs at least two boundaries, e.g. [0, 365, 730, 1095]");
  }
  for (size_t i = 1; i < parsed.boundaries.size(); ++i) {
    if (!(parsed.boundaries[i] > parsed.boundaries[i - 1])) {
      return InvalidArgument("intervals must increase");
    }
  }
  const std::string unit = spec.String("time_unit", "days");
  if (unit == "days") {
    parsed.years_per_unit = 1 / 365.25;
  } else if (unit == "months") {
    parsed.years_per_unit = 1 / 12.0;
  } else if (unit == "years") {
    parsed.years_per_unit = 1;
  } else {
    return InvalidArgument("time_unit = " + QuoteForMessage(unit) + " is not known; use days, months or years");
  }
  parsed.relative = spec.Has("expected");
  parsed.age = spec.String("age", "age");
  parsed.sex = spec.String("sex", "sex");
  parsed.year = spec.String("year", "year");
  return parsed;
}

// Expected survival by age, sex and calendar year, from the public table.
class ExpectedSurvival {
 public:
  static StatusOr<ExpectedSurvival> FromParameters(const RoundParameters& parameters) {
    ExpectedSurvival table;
    ASSIGN_OR_RETURN(std::vector<double> ages, parameters.Numbers("expected_age"));
    ASSIGN_OR_RETURN(std::vector<double> years, parameters.Numbers("expected_year"));
    ASSIGN_OR_RETURN(std::vector<double> survival, parameters.Numbers("expected_survival"));
    ASSIGN_OR_RETURN(std::vector<std::string> sexes, parameters.Texts("expected_sex"));
    for (size_t i = 0; i < ages.size(); ++i) {
      table.probability_[{sexes[i], static_cast<int>(ages[i]), static_cast<int>(years[i])}] = survival[i];
      table.max_age_ = std::max(table.max_age_, static_cast<int>(ages[i]));
      table.min_year_ = std::min(table.min_year_, static_cast<int>(years[i]));
      table.max_year_ = std::max(table.max_year_, static_cast<int>(years[i]));
    }
    return table;
  }

  // Probability that a person of `age` (years) and `sex` in calendar `year` survives the next
  // `duration` years, with constant hazard within each year of age and calendar year.
  StatusOr<double> Survival(const std::string& sex, double age, double year, double duration) const {
    double log_survival = 0;
    double t = 0;
    while (t < duration - 1e-12) {
      const double attained = age + t, calendar = year + t;
      const double step =
          std::min({duration - t, std::floor(attained) + 1 - attained, std::floor(calendar) + 1 - calendar});
      const int a = std::min(static_cast<int>(std::floor(attained)), max_age_);
      const int y = std::clamp(static_cast<int>(std::floor(calendar)), min_year_, max_year_);
      auto found = probability_.find({sex, a, y});
      if (found == probability_.end()) {
        return InvalidArgument("the expected-survival table has no entry for sex " + QuoteForMessage(sex) + ", age " +
                               std::to_string(a) + ", year " + std::to_string(y));
      }
      log_survival += std::log(found->second) * std::max(step, 1e-12);
      t += std::max(step, 1e-12);
    }
    return std::exp(log_survival);
  }

 private:
  std::map<std::tuple<std::string, int, int>, double> probability_;
  int max_age_ = 0;
  int min_year_ = 1 << 30;
  int max_year_ = -(1 << 30);
};

// The protocol: the survival opening (no event times disclosed: the intervals are fixed), then
// per stratum and interval the counts below, and the rows that could not be matched to the
// expected-survival table.
struct IntervalSums {
  double entering = 0;
  double withdrawn = 0;
  double died = 0;
  double expected = 0;  // sum of expected interval survival (relative survival only)
  template <class Fields>
  void Layout(Fields& fields) {
    fields("entering", entering);
    fields("withdrawn", withdrawn);
    fields("died", died);
    fields("expected", expected);
  }
};
struct LifeTableSums {
  std::vector<IntervalSums> cells;  // stratum-major
  double not_matched = 0;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("cells", cells);
    fields("not_matched", not_matched);
  }
};
inline constexpr Phase<LifeTableSums> kCounts{"counts"};

class LifeTableSite;
class LifeTableHub;
const Protocol<LifeTableSite, LifeTableHub>& LifeTableProtocol();

class LifeTableSite : public ProtocolSite<LifeTableSite, LifeTableHub> {
 public:
  LifeTableSite(SurvivalSite survival, LifeTableSpec spec)
      : ProtocolSite(LifeTableProtocol()), survival_(std::move(survival)), spec_(std::move(spec)) {}

  SurvivalSite& survival() { return survival_; }

  StatusOr<Contribution> Counts(const RoundParameters& parameters, LifeTableSums& sums) {
    ASSIGN_OR_RETURN(table::GlobalLevels levels, GetGlobalLevels(parameters));
    ASSIGN_OR_RETURN(double strata, parameters.Number("strata"));
    ASSIGN_OR_RETURN(std::vector<int32_t> stratum, survival_.StratumIndex(levels));
    const bool relative = parameters.Has("expected_age");
    std::optional<ExpectedSurvival> expected;
    if (relative) {
      ASSIGN_OR_RETURN(ExpectedSurvival table, ExpectedSurvival::FromParameters(parameters));
      expected = std::move(table);
    }
    const auto& bounds = spec_.boundaries;
    const size_t intervals = bounds.size() - 1;
    sums.cells.assign(static_cast<size_t>(strata) * intervals, IntervalSums{});
    const SurvivalRows& rows = survival_.rows();
    const table::Table& table = survival_.table();
    const table::Column* age = relative ? table.FindColumn(spec_.age) : nullptr;
    const table::Column* sex = relative ? table.FindColumn(spec_.sex) : nullptr;
    const table::Column* year = relative ? table.FindColumn(spec_.year) : nullptr;
    for (size_t i = 0; i < rows.time.size(); ++i) {
      const uint32_t source = survival_.frame().source_rows()[i];
      double age_value = 0, year_value = 0;
      std::string sex_value;
      if (relative) {
        age_value = age->NumericValue(source);
        year_value = year->NumericValue(source);
        sex_value = sex->TextValue(source);
        if (std::isnan(age_value) || std::isnan(year_value) || sex_value.empty()) {
          sums.not_matched += 1;  // cannot be matched to expected survival
          continue;
        }
      }
      IntervalSums* block = sums.cells.data() + static_cast<size_t>(stratum[i]) * intervals;
      const double t = rows.time[i];
      for (size_t k = 0; k < intervals; ++k) {
        if (t < bounds[k]) break;
        IntervalSums& cell = block[k];
        cell.entering += 1;
        if (t < bounds[k + 1]) (rows.event[i] ? cell.died : cell.withdrawn) += 1;
        if (relative) {
          ASSIGN_OR_RETURN(double p, expected->Survival(sex_value, age_value + bounds[k] * spec_.years_per_unit,
                                                        year_value + bounds[k] * spec_.years_per_unit,
                                                        (bounds[k + 1] - bounds[k]) * spec_.years_per_unit));
          cell.expected += p;
        }
      }
    }
    return Contribution{};
  }

 private:
  SurvivalSite survival_;
  LifeTableSpec spec_;
};

class LifeTableHub : public ProtocolHub<LifeTableSite, LifeTableHub> {
 public:
  LifeTableHub(LifeTableSpec spec, RoundParameters expected, const HubContext& context)
      : ProtocolHub(LifeTableProtocol()),
        spec_(std::move(spec)),
        expected_(std::move(expected)),
        context_(context),
        survival_(context) {}

  SurvivalHub& survival() { return survival_; }
  StatusOr<RoundParameters> Begin() override { return Ask(kSurvivalSchema); }

  StatusOr<HubStep> AfterOpening() {
    std::vector<std::string> keys;
    for (size_t v = 0; v < spec_.formula.variables.size(); ++v) {
      keys.push_back(spec_.formula.VariableLabel(static_cast<int>(v)));
    }
    labels_ = CombinationLabels(keys, spec_.names, survival_.levels());
    RoundParameters parameters = expected_;
    PutGlobalLevels(survival_.levels(), parameters);
    parameters.numbers["strata"] = {static_cast<double>(labels_.size())};
    LifeTableSums shape;
    shape.cells.resize(labels_.size() * (spec_.boundaries.size() - 1));
    return Next(kCounts, std::move(parameters), std::move(shape));
  }

  StatusOr<HubStep> AfterCounts(LifeTableSums& pooled, const PooledRound&) {
    const size_t intervals = spec_.boundaries.size() - 1;
    const bool relative = expected_.Has("expected_age");
    Json result;
    result["status"] = "ok";
    result["formula"] = spec_.formula.text;
    result["method"] = relative ? "actuarial, relative survival Ederer II" : "actuarial";
    if (relative) result["not_matched_to_expected"] = static_cast<int64_t>(pooled.not_matched);
    survival_.AddTimeNote(result);
    Json strata = Json::array();
    for (size_t s = 0; s < labels_.size(); ++s) {
      std::vector<double> entering(intervals), withdrawn(intervals), died(intervals), expected_sum;
      for (size_t k = 0; k < intervals; ++k) {
        const IntervalSums& cell = pooled.cells[s * intervals + k];
        entering[k] = cell.entering;
        withdrawn[k] = cell.withdrawn;
        died[k] = cell.died;
        if (relative) expected_sum.push_back(cell.expected);
      }
      if (entering[0] == 0) continue;
      std::vector<stats::LifeTableRow> rows =
          stats::ComputeLifeTable(spec_.boundaries, entering, withdrawn, died, expected_sum);
      Json table = Json::array();
      const double min_cell = context_.policy.min_cell_count;
      for (size_t k = 0; k < rows.size(); ++k) {
        const stats::LifeTableRow& row = rows[k];
        Json entry = {{"start", row.start}, {"end", row.end}};
        // An interval entered by fewer than min_cell_count is withheld, and so is the one before
        // it: its entering minus withdrawn and died is the next interval's entering.
        const bool next_is_small = k + 1 < rows.size() && privacy::IsSmallCount(rows[k + 1].entering, min_cell);
        if (row.entering < min_cell || next_is_small) {
          entry["suppressed"] = true;
          entry["note"] = row.entering < min_cell
                              ? "fewer than " + std::to_string(context_.policy.min_cell_count) + " entering"
                              : "withheld: the next interval has fewer than " +
                                    std::to_string(context_.policy.min_cell_count) + " entering";
          table.push_back(std::move(entry));
          continue;
        }
        entry["entering"] = row.entering;
        entry["withdrawn"] = row.withdrawn;
        entry["died"] = row.died;
        entry["effective"] = row.effective;
        entry["interval_survival"] = row.interval_survival;
        entry["survival"] = row.survival;
        entry["std_error"] = std::isfinite(row.std_error) ? Json(row.std_error) : Json(nullptr);
        if (relative) {
          entry["expected_interval"] = row.expected_interval;
          entry["expected"] = row.expected;
          entry["relative_interval"] = row.relative_interval;
          entry["relative"] = row.relative;
          entry["relative_std_error"] =
              std::isfinite(row.relative_std_error) ? Json(row.relative_std_error) : Json(nullptr);
        }
        table.push_back(std::move(entry));
      }
      strata.push_back({{"stratum", labels_[s].empty() ? "all" : labels_[s]}, {"intervals", table}});
    }
    result["strata"] = std::move(strata);
    return HubStep::Finish(std::move(result));
  }

 private:
  LifeTableSpec spec_;
  RoundParameters expected_;
  HubContext context_;
  SurvivalHub survival_;
  std::vector<std::string> labels_;
};

const Protocol<LifeTableSite, LifeTableHub>& LifeTableProtocol() {
  static const auto protocol =
      SurvivalProtocol<LifeTableSite, LifeTableHub>("life_table", /*disclose_event_times=*/false)
          .Add(kCounts, &LifeTableSite::Counts, &LifeTableHub::AfterCounts);
  return protocol;
}

// Reads the expected-survival table (reference data the study carries or the hub serves) into
// round parameters.
StatusOr<RoundParameters> LoadExpected(const AnalysisSpec& spec, const ReferenceData& references) {
  RoundParameters parameters;
  if (!spec.Has("expected")) return parameters;
  ASSIGN_OR_RETURN(std::shared_ptr<const std::string> text, references.Read(spec, "expected"));
  const std::string path = references.Describe(spec, "expected");
  ASSIGN_OR_RETURN(table::Table table, table::ParseCsv(*text, path));
  for (const char* column : {"age", "sex", "year", "survival"}) {
    if (table.FindColumn(column) == nullptr) {
      return InvalidArgument(path +
                             ": the expected-survival table needs columns age, sex, year, "
                             "survival (one-year survival probability); " +
                             std::string(column) + " is missing");
    }
  }
  const table::Column& age = *table.FindColumn("age");
  const table::Column& sex = *table.FindColumn("sex");
  const table::Column& year = *table.FindColumn("year");
  const table::Column& survival = *table.FindColumn("survival");
  for (size_t r = 0; r < table.row_count(); ++r) {
    double p = survival.NumericValue(r);
    if (!(p > 0 && p <= 1) || std::isnan(age.NumericValue(r)) || std::isnan(year.NumericValue(r))) {
      return InvalidArgument(path + ":" + std::to_string(table.LineOfRow(r)) +
                             ": needs numeric age and year and a survival probability in (0, 1]");
    }
    parameters.numbers["expected_age"].push_back(age.NumericValue(r));
    parameters.numbers["expected_year"].push_back(year.NumericValue(r));
    parameters.numbers["expected_survival"].push_back(p);
    parameters.texts["expected_sex"].push_back(sex.TextValue(r));
  }
  return parameters;
}

Status Validate(const AnalysisSpec& spec) { return ParseSpec(spec).status(); }

StatusOr<std::unique_ptr<SiteAnalysis>> CreateSite(const AnalysisSpec& spec, SiteContext& context) {
  ASSIGN_OR_RETURN(LifeTableSpec parsed, ParseSpec(spec));
  std::vector<std::string> columns = FormulaColumns(parsed.formula);
  if (parsed.relative) {
    columns.insert(columns.end(), {parsed.age, parsed.sex, parsed.year});
  }
  ASSIGN_OR_RETURN(auto table, LoadAnalysisTable(spec, context, columns));
  table::Formula formula = parsed.formula;
  return std::unique_ptr<SiteAnalysis>(
      new LifeTableSite(SurvivalSite(table, std::move(formula), spec.String("where"), context), std::move(parsed)));
}

StatusOr<std::unique_ptr<HubAnalysis>> CreateHub(const AnalysisSpec& spec, const HubContext& context) {
  ASSIGN_OR_RETURN(LifeTableSpec parsed, ParseSpec(spec));
  ASSIGN_OR_RETURN(RoundParameters expected, LoadExpected(spec, context.references));
  return std::unique_ptr<HubAnalysis>(new LifeTableHub(std::move(parsed), std::move(expected), context));
}

std::string Render(const Json& result) {
  const bool relative = result["method"].get<std::string>().find("relative") != std::string::npos;
  std::vector<std::string> header = {"stratum", "interval", "entering", "died", "withdrawn", "cum. survival", "s.e."};
  if (relative) header.insert(header.end(), {"expected", "relative", "s.e."});
  TextTable table(header, {TextTable::Align::kLeft, TextTable::Align::kLeft});
  for (const auto& stratum : result["strata"]) {
    for (const auto& row : stratum["intervals"]) {
      std::string interval =
          FormatSignificant(row["start"].get<double>(), 8) + "-" + FormatSignificant(row["end"].get<double>(), 8);
      if (row.value("suppressed", false)) {
        table.AddRow({stratum["stratum"].get<std::string>(), interval, "withheld"});
        continue;
      }
      std::vector<std::string> cells = {
          stratum["stratum"].get<std::string>(),
          interval,
          FormatSignificant(row["entering"].get<double>(), 10),
          FormatSignificant(row["died"].get<double>(), 10),
          FormatSignificant(row["withdrawn"].get<double>(), 10),
          FormatSignificant(row["survival"].get<double>(), 4),
          row["std_error"].is_null() ? "NA" : FormatSignificant(row["std_error"].get<double>(), 3)};
      if (relative) {
        cells.push_back(FormatSignificant(row["expected"].get<double>(), 4));
        cells.push_back(FormatSignificant(row["relative"].get<double>(), 4));
        cells.push_back(
            row["relative_std_error"].is_null() ? "NA" : FormatSignificant(row["relative_std_error"].get<double>(), 3));
      }
      table.AddRow(std::move(cells));
    }
  }
  return "  " + result["formula"].get<std::string>() + " (" + result["method"].get<std::string>() + ")\n" +
         table.Render();
}

}  // namespace

const AnalysisDefinition& LifeTableDefinition() {
  static const AnalysisDefinition definition = {
      "life_table",
      "actuarial life table, and relative survival (Ederer II) against expected survival",
      {{"table", KeyKind::kString, true, "table name"},
       {"formula", KeyKind::kString, true, "Surv(time, event) ~ strata, or ~ 1"},
       {"intervals", KeyKind::kNumberList, true, "interval boundaries, e.g. [0, 365, 730, 1095]"},
       {"time_unit", KeyKind::kString, false, "days (default), months or years"},
       {"expected", KeyKind::kReference, false,
        "CSV of one-year survival by age, sex, year: a file that travels with the study, or sha256:HEX served by "
        "the hub"},
       {"age", KeyKind::kString, false, "age at diagnosis column (default age)"},
       {"sex", KeyKind::kString, false, "sex column, matching the expected table (default sex)"},
       {"year", KeyKind::kString, false, "calendar year of diagnosis column (default year)"},
       {"where", KeyKind::kString, false, "row filter"}},
      Validate,
      CreateSite,
      CreateHub,
      Render};
  return definition;
}

}  // namespace medfed::analysis
