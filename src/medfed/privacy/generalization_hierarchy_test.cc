#include "medfed/privacy/generalization_hierarchy.h"

#include <gtest/gtest.h>

namespace medfed::privacy {
namespace {

TEST(DateHierarchy, ReadsEveryCommonFormatAndGeneralizes) {
  const GeneralizationHierarchy date = DateHierarchy();
  for (const char* written : {"2024-03-05", "2024/3/5", "2024年3月5日", "20240305", "05/03/2024"}) {
    EXPECT_EQ(date.generalize(written, 0), "2024-03-05") << written;
    EXPECT_EQ(date.generalize(written, 1), "2024-03") << written;
    EXPECT_EQ(date.generalize(written, 2), "2024") << written;
  }
  EXPECT_EQ(date.generalize("1942-05-12", 3), "1940-1944");
  EXPECT_EQ(date.generalize("1942-05-12", 4), "1940-1949");
  EXPECT_EQ(date.generalize("1942-05-12", 5), "*");
  EXPECT_EQ(date.generalize("not a date", 0), "not a date");
  EXPECT_EQ(date.generalize("not a date", 2), "*");  // nothing readable to keep
  EXPECT_EQ(date.generalize("", 2), "");             // missing stays missing
  EXPECT_EQ(date.FindLevel("year"), 2);
  EXPECT_EQ(date.FindLevel("3"), 3);
  EXPECT_FALSE(date.FindLevel("week"));
}

TEST(AgeHierarchy, BandsAndTopCodesAt90) {
  const GeneralizationHierarchy age = AgeHierarchy();
  EXPECT_EQ(age.generalize("47", 0), "47");
  EXPECT_EQ(age.generalize("47.9", 1), "45-49");
  EXPECT_EQ(age.generalize("47岁", 2), "40-49");
  EXPECT_EQ(age.generalize("47", 3), "40-59");
  EXPECT_EQ(age.generalize("89", 1), "85-89");
  EXPECT_EQ(age.generalize("90", 0), "90+");  // Safe Harbor: even at the finest level
  EXPECT_EQ(age.generalize("103", 1), "90+");
  EXPECT_EQ(age.generalize("85", 3), "80+");
  EXPECT_EQ(age.generalize("4", 1), "0-4");
  EXPECT_EQ(age.generalize("forty", 1), "*");
}

TEST(PostalCodeHierarchy, KeepsPrefixes) {
  const GeneralizationHierarchy postal = PostalCodeHierarchy();
  EXPECT_EQ(postal.generalize("310012", 0), "310012");
  EXPECT_EQ(postal.generalize("310012", 1), "3100**");
  EXPECT_EQ(postal.generalize("310012", 2), "310***");
  EXPECT_EQ(postal.generalize("310012", 3), "31****");
  EXPECT_EQ(postal.generalize("31001", 1), "*");
}

TEST(AddressHierarchy, CutsAtAdministrativeLevels) {
  const GeneralizationHierarchy address = AddressHierarchy();
  const std::string full = "浙江省杭州市西湖区人民路270号416室";
  EXPECT_EQ(address.generalize(full, 1), "浙江省杭州市西湖区");
  EXPECT_EQ(address.generalize(full, 2), "浙江省杭州市");
  EXPECT_EQ(address.generalize(full, 3), "浙江省");
  EXPECT_EQ(address.generalize(full, 4), "*");
  EXPECT_EQ(address.generalize("北京市海淀区中关村大街1号", 1), "北京市海淀区");
  EXPECT_EQ(address.generalize("北京市海淀区中关村大街1号", 2), "北京市");
  EXPECT_EQ(address.generalize("广西壮族自治区南宁市青秀区民族大道1号", 2), "广西壮族自治区南宁市");
  EXPECT_EQ(address.generalize("人民路12号", 2), "*");  // no administrative prefix to keep
}

TEST(EthnicityAndMappingHierarchies, Generalize) {
  const GeneralizationHierarchy ethnicity = EthnicityHierarchy();
  EXPECT_EQ(ethnicity.generalize("回族", 1), "少数民族");
  EXPECT_EQ(ethnicity.generalize("汉族", 1), "汉族");
  const GeneralizationHierarchy mapping = MappingHierarchy(
      "education.csv",
      {{"Bachelors", {"Undergraduate", "Higher education"}}, {"Masters", {"Graduate", "Higher education"}}});
  EXPECT_EQ(mapping.top(), 3);
  EXPECT_EQ(mapping.generalize("Masters", 1), "Graduate");
  EXPECT_EQ(mapping.generalize("Masters", 2), "Higher education");
  EXPECT_EQ(mapping.generalize("Masters", 3), "*");
  EXPECT_EQ(mapping.generalize("Doctorate", 1), "*");  // not in the table
}

}  // namespace
}  // namespace medfed::privacy
