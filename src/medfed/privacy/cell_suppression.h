// Small-cell suppression for released tables of counts.
//
// Primary suppression hides every count c with 0 < c < min_cell_count. Because row and column
// totals are usually known (or can be asked for), a single hidden cell in a row or column could
// be recomputed from the margin; complementary suppression therefore hides further cells until
// every row and every column holds either no hidden cell or at least two. Complements are
// chosen to protect two lines at once where possible, then as the smallest non-zero visible
// cells (hiding a zero protects little). This is the simplest form of the heuristics used by
// statistical offices' table-protection tools (tau-ARGUS's "hypercube" method); it is not
// guaranteed to hide the fewest cells.
#pragma once

#include <cstdint>
#include <vector>

namespace medfed::privacy {

struct SuppressedTable {
  std::vector<std::vector<double>> counts;  // original counts
  std::vector<std::vector<bool>> suppressed;
  int primary = 0;        // cells hidden because they were small
  int complementary = 0;  // cells hidden to protect them
};

SuppressedTable SuppressSmallCells(const std::vector<std::vector<double>>& counts, int min_cell_count);

// Runs complementary suppression again after the caller hid further cells of `table` (a rule of
// its own, e.g. rates hiding more age cells of a row whose adjusted rate is released).
void ProtectLines(SuppressedTable& table);

// One line of counts whose total is known or released: KM strata, log-rank groups. Counts
// 1..min_cell_count-1 are hidden, and if exactly one is, the smallest other non-zero one too.
struct SuppressedLine {
  std::vector<bool> suppressed;
  int primary = 0;
  int complementary = 0;
  bool any() const { return primary + complementary > 0; }
};
SuppressedLine SuppressSmallGroups(const std::vector<double>& counts, int min_cell_count);

}  // namespace medfed::privacy
