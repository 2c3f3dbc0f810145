#include "medfed/governance/policy_file.h"

#include "gtest/gtest.h"

namespace medfed {
namespace {

TEST(PolicyFileTest, DefaultsAndOverrides) {
  auto policy = ParsePolicy("[disclosure]\nmin_rows = 20\ntime_resolution = 30\n", "p.toml");
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->min_rows, 20);
  EXPECT_EQ(policy->min_cell_count, 5);
  EXPECT_DOUBLE_EQ(policy->glm_max_parameter_fraction, 0.2);
  EXPECT_DOUBLE_EQ(policy->time_resolution, 30);
  auto empty = ParsePolicy("", "p.toml");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->min_rows, 10);
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
  DisclosurePolicy a, b;
  a.min_cell_count = 11;
  b.glm_max_parameter_fraction = 0.1;
  DisclosurePolicy strictest = DisclosurePolicy::Strictest({a, b});
  EXPECT_EQ(strictest.min_cell_count, 11);
  EXPECT_DOUBLE_EQ(strictest.glm_max_parameter_fraction, 0.1);
}

}  // namespace
}  // namespace medfed
