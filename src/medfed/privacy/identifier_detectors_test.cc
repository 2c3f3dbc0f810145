#include "medfed/privacy/identifier_detectors.h"

#include <set>

#include "gtest/gtest.h"
#include "medfed/privacy/column_scan.h"
#include "medfed/privacy/reidentification_risk.h"

namespace medfed::privacy {
namespace {

// An 18-digit ID with its ISO 7064 MOD 11-2 check character computed here.
std::string ResidentId(const std::string& first17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return first17 + "10X98765432"[sum % 11];
}

TEST(IdentifierDetectorsTest, ResidentIdsAreValidatedAndParsed) {
  const std::string id = ResidentId("11010519491231002");
  auto info = ParseResidentId(id);
  ASSERT_TRUE(info.has_value()) << id;
  EXPECT_EQ(info->region_code, "110105");
  EXPECT_EQ(info->year, 1949);
  EXPECT_EQ(info->month, 12);
  EXPECT_EQ(info->day, 31);
  EXPECT_EQ(info->sex, 'F');  // sequence 002: even
  EXPECT_TRUE(ParseResidentId("11010519491231002X") || ParseResidentId(id));
  // Look-alikes: a wrong check character, an impossible date, an unknown province, 18 random digits.
  std::string wrong = id;
  wrong[17] = wrong[17] == '1' ? '2' : '1';
  EXPECT_FALSE(ParseResidentId(wrong));
  EXPECT_FALSE(ParseResidentId(ResidentId("11010519490231002")));  // 31 February
  EXPECT_FALSE(ParseResidentId(ResidentId("99010519491231002")));  // province 99
  EXPECT_FALSE(ParseResidentId("123456789012345678"));
  EXPECT_TRUE(ParseResidentId("110105491231002"));  // legacy 15 digits
}

TEST(IdentifierDetectorsTest, PhonesCardsAndOtherIdentifiers) {
  EXPECT_TRUE(IsMobilePhone("13812345678"));
  EXPECT_TRUE(IsMobilePhone("+86 138-1234-5678"));
  EXPECT_FALSE(IsMobilePhone("12812345678"));  // no 12x prefix
  EXPECT_FALSE(IsMobilePhone("1381234567"));   // 10 digits
  EXPECT_TRUE(IsLandline("010-62751234"));
  EXPECT_TRUE(IsLandline("0571-87654321-123"));
  EXPECT_TRUE(IsLandline("(0571)87654321"));
  EXPECT_FALSE(IsLandline("2024-03-05"));
  EXPECT_TRUE(IsEmail("zhang.san@hospital.org.cn"));
  EXPECT_FALSE(IsEmail("not@an"));
  EXPECT_TRUE(IsBankCard("6222 0202 0000 0000 006"));  // Luhn-valid 19 digits
  EXPECT_FALSE(IsBankCard("6222020200000000007"));
  EXPECT_TRUE(IsPassport("E12345678"));
  EXPECT_TRUE(IsPassport("EA1234567"));
  EXPECT_FALSE(IsPassport("A12345678"));
  EXPECT_TRUE(IsIpAddress("192.168.1.20"));
  EXPECT_TRUE(IsIpAddress("2001:db8::1"));
  EXPECT_FALSE(IsIpAddress("3.14"));
  EXPECT_FALSE(IsIpAddress("256.1.1.1"));
}

TEST(IdentifierDetectorsTest, NamesAddressesAndDemographics) {
  EXPECT_TRUE(IsChineseName("张三"));
  EXPECT_TRUE(IsChineseName("王小明"));
  EXPECT_TRUE(IsChineseName("欧阳娜娜"));
  EXPECT_FALSE(IsChineseName("高血压"));  // a diagnosis, though 高 is a surname
  EXPECT_FALSE(IsChineseName("糖尿病"));
  EXPECT_FALSE(IsChineseName("北京"));
  EXPECT_FALSE(IsChineseName("Zhang"));
  EXPECT_TRUE(IsAddress("浙江省杭州市西湖区文三路88号"));
  EXPECT_TRUE(IsAddress("人民路12号"));
  EXPECT_FALSE(IsAddress("杭州市"));
  for (const char* date : {"2024-03-05", "2024/3/5", "2024年3月5日", "20240305", "05/03/2024", "2024-03-05 14:30"}) {
    EXPECT_TRUE(IsDate(date)) << date;
  }
  for (const char* not_date : {"2024-02-30", "13812345678", "3.5", "2024-13-01"})
    EXPECT_FALSE(IsDate(not_date)) << not_date;
  EXPECT_TRUE(IsSexValue("女"));
  EXPECT_TRUE(IsEthnicity("回族"));
  EXPECT_FALSE(IsEthnicity("家族"));
  EXPECT_TRUE(IsRegionName("浙江省"));
  EXPECT_TRUE(IsRegionName("海淀区"));
  EXPECT_TRUE(IsIcd10Code("C18.9"));
  EXPECT_TRUE(IsIcd10Code("C18.900x001"));
  EXPECT_TRUE(MentionsSpecialDisease("B20"));
  EXPECT_TRUE(MentionsSpecialDisease("F32.1"));
  EXPECT_TRUE(MentionsSpecialDisease("HIV感染"));
  EXPECT_FALSE(MentionsSpecialDisease("C18.9"));
}

TEST(IdentifierDetectorsTest, IdentifiersInsideFreeText) {
  const std::string id = ResidentId("33010619800512003");
  const std::string note = "患者张三，男，电话13912345678，身份证" + id + "，邮箱 zs@example.com。";
  auto findings = FindIdentifiersInText(note);
  std::set<IdentifierKind> kinds;
  for (const auto& finding : findings) kinds.insert(finding.kind);
  EXPECT_TRUE(kinds.count(IdentifierKind::kChineseName));
  EXPECT_TRUE(kinds.count(IdentifierKind::kMobilePhone));
  EXPECT_TRUE(kinds.count(IdentifierKind::kResidentId));
  EXPECT_TRUE(kinds.count(IdentifierKind::kEmail));
  for (const auto& finding : findings) {
    if (finding.kind == IdentifierKind::kMobilePhone) {
      EXPECT_EQ(note.substr(finding.offset, finding.length), "13912345678");
    }
  }
  EXPECT_TRUE(FindIdentifiersInText("术后恢复良好，建议3个月后复查CEA。").empty());
  // Bank cards (Luhn) and landlines with their area code inside text; look-alikes stay.
  auto kinds_in = [](const std::string& text) {
    std::vector<std::pair<IdentifierKind, std::string>> found;
    for (const auto& finding : FindIdentifiersInText(text))
      found.push_back({finding.kind, text.substr(finding.offset, finding.length)});
    return found;
  };
  using Found = std::vector<std::pair<IdentifierKind, std::string>>;
  EXPECT_EQ(kinds_in("银行卡4111111111111111缴费"), (Found{{IdentifierKind::kBankCard, "4111111111111111"}}));
  EXPECT_TRUE(kinds_in("批号4111111111111112").empty());  // fails the Luhn check
  EXPECT_EQ(kinds_in("家属电话0571-87654321转"), (Found{{IdentifierKind::kLandline, "0571-87654321"}}));
  EXPECT_TRUE(kinds_in("2021-03-04复查").empty());
}

// Numbers as people type them into notes: groups, separators, full-width digits, Chinese numerals,
// prefixes and parentheses. Each must be found and its whole span masked; look-alikes stay.
TEST(IdentifierDetectorsTest, NumbersWrittenInGroupsWithSeparatorsAndOtherScripts) {
  auto found = [](const std::string& text) {
    std::vector<std::pair<IdentifierKind, std::string>> all;
    for (const auto& finding : FindIdentifiersInText(text))
      all.push_back({finding.kind, text.substr(finding.offset, finding.length)});
    return all;
  };
  using Found = std::vector<std::pair<IdentifierKind, std::string>>;
  const auto mobile = IdentifierKind::kMobilePhone;
  const auto landline = IdentifierKind::kLandline;
  EXPECT_EQ(found("家属电话 138 1234 5678，已告知"), (Found{{mobile, "138 1234 5678"}}));
  EXPECT_EQ(found("联系方式：138-1234-5678。"), (Found{{mobile, "138-1234-5678"}}));
  EXPECT_EQ(found("tel 138.1234.5678"), (Found{{mobile, "138.1234.5678"}}));
  EXPECT_EQ(found("手机１３８１２３４５６７８"), (Found{{mobile, "１３８１２３４５６７８"}}));
  EXPECT_EQ(found("手机１３８ １２３４ ５６７８回访"), (Found{{mobile, "１３８ １２３４ ５６７８"}}));
  EXPECT_EQ(found("电话+86 138 1234 5678"), (Found{{mobile, "86 138 1234 5678"}}));
  EXPECT_EQ(found("号码：一三八一二三四五六七八"), (Found{{mobile, "一三八一二三四五六七八"}}));
  EXPECT_EQ(found("床号12 13812345678"), (Found{{mobile, "13812345678"}}));
  EXPECT_EQ(found("座机(0571)87654321"), (Found{{landline, "(0571)87654321"}}));
  EXPECT_EQ(found("座机（０５７１）８７６５ ４３２１"), (Found{{landline, "（０５７１）８７６５ ４３２１"}}));
  EXPECT_EQ(found("座机0571 8765 4321"), (Found{{landline, "0571 8765 4321"}}));
  EXPECT_EQ(found("座机0571－87654321"), (Found{{landline, "0571－87654321"}}));
  const std::string id = ResidentId("33010619800512003");
  const std::string spaced = id.substr(0, 6) + " " + id.substr(6, 8) + " " + id.substr(14);
  EXPECT_EQ(found("身份证号 " + spaced + " 已核对"), (Found{{IdentifierKind::kResidentId, spaced}}));
  EXPECT_EQ(found("卡号 4111 1111 1111 1111"), (Found{{IdentifierKind::kBankCard, "4111 1111 1111 1111"}}));
  // Look-alikes: dates, lab values, short numeral words, a year, a dose schedule.
  EXPECT_TRUE(found("2021-03-04复查，CEA 3.5 ng/ml，第 2 周期").empty());
  EXPECT_TRUE(found("一二三期临床试验，二〇二三年").empty());
  EXPECT_TRUE(found("血压 130 85 mmHg，心率 72").empty());
  // Whole cells written with full-width digits are phones too.
  EXPECT_TRUE(IsMobilePhone("１３８－１２３４－５６７８"));
}

std::vector<std::string_view> Views(const std::vector<std::string>& values) {
  return std::vector<std::string_view>(values.begin(), values.end());
}

TEST(ColumnScanTest, ValuesDecideWhatAColumnHolds) {
  // A column named col_7 full of valid resident IDs is an ID column.
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.push_back(ResidentId("3301061980051" + std::to_string(2000 + i).substr(0, 4)));
  ColumnScan scan = ScanColumn("col_7", Views(ids), 0);
  EXPECT_EQ(scan.role, ColumnRole::kDirectIdentifier);
  ASSERT_FALSE(scan.detected.empty());
  EXPECT_EQ(scan.detected[0].kind, IdentifierKind::kResidentId);
  EXPECT_EQ(scan.grade, 4);
  // 11-digit lab sample numbers handed out in order are not phones (but, unique to each record,
  // they are a code that identifies it).
  auto kinds = [](const ColumnScan& scan) {
    std::set<IdentifierKind> found;
    for (const auto& detected : scan.detected) found.insert(detected.kind);
    return found;
  };
  std::vector<std::string> samples;
  for (int i = 0; i < 50; ++i) samples.push_back(std::to_string(13900000100LL + i));
  for (const char* header : {"sample_no", "code"}) {
    ColumnScan sample_scan = ScanColumn(header, Views(samples), 0);
    EXPECT_FALSE(kinds(sample_scan).count(IdentifierKind::kMobilePhone)) << header;
    EXPECT_TRUE(kinds(sample_scan).count(IdentifierKind::kUniqueCode)) << header;
  }
  // Repeated sample numbers (several tubes per patient) are not unique codes either.
  std::vector<std::string> tubes(samples.begin(), samples.begin() + 25);
  tubes.insert(tubes.end(), samples.begin(), samples.begin() + 25);
  EXPECT_EQ(ScanColumn("barcode", Views(tubes), 0).role, ColumnRole::kOther);
  // 18-digit numbers whose check digits are wrong are not IDs.
  std::vector<std::string> wrong;
  for (const auto& id : ids) wrong.push_back(id.substr(0, 17) + (id[17] == '1' ? "2" : "1"));
  EXPECT_FALSE(kinds(ScanColumn("col_8", Views(wrong), 0)).count(IdentifierKind::kResidentId));
  // A notes column that mentions a phone number once is a direct identifier.
  std::vector<std::string> notes(40, "术后恢复良好，建议复查。");
  notes[17] = "家属要求电话联系13812345678";
  ColumnScan free_text = ScanColumn("备注", Views(notes), 0);
  EXPECT_EQ(free_text.role, ColumnRole::kDirectIdentifier);
  EXPECT_TRUE(free_text.detected[0].in_text);
  // Diagnoses are sensitive; HIV raises the grade to 5.
  std::vector<std::string> diagnoses = {"C18.9", "I10", "E11.9", "B20", "C18.9", "K35.8"};
  ColumnScan dx = ScanColumn("主要诊断", Views(diagnoses), 0);
  EXPECT_EQ(dx.role, ColumnRole::kSensitive);
  EXPECT_EQ(dx.grade, 5);
  // Quasi-identifiers: sex, birth dates.
  EXPECT_EQ(ScanColumn("xb", Views({"男", "女", "女", "男"}), 0).role, ColumnRole::kQuasiIdentifier);
  EXPECT_EQ(ScanColumn("csrq", Views({"1980-05-12", "1975/3/1", "1990年1月2日"}), 0).role,
            ColumnRole::kQuasiIdentifier);
  EXPECT_EQ(ScanColumn("bmi", Views({"22.5", "31.0"}), 0).role, ColumnRole::kOther);
}

TEST(ReidentificationRiskTest, HandComputedExample) {
  // Six records over (sex, age band): classes {0,1,2} (M,40), {3,4} (F,40), {5} (F,50).
  std::vector<std::vector<uint32_t>> columns = {{0, 0, 0, 1, 1, 1}, {4, 4, 4, 4, 4, 5}};
  SampleRisk risk = ProsecutorRisk(columns, 6, 0.4);
  EXPECT_EQ(risk.classes, 3u);
  EXPECT_EQ(risk.k, 1u);
  EXPECT_DOUBLE_EQ(risk.uniques, 1.0 / 6);
  EXPECT_DOUBLE_EQ(risk.highest_risk, 1.0);
  EXPECT_DOUBLE_EQ(risk.average_risk, 0.5);
  // Risk > 0.4: the class of 2 (0.5) and the unique (1.0): 3 of 6 records.
  EXPECT_DOUBLE_EQ(risk.records_at_risk, 0.5);
}

}  // namespace
}  // namespace medfed::privacy
