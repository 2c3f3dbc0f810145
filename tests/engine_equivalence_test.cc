// Federated results equal R's on the pooled rows. The expected numbers come from
// tests/golden/make_golden.R (run by make_golden.sh) on the same synthetic cohorts, which the
// test regenerates in-process with the same seeds.
#include <cmath>
#include <map>

#include "gtest/gtest.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/core/file.h"
#include "medfed/core/progress.h"
#include "medfed/core/text.h"
#include "medfed/federation/study_runner.h"
#include "medfed/table/csv_reader.h"
#include "test_support.h"

namespace medfed {
namespace {

const std::string kGolden = std::string(MEDFED_SOURCE_DIR) + "/tests/golden/";

analysis::Json Expected() {
  auto text = ReadFileToString(kGolden + "engine_expected.json");
  EXPECT_TRUE(text.ok());
  return analysis::Json::parse(*text);
}

const analysis::Json& FindCase(const analysis::Json& list, const std::string& id) {
  for (const auto& item : list) {
    if (item["id"] == id) return item;
  }
  static const analysis::Json kNone;
  ADD_FAILURE() << "no expected numbers for case " << id;
  return kNone;
}

void ExpectRelative(double actual, double expected, double tolerance, const std::string& what) {
  double allowed = tolerance * std::fabs(expected) + 1e-300;
  EXPECT_LE(std::fabs(actual - expected), allowed) << what << ": medfed " << actual << " vs R " << expected;
}

// p-values: relative for ordinary values; tiny ones (deep in the tail) just need to be tiny.
void ExpectPValue(double actual, double expected, const std::string& what) {
  if (expected < 1e-12) {
    EXPECT_LT(actual, 1e-10) << what;
    return;
  }
  ExpectRelative(actual, expected, 1e-4, what);
}

analysis::Json RunOne(const std::vector<federation::SiteConfig>& sites, analysis::AnalysisSpec spec) {
  Progress::SetEnabled(false);
  auto document = federation::RunStudyLocally(testing::MakeStudy(sites, {std::move(spec)}));
  EXPECT_TRUE(document.ok()) << document.status();
  if (!document.ok()) return analysis::Json();
  return (*document)["results"][0];
}

struct GlmCase {
  std::string id, rows, family, formula, where;
  uint64_t seed;
};

void PrintTo(const GlmCase& c, std::ostream* out) { *out << c.id << ": " << c.formula; }

std::vector<GlmCase> GlmCases() {
  auto table = table::ReadCsv(kGolden + "engine_cases.csv");
  EXPECT_TRUE(table.ok()) << table.status();
  std::vector<GlmCase> cases;
  for (size_t r = 0; r < table->row_count(); ++r) {
    GlmCase c;
    c.id = table->FindColumn("id")->TextValue(r);
    c.seed = static_cast<uint64_t>(table->FindColumn("seed")->NumericValue(r));
    c.rows = table->FindColumn("rows")->TextValue(r);
    c.family = table->FindColumn("family")->TextValue(r);
    c.formula = table->FindColumn("formula")->TextValue(r);
    c.where = table->FindColumn("where")->TextValue(r);
    cases.push_back(c);
  }
  return cases;
}

class GlmEquivalenceTest : public ::testing::TestWithParam<GlmCase> {};

TEST_P(GlmEquivalenceTest, MatchesRGlmOnPooledData) {
  const GlmCase& c = GetParam();
  const analysis::Json expected = FindCase(Expected()["glm"], c.id);
  analysis::Json keys = {{"table", "colon"}, {"formula", c.formula}, {"family", c.family}};
  if (!c.where.empty()) keys["where"] = c.where;
  analysis::Json result =
      RunOne(testing::WriteCohort(c.seed, testing::ParseRows(c.rows)), analysis::AnalysisSpec(c.id, "glm", keys));
  ASSERT_EQ(result["status"], "ok") << result.dump(2);
  EXPECT_EQ(result["n"].get<double>(), expected["n"].get<double>());
  EXPECT_EQ(result["iterations"].get<double>(), expected["iterations"].get<double>());
  EXPECT_EQ(result["df_residual"].get<double>(), expected["df_residual"].get<double>());
  EXPECT_EQ(result["df_null"].get<double>(), expected["df_null"].get<double>());
  ExpectRelative(result["deviance"], expected["deviance"], 1e-8, "deviance");
  ExpectRelative(result["null_deviance"], expected["null_deviance"], 1e-7, "null deviance");
  ExpectRelative(result["aic"], expected["aic"], 1e-8, "AIC");
  const analysis::Json& coefficients = result["coefficients"];
  ASSERT_EQ(coefficients.size(), expected["coefficients"].size());
  for (size_t j = 0; j < coefficients.size(); ++j) {
    const analysis::Json& ours = coefficients[j];
    const analysis::Json& theirs = expected["coefficients"][j];
    const std::string term = theirs["term"];
    EXPECT_EQ(ours["term"], term);
    if (theirs["estimate"].is_null()) {
      EXPECT_TRUE(ours["estimate"].is_null()) << term << " should be aliased (NA in R)";
      continue;
    }
    ASSERT_FALSE(ours["estimate"].is_null()) << term;
    ExpectRelative(ours["estimate"], theirs["estimate"], 1e-6, term + " estimate");
    ExpectRelative(ours["std_error"], theirs["std_error"], 1e-5, term + " std. error");
    ExpectRelative(ours["statistic"], theirs["statistic"], 1e-5, term + " statistic");
    ExpectPValue(ours["p_value"], theirs["p_value"], term + " p-value");
  }
}

INSTANTIATE_TEST_SUITE_P(Golden, GlmEquivalenceTest, ::testing::ValuesIn(GlmCases()),
                         [](const ::testing::TestParamInfo<GlmCase>& info) { return info.param.id; });

// The printouts an R user reads, line for line, against R on the bundled demo hospitals pooled
// (tests/golden/printouts.R wrote printouts.txt): summary(glm) from "Coefficients:" on (digits,
// notation, p-value wording, stars, dispersion, deviances, missingness) and exp(coef) with Wald
// intervals; summary(coxph) from "n=" to the score test; print(survdiff); print(survfit) and
// its summary at three times.
TEST(Printouts, ReadAsRPrintsThem) {
  const std::string text = ReadFileToString(kGolden + "printouts.txt").value_or("");
  std::map<std::string, std::vector<std::string>> expected;
  std::string section;
  for (const std::string& line : SplitString(text, '\n')) {
    if (line.rfind("### ", 0) == 0) {
      section = line.substr(4);
    } else if (!section.empty()) {
      expected[section].push_back(line);
    }
  }
  ASSERT_EQ(expected.size(), 7u);
  std::vector<federation::SiteConfig> sites(3);
  for (int s = 0; s < 3; ++s) {
    sites[s].name = std::string("hospital-") + static_cast<char>('a' + s);
    sites[s].tables["colon"] =
        std::string(MEDFED_SOURCE_DIR) + "/examples/demo/data/colon_" + static_cast<char>('a' + s) + ".csv";
  }
  const std::vector<std::pair<std::string, analysis::AnalysisSpec>> cases = {
      {"glm binomial", analysis::AnalysisSpec("m", "glm",
                                              {{"table", "colon"},
                                               {"formula", "recurrence ~ rx + age + sex + stage + nodes + obstruct"},
                                               {"family", "binomial"}})},
      {"glm poisson", analysis::AnalysisSpec(
                          "m", "glm", {{"table", "colon"}, {"formula", "nodes ~ rx + age"}, {"family", "poisson"}})},
      {"glm gaussian",
       analysis::AnalysisSpec("m", "glm", {{"table", "colon"}, {"formula", "age ~ rx + sex"}, {"family", "gaussian"}})},
      {"cox", analysis::AnalysisSpec(
                  "m", "cox",
                  {{"table", "colon"}, {"formula", "Surv(time, status) ~ rx + age + sex + stage + nodes + obstruct"}})},
      {"logrank Surv(time, status) ~ rx + strata(stage)",
       analysis::AnalysisSpec("m", "logrank",
                              {{"table", "colon"}, {"formula", "Surv(time, status) ~ rx + strata(stage)"}})},
      {"logrank Surv(time, status) ~ sex",
       analysis::AnalysisSpec("m", "logrank", {{"table", "colon"}, {"formula", "Surv(time, status) ~ sex"}})},
      {"kaplan_meier", analysis::AnalysisSpec("m", "kaplan_meier",
                                              {{"table", "colon"},
                                               {"formula", "Surv(time, status) ~ rx"},
                                               {"times", analysis::Json::array({365, 1095, 1826})}})}};
  for (const auto& [name, spec] : cases) {
    const analysis::Json result = RunOne(sites, spec);
    ASSERT_EQ(result["status"], "ok") << result.dump();
    const std::string rendered = analysis::FindAnalysis(spec.type())->render(result);
    // medfed indents by two and opens with the formula; it titles the ratio table, says why
    // there is no concordance and adds the log-likelihood; R does none of these.
    std::vector<std::string> lines;
    const std::vector<std::string> printed = SplitString(rendered, '\n');
    for (size_t i = 1; i < printed.size(); ++i) {
      std::string line = printed[i].rfind("  ", 0) == 0 ? printed[i].substr(2) : printed[i];
      if (line.find("ratios with 95% Wald intervals") != std::string::npos) {
        if (!lines.empty() && lines.back().empty()) lines.pop_back();
        continue;
      }
      if (line.rfind("(Concordance is not computed", 0) == 0) continue;
      lines.push_back(line);
      if (line.rfind("Score (logrank) test", 0) == 0) break;
    }
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    std::vector<std::string> want = expected[name];
    while (!want.empty() && want.back().empty()) want.pop_back();
    EXPECT_EQ(lines, want) << name << "\n" << rendered;
  }
}

struct DescriptiveCase {
  std::string id, rows, kind, row_variable, col_variable, variables, where;
  uint64_t seed;
};

void PrintTo(const DescriptiveCase& c, std::ostream* out) { *out << c.id << ": " << c.kind; }

std::vector<DescriptiveCase> DescriptiveCases() {
  auto table = table::ReadCsv(kGolden + "descriptive_cases.csv");
  EXPECT_TRUE(table.ok()) << table.status();
  std::vector<DescriptiveCase> cases;
  for (size_t r = 0; r < table->row_count(); ++r) {
    DescriptiveCase c;
    auto text = [&](const char* name) { return table->FindColumn(name)->TextValue(r); };
    c.id = text("id");
    c.seed = static_cast<uint64_t>(table->FindColumn("seed")->NumericValue(r));
    c.rows = text("rows");
    c.kind = text("kind");
    c.row_variable = text("row_variable");
    c.col_variable = text("col_variable");
    c.variables = text("variables");
    c.where = text("where");
    cases.push_back(c);
  }
  return cases;
}

class DescriptiveEquivalenceTest : public ::testing::TestWithParam<DescriptiveCase> {};

TEST_P(DescriptiveEquivalenceTest, MatchesR) {
  const DescriptiveCase& c = GetParam();
  const analysis::Json expected = FindCase(Expected()["descriptive"], c.id);
  analysis::Json keys = {{"table", "colon"}};
  if (!c.where.empty()) keys["where"] = c.where;
  if (c.kind == "summary") {
    analysis::Json variables = analysis::Json::array();
    for (const auto& v : medfed::SplitString(c.variables, ';')) variables.push_back(v);
    keys["variables"] = variables;
  } else {
    keys["rows"] = c.row_variable;
    if (!c.col_variable.empty()) keys["cols"] = c.col_variable;
  }
  analysis::Json result =
      RunOne(testing::WriteCohort(c.seed, testing::ParseRows(c.rows)), analysis::AnalysisSpec(c.id, c.kind, keys));
  ASSERT_EQ(result["status"], "ok") << result.dump(2);
  if (c.kind == "summary") {
    ASSERT_EQ(result["variables"].size(), expected["variables"].size());
    for (size_t v = 0; v < result["variables"].size(); ++v) {
      const analysis::Json& ours = result["variables"][v];
      const analysis::Json& theirs = expected["variables"][v];
      const std::string name = theirs["name"];
      EXPECT_EQ(ours["n"].get<double>(), theirs["n"].get<double>()) << name;
      // Missing counts below min_cell_count (5), zero included, are withheld.
      if (theirs["missing"].get<double>() < 5) {
        EXPECT_TRUE(ours["missing"].is_null()) << name;
      } else {
        EXPECT_EQ(ours["missing"].get<double>(), theirs["missing"].get<double>()) << name;
      }
      ExpectRelative(ours["mean"], theirs["mean"], 1e-12, name + " mean");
      ExpectRelative(ours["sd"], theirs["sd"], 1e-12, name + " sd");
      // Quantiles are order statistics (and interpolations of them): exact.
      EXPECT_DOUBLE_EQ(ours["quantiles"]["0.25"].get<double>(), theirs["q25"].get<double>()) << name;
      EXPECT_DOUBLE_EQ(ours["quantiles"]["0.5"].get<double>(), theirs["q50"].get<double>()) << name;
      EXPECT_DOUBLE_EQ(ours["quantiles"]["0.75"].get<double>(), theirs["q75"].get<double>()) << name;
    }
    return;
  }
  EXPECT_EQ(result["rows"], expected["rows"]);
  EXPECT_EQ(result["cols"], expected["cols"]);
  for (size_t r = 0; r < expected["counts"].size(); ++r) {
    for (size_t k = 0; k < expected["counts"][r].size(); ++k) {
      const double count = expected["counts"][r][k].get<double>();
      const bool suppressed = result["suppressed"][r][k].get<bool>();
      if (count < 5) {  // zero is small too
        EXPECT_TRUE(suppressed) << "cell " << r << "," << k;
      }
      if (!suppressed) {
        EXPECT_EQ(result["counts"][r][k].get<double>(), count);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Golden, DescriptiveEquivalenceTest, ::testing::ValuesIn(DescriptiveCases()),
                         [](const ::testing::TestParamInfo<DescriptiveCase>& info) { return info.param.id; });

}  // namespace
}  // namespace medfed
