#include "medfed/privacy/cell_suppression.h"

#include "gtest/gtest.h"

namespace medfed::privacy {
namespace {

// True when no hidden cell can be recomputed from its row or column total: every row and
// column has zero or at least two hidden cells.
bool MarginsProtect(const SuppressedTable& table) {
  for (size_t r = 0; r < table.suppressed.size(); ++r) {
    int hidden = 0;
    for (bool s : table.suppressed[r]) hidden += s;
    if (hidden == 1 && table.suppressed[r].size() > 1) return false;
  }
  for (size_t c = 0; c < table.suppressed[0].size(); ++c) {
    int hidden = 0;
    for (size_t r = 0; r < table.suppressed.size(); ++r) hidden += table.suppressed[r][c];
    if (hidden == 1 && table.suppressed.size() > 1) return false;
  }
  return true;
}

TEST(CellSuppressionTest, NothingToHide) {
  auto table = SuppressSmallCells({{10, 20}, {40, 30}}, 5);
  EXPECT_EQ(table.primary, 0);
  EXPECT_EQ(table.complementary, 0);
  // A minimum of 1 switches suppression off, zeros included.
  EXPECT_EQ(SuppressSmallCells({{0, 1}, {2, 3}}, 1).primary, 0);
}

TEST(CellSuppressionTest, ZeroIsSmall) {
  // A zero shown where 1..4 are hidden would tell a patient's absence from their presence.
  auto table = SuppressSmallCells({{10, 20}, {0, 30}}, 5);
  EXPECT_EQ(table.primary, 1);
  EXPECT_TRUE(table.suppressed[1][0]);
  // ... and it is protected like any small cell: its row and column hide a second cell.
  EXPECT_EQ(table.complementary, 3);
}

TEST(CellSuppressionTest, HidesSmallCellsAndComplements) {
  auto table = SuppressSmallCells({{3, 40, 50}, {20, 30, 60}, {25, 35, 45}}, 5);
  EXPECT_EQ(table.primary, 1);
  EXPECT_TRUE(table.suppressed[0][0]);
  // Row 0 complement is its smallest other cell (40); column 0 complement its smallest (20).
  EXPECT_TRUE(table.suppressed[0][1]);
  EXPECT_TRUE(table.suppressed[1][0]);
  EXPECT_TRUE(MarginsProtect(table));
  EXPECT_GE(table.complementary, 3);
}

TEST(CellSuppressionTest, OneWayTable) {
  auto table = SuppressSmallCells({{2, 100, 7}}, 5);
  EXPECT_TRUE(table.suppressed[0][0]);
  EXPECT_TRUE(table.suppressed[0][2]);  // smallest complement
  EXPECT_FALSE(table.suppressed[0][1]);
  EXPECT_TRUE(MarginsProtect(table));
}

TEST(CellSuppressionTest, ProtectsRandomTables) {
  uint64_t state = 12345;
  for (int trial = 0; trial < 200; ++trial) {
    size_t rows = 1 + trial % 5, columns = 2 + trial % 4;
    std::vector<std::vector<double>> counts(rows, std::vector<double>(columns));
    for (auto& row : counts) {
      for (auto& cell : row) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        cell = static_cast<double>((state >> 33) % 12);
      }
    }
    auto table = SuppressSmallCells(counts, 5);
    EXPECT_TRUE(MarginsProtect(table)) << "trial " << trial;
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < columns; ++c) {
        if (counts[r][c] > 0 && counts[r][c] < 5) {
          EXPECT_TRUE(table.suppressed[r][c]);
        }
      }
    }
  }
}

}  // namespace
}  // namespace medfed::privacy
