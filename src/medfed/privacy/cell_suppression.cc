#include "medfed/privacy/cell_suppression.h"

#include <cstddef>
#include <limits>
#include <utility>

namespace medfed {
namespace {

// Hides one more cell among `cells` (row or column coordinates) if exactly one is hidden.
// Returns true when it changed something.
bool ProtectLine(SuppressedTable& table, const std::vector<std::pair<size_t, size_t>>& cells) {
  int hidden = 0;
  for (auto [r, c] : cells) hidden += table.suppressed[r][c] ? 1 : 0;
  if (hidden != 1 || cells.size() < 2) return false;
  // Smallest non-zero visible cell, else any visible zero.
  const std::pair<size_t, size_t>* best = nullptr;
  double best_value = std::numeric_limits<double>::infinity();
  for (const auto& cell : cells) {
    auto [r, c] = cell;
    if (table.suppressed[r][c]) continue;
    double value = table.counts[r][c];
    double rank = value > 0 ? value : std::numeric_limits<double>::max();
    if (best == nullptr || rank < best_value) {
      best = &cell;
      best_value = rank;
    }
  }
  if (best == nullptr) return false;
  table.suppressed[best->first][best->second] = true;
  ++table.complementary;
  return true;
}

}  // namespace

SuppressedTable SuppressSmallCells(const std::vector<std::vector<double>>& counts,
                                   int min_cell_count) {
  SuppressedTable table;
  table.counts = counts;
  const size_t rows = counts.size();
  const size_t columns = rows == 0 ? 0 : counts[0].size();
  table.suppressed.assign(rows, std::vector<bool>(columns, false));
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < columns; ++c) {
      if (counts[r][c] > 0 && counts[r][c] < min_cell_count) {
        table.suppressed[r][c] = true;
        ++table.primary;
      }
    }
  }
  if (table.primary == 0) return table;
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t r = 0; r < rows; ++r) {
      std::vector<std::pair<size_t, size_t>> line;
      for (size_t c = 0; c < columns; ++c) line.emplace_back(r, c);
      changed = ProtectLine(table, line) || changed;
    }
    for (size_t c = 0; c < columns; ++c) {
      std::vector<std::pair<size_t, size_t>> line;
      for (size_t r = 0; r < rows; ++r) line.emplace_back(r, c);
      changed = ProtectLine(table, line) || changed;
    }
  }
  return table;
}

}  // namespace medfed
