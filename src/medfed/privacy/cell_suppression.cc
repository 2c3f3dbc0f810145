#include "medfed/privacy/cell_suppression.h"

#include <cstddef>
#include <limits>
#include <utility>

#include "medfed/privacy/disclosure_policy.h"

namespace medfed::privacy {
namespace {

int HiddenInRow(const SuppressedTable& table, size_t row) {
  int hidden = 0;
  for (bool s : table.suppressed[row]) hidden += s ? 1 : 0;
  return hidden;
}

int HiddenInColumn(const SuppressedTable& table, size_t column) {
  int hidden = 0;
  for (const auto& row : table.suppressed) hidden += row[column] ? 1 : 0;
  return hidden;
}

// Hides one more cell among `cells` (one row or one column) if exactly one is hidden. The
// complement is chosen so as to create as few new unprotected lines as possible: first a cell
// whose crossing line also holds exactly one hidden cell (this protects both), then one whose
// crossing line already holds two or more, then any; within each, the smallest non-zero count
// (a hidden zero protects little), zeros last. Returns true when it changed something.
bool ProtectLine(SuppressedTable& table, const std::vector<std::pair<size_t, size_t>>& cells, bool is_row) {
  int hidden = 0;
  for (auto [r, c] : cells) hidden += table.suppressed[r][c] ? 1 : 0;
  if (hidden != 1 || cells.size() < 2) return false;
  const std::pair<size_t, size_t>* best = nullptr;
  std::pair<int, double> best_rank;
  for (const auto& cell : cells) {
    auto [r, c] = cell;
    if (table.suppressed[r][c]) continue;
    int crossing = is_row ? HiddenInColumn(table, c) : HiddenInRow(table, r);
    int tier = crossing == 1 ? 0 : (crossing >= 2 ? 1 : 2);
    double value = table.counts[r][c];
    std::pair<int, double> rank = {tier, value > 0 ? value : std::numeric_limits<double>::max()};
    if (best == nullptr || rank < best_rank) {
      best = &cell;
      best_rank = rank;
    }
  }
  if (best == nullptr) return false;
  table.suppressed[best->first][best->second] = true;
  ++table.complementary;
  return true;
}

}  // namespace

SuppressedTable SuppressSmallCells(const std::vector<std::vector<double>>& counts, int min_cell_count) {
  SuppressedTable table;
  table.counts = counts;
  const size_t rows = counts.size();
  const size_t columns = rows == 0 ? 0 : counts[0].size();
  table.suppressed.assign(rows, std::vector<bool>(columns, false));
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < columns; ++c) {
      if (IsSmallCount(counts[r][c], min_cell_count)) {
        table.suppressed[r][c] = true;
        ++table.primary;
      }
    }
  }
  if (table.primary == 0) return table;
  ProtectLines(table);
  return table;
}

void ProtectLines(SuppressedTable& table) {
  const size_t rows = table.counts.size();
  const size_t columns = rows == 0 ? 0 : table.counts[0].size();
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t r = 0; r < rows; ++r) {
      std::vector<std::pair<size_t, size_t>> line;
      for (size_t c = 0; c < columns; ++c) line.emplace_back(r, c);
      changed = ProtectLine(table, line, true) || changed;
    }
    for (size_t c = 0; c < columns; ++c) {
      std::vector<std::pair<size_t, size_t>> line;
      for (size_t r = 0; r < rows; ++r) line.emplace_back(r, c);
      changed = ProtectLine(table, line, false) || changed;
    }
  }
}

SuppressedLine SuppressSmallGroups(const std::vector<double>& counts, int min_cell_count) {
  SuppressedTable table = SuppressSmallCells({counts}, min_cell_count);
  SuppressedLine line;
  line.suppressed = table.suppressed.empty() ? std::vector<bool>() : table.suppressed[0];
  line.primary = table.primary;
  line.complementary = table.complementary;
  return line;
}

}  // namespace medfed::privacy
