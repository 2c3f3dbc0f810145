// Registry statistics across sites: rates reproduce a published SEER*Stat example when its
// counts are split over three registries; life tables and relative survival by hand; survival
// policy refusals.
#include <cmath>

#include "gtest/gtest.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/core/file.h"
#include "medfed/core/progress.h"
#include "medfed/federation/study_runner.h"
#include "test_support.h"

namespace medfed {
namespace {

// SEER*Stat tutorial, "Calculating Age-adjusted Rates", step 3 (see stats/rates_test.cc).
const std::vector<int> kCount = {29,   87,   67,   71,   87,   177,  290,  657,  1072, 1691,
                                 2428, 2931, 2881, 2817, 2817, 2744, 2634, 1884, 1705};
const std::vector<int> kPopulation = {139879, 553189, 736212, 770999, 651390, 639159, 676354, 736557, 724826, 700200,
                                      617437, 516541, 361170, 259440, 206204, 172087, 142958, 99654,  92692};
const std::vector<std::string> kAgeGroups = {"00",    "01-04", "05-09", "10-14", "15-19", "20-24", "25-29",
                                             "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64",
                                             "65-69", "70-74", "75-79", "80-84", "85+"};

// Three registries: cases and population split 50/30/20 %, cases as one row each (half of
// them with the age in years, half with the group label), populations by age group and year.
std::vector<federation::SiteConfig> SeerRegistries() {
  std::string directory = testing::MakeTempDir("medfed_registry");
  const double shares[3] = {0.5, 0.3, 0.2};
  std::vector<federation::SiteConfig> sites;
  for (int s = 0; s < 3; ++s) {
    std::string cases = "id,age,sex,site_code\n";
    std::string population = "age_group,year,population\n";
    int id = 0;
    for (size_t g = 0; g < kCount.size(); ++g) {
      int site_cases =
          s < 2 ? static_cast<int>(kCount[g] * shares[s])
                : kCount[g] - static_cast<int>(kCount[g] * shares[0]) - static_cast<int>(kCount[g] * shares[1]);
      int lower = g == 0 ? 0 : (g == 1 ? 1 : static_cast<int>(5 * (g - 1)));
      for (int c = 0; c < site_cases; ++c) {
        std::string age = c % 2 ? std::to_string(lower + (g > 1 ? c % 5 : 0)) : kAgeGroups[g];
        cases += std::to_string(++id) + "," + age + ",F,C" + std::to_string(18 + c % 3) + "\n";
      }
      int site_population = s < 2 ? static_cast<int>(kPopulation[g] * shares[s])
                                  : kPopulation[g] - static_cast<int>(kPopulation[g] * shares[0]) -
                                        static_cast<int>(kPopulation[g] * shares[1]);
      // Two calendar years per age group; the rate uses their sum.
      population += kAgeGroups[g] + ",2003," + std::to_string(site_population / 2) + "\n";
      population += kAgeGroups[g] + ",2004," + std::to_string(site_population - site_population / 2) + "\n";
    }
    std::string prefix = directory + "/registry_" + std::to_string(s);
    EXPECT_TRUE(WriteFileAtomically(prefix + "_cases.csv", cases).ok());
    EXPECT_TRUE(WriteFileAtomically(prefix + "_population.csv", population).ok());
    federation::SiteConfig site;
    site.name = "registry-" + std::to_string(s + 1);
    site.tables["cases"] = prefix + "_cases.csv";
    site.tables["population"] = prefix + "_population.csv";
    sites.push_back(site);
  }
  return sites;
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override { Progress::SetEnabled(false); }
};

TEST_F(RegistryTest, RatesAcrossRegistriesReproduceTheSeerExample) {
  auto document = federation::RunStudyLocally(testing::MakeStudy(
      SeerRegistries(),
      {analysis::AnalysisSpec("r", "rates",
                              {{"table", "cases"}, {"population", "population"}, {"standard", "us2000"}})}));
  ASSERT_TRUE(document.ok()) << document.status();
  const analysis::Json& result = (*document)["results"][0];
  ASSERT_EQ(result["status"], "ok") << result.dump(2);
  const analysis::Json& all = result["groups"][0];
  EXPECT_EQ(all["group"], "all");
  EXPECT_EQ(all["cases"], 27069);
  // SEER publishes 400.3; the reference script gives the digits and the Tiwari limits.
  EXPECT_NEAR(all["age_adjusted"]["rate"].get<double>(), 400.3040096210, 1e-7);
  EXPECT_NEAR(all["age_adjusted"]["lower"].get<double>(), 395.4574410463, 1e-6);
  EXPECT_NEAR(all["age_adjusted"]["upper"].get<double>(), 405.1925723760, 1e-6);
  EXPECT_NEAR(all["crude"]["rate"].get<double>(), 307.7089918003, 1e-8);
  EXPECT_EQ(all["age_specific"].size(), 19u);
  EXPECT_NEAR(all["age_specific"][0]["rate"].get<double>(), 20.7, 0.05);  // published
}

TEST_F(RegistryTest, RatesByGroupSuppressSmallCountsAndCollapseAgeGroupsForSegi) {
  auto document = federation::RunStudyLocally(testing::MakeStudy(
      SeerRegistries(),
      {analysis::AnalysisSpec("r", "rates",
                              {{"table", "cases"},
                               {"population", "population"},
                               {"standard", "segi1960"},
                               {"where", "site_code == \"C18\""}}),
       analysis::AnalysisSpec("few", "rates",
                              {{"table", "cases"}, {"population", "population"}, {"where", "id <= 4"}})}));
  ASSERT_TRUE(document.ok()) << document.status();
  const analysis::Json& segi = (*document)["results"][0];
  ASSERT_EQ(segi["status"], "ok") << segi.dump(2);
  ASSERT_EQ((*document)["results"][1]["status"], "ok") << (*document)["results"][1].dump(2);
  EXPECT_EQ(segi["age_groups"].size(), 18u);  // 0 and 1-4 merged for Segi's 0-4
  EXPECT_EQ(segi["age_groups"][0], "0-4");
  const analysis::Json& few = (*document)["results"][1]["groups"][0];
  EXPECT_TRUE(few.value("suppressed", false)) << few.dump(2);
  EXPECT_TRUE(few["cases"].is_null());
  EXPECT_FALSE(few.contains("age_adjusted"));
}

TEST_F(RegistryTest, BadAgeGroupNamesFileAndLine) {
  auto sites = SeerRegistries();
  std::string bad = testing::MakeTempDir("medfed_badage") + "/population.csv";
  ASSERT_TRUE(WriteFileAtomically(bad, "age_group,population\n00,100\nold,50\n").ok());
  sites[2].tables["population"] = bad;
  auto document = federation::RunStudyLocally(testing::MakeStudy(
      sites, {analysis::AnalysisSpec("r", "rates", {{"table", "cases"}, {"population", "population"}})}));
  ASSERT_FALSE(document.ok());
  std::string message(document.status().message());
  EXPECT_NE(message.find("population.csv:3"), std::string::npos) << message;
  EXPECT_NE(message.find("\"old\""), std::string::npos) << message;
}

TEST_F(RegistryTest, LifeTableAndRelativeSurvivalByHand) {
  // Two sites; yearly intervals; every patient aged 70, female, diagnosed 2010.
  std::string directory = testing::MakeTempDir("medfed_lifetable");
  std::string a = "time,status,age,sex,year\n", b = a;
  // Site a: 10 patients: deaths at 0.5y (2), censored at 0.5y (2), deaths at 1.5y (1), rest > 2y.
  for (int i = 0; i < 2; ++i) a += "0.5,1,70,F,2010\n";
  for (int i = 0; i < 2; ++i) a += "0.5,0,70,F,2010\n";
  a += "1.5,1,70,F,2010\n";
  for (int i = 0; i < 5; ++i) a += "2.5,0,70,F,2010\n";
  // Site b: 10 patients: 1 death at 0.2y, 1 censored at 1.2y, rest > 2y.
  b += "0.2,1,70,F,2010\n1.2,0,70,F,2010\n";
  for (int i = 0; i < 8; ++i) b += "3,0,70,F,2010\n";
  ASSERT_TRUE(WriteFileAtomically(directory + "/a.csv", a).ok());
  ASSERT_TRUE(WriteFileAtomically(directory + "/b.csv", b).ok());
  // Expected: one-year survival 0.98 at 70 and 0.97 at 71 (any year).
  std::string expected = "age,sex,year,survival\n";
  for (int year = 2005; year <= 2015; ++year) {
    expected += "70,F," + std::to_string(year) + ",0.98\n71,F," + std::to_string(year) + ",0.97\n";
  }
  ASSERT_TRUE(WriteFileAtomically(directory + "/expected.csv", expected).ok());
  // A hand-sized example: the sites' policies allow tiny counts.
  ASSERT_TRUE(WriteFileAtomically(directory + "/policy.toml",
                                  "[disclosure]\nmin_rows = 1\nmin_events = 1\nmin_cell_count = 1\n")
                  .ok());
  std::vector<federation::SiteConfig> sites(2);
  sites[0].name = "a";
  sites[0].tables["t"] = directory + "/a.csv";
  sites[0].policy_path = directory + "/policy.toml";
  sites[1].name = "b";
  sites[1].tables["t"] = directory + "/b.csv";
  sites[1].policy_path = directory + "/policy.toml";
  auto document = federation::RunStudyLocally(
      testing::MakeStudy(sites, {analysis::AnalysisSpec("lt", "life_table",
                                                        {{"table", "t"},
                                                         {"formula", "Surv(time, status) ~ 1"},
                                                         {"intervals", analysis::Json::array({0, 1, 2})},
                                                         {"time_unit", "years"},
                                                         {"expected", directory + "/expected.csv"}})}));
  ASSERT_TRUE(document.ok()) << document.status();
  ASSERT_EQ((*document)["results"][0]["status"], "ok") << (*document)["results"][0].dump(2);
  const analysis::Json& rows = (*document)["results"][0]["strata"][0]["intervals"];
  ASSERT_EQ(rows.size(), 2u);
  // Interval 1: 20 enter, 3 die, 2 withdrawn -> n' = 19, p = 16/19.
  EXPECT_EQ(rows[0]["entering"], 20);
  EXPECT_EQ(rows[0]["died"], 3);
  EXPECT_EQ(rows[0]["withdrawn"], 2);
  EXPECT_NEAR(rows[0]["survival"].get<double>(), 16.0 / 19, 1e-12);
  // Interval 2: 15 enter, 1 dies, 1 withdrawn -> n' = 14.5, p = 13.5/14.5.
  EXPECT_EQ(rows[1]["entering"], 15);
  EXPECT_NEAR(rows[1]["survival"].get<double>(), 16.0 / 19 * 13.5 / 14.5, 1e-12);
  EXPECT_NEAR(rows[0]["expected_interval"].get<double>(), 0.98, 1e-12);
  EXPECT_NEAR(rows[1]["expected"].get<double>(), 0.98 * 0.97, 1e-12);
  EXPECT_NEAR(rows[1]["relative"].get<double>(), 16.0 / 19 * 13.5 / 14.5 / (0.98 * 0.97), 1e-12);
}

TEST_F(RegistryTest, SurvivalRefusalsForFewEventsAndFewAtRisk) {
  auto sites = testing::WriteCohort(41, {300, 300, 300});
  std::string policy = testing::MakeTempDir("medfed_events") + "/policy.toml";
  ASSERT_TRUE(WriteFileAtomically(policy, "[disclosure]\nmin_events = 1000\n").ok());
  sites[2].policy_path = policy;
  // Two studies: in one, the Kaplan-Meier fit's rows (all) would differ from the Cox model's
  // (those with an age) by a few rows, which the differencing guard refuses first.
  for (const analysis::AnalysisSpec& analysis :
       {analysis::AnalysisSpec("c", "cox", {{"table", "colon"}, {"formula", "Surv(time, status) ~ age"}}),
        analysis::AnalysisSpec("k", "kaplan_meier", {{"table", "colon"}, {"formula", "Surv(time, status) ~ 1"}})}) {
    auto document = federation::RunStudyLocally(testing::MakeStudy(sites, {analysis}));
    ASSERT_TRUE(document.ok()) << document.status();
    const analysis::Json& result = (*document)["results"][0];
    EXPECT_EQ(result["status"], "refused");
    std::string reason = result["reason"];
    EXPECT_NE(reason.find("site hospital-c:"), std::string::npos) << reason;
    EXPECT_NE(reason.find("fewer than 1000 events (min_events)"), std::string::npos) << reason;
  }
  // Few at risk: requested times late in follow-up are withheld, and the curve is cut.
  auto late = federation::RunStudyLocally(
      testing::MakeStudy(testing::WriteCohort(42, {200, 150, 150}),
                         {analysis::AnalysisSpec("k", "kaplan_meier",
                                                 {{"table", "colon"},
                                                  {"formula", "Surv(time, status) ~ rx"},
                                                  {"times", analysis::Json::array({100, 3200})}})}));
  ASSERT_TRUE(late.ok()) << late.status();
  bool withheld = false;
  for (const auto& stratum : (*late)["results"][0]["strata"]) {
    for (const auto& point : stratum["points"]) {
      if (point.value("suppressed", false)) {
        withheld = true;
        EXPECT_TRUE(point["n_risk"].is_null());
        EXPECT_FALSE(point.contains("survival"));
      } else {
        EXPECT_GE(point["n_risk"].get<double>(), 5);
      }
    }
    for (const auto& step : stratum["curve"]) EXPECT_GE(step["n_risk"].get<double>(), 5);
  }
  EXPECT_TRUE(withheld);
}

// Rates as registries publish them: two decimals, the interval in parentheses, and enough
// decimals for a rate under 1 to keep three significant digits.
TEST(RatesPrintout, TwoDecimalsAndTheIntervalInParentheses) {
  const analysis::Json result = {{"status", "ok"},
                                 {"per", 100000},
                                 {"standard_description", "a standard"},
                                 {"groups",
                                  {{{"group", "all"},
                                    {"cases", 4233},
                                    {"population", 18035822},
                                    {"crude", {{"rate", 23.4699}}},
                                    {"age_adjusted", {{"rate", 13.9312}, {"lower", 13.4951}, {"upper", 14.3779}}}},
                                   {{"group", "rare"},
                                    {"cases", 12},
                                    {"population", 18035822},
                                    {"crude", {{"rate", 0.066534}}},
                                    {"age_adjusted", {{"rate", 0.0412}, {"lower", 0.02133}, {"upper", 0.0721}}}}}}};
  const std::string text = analysis::FindAnalysis("rates")->render(result);
  EXPECT_NE(text.find("23.47"), std::string::npos) << text;
  EXPECT_NE(text.find("13.93"), std::string::npos) << text;
  EXPECT_NE(text.find("(13.50, 14.38)"), std::string::npos) << text;
  EXPECT_NE(text.find("0.0665"), std::string::npos) << text;
  EXPECT_NE(text.find("(0.0213, 0.0721)"), std::string::npos) << text;
}

}  // namespace
}  // namespace medfed
