// What a hostile researcher can write into a study: generated expressions, formulas and TOML at
// and past every nesting and size limit. Each must parse (under the limit) or fail with a message
// naming the key and the limit (over it); none may crash the process (docs/threat-model.md).
#include <random>
#include <string>

#include "gtest/gtest.h"
#include "medfed/core/file.h"
#include "medfed/core/progress.h"
#include "medfed/federation/study_file.h"
#include "medfed/federation/study_runner.h"
#include "medfed/governance/policy_file.h"
#include "medfed/governance/toml_support.h"
#include "medfed/table/csv_reader.h"
#include "medfed/table/evaluator.h"
#include "medfed/table/expression.h"
#include "medfed/table/formula.h"

namespace medfed {
namespace {

std::string Repeat(const std::string& piece, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += piece;
  return out;
}

// The shapes that used to overflow the stack, each `levels` deep.
std::vector<std::string> NestedExpressions(size_t levels) {
  return {
      Repeat("(", levels) + "age" + Repeat(")", levels),
      Repeat("not ", levels) + "age > 1",
      Repeat("!", levels) + "(age > 1)",
      "age > " + Repeat("-", levels) + "1",
      "age > " + Repeat("+", levels) + "1",
      "age > 1" + Repeat(" and age > 1", levels),
      "age > 1" + Repeat(" | age < 0", levels),
      "age" + Repeat("^age", levels) + " > 1",
      Repeat("log(", levels) + "age" + Repeat(")", levels) + " > 1",
      Repeat("c(", levels) + "1" + Repeat(")", levels),
      Repeat("[", levels) + "1" + Repeat("]", levels),
      "age > 1" + Repeat(" + 1", levels),
  };
}

TEST(HostileExpressionTest, EveryShapeParsesUnderTheLimitAndFailsClearlyOverIt) {
  for (size_t levels : {size_t{10}, size_t{40}}) {
    for (const auto& source : NestedExpressions(levels)) {
      auto parsed = table::ParseExpression(source, "where");
      EXPECT_TRUE(parsed.ok()) << source.substr(0, 80) << ": " << parsed.status();
    }
  }
  for (size_t levels : {size_t{table::kMaxExpressionDepth + 1}, size_t{1000}, size_t{200000}}) {
    for (const auto& source : NestedExpressions(levels)) {
      auto parsed = table::ParseExpression(source, "where");
      ASSERT_FALSE(parsed.ok()) << source.substr(0, 80);
      const std::string message(parsed.status().message());
      EXPECT_TRUE(message.find("limit") != std::string::npos) << message.substr(0, 300);
      EXPECT_EQ(message.rfind("where", 0), 0u) << message.substr(0, 300);
    }
  }
}

TEST(HostileExpressionTest, RandomNestingNeverCrashesAndRespectsTheLimit) {
  std::mt19937 random(12);
  const std::vector<std::string> prefixes = {"(", "not ", "-", "!", "log(", "c(", "["};
  const std::vector<std::string> closers = {")", "", "", "", ")", ")", "]"};
  for (int trial = 0; trial < 400; ++trial) {
    const size_t levels = random() % 160;
    std::string open, close;
    for (size_t i = 0; i < levels; ++i) {
      const size_t k = random() % prefixes.size();
      open += prefixes[k];
      close = closers[k] + close;
      if (random() % 4 == 0) open += "age and ";  // widens the tree as well
    }
    const std::string source = open + "age" + close;
    auto parsed = table::ParseExpression(source, "where");
    if (parsed.ok()) {
      EXPECT_LE(parsed->height, table::kMaxExpressionDepth);
      parsed->Deparse();  // walks the whole tree
    } else {
      EXPECT_FALSE(parsed.status().message().empty());
    }
  }
}

TEST(HostileExpressionTest, OverlongSourceIsRefusedBeforeLexing) {
  const std::string source = "age in [" + Repeat("1,", table::kMaxExpressionLength) + "1]";
  auto parsed = table::ParseExpression(source, "where");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("the limit is 16384"), std::string::npos);
}

TEST(HostileExpressionTest, EvaluatingADeepButAllowedWhereWorks) {
  auto table = table::ParseCsv("age\n1\n5\n9\n", "t.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  const std::string where = "age > 4" + Repeat(" and age > 4", table::kMaxExpressionDepth - 2);
  auto rows = table::SelectRows(where, *table);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(rows->size(), 2u);
}

TEST(HostileFormulaTest, ExplodingInteractionsAreRefused) {
  std::string product = "y ~ x1";
  for (int i = 2; i <= 30; ++i) product += "*x" + std::to_string(i);
  for (const std::string& formula : {product, std::string("y ~ (a+b+c+d+e+f+g+h+i+j+k+l)^12"),
                                     std::string("y ~ (a+b)^1e9 * (c+d+e+f+g+h+i+j+k+l+m)^11")}) {
    auto parsed = table::ParseFormula(formula);
    ASSERT_FALSE(parsed.ok()) << formula;
    EXPECT_NE(parsed.status().message().find("limit for a formula"), std::string::npos) << parsed.status();
  }
  // A huge power of a small base costs nothing: (a+b)^1e9 is (a+b)^2.
  auto squared = table::ParseFormula("y ~ (a+b)^1000000000");
  ASSERT_TRUE(squared.ok()) << squared.status();
  EXPECT_EQ(squared->terms.size(), 3u);
  EXPECT_FALSE(table::ParseFormula("y ~ (a+b)^2.5").ok());
}

const char* kStudyHeader =
    "[study]\n"
    "name = \"t\"\n"
    "[[sites]]\n"
    "name = \"a\"\n"
    "tables.colon = \"a.csv\"\n";

TEST(HostileStudyTest, DeepWhereNamesFileLineKeyAndLimit) {
  const std::string where = Repeat("(", 500) + "age > 1" + Repeat(")", 500);
  auto study = federation::ParseStudyFile(
      std::string(kStudyHeader) + "[[analyses]]\ntype = \"count\"\ntable = \"colon\"\n" + "where = \"" + where + "\"\n",
      "/x/study.toml");
  ASSERT_FALSE(study.ok());
  const std::string message(study.status().message());
  EXPECT_NE(message.find("/x/study.toml:6: analysis \"1\" (count): where"), std::string::npos)
      << message.substr(0, 200);
  EXPECT_NE(message.find("where"), std::string::npos);
  EXPECT_NE(message.find("64 levels deep (the limit"), std::string::npos) << message.substr(0, 400);
}

TEST(HostileStudyTest, DeepFormulaNamesTheLimit) {
  const std::string formula = "y ~ " + Repeat("log(", 300) + "x" + Repeat(")", 300);
  auto study =
      federation::ParseStudyFile(std::string(kStudyHeader) + "[[analyses]]\ntype = \"glm\"\ntable = \"colon\"\n" +
                                     "formula = \"" + formula + "\"\n",
                                 "/x/study.toml");
  ASSERT_FALSE(study.ok());
  EXPECT_NE(study.status().message().find("formula"), std::string::npos);
  EXPECT_NE(study.status().message().find("the limit"), std::string::npos);
}

// TOML shapes that toml11 would recurse into, each `levels` deep.
std::vector<std::string> NestedToml(size_t levels) {
  return {
      "x = " + Repeat("[", levels) + "1" + Repeat("]", levels) + "\n",
      "x = " + Repeat("{a = ", levels) + "1" + Repeat("}", levels) + "\n",
      Repeat("a.", levels) + "b = 1\n",
      "[" + Repeat("a.", levels) + "b]\nc = 1\n",
      "x = [" + Repeat("{a = [", levels / 2) + "1" + Repeat("]}", levels / 2) + "]\n",
      "x = {" + Repeat("a.", levels) + "b = 1}\n",
  };
}

TEST(HostileTomlTest, NestingIsRefusedBeforeToml11SeesIt) {
  for (const auto& text : NestedToml(8)) {
    EXPECT_TRUE(governance::ParseToml(text, "p.toml").ok()) << text;
  }
  for (size_t levels : {size_t{governance::kMaxTomlNesting + 2}, size_t{100000}}) {
    for (const auto& text : NestedToml(levels)) {
      auto parsed = governance::ParseToml(text, "p.toml");
      ASSERT_FALSE(parsed.ok()) << text.substr(0, 60);
      EXPECT_NE(parsed.status().message().find("p.toml:1: nested more than 32 levels"), std::string::npos)
          << parsed.status().message().substr(0, 200);
    }
  }
}

TEST(HostileTomlTest, BracketsInsideStringsAndCommentsDoNotCount) {
  const std::string text = "# " + Repeat("[", 100) + "\nx = \"" + Repeat("[{", 100) + "\"\ny = '" + Repeat("{", 100) +
                           "'\nz = \"\"\"\n" + Repeat("[", 100) + "\n\"\"\"\nw = '''" + Repeat("[", 100) +
                           "'''\nv = \"a\\\"[[\"\n";
  auto parsed = governance::ParseToml(text, "p.toml");
  EXPECT_TRUE(parsed.ok()) << parsed.status();
}

// toml11 3.7 reads past its buffer on this input (found by fuzz/study_toml_fuzzer.cc; kept as a
// seed in fuzz/corpus/study_toml/regression-toml11-literal-string): invalid UTF-8 and control
// characters are refused before toml11 sees the text.
TEST(HostileTomlTest, InvalidUtf8AndControlCharactersNeverReachToml11) {
  const std::string crash("'\xd4('\xfe\xfd\xff\xfft\"\"\"k\n", 14);
  auto parsed = governance::ParseToml(crash, "p.toml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("p.toml:1: invalid UTF-8"), std::string::npos) << parsed.status();
  auto control = governance::ParseToml("a = 1\nb = \"x\x01y\"\n", "p.toml");
  ASSERT_FALSE(control.ok());
  EXPECT_NE(control.status().message().find("p.toml:2: control character 1"), std::string::npos) << control.status();
  EXPECT_TRUE(governance::ParseToml("name = \"医院\"\t# 注释\r\n", "p.toml").ok());
}

TEST(HostileTomlTest, StudyAndPolicyFilesUseTheLimit) {
  const std::string deep = "x = " + Repeat("[", 5000) + Repeat("]", 5000) + "\n";
  auto study = federation::ParseStudyFile(std::string(kStudyHeader) + deep, "/x/study.toml");
  ASSERT_FALSE(study.ok());
  EXPECT_NE(study.status().message().find("/x/study.toml:6: nested more than"), std::string::npos) << study.status();
  auto policy = governance::ParsePolicy("[disclosure]\n" + deep, "policy.toml");
  ASSERT_FALSE(policy.ok());
  EXPECT_NE(policy.status().message().find("policy.toml:2: nested more than"), std::string::npos) << policy.status();
}

// Messages that say what is wrong: each names the site, file, line or column concerned.
class MessageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Progress::SetEnabled(false);
    directory_ = ::testing::TempDir() + "medfed_messages_" + std::to_string(::getpid());
  }
  federation::SiteConfig Site(const std::string& name, const std::string& csv) {
    federation::SiteConfig site;
    site.name = name;
    site.tables["t"] = directory_ + "/" + name + ".csv";
    EXPECT_TRUE(WriteFileAtomically(site.tables["t"], csv).ok());
    return site;
  }
  std::string Run(std::vector<federation::SiteConfig> sites, analysis::AnalysisSpec analysis) {
    federation::StudyFile study;
    study.name = "messages";
    study.sites = std::move(sites);
    study.analyses = {std::move(analysis)};
    auto document = federation::RunStudyLocally(study, federation::RunOptions());
    if (!document.ok()) return std::string(document.status().message());
    return (*document)["results"][0].dump();
  }
  std::string Rows(const std::string& y_value, const std::string& big_age = "") {
    std::string csv = "id,age,sex,y\n";
    for (int i = 1; i <= 12; ++i) {
      csv += std::to_string(i) + "," + (i == 7 && !big_age.empty() ? big_age : std::to_string(40 + i)) + "," +
             (i % 2 ? "F" : "M") + "," + (y_value == "alternate" ? std::to_string(i % 2) : y_value) + "\n";
    }
    return csv;
  }
  std::string directory_;
};

TEST_F(MessageTest, HeaderOnlyTableDoesNotLookLikeATypeClash) {
  const std::string message = Run({Site("a", "id,age,sex,y\n"), Site("b", Rows("alternate"))},
                                  analysis::AnalysisSpec("g", "glm", {{"table", "t"}, {"formula", "y ~ age"}}));
  EXPECT_EQ(message.find("categorical at site"), std::string::npos) << message;
}

TEST_F(MessageTest, AllMissingResponseIsNamed) {
  // Under the default policy no rows is fewer than min_rows, refused like 1..9 rows would be.
  const std::string refused = Run({Site("a", Rows("")), Site("b", Rows(""))},
                                  analysis::AnalysisSpec("g", "glm", {{"table", "t"}, {"formula", "y ~ age"}}));
  EXPECT_NE(refused.find("site a: fewer than 10 rows (min_rows)"), std::string::npos) << refused;
  // Where the sites allow any number of rows, the error says why there are none.
  std::vector<federation::SiteConfig> sites = {Site("a", Rows("")), Site("b", Rows(""))};
  for (auto& site : sites) {
    site.policy_path = directory_ + "/any_rows.toml";
    EXPECT_TRUE(WriteFileAtomically(site.policy_path, "[disclosure]\nmin_rows = 1\n").ok());
  }
  const std::string message = Run(sites, analysis::AnalysisSpec("g", "glm", {{"table", "t"}, {"formula", "y ~ age"}}));
  EXPECT_NE(message.find("every row lacks a value of at least one of y, age"), std::string::npos) << message;
}

TEST_F(MessageTest, ValueTooLargeForSecureAggregationNamesSiteFileLineAndColumn) {
  const std::string message = Run({Site("a", Rows("alternate", "1e300")), Site("b", Rows("alternate"))},
                                  analysis::AnalysisSpec("g", "glm", {{"table", "t"}, {"formula", "y ~ age"}}));
  EXPECT_NE(message.find("site a: " + directory_ + "/a.csv:8: age is 1e+300, beyond 1e9"), std::string::npos)
      << message;
}

TEST_F(MessageTest, TextColumnComparedWithANumberIsAnError) {
  const std::string message = Run({Site("a", Rows("alternate")), Site("b", Rows("alternate"))},
                                  analysis::AnalysisSpec("n", "count", {{"table", "t"}, {"where", "sex > 3"}}));
  EXPECT_NE(message.find("sex is categorical (text, e.g. \"F\") and cannot be compared with the number 3"),
            std::string::npos)
      << message;
}

}  // namespace
}  // namespace medfed
