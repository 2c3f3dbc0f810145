#include "medfed/table/formula.h"

#include "gtest/gtest.h"

namespace medfed::table {
namespace {

std::vector<std::string> Labels(const std::string& text, bool* intercept = nullptr) {
  auto formula = ParseFormula(text);
  EXPECT_TRUE(formula.ok()) << formula.status();
  std::vector<std::string> labels;
  if (!formula.ok()) return labels;
  for (const auto& term : formula->terms) labels.push_back(term.label);
  if (intercept) *intercept = formula->intercept;
  return labels;
}

using Strings = std::vector<std::string>;

TEST(FormulaTest, ExpandsLikeTermsFormula) {
  EXPECT_EQ(Labels("y ~ a + b"), (Strings{"a", "b"}));
  EXPECT_EQ(Labels("y ~ a*b"), (Strings{"a", "b", "a:b"}));
  EXPECT_EQ(Labels("y ~ a:b + c"), (Strings{"c", "a:b"}));  // ordered by degree
  EXPECT_EQ(Labels("y ~ b:a + a"), (Strings{"a", "b:a"}));  // variable order of appearance
  EXPECT_EQ(Labels("y ~ (a + b + c)^2"), (Strings{"a", "b", "c", "a:b", "a:c", "b:c"}));
  EXPECT_EQ(Labels("y ~ a*b - a"), (Strings{"b", "a:b"}));
  EXPECT_EQ(Labels("y ~ a + a"), (Strings{"a"}));
  EXPECT_EQ(Labels("y ~ a/b"), (Strings{"a", "a:b"}));
  EXPECT_EQ(Labels("y ~ factor(stage) + log(age) + I(age^2)"), (Strings{"factor(stage)", "log(age)", "I(age^2)"}));
}

TEST(FormulaTest, Intercept) {
  bool intercept = false;
  Labels("y ~ a", &intercept);
  EXPECT_TRUE(intercept);
  Labels("y ~ a - 1", &intercept);
  EXPECT_FALSE(intercept);
  Labels("y ~ 0 + a", &intercept);
  EXPECT_FALSE(intercept);
  EXPECT_TRUE(Labels("y ~ 1", &intercept).empty());
  EXPECT_TRUE(intercept);
}

TEST(FormulaTest, SurvivalPartsAndStrata) {
  auto formula = ParseFormula("Surv(time, status) ~ rx + strata(sex) + age");
  ASSERT_TRUE(formula.ok());
  ASSERT_TRUE(formula->response.has_value());
  EXPECT_TRUE(formula->response->IsCall("Surv"));
  EXPECT_EQ(formula->StrataTerms(), (std::vector<size_t>{1}));
  Formula plain = formula->WithoutStrata();
  ASSERT_EQ(plain.terms.size(), 2u);
  EXPECT_EQ(plain.terms[1].label, "age");
}

TEST(FormulaTest, OffsetIsNotATerm) {
  auto formula = ParseFormula("cases ~ age + offset(log(pop))");
  ASSERT_TRUE(formula.ok());
  ASSERT_EQ(formula->terms.size(), 1u);
  ASSERT_EQ(formula->offsets.size(), 1u);
  EXPECT_EQ(formula->offsets[0].Deparse(), "log(pop)");
}

TEST(FormulaTest, RejectsMalformedFormulas) {
  for (const char* text : {"y a + b", "y ~ a +", "y ~ 2", "y ~ a + (b", "y ~ a == b"}) {
    auto formula = ParseFormula(text);
    EXPECT_FALSE(formula.ok()) << text;
    if (!formula.ok()) {
      EXPECT_NE(formula.status().message().find("formula"), std::string::npos) << text;
    }
  }
}

}  // namespace
}  // namespace medfed::table
