// What leaves a site across releases (issue: what leaves a site): the differencing guard against
// the classic attacks, the dominance rule, differential privacy's noise (its distribution over
// thousands of runs) and the budget that bounds it.
#include <cmath>
#include <map>
#include <random>

#include "gtest/gtest.h"
#include "medfed/core/file.h"
#include "medfed/federation/study_runner.h"
#include "medfed/privacy/differential_privacy.h"
#include "test_support.h"

namespace medfed {
namespace {

// Three sites of `rows` patients each: id P<site><row>, age 30..89, cost (one outlier at site
// 0 when `outlier`), group A/B, survival time and status, a 0/1 outcome.
std::vector<federation::SiteConfig> Sites(size_t rows, bool outlier = false, const std::string& policy = "",
                                          size_t missing_ages = 0) {
  const std::string directory = testing::MakeTempDir("medfed_release");
  std::mt19937 random(7);
  std::vector<federation::SiteConfig> sites;
  for (int s = 0; s < 3; ++s) {
    std::string text = "id,age,cost,grp,time,status,outcome\n";
    for (size_t r = 0; r < rows; ++r) {
      char id[32];
      std::snprintf(id, sizeof id, "P%d%04zu", s, r);
      const double cost = outlier && s == 0 && r == 0 ? 5e6 : 1000 + static_cast<double>(random() % 4000);
      const std::string age = r < missing_ages ? "" : std::to_string(30 + random() % 60);
      text += std::string(id) + "," + age + "," + std::to_string(cost) + "," + (random() % 2 ? "A" : "B") + "," +
              std::to_string(1 + random() % 3000) + "," + std::to_string(random() % 2) + "," +
              std::to_string(random() % 2) + "\n";
    }
    federation::SiteConfig site;
    site.name = "site-" + std::to_string(s);
    site.tables["cohort"] = directory + "/cohort_" + std::to_string(s) + ".csv";
    EXPECT_TRUE(WriteFileAtomically(site.tables["cohort"], text).ok());
    site.state_directory = directory + "/state_" + std::to_string(s);
    if (!policy.empty()) {
      site.policy_path = directory + "/policy_" + std::to_string(s) + ".toml";
      EXPECT_TRUE(WriteFileAtomically(site.policy_path, policy).ok());
    }
    sites.push_back(site);
  }
  return sites;
}

analysis::AnalysisSpec Spec(const std::string& id, const std::string& type, analysis::Json keys) {
  keys["table"] = "cohort";
  return analysis::AnalysisSpec(id, type, std::move(keys));
}

analysis::Json RunStudy(const std::vector<federation::SiteConfig>& sites,
                        std::vector<analysis::AnalysisSpec> analyses) {
  auto document = federation::RunStudyLocally(testing::MakeStudy(sites, std::move(analyses)));
  EXPECT_TRUE(document.ok()) << document.status();
  return document.ok() ? *document : analysis::Json();
}

analysis::Json RunOne(const std::vector<federation::SiteConfig>& sites, analysis::AnalysisSpec analysis) {
  analysis::Json document = RunStudy(sites, {std::move(analysis)});
  return document.is_null() ? analysis::Json() : document["results"][0];
}

bool RefusedBy(const analysis::Json& result, const std::string& rule) {
  if (result.value("status", "") != "refused") return false;
  for (const auto& r : result.value("rules", analysis::Json::array())) {
    if (r == rule) return true;
  }
  return false;
}

// --- Differencing -----------------------------------------------------------------------

TEST(DifferencingTest, AllRowsThenAllButOneIsRefused) {
  auto sites = Sites(200);
  analysis::Json all = RunOne(sites, Spec("all", "count", {}));
  ASSERT_EQ(all["status"], "ok") << all.dump();
  analysis::Json but_one = RunOne(sites, Spec("but_one", "count", {{"where", "id != \"P00007\""}}));
  EXPECT_TRUE(RefusedBy(but_one, "differencing")) << but_one.dump();
  // The reason says which rule and which site, not how many rows differ.
  EXPECT_NE(but_one["reason"].get<std::string>().find("site site-0"), std::string::npos);
  EXPECT_EQ(but_one["reason"].get<std::string>().find(" 1 "), std::string::npos);
}

TEST(DifferencingTest, AWhereThatAddsOnePatientIsRefused) {
  auto sites = Sites(200);
  ASSERT_EQ(RunOne(sites, Spec("old", "count", {{"where", "grp == \"A\" & id != \"P00003\""}}))["status"], "ok");
  analysis::Json plus_one = RunOne(sites, Spec("plus", "count", {{"where", "grp == \"A\" | id == \"P00003\""}}));
  EXPECT_TRUE(RefusedBy(plus_one, "differencing")) << plus_one.dump();
}

TEST(DifferencingTest, TwoOverlappingSubsetsThatDifferByOneEachWayAreRefused) {
  auto sites = Sites(200);
  const std::string common = "(grp == \"A\" & id != \"P00001\" & id != \"P00002\")";
  ASSERT_EQ(RunOne(sites, Spec("a", "count", {{"where", common + " | id == \"P00001\""}}))["status"], "ok");
  analysis::Json b = RunOne(sites, Spec("b", "count", {{"where", common + " | id == \"P00002\""}}));
  EXPECT_TRUE(RefusedBy(b, "differencing")) << b.dump();
}

TEST(DifferencingTest, AModelWithAndWithoutOnePatientIsRefused) {
  auto sites = Sites(200);
  analysis::Json first = RunOne(sites, Spec("m1", "glm", {{"formula", "outcome ~ age"}, {"family", "binomial"}}));
  ASSERT_EQ(first["status"], "ok") << first.dump();
  analysis::Json second = RunOne(
      sites, Spec("m2", "glm", {{"formula", "outcome ~ age"}, {"family", "binomial"}, {"where", "id != \"P10042\""}}));
  EXPECT_TRUE(RefusedBy(second, "differencing")) << second.dump();
}

TEST(DifferencingTest, RepeatedIdenticalQueriesAndLargeDifferencesAreAllowed) {
  auto sites = Sites(200);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(RunOne(sites, Spec("same", "count", {{"where", "grp == \"A\""}}))["status"], "ok") << i;
  }
  EXPECT_EQ(RunOne(sites, Spec("all", "count", {}))["status"], "ok");
  // All rows against group A: the difference is group B, far above min_rows.
  EXPECT_EQ(RunOne(sites, Spec("b", "count", {{"where", "grp == \"B\""}}))["status"], "ok");
  // A summary of the same rows as an earlier count is no difference either.
  EXPECT_EQ(RunOne(sites, Spec("ages", "summary", {{"variables", {"age"}}}))["status"], "ok");
}

TEST(DifferencingTest, AFormulaThatDropsRowsIsAFilterToo) {
  auto sites = Sites(200);
  ASSERT_EQ(RunOne(sites, Spec("m1", "glm", {{"formula", "outcome ~ age"}, {"family", "binomial"}}))["status"], "ok");
  // sqrt(age - 30.5) is NaN for the few patients aged 30, which drops them as a `where` would.
  analysis::Json second =
      RunOne(sites, Spec("m2", "glm", {{"formula", "outcome ~ sqrt(age - 30.5)"}, {"family", "binomial"}}));
  EXPECT_TRUE(RefusedBy(second, "differencing")) << second.dump();
}

TEST(DifferencingTest, RowsTheDataLackAValueForAreNotTheResearchersSelection) {
  // Three patients per site have no age: a count of everyone and a model of age differ by them,
  // but which rows lack a value is the data's doing, not a filter, so both are released.
  auto sites = Sites(200, false, "", 3);
  ASSERT_EQ(RunOne(sites, Spec("all", "count", {}))["status"], "ok");
  analysis::Json model = RunOne(sites, Spec("m", "glm", {{"formula", "outcome ~ age"}, {"family", "binomial"}}));
  EXPECT_EQ(model["status"], "ok") << model.dump();
  EXPECT_EQ(RunOne(sites, Spec("s", "summary", {{"variables", {"age", "cost"}}}))["status"], "ok");
}

TEST(DifferencingTest, HistoryIsPerSiteStateAndSurvivesARestart) {
  auto sites = Sites(200);
  ASSERT_EQ(RunOne(sites, Spec("all", "count", {}))["status"], "ok");
  // Each RunStudyLocally is a fresh process's worth of SiteNodes; the state directory remembers.
  analysis::Json later =
      RunOne(sites, Spec("km", "kaplan_meier", {{"formula", "Surv(time, status) ~ 1"}, {"where", "id != \"P20150\""}}));
  EXPECT_TRUE(RefusedBy(later, "differencing")) << later.dump();
  // Without a state directory nothing is remembered between runs.
  for (auto& site : sites) site.state_directory.clear();
  EXPECT_EQ(RunOne(sites, Spec("all", "count", {}))["status"], "ok");
  EXPECT_EQ(RunOne(sites, Spec("but", "count", {{"where", "id != \"P20150\""}}))["status"], "ok");
}

// --- Level names ------------------------------------------------------------------------

// Three sites with a free-text column (unique per row, as a name typed into the wrong column
// would be) and a group column: A and B everywhere, D common at site 0 only, C three rows at
// site 0 only.
std::vector<federation::SiteConfig> LevelSites() {
  const std::string directory = testing::MakeTempDir("medfed_levels");
  std::vector<federation::SiteConfig> sites;
  for (int s = 0; s < 3; ++s) {
    std::string text = "id,note,grp,time,status\n";
    auto add = [&](const std::string& group, int rows) {
      for (int r = 0; r < rows; ++r) {
        const std::string id = "S" + std::to_string(s) + group + std::to_string(r);
        text += id + ",note of patient Zhang" + id + "," + group + "," + std::to_string(100 + 37 * r) + "," +
                std::to_string(r % 2) + "\n";
      }
    };
    add("A", 40);
    add("B", 30);
    if (s == 0) add("D", 25);
    if (s == 0) add("C", 3);
    federation::SiteConfig site;
    site.name = "site-" + std::to_string(s);
    site.tables["cohort"] = directory + "/cohort_" + std::to_string(s) + ".csv";
    EXPECT_TRUE(WriteFileAtomically(site.tables["cohort"], text).ok());
    sites.push_back(site);
  }
  return sites;
}

TEST(LevelNamesTest, AColumnOfUniqueValuesNeverLeavesASite) {
  auto sites = LevelSites();
  analysis::Json document = RunStudy(sites, {Spec("notes", "crosstab", {{"rows", "note"}}),
                                             Spec("km", "kaplan_meier", {{"formula", "Surv(time, status) ~ note"}})});
  const analysis::Json& table = document["results"][0];
  ASSERT_EQ(table["status"], "ok") << table.dump();
  EXPECT_EQ(table["rows"], analysis::Json::array({"(other)"}));
  EXPECT_EQ(table["counts"][0][0], 3 * 70 + 28);
  // No patient's note, anywhere in what the researcher gets.
  EXPECT_EQ(document.dump().find("Zhang"), std::string::npos);
}

TEST(LevelNamesTest, ALevelRareEverywhereIsPooledAndACommonOneIsNamed) {
  auto sites = LevelSites();
  analysis::Json document = RunStudy(sites, {Spec("groups", "crosstab", {{"rows", "grp"}})});
  const analysis::Json& table = document["results"][0];
  ASSERT_EQ(table["status"], "ok") << table.dump();
  // D has 25 rows at one site: named. C has 3 rows at one site: never named, pooled.
  EXPECT_EQ(table["rows"], analysis::Json::array({"A", "B", "D", "(other)"}));
  EXPECT_TRUE(table["counts"][3][0].is_null());  // 3 rows: a small count as well
  EXPECT_TRUE(table["counts"][2][0].is_null());  // D, the smallest other group, hides with it
  EXPECT_EQ(table["counts"][0][0], 120);
  EXPECT_EQ(document.dump().find("\"C\""), std::string::npos);
  // A model over the same groups: a site without D (or (other)) has a 0/1 column with no ones,
  // which is small, and refuses, saying neither the column nor the level.
  analysis::Json model = RunOne(sites, Spec("cox", "cox", {{"formula", "Surv(time, status) ~ grp"}}));
  EXPECT_TRUE(RefusedBy(model, "min_cell_count")) << model.dump();
  EXPECT_EQ(model.dump().find("\"C\""), std::string::npos);
}

// --- Dominance --------------------------------------------------------------------------

TEST(DominanceTest, ASumDominatedByOnePatientIsRefused) {
  auto sites = Sites(50, /*outlier=*/true);
  analysis::Json summary = RunOne(sites, Spec("cost", "summary", {{"variables", {"cost"}}}));
  EXPECT_TRUE(RefusedBy(summary, "dominance")) << summary.dump();
  EXPECT_NE(summary["reason"].get<std::string>().find("site site-0"), std::string::npos);
  EXPECT_EQ(summary["reason"].get<std::string>().find("5000000"), std::string::npos);
  for (auto& site : sites) site.state_directory.clear();
  analysis::Json model = RunOne(sites, Spec("glm", "glm", {{"formula", "outcome ~ cost"}, {"family", "binomial"}}));
  EXPECT_TRUE(RefusedBy(model, "dominance")) << model.dump();
  analysis::Json survival = RunOne(sites, Spec("cox", "cox", {{"formula", "Surv(time, status) ~ cost"}}));
  EXPECT_TRUE(RefusedBy(survival, "dominance")) << survival.dump();
  // Age is spread evenly: allowed.
  EXPECT_EQ(RunOne(sites, Spec("age", "summary", {{"variables", {"age"}}}))["status"], "ok");
}

TEST(DominanceTest, ThePolicyCanRelaxTheRule) {
  auto sites = Sites(50, true, "[disclosure]\ndominance_n = 0\n");
  EXPECT_EQ(RunOne(sites, Spec("cost", "summary", {{"variables", {"cost"}}}))["status"], "ok");
}

// --- Differential privacy ---------------------------------------------------------------

TEST(DifferentialPrivacyTest, OtherAnalysesRefuseThePrivacyKey) {
  auto study = federation::ParseStudyFile(
      "[study]\nname = \"x\"\n[[sites]]\nname = \"a\"\ntables.t = \"t.csv\"\n"
      "[[analyses]]\ntype = \"glm\"\ntable = \"t\"\nformula = \"y ~ x\"\nprivacy = { epsilon = 1.0, delta = 1e-6 }\n",
      "study.toml");
  ASSERT_FALSE(study.ok());
  EXPECT_NE(study.status().message().find("cannot be run with differential privacy"), std::string::npos)
      << study.status();
  EXPECT_NE(study.status().message().find("count, crosstab, summary"), std::string::npos) << study.status();
  auto bad = federation::ParseStudyFile(
      "[study]\nname = \"x\"\n[[sites]]\nname = \"a\"\ntables.t = \"t.csv\"\n"
      "[[analyses]]\ntype = \"count\"\ntable = \"t\"\nprivacy = { epsilon = 0, delta = 1e-6 }\n",
      "study.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("epsilon"), std::string::npos);
  auto unbounded = federation::ParseStudyFile(
      "[study]\nname = \"x\"\n[[sites]]\nname = \"a\"\ntables.t = \"t.csv\"\n"
      "[[analyses]]\ntype = \"summary\"\ntable = \"t\"\nvariables = [\"age\"]\nprivacy = { epsilon = 1, delta = 1e-6 "
      "}\n",
      "study.toml");
  ASSERT_FALSE(unbounded.ok());
  EXPECT_NE(unbounded.status().message().find("bounds"), std::string::npos) << unbounded.status();
}

TEST(DifferentialPrivacyTest, TheNoisedCountFollowsTheStatedMechanismOverTwoThousandRuns) {
  auto sites = Sites(30);
  for (auto& site : sites) site.state_directory.clear();  // a fresh budget every run
  const privacy::PrivacyTarget target{1.0, 1e-6};
  auto calibration = privacy::CalibrateDistributedNoise({{0, 1, 1}}, privacy::ZcdpForApproximateDp(target), 3);
  ASSERT_TRUE(calibration.ok());
  const int64_t site_variance = calibration->site_variance[0];
  const int runs = 2000;
  std::map<int64_t, int> counts;
  analysis::Json privacy = {{"epsilon", 1.0}, {"delta", 1e-6}};
  for (int run = 0; run < runs; ++run) {
    analysis::Json result = RunOne(sites, Spec("n", "count", {{"privacy", privacy}}));
    ASSERT_EQ(result["status"], "ok") << result.dump();
    if (run == 0) {
      EXPECT_NEAR(result["noise_sd"].get<double>(), std::sqrt(3.0 * static_cast<double>(site_variance)), 1e-9);
      EXPECT_EQ(result["privacy"]["epsilon"], 1.0);
      ASSERT_EQ(result["ci95"].size(), 2u);
    }
    const int64_t noise = result["n"].get<int64_t>() - 90;
    ++counts[noise];
  }
  // Unbiased, with the stated variance, and Pearson's goodness of fit to the exact distribution
  // of the pooled noise at alpha 1e-6.
  testing::ExpectNoiseFollows(counts, testing::PooledNoisePmf(site_variance, 3));
  // The noise hides the count: no run is likely to repeat the true value often.
  EXPECT_LT(counts[0], runs / 5);
}

TEST(DifferentialPrivacyTest, NoisedCrosstabAndSummaryReportTheirNoise) {
  // A budget for epsilon 8 on top of the others (the default, 5, would refuse it).
  auto sites = Sites(300, false, "[privacy]\nepsilon = 20\ndelta = 1e-5\n");
  for (auto& site : sites) site.state_directory.clear();
  analysis::Json privacy = {{"epsilon", 1.0}, {"delta", 1e-6}};
  analysis::Json table = RunOne(sites, Spec("t", "crosstab", {{"rows", "grp"}, {"privacy", privacy}}));
  ASSERT_EQ(table["status"], "ok") << table.dump();
  EXPECT_GT(table["noise_sd"].get<double>(), 1);
  EXPECT_NEAR(table["n"].get<double>(), 900, 8 * table["n_noise_sd"].get<double>());
  // The summary is compared with the exact one, at epsilon 1 (its interval) and at epsilon 8,
  // where the noise is small enough to check the quartiles' reading of the histogram.
  analysis::Json exact = RunOne(sites, Spec("s", "summary", {{"variables", {"age"}}}))["variables"][0];
  for (double epsilon : {1.0, 8.0}) {
    analysis::Json summary = RunOne(sites, Spec("s", "summary",
                                                {{"variables", {"age"}},
                                                 {"privacy", {{"epsilon", epsilon}, {"delta", 1e-6}}},
                                                 {"bounds", {{"age", {0, 120}}}}}));
    ASSERT_EQ(summary["status"], "ok") << summary.dump();
    EXPECT_EQ(summary["privacy"]["mechanism"], "distributed discrete Gaussian");
    const analysis::Json& age = summary["variables"][0];
    const double mean = age["mean"].get<double>();
    const double noise_of_mean =
        (age["noise_sd"]["sum"].get<double>() + mean * age["noise_sd"]["n"].get<double>()) / exact["n"].get<double>();
    EXPECT_NEAR(mean, exact["mean"].get<double>(), 5 * noise_of_mean) << epsilon;
    EXPECT_LT(age["mean_ci95"][0].get<double>(), mean);
    EXPECT_GT(age["mean_ci95"][1].get<double>(), mean);
    if (epsilon == 8.0) {
      // Bins of 120/32 = 3.75 years: the quartiles are read to within about a bin.
      for (const char* q : {"0.25", "0.5", "0.75"}) {
        EXPECT_NEAR(age["quantiles"][q].get<double>(), exact["quantiles"][q].get<double>(), 5) << q;
      }
    }
  }
}

TEST(DifferentialPrivacyTest, NoisedRatesWidenTheirIntervalsByTheNoise) {
  const std::string data = std::string(MEDFED_SOURCE_DIR) + "/examples/demo/data/";
  std::vector<federation::SiteConfig> sites;
  for (const char* s : {"a", "b", "c"}) {
    federation::SiteConfig site;
    site.name = std::string("registry-") + s;
    site.tables["cases"] = data + "registry_" + s + "_cases.csv";
    site.tables["population"] = data + "registry_" + s + "_population.csv";
    sites.push_back(site);
  }
  analysis::Json keys = {{"table", "cases"}, {"population", "population"}, {"by", {"sex"}}, {"standard", "china2000"}};
  analysis::Json noised_keys = keys;
  noised_keys["privacy"] = {{"epsilon", 1.0}, {"delta", 1e-6}};
  analysis::Json document = RunStudy(
      sites, {analysis::AnalysisSpec("exact", "rates", keys), analysis::AnalysisSpec("noised", "rates", noised_keys)});
  const analysis::Json& exact = document["results"][0];
  const analysis::Json& noised = document["results"][1];
  ASSERT_EQ(noised["status"], "ok") << noised.dump();
  EXPECT_EQ(noised["privacy"]["epsilon"], 1.0);
  const double sd = noised["noise_sd"].get<double>();
  EXPECT_GT(sd, 2);
  for (size_t g = 0; g < 3; ++g) {
    const analysis::Json& e = exact["groups"][g]["age_adjusted"];
    const analysis::Json& n = noised["groups"][g]["age_adjusted"];
    EXPECT_FALSE(noised["groups"][g].value("suppressed", false));
    // The noised interval is wider than the exact one, and the exact rate is well inside it.
    EXPECT_GT(n["upper"].get<double>() - n["lower"].get<double>(), e["upper"].get<double>() - e["lower"].get<double>());
    EXPECT_LT(std::fabs(n["rate"].get<double>() - e["rate"].get<double>()), 4 * n["std_error"].get<double>());
  }
}

TEST(DifferentialPrivacyTest, NoisedKaplanMeierEstimatesSurvivalOnTheGridWithoutEventTimes) {
  auto sites = Sites(300);
  for (auto& site : sites) site.state_directory.clear();
  const analysis::Json grid = {500, 1000, 2000};
  analysis::Json exact =
      RunOne(sites, Spec("km", "kaplan_meier", {{"formula", "Surv(time, status) ~ grp"}, {"times", grid}}));
  analysis::Json noised = RunOne(sites, Spec("km", "kaplan_meier",
                                             {{"formula", "Surv(time, status) ~ grp"},
                                              {"times", grid},
                                              {"privacy", {{"epsilon", 1.0}, {"delta", 1e-6}}}}));
  ASSERT_EQ(exact["status"], "ok") << exact.dump();
  ASSERT_EQ(noised["status"], "ok") << noised.dump();
  EXPECT_FALSE(noised.contains("curve"));
  ASSERT_EQ(noised["strata"].size(), 2u);
  for (size_t s = 0; s < 2; ++s) {
    const analysis::Json& points = noised["strata"][s]["points"];
    ASSERT_EQ(points.size(), 3u);
    double previous = 1;
    for (size_t k = 0; k < 3; ++k) {
      const double survival = points[k]["survival"].get<double>();
      EXPECT_LE(survival, previous + 1e-12);
      EXPECT_LE(points[k]["lower"].get<double>(), survival);
      EXPECT_GE(points[k]["upper"].get<double>(), survival);
      previous = survival;
      // The actuarial estimate from noised counts stays near the exact Kaplan-Meier value.
      EXPECT_NEAR(survival, exact["strata"][s]["points"][k]["survival"].get<double>(), 0.1) << s << "," << k;
    }
  }
  auto without_grid = federation::ParseStudyFile(
      "[study]\nname = \"x\"\n[[sites]]\nname = \"a\"\ntables.t = \"t.csv\"\n"
      "[[analyses]]\ntype = \"kaplan_meier\"\ntable = \"t\"\nformula = \"Surv(t, e) ~ 1\"\n"
      "privacy = { epsilon = 1, delta = 1e-6 }\n",
      "study.toml");
  ASSERT_FALSE(without_grid.ok());
  EXPECT_NE(without_grid.status().message().find("needs times"), std::string::npos) << without_grid.status();
}

TEST(DifferentialPrivacyTest, TheBudgetIsSpentAcrossStudiesAndRefusedWithWhatIsLeft) {
  // A budget of epsilon 2 at delta 1e-5 holds rho 0.0800; each count at epsilon 1, delta 1e-6
  // costs rho 0.0175: four are granted, the fifth is refused.
  auto sites = Sites(100, false, "[privacy]\nepsilon = 2\ndelta = 1e-5\n");
  analysis::Json privacy = {{"epsilon", 1.0}, {"delta", 1e-6}};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(RunOne(sites, Spec("n", "count", {{"privacy", privacy}}))["status"], "ok") << i;
  }
  analysis::Json refused = RunOne(sites, Spec("n", "count", {{"privacy", privacy}}));
  ASSERT_TRUE(RefusedBy(refused, "privacy_budget")) << refused.dump();
  const std::string reason = refused["reason"].get<std::string>();
  EXPECT_NE(reason.find("researcher local has epsilon"), std::string::npos) << reason;
  EXPECT_NE(reason.find("left of this site's budget (epsilon 2 at delta 1e-05)"), std::string::npos) << reason;
  // A smaller request still fits.
  EXPECT_EQ(RunOne(sites, Spec("n", "count", {{"privacy", {{"epsilon", 0.2}, {"delta", 1e-6}}}}))["status"], "ok");
}

}  // namespace
}  // namespace medfed
