// No small count by any path: generated cohorts with rare levels (1..4 rows, at one site or
// spread over several) run through every analysis that releases counts, and the released output
// is checked line by line: no visible count in 1..min_cell_count-1, and no line (a row with its
// total, a column with the `all` row, a set of strata with the overall n) with exactly one hidden
// member, which its total would give away (privacy/cell_suppression.h).
#include <random>

#include "gtest/gtest.h"
#include "medfed/core/file.h"
#include "medfed/core/progress.h"
#include "medfed/federation/study_runner.h"
#include "test_support.h"

namespace medfed {
namespace {

constexpr int kMinCell = 5;  // the default policy's min_cell_count

bool Small(double count) { return count > 0 && count < kMinCell; }

const std::vector<std::string> kAgeGroups = {"00-14", "15-29", "30-44", "45-59", "60-74", "75+"};

// Three sites; `grp` has common levels A and B and rare levels R1 (at one site) and R2 (a row
// or two at each site), with random sizes 1..4.
std::vector<federation::SiteConfig> RareLevelSites(std::mt19937& random) {
  const std::string directory = testing::MakeTempDir("medfed_small");
  std::uniform_int_distribution<int> rare(1, 4), common_size(20, 60), day(1, 2000), coin(0, 1);
  const int r1_site = static_cast<int>(random() % 3);
  std::vector<federation::SiteConfig> sites;
  for (int s = 0; s < 3; ++s) {
    std::string cohort = "id,time,status,grp,age\n";
    std::string population = "age_group,grp,population\n";
    int id = 0;
    auto add = [&](const std::string& level, int rows) {
      for (int i = 0; i < rows; ++i) {
        cohort += std::to_string(++id) + "," + std::to_string(day(random)) + "," + std::to_string(coin(random)) + "," +
                  level + "," + std::to_string(static_cast<int>(random() % 90)) + "\n";
      }
    };
    add("A", common_size(random));
    add("B", common_size(random));
    if (s == r1_site) add("R1", rare(random));
    add("R2", rare(random) / 2);
    for (const auto& group : kAgeGroups) {
      for (const char* level : {"A", "B", "R1", "R2"}) {
        population += group + "," + level + "," + std::to_string(10000 + random() % 5000) + "\n";
      }
    }
    federation::SiteConfig site;
    site.name = "site-" + std::to_string(s);
    site.tables["cohort"] = directory + "/cohort_" + std::to_string(s) + ".csv";
    site.tables["population"] = directory + "/population_" + std::to_string(s) + ".csv";
    EXPECT_TRUE(WriteFileAtomically(site.tables["cohort"], cohort).ok());
    EXPECT_TRUE(WriteFileAtomically(site.tables["population"], population).ok());
    sites.push_back(site);
  }
  return sites;
}

// A line whose total is released must hide none or at least two of its members.
void ExpectProtectedLine(const std::vector<bool>& hidden, const std::string& what) {
  int count = 0;
  for (bool h : hidden) count += h ? 1 : 0;
  EXPECT_NE(count, 1) << what << ": exactly one hidden member, recoverable from the total";
}

void CheckKaplanMeier(const analysis::Json& result) {
  std::vector<bool> hidden;
  for (const auto& stratum : result["strata"]) {
    EXPECT_FALSE(Small(stratum["n"].get<double>())) << stratum.dump();
    hidden.push_back(false);
    for (const auto& step : stratum["curve"]) EXPECT_FALSE(Small(step["n_risk"].get<double>()));
  }
  for (size_t i = 0; i < result.value("withheld_strata", analysis::Json::array()).size(); ++i) hidden.push_back(true);
  ExpectProtectedLine(hidden, "kaplan_meier strata");
  for (const auto& row : result["at_risk"]["n_risk"]) {
    for (const auto& cell : row) {
      if (!cell.is_null()) {
        EXPECT_FALSE(Small(cell.get<double>()));
      }
    }
  }
}

void CheckLogRank(const analysis::Json& result) {
  std::vector<bool> hidden;
  for (const auto& group : result["groups"]) {
    const bool suppressed = group.value("suppressed", false);
    hidden.push_back(suppressed);
    if (!suppressed) {
      EXPECT_FALSE(Small(group["n"].get<double>())) << group.dump();
    }
  }
  ExpectProtectedLine(hidden, "logrank groups");
}

void CheckCrosstab(const analysis::Json& result) {
  const analysis::Json& counts = result["counts"];
  const analysis::Json& suppressed = result["suppressed"];
  const size_t rows = counts.size(), columns = rows ? counts[0].size() : 0;
  for (size_t r = 0; r < rows; ++r) {
    std::vector<bool> line;
    for (size_t c = 0; c < columns; ++c) {
      line.push_back(suppressed[r][c].get<bool>());
      if (!counts[r][c].is_null()) {
        EXPECT_FALSE(Small(counts[r][c].get<double>()));
      }
    }
    if (columns > 1) ExpectProtectedLine(line, "crosstab row");  // a one-way table's line is its column
  }
  for (size_t c = 0; c < columns; ++c) {
    std::vector<bool> line;
    for (size_t r = 0; r < rows; ++r) line.push_back(suppressed[r][c].get<bool>());
    ExpectProtectedLine(line, "crosstab column");
  }
}

void CheckRates(const analysis::Json& result) {
  const analysis::Json& groups = result["groups"];
  if (!result["cases_left_out"].is_null()) {
    EXPECT_FALSE(Small(result["cases_left_out"].get<double>()));
  }
  const size_t ages = result["age_groups"].size();
  std::vector<std::vector<bool>> hidden;  // per group: age cells, then the total
  for (const auto& group : groups) {
    std::vector<bool> row(ages + 1, true);
    if (!group.value("suppressed", false)) {
      EXPECT_FALSE(Small(group["cases"].get<double>()));
      row[ages] = false;
      size_t hidden_ages = 0;
      for (size_t g = 0; g < ages; ++g) {
        const analysis::Json& cell = group["age_specific"][g];
        row[g] = cell.value("suppressed", false);
        hidden_ages += row[g] ? 1 : 0;
        if (!row[g]) {
          EXPECT_FALSE(Small(cell["cases"].get<double>())) << group["group"];
        }
      }
      // The total and the age-adjusted rate are two equations on the hidden cells.
      EXPECT_TRUE(hidden_ages == 0 || hidden_ages >= 3) << group["group"] << ": " << hidden_ages << " hidden";
    }
    ExpectProtectedLine(row, "rates row " + group["group"].get<std::string>());
    hidden.push_back(row);
  }
  if (groups.size() > 1) {
    for (size_t g = 0; g <= ages; ++g) {
      std::vector<bool> column;
      for (const auto& row : hidden) column.push_back(row[g]);
      ExpectProtectedLine(column, "rates age column " + std::to_string(g));
    }
  }
}

void CheckLifeTable(const analysis::Json& result) {
  for (const auto& stratum : result["strata"]) {
    const analysis::Json& intervals = stratum["intervals"];
    for (size_t k = 0; k < intervals.size(); ++k) {
      const analysis::Json& interval = intervals[k];
      if (interval.value("suppressed", false)) continue;
      EXPECT_FALSE(Small(interval["entering"].get<double>()));
      // A released interval followed by a withheld one must not give away its entering.
      if (k + 1 < intervals.size() && intervals[k + 1].value("suppressed", false)) {
        const double next =
            interval["entering"].get<double>() - interval["withdrawn"].get<double>() - interval["died"].get<double>();
        EXPECT_FALSE(Small(next)) << stratum["stratum"] << " interval " << k;
      }
    }
  }
}

TEST(SmallCountTest, NoAnalysisReleasesASmallCount) {
  Progress::SetEnabled(false);
  std::mt19937 random(20261202);
  int kaplan_meier_withheld = 0, logrank_withheld = 0, rates_hidden = 0;
  for (int trial = 0; trial < 12; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    std::vector<federation::SiteConfig> sites = RareLevelSites(random);
    const std::vector<analysis::AnalysisSpec> analyses = {
        analysis::AnalysisSpec("km", "kaplan_meier", {{"table", "cohort"}, {"formula", "Surv(time, status) ~ grp"}}),
        analysis::AnalysisSpec("lr", "logrank", {{"table", "cohort"}, {"formula", "Surv(time, status) ~ grp"}}),
        analysis::AnalysisSpec("xt", "crosstab", {{"table", "cohort"}, {"rows", "grp"}, {"cols", "status"}}),
        analysis::AnalysisSpec("x1", "crosstab", {{"table", "cohort"}, {"rows", "grp"}}),
        analysis::AnalysisSpec("rt", "rates",
                               {{"table", "cohort"},
                                {"population", "population"},
                                {"by", analysis::Json::array({"grp"})},
                                {"standard", "segi1960"}}),
        analysis::AnalysisSpec("lt", "life_table",
                               {{"table", "cohort"},
                                {"formula", "Surv(time, status) ~ grp"},
                                {"intervals", analysis::Json::array({0, 250, 500, 1000, 1500, 1900, 2000})}}),
    };
    auto document = federation::RunStudyLocally(testing::MakeStudy(sites, analyses), federation::RunOptions());
    ASSERT_TRUE(document.ok()) << document.status();
    for (const auto& result : (*document)["results"]) {
      SCOPED_TRACE(result.value("type", std::string()) + " " + result.value("id", std::string()));
      ASSERT_EQ(result["status"], "ok") << result.dump(2).substr(0, 2000);
      const std::string type = result["type"];
      if (type == "kaplan_meier") {
        CheckKaplanMeier(result);
        kaplan_meier_withheld += static_cast<int>(result.value("withheld_strata", analysis::Json::array()).size());
      } else if (type == "logrank") {
        CheckLogRank(result);
        for (const auto& group : result["groups"]) logrank_withheld += group.value("suppressed", false) ? 1 : 0;
      } else if (type == "crosstab") {
        CheckCrosstab(result);
      } else if (type == "rates") {
        CheckRates(result);
        for (const auto& group : result["groups"]) rates_hidden += group.value("suppressed", false) ? 1 : 0;
      } else if (type == "life_table") {
        CheckLifeTable(result);
      }
    }
  }
  // The generator does make rare levels, so the checks above saw suppression at work.
  EXPECT_GT(kaplan_meier_withheld, 0);
  EXPECT_GT(logrank_withheld, 0);
  EXPECT_GT(rates_hidden, 0);
}

}  // namespace
}  // namespace medfed
