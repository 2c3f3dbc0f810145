#include "medfed/table/design_matrix.h"

#include "gtest/gtest.h"
#include "medfed/table/csv_reader.h"

namespace medfed::table {
namespace {

// Column names as R's model.matrix gives them on the same data (checked by hand in R 4.2).
std::vector<std::string> ColumnNames(const std::string& text, const Table& table) {
  auto formula = ParseFormula(text);
  EXPECT_TRUE(formula.ok()) << formula.status();
  std::vector<uint32_t> rows(table.row_count());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<uint32_t>(i);
  auto frame = ModelFrame::Build(*formula, table, rows);
  EXPECT_TRUE(frame.ok()) << frame.status();
  auto levels = UniteSchemas({frame->Schemas()}, {"site"});
  EXPECT_TRUE(levels.ok());
  auto layout = MakeDesignLayout(*formula, *levels);
  EXPECT_TRUE(layout.ok()) << layout.status();
  return layout.ok() ? layout->column_names : std::vector<std::string>{};
}

Table Data() {
  auto table = ParseCsv(
      "y,a,b,x,flag,n\n"
      "1,x,p,1.5,TRUE,2\n"
      "0,y,q,2.5,FALSE,10\n"
      "1,z,p,0.5,TRUE,3\n"
      "0,y,q,4.0,FALSE,2\n",
      "d.csv");
  EXPECT_TRUE(table.ok());
  return *std::move(table);
}

using Strings = std::vector<std::string>;

TEST(DesignMatrixTest, NamesColumnsAsModelMatrix) {
  Table table = Data();
  EXPECT_EQ(ColumnNames("y ~ a*b", table), (Strings{"(Intercept)", "ay", "az", "bq", "ay:bq", "az:bq"}));
  EXPECT_EQ(ColumnNames("y ~ a:x", table), (Strings{"(Intercept)", "ax:x", "ay:x", "az:x"}));
  // R labels the term by variable order of appearance: x:a, and a is contrast-coded.
  EXPECT_EQ(ColumnNames("y ~ x + a:x", table), (Strings{"(Intercept)", "x", "x:ay", "x:az"}));
  EXPECT_EQ(ColumnNames("y ~ a - 1", table), (Strings{"ax", "ay", "az"}));
  EXPECT_EQ(ColumnNames("y ~ a + b - 1", table), (Strings{"ax", "ay", "az", "bq"}));
  EXPECT_EQ(ColumnNames("y ~ x - 1 + b", table), (Strings{"x", "bp", "bq"}));
  EXPECT_EQ(ColumnNames("y ~ flag", table), (Strings{"(Intercept)", "flagTRUE"}));
  EXPECT_EQ(ColumnNames("y ~ factor(n)", table), (Strings{"(Intercept)", "factor(n)3", "factor(n)10"}));
  EXPECT_EQ(ColumnNames("y ~ b:a", table),
            (Strings{"(Intercept)", "bp:ax", "bq:ax", "bp:ay", "bq:ay", "bp:az", "bq:az"}));
}

TEST(DesignMatrixTest, BuildsValues) {
  Table table = Data();
  auto formula = ParseFormula("y ~ a*x");
  ASSERT_TRUE(formula.ok());
  std::vector<uint32_t> rows = {0, 1, 2, 3};
  auto frame = ModelFrame::Build(*formula, table, rows);
  ASSERT_TRUE(frame.ok());
  auto levels = UniteSchemas({frame->Schemas()}, {"site"});
  ASSERT_TRUE(levels.ok());
  auto layout = MakeDesignLayout(*formula, *levels);
  ASSERT_TRUE(layout.ok());
  auto design = BuildDesignMatrix(*frame, *formula, *layout, *levels);
  ASSERT_TRUE(design.ok());
  // (Intercept) ay az x ay:x az:x
  Eigen::MatrixXd expected(4, 6);
  expected << 1, 0, 0, 1.5, 0, 0, 1, 1, 0, 2.5, 2.5, 0, 1, 0, 1, 0.5, 0, 0.5, 1, 1, 0, 4.0, 4.0, 0;
  EXPECT_TRUE(design->isApprox(expected)) << *design;
}

TEST(DesignMatrixTest, GlobalLevelsMakeSitesCodeTheSameColumns) {
  // Site 1 has only level "x" and "y"; site 2 only "z": the united layout has both contrasts.
  auto site1 = ParseCsv("y,a\n1,x\n0,y\n", "s1.csv");
  auto site2 = ParseCsv("y,a\n1,z\n0,z\n", "s2.csv");
  ASSERT_TRUE(site1.ok() && site2.ok());
  auto formula = ParseFormula("y ~ a");
  ASSERT_TRUE(formula.ok());
  auto frame1 = ModelFrame::Build(*formula, *site1, {0, 1});
  auto frame2 = ModelFrame::Build(*formula, *site2, {0, 1});
  ASSERT_TRUE(frame1.ok() && frame2.ok());
  auto levels = UniteSchemas({frame1->Schemas(), frame2->Schemas()}, {"s1", "s2"});
  ASSERT_TRUE(levels.ok());
  auto layout = MakeDesignLayout(*formula, *levels);
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->column_names, (Strings{"(Intercept)", "ay", "az"}));
  auto design2 = BuildDesignMatrix(*frame2, *formula, *layout, *levels);
  ASSERT_TRUE(design2.ok());
  EXPECT_EQ(design2->col(2).sum(), 2.0);
  EXPECT_EQ(design2->col(1).sum(), 0.0);
}

TEST(DesignMatrixTest, DisagreeingSitesAreAnError) {
  std::vector<VariableSchema> numeric = {{"age", false, RowValues::LevelOrder::kText, {}}};
  std::vector<VariableSchema> text = {{"age", true, RowValues::LevelOrder::kText, {"old"}}};
  auto levels = UniteSchemas({numeric, text}, {"hospital-a", "hospital-b"});
  ASSERT_FALSE(levels.ok());
  std::string message(levels.status().message());
  EXPECT_NE(message.find("hospital-a"), std::string::npos);
  EXPECT_NE(message.find("hospital-b"), std::string::npos);
}

TEST(DesignMatrixTest, MissingValuesAreLeftOut) {
  auto table = ParseCsv("y,x,a\n1,1,p\n0,NA,q\n1,3,\n0,4,q\n", "m.csv");
  ASSERT_TRUE(table.ok());
  auto formula = ParseFormula("y ~ x + a");
  ASSERT_TRUE(formula.ok());
  auto frame = ModelFrame::Build(*formula, *table, {0, 1, 2, 3});
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(frame->rows(), 2u);
  EXPECT_EQ(frame->missing(), 2u);
  EXPECT_EQ(frame->source_rows(), (std::vector<uint32_t>{0, 3}));
}

}  // namespace
}  // namespace medfed::table
