// k-anonymity by full-domain generalization and record suppression, with the least information
// loss: a search of the generalization lattice in the spirit of ARX's Flash (Kohlmayer et al.,
// "Flash: efficient, stable and optimal k-anonymity", PASSAT 2012).
//
// A node of the lattice gives each quasi-identifier a level of its hierarchy. A node is
// anonymous when the records in equivalence classes smaller than k are at most the suppression
// limit; anonymity is monotone (generalizing merges classes, so it never adds outliers), which
// lets one check tag many nodes: every generalization of an anonymous node is anonymous, every
// specialization of a non-anonymous node is not ("predictive tagging").
//
// Loss is ARX's "Loss" metric (Iyengar 2002): a cell generalized to a value that covers m of the
// column's D distinct values loses (m-1)/(D-1); a suppressed record loses 1 in every cell; the
// node's loss is the mean over cells. The generalization part alone is monotone and a lower bound
// of the loss, so nodes are visited in order of that bound and the search stops when the bound
// reaches the best loss found: the result is the optimum, not a heuristic.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace medfed::privacy {

// One quasi-identifier, prepared from its distinct values: row_value[r] is row r's distinct
// value; generalized[level][v] is the code of distinct value v at `level` (codes at a level are
// 0..code_count[level]-1). Levels below min_level are not allowed by the policy, nor are levels
// above cap_level when it is set (a date kept at least as a 5-year band); the loss of a cell is
// measured against the whole hierarchy either way.
struct QuasiIdentifierLevels {
  std::string name;
  std::vector<uint32_t> row_value;
  std::vector<std::vector<uint32_t>> generalized;
  std::vector<uint32_t> code_count;
  int min_level = 0;
  int cap_level = -1;  // the coarsest level the search may choose; -1: the top
  int max_level() const { return static_cast<int>(generalized.size()) - 1; }
};

struct AnonymitySearchOptions {
  uint64_t k = 5;
  double suppression_limit = 0.05;  // fraction of records
  uint64_t max_nodes = 5'000'000;   // lattices larger than this are refused (reduce the QIs)
};

struct AnonymitySearchResult {
  bool found = false;
  std::vector<int> levels;                   // per quasi-identifier
  double loss = 0;                           // of the chosen node, 0..1
  std::vector<double> column_loss;           // per quasi-identifier: the mean loss of its cells, 0..1
  uint64_t suppressed = 0;                   // records in classes smaller than k
  std::vector<uint8_t> suppress_row;         // 1 for each suppressed record
  uint64_t classes = 0, smallest_class = 0;  // among the kept records
  uint64_t lattice_nodes = 0, checks = 0;    // nodes in the lattice; nodes whose classes were counted
  uint64_t minimum_node_suppressed = 0;      // what the policy's own levels alone would suppress
  double milliseconds = 0;                   // wall-clock time of the search
};

AnonymitySearchResult FindOptimalGeneralization(const std::vector<QuasiIdentifierLevels>& quasi_identifiers,
                                                uint64_t rows, const AnonymitySearchOptions& options);

}  // namespace medfed::privacy
