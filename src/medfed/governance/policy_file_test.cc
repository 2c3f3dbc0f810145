#include "medfed/governance/policy_file.h"

#include "gtest/gtest.h"

namespace medfed::governance {
namespace {

TEST(PolicyFileTest, DefaultsAndOverrides) {
  auto policy = ParsePolicy("[disclosure]\nmin_rows = 20\ntime_resolution = 30\n", "p.toml");
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->disclosure.min_rows, 20);
  EXPECT_EQ(policy->disclosure.min_cell_count, 5);
  EXPECT_DOUBLE_EQ(policy->disclosure.glm_max_parameter_fraction, 0.2);
  EXPECT_DOUBLE_EQ(policy->disclosure.time_resolution, 30);
  auto empty = ParsePolicy("", "p.toml");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->disclosure.min_rows, 10);
  // Without [access]: nobody may submit over the network, everything else is allowed, and a
  // person approves each study.
  EXPECT_FALSE(empty->access.researchers.has_value());
  EXPECT_FALSE(empty->access.CheckResearcher("hospital-a", "alice").ok());
  EXPECT_TRUE(empty->access.CheckAnalysis("hospital-a", "glm").ok());
  EXPECT_TRUE(empty->access.manual_approval);
}

TEST(PolicyFileTest, AccessSection) {
  auto policy = ParsePolicy(
      "[access]\nresearchers = [\"alice\", \"bob\"]\nanalyses = [\"count\", \"glm\"]\ntables = [\"colon\"]\n"
      "columns.colon = [\"age\", \"rx\"]\napproval = \"automatic\"\n",
      "site_a.toml");
  ASSERT_TRUE(policy.ok()) << policy.status();
  const privacy::AccessPolicy& access = policy->access;
  EXPECT_TRUE(access.CheckResearcher("hospital-a", "bob").ok());
  auto refused = access.CheckResearcher("hospital-a", "mallory");
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(std::string(refused.message()).find("site hospital-a"), std::string::npos);
  EXPECT_TRUE(access.CheckAnalysis("hospital-a", "glm").ok());
  EXPECT_NE(std::string(access.CheckAnalysis("hospital-a", "cox").message()).find("it allows: count, glm"),
            std::string::npos);
  EXPECT_TRUE(access.CheckTable("hospital-a", "colon").ok());
  EXPECT_FALSE(access.CheckTable("hospital-a", "registry").ok());
  EXPECT_TRUE(access.CheckColumn("hospital-a", "colon", "age").ok());
  EXPECT_FALSE(access.CheckColumn("hospital-a", "colon", "id").ok());
  EXPECT_FALSE(access.manual_approval);
  auto typo = ParsePolicy("[access]\nresearcher = [\"alice\"]\n", "site_a.toml");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(std::string(typo.status().message()).find("site_a.toml:2"), std::string::npos);
  EXPECT_FALSE(ParsePolicy("[access]\napproval = \"sometimes\"\n", "p.toml").ok());
  EXPECT_FALSE(ParsePolicy("[access]\nresearchers = \"alice\"\n", "p.toml").ok());
}

TEST(PolicyFileTest, UnknownKeyNamesTheLine) {
  auto policy = ParsePolicy("[disclosure]\nmin_rows = 20\nmin_cel_count = 3\n", "site_a.toml");
  ASSERT_FALSE(policy.ok());
  std::string message(policy.status().message());
  EXPECT_NE(message.find("site_a.toml:3"), std::string::npos) << message;
  EXPECT_NE(message.find("min_cel_count"), std::string::npos) << message;
}

TEST(PolicyFileTest, RejectsNonsense) {
  EXPECT_FALSE(ParsePolicy("[disclosure]\nmin_rows = \"ten\"\n", "p.toml").ok());
  EXPECT_FALSE(ParsePolicy("[disclosure]\nmin_rows = 0\n", "p.toml").ok());
  EXPECT_FALSE(ParsePolicy("[disclosure\n", "p.toml").ok());
}

TEST(PolicyFileTest, StrictestCombination) {
  privacy::DisclosurePolicy a, b;
  a.min_cell_count = 11;
  b.glm_max_parameter_fraction = 0.1;
  privacy::DisclosurePolicy strictest = privacy::DisclosurePolicy::Strictest({a, b});
  EXPECT_EQ(strictest.min_cell_count, 11);
  EXPECT_DOUBLE_EQ(strictest.glm_max_parameter_fraction, 0.1);
}

}  // namespace
}  // namespace medfed::governance
