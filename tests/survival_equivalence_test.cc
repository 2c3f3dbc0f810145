// Federated survival analyses equal R's survival package on the pooled rows. Expected numbers:
// tests/golden/make_survival_golden.R (run by make_golden.sh) on the same synthetic cohorts.
#include <cmath>

#include "gtest/gtest.h"
#include "medfed/core/file.h"
#include "medfed/core/progress.h"
#include "medfed/core/text.h"
#include "medfed/federation/study_runner.h"
#include "medfed/table/csv_reader.h"
#include "test_support.h"

namespace medfed {
namespace {

const std::string kGolden = std::string(MEDFED_SOURCE_DIR) + "/tests/golden/";

struct SurvivalCase {
  std::string id, rows, type, formula, ties, times, where;
  uint64_t seed = 0;
  double resolution = 0;
};

void PrintTo(const SurvivalCase& c, std::ostream* out) { *out << c.id << ": " << c.type << " " << c.formula; }

std::vector<SurvivalCase> Cases() {
  auto table = table::ReadCsv(kGolden + "survival_cases.csv");
  EXPECT_TRUE(table.ok()) << table.status();
  std::vector<SurvivalCase> cases;
  for (size_t r = 0; r < table->row_count(); ++r) {
    auto text = [&](const char* name) { return table->FindColumn(name)->TextValue(r); };
    SurvivalCase c;
    c.id = text("id");
    c.seed = static_cast<uint64_t>(table->FindColumn("seed")->NumericValue(r));
    c.rows = text("rows");
    c.type = text("type");
    c.formula = text("formula");
    c.ties = text("ties");
    c.times = text("times");
    c.where = text("where");
    c.resolution = table->FindColumn("resolution")->NumericValue(r);
    cases.push_back(c);
  }
  return cases;
}

const analysis::Json& Expected(const std::string& id) {
  static const analysis::Json expected = [] {
    auto text = ReadFileToString(kGolden + "survival_expected.json");
    EXPECT_TRUE(text.ok());
    return analysis::Json::parse(*text);
  }();
  for (const auto& item : expected["cases"]) {
    if (item["id"] == id) return item;
  }
  static const analysis::Json kNone;
  ADD_FAILURE() << "no expected numbers for " << id;
  return kNone;
}

void Near(const analysis::Json& ours, const analysis::Json& theirs, double tolerance, const std::string& what) {
  if (theirs.is_null()) {
    EXPECT_TRUE(ours.is_null()) << what << ": R gives NA, medfed " << ours;
    return;
  }
  ASSERT_FALSE(ours.is_null()) << what << ": medfed gives null, R " << theirs;
  double a = ours.get<double>(), b = theirs.get<double>();
  EXPECT_LE(std::fabs(a - b), tolerance * std::fabs(b) + 1e-300) << what << ": medfed " << a << " vs R " << b;
}

void PValue(const analysis::Json& ours, const analysis::Json& theirs, const std::string& what) {
  if (theirs.get<double>() < 1e-12) {
    EXPECT_LT(ours.get<double>(), 1e-10) << what;
  } else {
    Near(ours, theirs, 1e-4, what);
  }
}

class SurvivalEquivalenceTest : public ::testing::TestWithParam<SurvivalCase> {};

TEST_P(SurvivalEquivalenceTest, MatchesRSurvival) {
  const SurvivalCase& c = GetParam();
  const analysis::Json& expected = Expected(c.id);
  auto sites = testing::WriteCohort(c.seed, testing::ParseRows(c.rows));
  if (c.resolution > 0) {
    // One site's policy demands coarse times; the study follows the coarsest site.
    std::string policy = testing::MakeTempDir("medfed_policy") + "/policy.toml";
    ASSERT_TRUE(
        WriteFileAtomically(policy, "[disclosure]\ntime_resolution = " + FormatRoundTrip(c.resolution) + "\n").ok());
    sites[1].policy_path = policy;
  }
  analysis::Json keys = {{"table", "colon"}, {"formula", c.formula}};
  if (!c.where.empty()) keys["where"] = c.where;
  if (!c.ties.empty()) keys["ties"] = c.ties;
  if (!c.times.empty()) {
    analysis::Json times = analysis::Json::array();
    for (const auto& t : SplitString(c.times, ';')) times.push_back(std::stod(t));
    keys["times"] = times;
  }
  Progress::SetEnabled(false);
  auto document = federation::RunStudyLocally(testing::MakeStudy(sites, {analysis::AnalysisSpec(c.id, c.type, keys)}));
  ASSERT_TRUE(document.ok()) << document.status();
  const analysis::Json& result = (*document)["results"][0];
  ASSERT_EQ(result["status"], "ok") << result.dump(2);
  if (c.resolution > 0) {
    EXPECT_EQ(result["time_resolution"].get<double>(), c.resolution);
  }

  if (c.type == "kaplan_meier") {
    ASSERT_EQ(result["strata"].size(), expected["strata"].size());
    for (size_t s = 0; s < expected["strata"].size(); ++s) {
      const analysis::Json& ours = result["strata"][s];
      const analysis::Json& theirs = expected["strata"][s];
      // R pads the levels inside multi-variable strata labels ("stage=I  "); medfed does not.
      std::string name = theirs["stratum"];
      std::string padded = name;
      name.clear();
      for (const auto& part : SplitString(padded, ',')) {
        name += (name.empty() ? "" : ", ") + std::string(TrimWhitespace(part));
      }
      EXPECT_EQ(ours["stratum"], name);
      EXPECT_EQ(ours["n"].get<double>(), theirs["n"].get<double>()) << name;
      EXPECT_EQ(ours["events"].get<double>(), theirs["events"].get<double>()) << name;
      Near(ours["median"], theirs["median"], 0, name + " median");
      Near(ours["median_lower"], theirs["median_lower"], 0, name + " median lower");
      Near(ours["median_upper"], theirs["median_upper"], 0, name + " median upper");
      ASSERT_EQ(ours["points"].size(), theirs["points"].size()) << name;
      for (size_t p = 0; p < theirs["points"].size(); ++p) {
        const analysis::Json& a = ours["points"][p];
        const analysis::Json& b = theirs["points"][p];
        const std::string at = name + " at " + b["time"].dump();
        EXPECT_EQ(a["time"].get<double>(), b["time"].get<double>());
        EXPECT_EQ(a["n_risk"].get<double>(), b["n_risk"].get<double>()) << at;
        EXPECT_EQ(a["n_event"].get<double>(), b["n_event"].get<double>()) << at;
        for (const char* key : {"survival", "std_error", "lower", "upper"}) Near(a[key], b[key], 1e-10, at + " " + key);
      }
    }
    return;
  }
  if (c.type == "logrank") {
    Near(result["statistic"], expected["statistic"], 1e-8, "chi-square");
    EXPECT_EQ(result["df"].get<double>(), expected["df"].get<double>());
    PValue(result["p_value"], expected["p_value"], "p-value");
    ASSERT_EQ(result["groups"].size(), expected["groups"].size());
    for (size_t g = 0; g < expected["groups"].size(); ++g) {
      EXPECT_EQ(result["groups"][g]["group"], expected["groups"][g]["group"]);
      Near(result["groups"][g]["observed"], expected["groups"][g]["observed"], 0, "observed");
      Near(result["groups"][g]["expected"], expected["groups"][g]["expected"], 1e-10, "expected");
    }
    return;
  }
  EXPECT_EQ(result["n"].get<double>(), expected["n"].get<double>());
  EXPECT_EQ(result["events"].get<double>(), expected["events"].get<double>());
  EXPECT_EQ(result["iterations"].get<double>(), expected["iterations"].get<double>());
  Near(result["log_likelihood"], expected["log_likelihood"], 1e-10, "log-likelihood");
  Near(result["log_likelihood_null"], expected["log_likelihood_null"], 1e-10, "null log-likelihood");
  Near(result["tests"]["likelihood_ratio"]["statistic"], expected["likelihood_ratio"], 1e-6, "LR test");
  Near(result["tests"]["wald"]["statistic"], expected["wald"], 1e-6, "Wald test");
  Near(result["tests"]["score"]["statistic"], expected["score"], 1e-6, "score test");
  EXPECT_EQ(result["tests"]["wald"]["df"].get<double>(), expected["df"].get<double>());
  ASSERT_EQ(result["coefficients"].size(), expected["coefficients"].size());
  for (size_t j = 0; j < expected["coefficients"].size(); ++j) {
    const analysis::Json& ours = result["coefficients"][j];
    const analysis::Json& theirs = expected["coefficients"][j];
    const std::string term = theirs["term"];
    EXPECT_EQ(ours["term"], term);
    Near(ours["estimate"], theirs["estimate"], 1e-6, term + " coefficient");
    if (theirs["estimate"].is_null()) continue;
    Near(ours["std_error"], theirs["std_error"], 1e-5, term + " std. error");
    Near(ours["statistic"], theirs["statistic"], 1e-5, term + " z");
    PValue(ours["p_value"], theirs["p_value"], term + " p-value");
  }
}

INSTANTIATE_TEST_SUITE_P(Golden, SurvivalEquivalenceTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<SurvivalCase>& info) { return info.param.id; });

}  // namespace
}  // namespace medfed
