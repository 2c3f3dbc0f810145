#include "medfed/governance/release_store.h"

#include <filesystem>

#include "gtest/gtest.h"

namespace medfed::governance {
namespace {

std::string TempDatabase() {
  char pattern[] = "/tmp/medfed_release_XXXXXX";
  const char* directory = mkdtemp(pattern);
  return std::string(directory) + "/state/releases.db";
}

TEST(ReleaseStoreTest, BudgetIsChargedAtomicallyAndSurvivesReopening) {
  const std::string path = TempDatabase();
  {
    auto store = ReleaseStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    // A budget of exactly three releases admits three and refuses the fourth.
    for (int i = 0; i < 3; ++i) {
      auto charge = (*store)->ChargeBudget("alice", "study s analysis " + std::to_string(i), 0.1, 0.3);
      ASSERT_TRUE(charge.ok());
      EXPECT_TRUE(charge->granted) << i;
      EXPECT_NEAR(charge->spent_before, 0.1 * i, 1e-12);
    }
    auto refused = (*store)->ChargeBudget("alice", "study s analysis 3", 0.1, 0.3);
    ASSERT_TRUE(refused.ok());
    EXPECT_FALSE(refused->granted);
    // Researchers have separate budgets.
    auto bob = (*store)->ChargeBudget("bob", "study t", 0.25, 0.3);
    ASSERT_TRUE(bob.ok());
    EXPECT_TRUE(bob->granted);
  }
  auto reopened = ReleaseStore::Open(path);
  ASSERT_TRUE(reopened.ok());
  EXPECT_NEAR(*(*reopened)->Spent("alice"), 0.3, 1e-12);
  EXPECT_NEAR(*(*reopened)->Spent("bob"), 0.25, 1e-12);
  EXPECT_EQ(*(*reopened)->Spent("carol"), 0.0);
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
}

TEST(ReleaseStoreTest, DifferencesAreCountedAgainstEveryEarlierSetOfTheSameTableVersion) {
  auto store = ReleaseStore::Open(":memory:");
  ASSERT_TRUE(store.ok());
  std::vector<uint32_t> all(1000);
  for (uint32_t i = 0; i < 1000; ++i) all[i] = i;
  auto none = (*store)->SmallestDifference("alice", "colon@abc", all, 1000);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE((*store)->RecordRows("alice", "colon@abc", all, 1000).ok());

  // The same set again is no difference at all.
  auto same = (*store)->SmallestDifference("alice", "colon@abc", all, 1000);
  EXPECT_FALSE(same->has_value());
  // All but row 777: one row.
  std::vector<uint32_t> but_one = all;
  but_one.erase(but_one.begin() + 777);
  EXPECT_EQ(**(*store)->SmallestDifference("alice", "colon@abc", but_one, 1000), 1u);
  // Another researcher, or another version of the table, has no history.
  EXPECT_FALSE((*store)->SmallestDifference("bob", "colon@abc", but_one, 1000)->has_value());
  EXPECT_FALSE((*store)->SmallestDifference("alice", "colon@def", but_one, 1000)->has_value());
  // Two overlapping halves that differ by one row each way: a difference of two.
  std::vector<uint32_t> first(all.begin(), all.begin() + 500), second(all.begin() + 1, all.begin() + 501);
  ASSERT_TRUE((*store)->RecordRows("alice", "colon@abc", first, 1000).ok());
  EXPECT_EQ(**(*store)->SmallestDifference("alice", "colon@abc", second, 1000), 2u);
  // A set far from both: the smallest difference is the one reported.
  std::vector<uint32_t> tail(all.begin() + 600, all.end());
  EXPECT_EQ(**(*store)->SmallestDifference("alice", "colon@abc", tail, 1000), 600u);
}

}  // namespace
}  // namespace medfed::governance
