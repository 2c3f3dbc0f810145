#include "medfed/table/evaluator.h"

#include "gtest/gtest.h"
#include "medfed/table/csv_reader.h"

namespace medfed::table {
namespace {

Table Patients() {
  auto table = ParseCsv(
      "age,sex,rx,nodes,obstruct\n"
      "61,F,Obs,3,TRUE\n"
      "45,M,Lev,NA,FALSE\n"
      "70,F,Lev+5FU,10,FALSE\n"
      "NA,M,Obs,1,NA\n"
      "52,F,Lev,0,TRUE\n",
      "patients.csv");
  EXPECT_TRUE(table.ok());
  return *std::move(table);
}

std::vector<uint32_t> Select(const std::string& where) {
  Table table = Patients();
  auto rows = SelectRows(where, table);
  EXPECT_TRUE(rows.ok()) << rows.status();
  return rows.ok() ? *rows : std::vector<uint32_t>{};
}

TEST(EvaluatorTest, SelectsRowsLikeRSubset) {
  EXPECT_EQ(Select(""), (std::vector<uint32_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(Select("age >= 52"), (std::vector<uint32_t>{0, 2, 4}));  // NA age dropped
  EXPECT_EQ(Select("sex == \"F\" and nodes > 0"), (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(Select("sex == 'M' | age > 65"), (std::vector<uint32_t>{1, 2, 3}));
  EXPECT_EQ(Select("rx in [\"Obs\", \"Lev\"]"), (std::vector<uint32_t>{0, 1, 3, 4}));
  EXPECT_EQ(Select("rx %in% c(\"Obs\")"), (std::vector<uint32_t>{0, 3}));
  EXPECT_EQ(Select("is_na(nodes)"), (std::vector<uint32_t>{1}));
  EXPECT_EQ(Select("not is_na(age) && !obstruct"), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(Select("obstruct"), (std::vector<uint32_t>{0, 4}));
  EXPECT_EQ(Select("age / 10 > 6"), (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(Select("-age < -60"), (std::vector<uint32_t>{0, 2}));
  // Kleene logic: FALSE & NA is FALSE (dropped), TRUE | NA is TRUE (kept).
  EXPECT_EQ(Select("age > 100 or nodes >= 0"), (std::vector<uint32_t>{0, 2, 3, 4}));
}

TEST(EvaluatorTest, ExplainsBadFilters) {
  Table table = Patients();
  auto unknown = SelectRows("weight > 3", table);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("no column named \"weight\""), std::string::npos);
  auto single_equals = SelectRows("age = 3", table);
  ASSERT_FALSE(single_equals.ok());
  EXPECT_NE(single_equals.status().message().find("use '=='"), std::string::npos);
  auto not_condition = SelectRows("age + 1", table);
  ASSERT_FALSE(not_condition.ok());
  auto text_vs_number = SelectRows("age == \"old\"", table);
  ASSERT_FALSE(text_vs_number.ok());
  EXPECT_NE(text_vs_number.status().message().find("compare with a number"), std::string::npos);
  // The other way round: a text column against a number (R would compare "F" > "3" as text).
  for (const char* where : {"sex > 3", "3 <= sex", "rx == 2", "sex != 1"}) {
    auto number_vs_text = SelectRows(where, table);
    ASSERT_FALSE(number_vs_text.ok()) << where;
    EXPECT_NE(number_vs_text.status().message().find("is categorical (text, e.g. \""), std::string::npos)
        << number_vs_text.status();
    EXPECT_NE(number_vs_text.status().message().find("cannot be compared with the number"), std::string::npos);
  }
}

TEST(EvaluatorTest, NamesTheLineOfANonNumberUsedNumerically) {
  auto table = ParseCsv("age\n61\n70\nabout 50\n", "site_b.csv");
  ASSERT_TRUE(table.ok());
  auto rows = SelectRows("age > 60", *table);
  ASSERT_FALSE(rows.ok());
  std::string message(rows.status().message());
  EXPECT_NE(message.find("site_b.csv:4"), std::string::npos) << message;
  EXPECT_NE(message.find("\"about 50\""), std::string::npos) << message;
}

TEST(EvaluatorTest, FactorOfNumbersSortsNumerically) {
  auto table = ParseCsv("stage\n10\n2\n3\n2\n", "t.csv");
  ASSERT_TRUE(table.ok());
  auto expression = ParseExpression("factor(stage)", "formula");
  ASSERT_TRUE(expression.ok());
  auto values = EvaluateRows(*expression, *table);
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(values->levels, (std::vector<std::string>{"2", "3", "10"}));
  EXPECT_EQ(values->codes, (std::vector<int32_t>{2, 0, 1, 0}));
}

TEST(EvaluatorTest, StrataNamesLikeSurvival) {
  Table table = Patients();
  auto expression = ParseExpression("strata(sex)", "formula");
  ASSERT_TRUE(expression.ok());
  auto values = EvaluateRows(*expression, table);
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(values->levels, (std::vector<std::string>{"sex=F", "sex=M"}));
}

TEST(ExpressionTest, DeparsesAsR) {
  auto parse = [](const std::string& text) {
    auto e = ParseExpression(text, "formula");
    EXPECT_TRUE(e.ok()) << e.status();
    return e->Deparse();
  };
  EXPECT_EQ(parse("I(age^2)"), "I(age^2)");
  EXPECT_EQ(parse("I(age /10)"), "I(age/10)");
  EXPECT_EQ(parse("log( nodes+1 )"), "log(nodes + 1)");
  EXPECT_EQ(parse("`my var`"), "`my var`");
  EXPECT_EQ(parse("年龄"), "年龄");
}

TEST(ExpressionTest, FormatsNumbersAsRDoes) {
  EXPECT_EQ(RNumberToString(100000), "1e+05");
  EXPECT_EQ(RNumberToString(123456), "123456");
  EXPECT_EQ(RNumberToString(0.1 + 0.2), "0.3");
  EXPECT_EQ(RNumberToString(0.0001), "1e-04");
  EXPECT_EQ(RNumberToString(2.5), "2.5");
  EXPECT_EQ(RNumberToString(-3), "-3");
}

}  // namespace
}  // namespace medfed::table
