#include "medfed/privacy/deidentification.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace medfed::privacy {
namespace {

const std::string kKey(32, 'k');

// A valid resident ID for row i (the check character computed by ISO 7064 MOD 11-2).
std::string ResidentId(int i) {
  std::string id = "330106" + std::to_string(1950 + i % 40) + "0512" + std::to_string(100 + i % 900).substr(0, 3);
  static const int weights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int k = 0; k < 17; ++k) sum += (id[k] - '0') * weights[k];
  id += "10X98765432"[sum % 11];
  return id;
}

struct Fixture {
  TextTableData table;
  std::vector<ColumnScan> scans;
};

Fixture MakeRegistry(int rows) {
  Fixture fixture;
  fixture.table.names = {"姓名", "身份证号", "电话", "出生日期", "性别", "邮编", "诊断", "备注"};
  fixture.table.cells.resize(fixture.table.names.size());
  const char* names[] = {"张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"};
  for (int i = 0; i < rows; ++i) {
    auto& c = fixture.table.cells;
    c[0].push_back(names[i % 6] + std::string(i % 7 == 0 ? "明" : ""));
    c[1].push_back(ResidentId(i));
    c[2].push_back("1380013" + std::to_string(1000 + i));
    c[3].push_back(std::to_string(1950 + i % 40) + "-0" + std::to_string(1 + i % 9) + "-1" + std::to_string(i % 10));
    c[4].push_back(i % 2 ? "男" : "女");
    c[5].push_back(i % 3 ? "310012" : "310015");
    c[6].push_back(i % 4 ? "C16.9" : "C50.9");
    c[7].push_back(i == 3 ? "患者" + c[0][3] + "术后复查, 电话13900001234" : "随访中");
  }
  // The scan's verdicts for these columns (column_scan has its own tests).
  auto scan = [](const std::string& name, ColumnRole role, IdentifierKind kind, bool in_text = false) {
    ColumnScan s;
    s.name = name;
    s.role = role;
    s.detected.push_back({kind, 1.0, 1, in_text});
    return s;
  };
  fixture.scans = {scan("姓名", ColumnRole::kDirectIdentifier, IdentifierKind::kChineseName),
                   scan("身份证号", ColumnRole::kDirectIdentifier, IdentifierKind::kResidentId),
                   scan("电话", ColumnRole::kDirectIdentifier, IdentifierKind::kMobilePhone),
                   scan("出生日期", ColumnRole::kQuasiIdentifier, IdentifierKind::kDate),
                   scan("性别", ColumnRole::kQuasiIdentifier, IdentifierKind::kSex),
                   scan("邮编", ColumnRole::kQuasiIdentifier, IdentifierKind::kPostalCode),
                   scan("诊断", ColumnRole::kSensitive, IdentifierKind::kDiagnosis),
                   scan("备注", ColumnRole::kDirectIdentifier, IdentifierKind::kMobilePhone, true)};
  return fixture;
}

size_t ColumnIndex(const TextTableData& table, const std::string& name) {
  return std::find(table.names.begin(), table.names.end(), name) - table.names.begin();
}

TEST(Deidentify, AppliesTheDefaultPolicy) {
  const Fixture fixture = MakeRegistry(400);
  auto outcome = Deidentify(fixture.table, fixture.scans, DeidPolicy::Default(), kKey);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  const TextTableData& out = outcome->output;
  // Names and phones are gone; IDs are pseudonyms; the diagnosis is kept.
  EXPECT_EQ(out.names, (std::vector<std::string>{"身份证号", "出生日期", "性别", "邮编", "诊断", "备注"}));
  const size_t id = ColumnIndex(out, "身份证号");
  EXPECT_EQ(out.cells[id][0], KeyedPseudonym(kKey, ResidentId(0)));
  EXPECT_EQ(out.cells[id][0].size(), 21u);
  // Dates no finer than the year; postal codes no finer than 3 digits.
  for (const auto& value : out.cells[ColumnIndex(out, "出生日期")])
    EXPECT_EQ(value.find('-') == std::string::npos || value.size() == 9, true) << value;
  for (const auto& value : out.cells[ColumnIndex(out, "邮编")])
    EXPECT_TRUE(value == "310***" || value == "31****" || value == "*") << value;
  // The note's name and phone are masked, the rest of it kept.
  EXPECT_EQ(out.cells[ColumnIndex(out, "备注")][3], "患者[person_name]术后复查, 电话[mobile_phone]");
  EXPECT_GE(outcome->after.k, 5u);
  EXPECT_EQ(outcome->before.k, 1u);
  EXPECT_LE(outcome->rows_in - outcome->rows_out, 20u);  // at most 5% suppressed
  EXPECT_EQ(outcome->quasi_identifiers, (std::vector<std::string>{"出生日期", "性别", "邮编"}));
}

TEST(Deidentify, PseudonymsDependOnTheKeyAndNormaliseTheValue) {
  EXPECT_EQ(KeyedPseudonym(kKey, "33010619420512089x"), KeyedPseudonym(kKey, " 33010619420512089X "));
  EXPECT_NE(KeyedPseudonym(kKey, "33010619420512089X"), KeyedPseudonym(std::string(32, 'j'), "33010619420512089X"));
  EXPECT_NE(KeyedPseudonym(kKey, "33010619420512089X"), KeyedPseudonym(kKey, "330106194205120897"));
}

TEST(Deidentify, PolicyOverridesByColumnAndLevel) {
  const Fixture fixture = MakeRegistry(400);
  DeidPolicy policy = DeidPolicy::Default();
  policy.columns["诊断"] = {DeidAction::kDrop, ""};
  policy.columns["出生日期"] = {DeidAction::kGeneralize, "decade"};
  auto outcome = Deidentify(fixture.table, fixture.scans, policy, kKey);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(ColumnIndex(outcome->output, "诊断"), outcome->output.names.size());
  for (const auto& value : outcome->output.cells[ColumnIndex(outcome->output, "出生日期")]) {
    EXPECT_TRUE(value.size() == 9 || value == "*") << value;  // 1950-1959
  }
}

TEST(Deidentify, ClearErrors) {
  const Fixture fixture = MakeRegistry(400);
  auto no_key = Deidentify(fixture.table, fixture.scans, DeidPolicy::Default(), "");
  ASSERT_FALSE(no_key.ok());
  EXPECT_NE(no_key.status().message().find("--key"), std::string::npos);
  DeidPolicy bad_level = DeidPolicy::Default();
  bad_level.columns["出生日期"] = {DeidAction::kGeneralize, "week"};
  auto level = Deidentify(fixture.table, fixture.scans, bad_level, kKey);
  ASSERT_FALSE(level.ok());
  EXPECT_NE(level.status().message().find("day, 1 = month"), std::string::npos) << level.status();
  DeidPolicy unknown = DeidPolicy::Default();
  unknown.columns["nonexistent"] = {DeidAction::kDrop, ""};
  EXPECT_FALSE(Deidentify(fixture.table, fixture.scans, unknown, kKey).ok());
  const Fixture tiny = MakeRegistry(3);
  auto too_small = Deidentify(tiny.table, tiny.scans, DeidPolicy::Default(), kKey);
  ASSERT_FALSE(too_small.ok());
  EXPECT_NE(too_small.status().message().find("cannot be made 5-anonymous"), std::string::npos);
}

TEST(Deidentify, RefusesOutputThatStillHoldsAnIdentifier) {
  // A column the policy keeps holds bank card numbers the scan did not flag: they are masked,
  // and a kept phone column is caught by the final check.
  Fixture fixture = MakeRegistry(100);
  DeidPolicy policy = DeidPolicy::Default();
  policy.columns["电话"] = {DeidAction::kKeep, ""};
  auto outcome = Deidentify(fixture.table, fixture.scans, policy, kKey);
  ASSERT_TRUE(outcome.ok());  // kept values are masked, so nothing identifying is written
  const size_t phone = ColumnIndex(outcome->output, "电话");
  EXPECT_EQ(outcome->output.cells[phone][0], "[mobile_phone]");
  TextTableData leaked = outcome->output;
  leaked.cells[phone][5] = "13800138000";
  auto found = FindDirectIdentifier(leaked, {"身份证号"}, {});
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, "row 6, column 电话: mobile_phone");
  EXPECT_FALSE(FindDirectIdentifier(outcome->output, {"身份证号"}, {}));
}

// The key is asked for before the search: a table that could not be made k-anonymous either
// still gets the key's message, not the search's.
TEST(Deidentify, AMissingKeyIsReportedBeforeTheSearch) {
  Fixture fixture = MakeRegistry(50);
  DeidPolicy policy = DeidPolicy::Default();
  policy.k = 1000;  // unreachable with 50 rows
  auto no_key = Deidentify(fixture.table, fixture.scans, policy, "");
  ASSERT_FALSE(no_key.ok());
  EXPECT_NE(no_key.status().message().find("needs the site's secret key"), std::string::npos) << no_key.status();
  auto with_key = Deidentify(fixture.table, fixture.scans, policy, kKey);
  ASSERT_FALSE(with_key.ok());
  EXPECT_NE(with_key.status().message().find("cannot be made 1000-anonymous"), std::string::npos);
}

// Dates keep epidemiological value: the default policy keeps a date at a 5-year band at most
// while some generalization reaches k, and goes further only when none does, saying so; each
// generalized column's loss is reported and their mean is the search's. (cli_test shows the
// bundled messy extract, whose least-loss answer without the preference drops both dates.)
TEST(Deidentify, DatesStayAtFiveYearBandsUnlessNothingElseReachesK) {
  Fixture fixture = MakeRegistry(400);
  DeidPolicy policy = DeidPolicy::Default();
  policy.k = 10;
  policy.suppression_limit = 0;
  auto outcome = Deidentify(fixture.table, fixture.scans, policy, kKey);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  double mean = 0;
  int generalized = 0;
  for (const auto& column : outcome->columns) {
    if (column.action != DeidAction::kGeneralize) {
      EXPECT_LT(column.loss, 0) << column.name;
      continue;
    }
    ++generalized;
    mean += column.loss;
    EXPECT_GE(column.loss, 0);
    EXPECT_LE(column.loss, 1);
    if (column.name == "出生日期") {
      EXPECT_LE(column.level, 3) << column.level_name;  // day, month, year, 5-year
      EXPECT_FALSE(column.beyond_coarsest);
      EXPECT_NE(column.detail.find("5-year at most"), std::string::npos) << column.detail;
    }
  }
  EXPECT_NEAR(mean / generalized, outcome->search.loss, 1e-12);
  // k = 200 of 400 rows: only the date's decade or "*" (with sex and postal code at "*") reaches it.
  policy.k = 200;
  auto relaxed = Deidentify(fixture.table, fixture.scans, policy, kKey);
  ASSERT_TRUE(relaxed.ok()) << relaxed.status();
  for (const auto& column : relaxed->columns) {
    if (column.name != "出生日期") continue;
    EXPECT_GT(column.level, 3) << column.level_name;
    EXPECT_TRUE(column.beyond_coarsest);
    EXPECT_NE(column.detail.find("no generalization kept it at 5-year or finer"), std::string::npos) << column.detail;
  }

  // A coarsest level finer than the finest allowed is the policy's error.
  policy.kinds[IdentifierKind::kDate] = {DeidAction::kGeneralize, "5-year", "year"};
  auto inverted = Deidentify(fixture.table, fixture.scans, policy, kKey);
  ASSERT_FALSE(inverted.ok());
  EXPECT_NE(inverted.status().message().find("coarsest \"year\" is not one of them at or above \"5-year\""),
            std::string::npos)
      << inverted.status();
}

}  // namespace
}  // namespace medfed::privacy
