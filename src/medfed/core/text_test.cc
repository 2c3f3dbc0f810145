#include "medfed/core/text.h"

#include <cmath>

#include "gtest/gtest.h"
#include "medfed/core/text_table.h"

namespace medfed {
namespace {

TEST(TextTest, FormatsSignificantDigitsLikeR) {
  EXPECT_EQ(FormatSignificant(0.32251234, 4), "0.3225");
  EXPECT_EQ(FormatSignificant(911, 4), "911");
  EXPECT_EQ(FormatSignificant(2806.396, 7), "2806.396");
  EXPECT_EQ(FormatSignificant(1.2e-05, 4), "1.2e-05");
  EXPECT_EQ(FormatSignificant(-0.5, 3), "-0.5");
  EXPECT_EQ(FormatSignificant(std::nan(""), 3), "NA");
  EXPECT_EQ(FormatSignificant(0, 3), "0");
}

TEST(TextTest, FormatsPValues) {
  EXPECT_EQ(FormatPValue(1e-300), "< 2e-16");
  EXPECT_EQ(FormatPValue(0.0085123), "0.00851");
}

TEST(TextTest, RoundTripIsExact) {
  double x = 0.1 + 0.2;
  EXPECT_EQ(std::stod(FormatRoundTrip(x)), x);
}

TEST(TextTest, SplitsAndJoins) {
  auto parts = SplitString("a,,b", ',');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[1], "");
  EXPECT_EQ(JoinStrings(parts, "|"), "a||b");
  EXPECT_EQ(TrimWhitespace("  x \t"), "x");
}

TEST(TextTableTest, AlignsWideCharacters) {
  EXPECT_EQ(DisplayWidth("医院"), 4u);
  TextTable table({"name", "n"}, {TextTable::Align::kLeft, TextTable::Align::kRight});
  table.AddRow({"医院", "5"});
  table.AddRow({"ab", "123"});
  std::string rendered = table.Render(0);
  EXPECT_EQ(rendered, "name    n\n---------\n医院    5\nab    123\n");
}

TEST(TextTest, NearestNameSuggestsOnlyLikelyTypos) {
  const std::vector<std::string> commands = {"run", "demo", "synth", "scan", "deid", "match", "site"};
  EXPECT_EQ(NearestName("rnu", commands), "run");  // a transposition is one edit
  EXPECT_EQ(NearestName("deom", commands), "demo");
  EXPECT_EQ(NearestName("synht", commands), "synth");
  EXPECT_EQ(NearestName("sythn", commands), "");  // two edits in five letters: not a likely typo
  EXPECT_EQ(NearestName("mach", commands), "match");
  EXPECT_EQ(NearestName("", commands), "");
  EXPECT_EQ(NearestName("regression", commands), "");  // nothing like it
  EXPECT_EQ(NearestName("scna", commands), "scan");
}

}  // namespace
}  // namespace medfed
