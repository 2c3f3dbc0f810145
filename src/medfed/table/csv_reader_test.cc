#include "medfed/table/csv_reader.h"

#include <cmath>

#include "gtest/gtest.h"

namespace medfed::table {
namespace {

TEST(CsvReaderTest, InfersColumnTypes) {
  auto table = ParseCsv(
      "id,age,weight,smoker,rx\n"
      "1,61,70.5,TRUE,Obs\n"
      "2,NA,,FALSE,Lev+5FU\n"
      "3,45,80,NA,Lev\n",
      "t.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_EQ(table->row_count(), 3u);
  EXPECT_EQ(table->FindColumn("id")->type(), ColumnType::kInteger);
  EXPECT_EQ(table->FindColumn("age")->type(), ColumnType::kInteger);
  EXPECT_TRUE(table->FindColumn("age")->IsMissing(1));
  const Column* weight = table->FindColumn("weight");
  EXPECT_EQ(weight->type(), ColumnType::kFloat);
  EXPECT_DOUBLE_EQ(weight->floats()[0], 70.5);
  EXPECT_TRUE(std::isnan(weight->floats()[1]));
  EXPECT_DOUBLE_EQ(weight->floats()[2], 80.0);
  EXPECT_EQ(table->FindColumn("smoker")->type(), ColumnType::kBoolean);
  EXPECT_TRUE(table->FindColumn("smoker")->IsMissing(2));
  const Column* rx = table->FindColumn("rx");
  ASSERT_EQ(rx->type(), ColumnType::kString);
  // Levels sorted by byte order, codes remapped.
  EXPECT_EQ(rx->levels(), (std::vector<std::string>{"Lev", "Lev+5FU", "Obs"}));
  EXPECT_EQ(rx->codes(), (std::vector<int32_t>{2, 1, 0}));
}

TEST(CsvReaderTest, HandlesQuotingAndChineseText) {
  auto table = ParseCsv(
      "name,note,\"city, province\"\r\n"
      "张三,\"said \"\"hi\"\", then left\",\"北京, 北京\"\r\n"
      "李四,\"two\nlines\",上海\r\n"
      "\r\n",
      "t.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_EQ(table->row_count(), 2u);
  const Column* note = table->FindColumn("note");
  ASSERT_NE(note, nullptr);
  EXPECT_EQ(note->TextValue(0), "said \"hi\", then left");
  EXPECT_EQ(note->TextValue(1), "two\nlines");
  EXPECT_EQ(table->FindColumn("city, province")->TextValue(0), "北京, 北京");
  EXPECT_EQ(table->FindColumn("name")->TextValue(1), "李四");
}

TEST(CsvReaderTest, PromotesIntegerColumnToTextAndRemembersTheLine) {
  auto table = ParseCsv("age\n61\n\n70\nunknown\n55\n", "ages.csv");
  ASSERT_TRUE(table.ok());
  const Column* age = table->FindColumn("age");
  ASSERT_EQ(age->type(), ColumnType::kString);
  ASSERT_TRUE(age->non_numeric().has_value());
  EXPECT_EQ(age->non_numeric()->line, 5u);  // header is line 1, blank line 3 is skipped
  EXPECT_EQ(age->non_numeric()->text, "unknown");
  EXPECT_EQ(age->non_numeric()->numeric_values, 3u);
  EXPECT_EQ(age->TextValue(0), "61");
}

TEST(CsvReaderTest, TextColumnsKeepTheFilesBytes) {
  CsvOptions options;
  options.text_columns = {"id"};
  auto table = ParseCsv("id,n\n007,007\n 12 , 12 \n\"x,y\",3\n,4\n", "keys.csv", options);
  ASSERT_TRUE(table.ok()) << table.status();
  const Column& id = table->column(0);
  ASSERT_EQ(id.type(), ColumnType::kString);
  EXPECT_EQ(id.RawText(0), "007");   // not the number 7
  EXPECT_EQ(id.RawText(1), " 12 ");  // blanks kept: the caller decides (and says so)
  EXPECT_EQ(id.RawText(2), "x,y");
  EXPECT_TRUE(id.IsMissing(3));
  // Other columns are inferred and trimmed as always.
  EXPECT_EQ(table->column(1).type(), ColumnType::kInteger);
  EXPECT_EQ(table->column(1).integers()[1], 12);
}

TEST(CsvReaderTest, PromotesIntegersToFloats) {
  auto table = ParseCsv("x\n1\n2.5\n-3\n1e3\n", "x.csv");
  ASSERT_TRUE(table.ok());
  const Column* x = table->FindColumn("x");
  ASSERT_EQ(x->type(), ColumnType::kFloat);
  EXPECT_EQ(x->floats(), (std::vector<double>{1, 2.5, -3, 1000}));
}

TEST(CsvReaderTest, AllMissingColumnIsLogical) {
  auto table = ParseCsv("a,b\n1,NA\n2,\n", "t.csv");
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->FindColumn("b")->type(), ColumnType::kBoolean);
  EXPECT_TRUE(table->FindColumn("b")->IsMissing(0));
}

struct BadCsv {
  std::string text;
  const char* expected;  // substring of the error
};

// A literal with its embedded NUL bytes.
template <size_t N>
std::string Bytes(const char (&text)[N]) {
  return std::string(text, N - 1);
}

void PrintTo(const BadCsv& bad, std::ostream* out) { *out << bad.expected; }

class CsvErrorTest : public ::testing::TestWithParam<BadCsv> {};

TEST_P(CsvErrorTest, NamesFileLineAndColumn) {
  auto table = ParseCsv(GetParam().text, "site_a.csv");
  ASSERT_FALSE(table.ok());
  std::string message(table.status().message());
  EXPECT_NE(message.find(GetParam().expected), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, CsvErrorTest,
    ::testing::Values(BadCsv{"a,b\n1,2\n3\n", "site_a.csv:3: expected 2 fields (as in the header), found 1"},
                      BadCsv{"a,b\n1,2,3\n", "site_a.csv:2: expected 2 fields"},
                      BadCsv{"a,b\n1,\"open\n2,3\n", "site_a.csv:2: column 2: a quoted field is never closed"},
                      BadCsv{"a,b\n1,ab\"c\n", "site_a.csv:2: column 2: stray quote"},
                      BadCsv{"a,b\n1,\"ab\"c\n", "site_a.csv:2: column 2: unexpected text after a closing quote"},
                      BadCsv{"a,b\n1,caf\xE9\n", "site_a.csv:2: column 2: invalid UTF-8 (byte 0xE9)"},
                      BadCsv{"a,b\n1,\xED\xA0\x80\n", "invalid UTF-8"}, BadCsv{"", "site_a.csv: the file is empty"},
                      BadCsv{"a,a\n1,2\n", "column 2: the name \"a\" appears twice"},
                      BadCsv{"a,\n1,2\n", "column 2 has no name"},
                      BadCsv{Bytes("a,b\n1,2\n3,x\0y\n"),
                             "site_a.csv:3: column 2: control character 0x00 (a NUL byte)"},
                      BadCsv{Bytes("a,b\n1,\"x\0y\"\n"), "site_a.csv:2: column 2: control character 0x00"},
                      BadCsv{"a,b\n1,esc\x1B[31m\n", "site_a.csv:2: column 2: control character 0x1B"},
                      BadCsv{"a,b\x7F\n1,2\n", "site_a.csv:1: column 2: control character 0x7F"}),
    [](const ::testing::TestParamInfo<BadCsv>& info) { return "case" + std::to_string(info.index); });

TEST(CsvReaderTest, ReadsFromDiskAndReportsMissingFile) {
  auto missing = ReadCsv("/nonexistent/x.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/x.csv"), std::string::npos);
}

}  // namespace
}  // namespace medfed::table

namespace medfed::table {
namespace {

TEST(CsvReaderTest, DecimalsAreParsedExactly) {
  // The fast path (mantissa / 10^k) must agree bit for bit with strtod.
  uint64_t state = 42;
  std::string csv = "x\n";
  std::vector<std::string> texts;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    uint64_t mantissa = (state >> 11) % 1000000000000000ULL;  // up to 15 digits
    int decimals = static_cast<int>((state >> 3) % 16);
    std::string digits = std::to_string(mantissa);
    if (decimals > 0) {
      while (static_cast<int>(digits.size()) <= decimals) digits = "0" + digits;
      digits.insert(digits.size() - static_cast<size_t>(decimals), ".");
    } else {
      digits += ".0";
    }
    if (state & 1) digits = "-" + digits;
    texts.push_back(digits);
    csv += digits + "\n";
  }
  auto table = ParseCsv(csv, "decimals.csv");
  ASSERT_TRUE(table.ok());
  const Column* x = table->FindColumn("x");
  ASSERT_EQ(x->type(), ColumnType::kFloat);
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_EQ(x->floats()[i], std::strtod(texts[i].c_str(), nullptr)) << texts[i];
  }
}

TEST(CsvReaderTest, LongRunsOfZerosAfterThePointAreParsedExactly) {
  // Leading zeros after the point count as decimals but not as significant digits; beyond 22
  // decimals the fast path must hand over to from_chars (a fuzzer found ".000…0" read past the
  // table of powers of ten).
  std::string csv = "x\n";
  std::vector<std::string> texts;
  for (int zeros = 0; zeros < 64; ++zeros) {
    for (const char* tail : {"", "7", "123456789012345"}) {
      std::string text = "0." + std::string(static_cast<size_t>(zeros), '0') + tail;
      if (text == "0.") text = "0.0";
      texts.push_back(text);
      texts.push_back("-" + text.substr(1));  // "-.000…7"
    }
  }
  for (const std::string& text : texts) csv += text + "\n";
  auto table = ParseCsv(csv, "zeros.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  const Column* x = table->FindColumn("x");
  ASSERT_EQ(x->type(), ColumnType::kFloat);
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_EQ(x->floats()[i], std::strtod(texts[i].c_str(), nullptr)) << texts[i];
  }
}

}  // namespace
}  // namespace medfed::table
