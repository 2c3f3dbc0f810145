#include "medfed/privacy/anonymity_search.h"

#include <algorithm>
#include <chrono>
#include <numeric>

namespace medfed::privacy {
namespace {

// Counts equal 64-bit keys with open addressing: the class of each record in one pass, without
// allocating per key.
class KeyCounter {
 public:
  explicit KeyCounter(size_t keys) {
    size_t capacity = 16;
    while (capacity < 2 * keys) capacity *= 2;
    mask_ = capacity - 1;
    keys_.resize(capacity);
    counts_.resize(capacity);
  }
  void Clear() { std::fill(counts_.begin(), counts_.end(), 0); }
  // The slot of `key`, counting it once more.
  uint32_t Add(uint64_t key) {
    size_t slot = Mix(key) & mask_;
    while (counts_[slot] != 0 && keys_[slot] != key) slot = (slot + 1) & mask_;
    if (counts_[slot] == 0) keys_[slot] = key;
    ++counts_[slot];
    return static_cast<uint32_t>(slot);
  }
  uint32_t count(uint32_t slot) const { return counts_[slot]; }
  size_t capacity() const { return keys_.size(); }

 private:
  static uint64_t Mix(uint64_t key) {  // splitmix64 finalizer
    key ^= key >> 30;
    key *= 0xbf58476d1ce4e5b9ULL;
    key ^= key >> 27;
    key *= 0x94d049bb133111ebULL;
    return key ^ (key >> 31);
  }
  size_t mask_ = 0;
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> counts_;
};

struct Evaluation {
  uint64_t suppressed = 0, classes = 0, smallest_class = 0;
  std::vector<uint8_t> suppress_row;
};

class Lattice {
 public:
  Lattice(const std::vector<QuasiIdentifierLevels>& quasi_identifiers, uint64_t rows)
      : qis_(quasi_identifiers), rows_(rows), counter_(rows), keys_(rows), slots_(rows) {
    // Cell loss of every distinct value at every level, and each level's total over the records.
    for (const auto& qi : qis_) {
      std::vector<std::vector<double>> per_value(qi.generalized.size());
      std::vector<double> total(qi.generalized.size(), 0);
      const size_t distinct = qi.generalized.empty() ? 0 : qi.generalized[0].size();
      std::vector<uint64_t> value_rows(distinct, 0);
      for (uint32_t value : qi.row_value) ++value_rows[value];
      for (size_t level = 0; level < qi.generalized.size(); ++level) {
        std::vector<uint32_t> covered(qi.code_count[level], 0);
        for (uint32_t code : qi.generalized[level]) ++covered[code];
        per_value[level].resize(distinct);
        for (size_t v = 0; v < distinct; ++v) {
          const bool top = static_cast<int>(level) == qi.max_level();
          const double loss = top             ? 1.0
                              : distinct <= 1 ? 0.0
                                              : static_cast<double>(covered[qi.generalized[level][v]] - 1) /
                                                    static_cast<double>(distinct - 1);
          per_value[level][v] = loss;
          total[level] += loss * static_cast<double>(value_rows[v]);
        }
      }
      cell_loss_.push_back(std::move(per_value));
      level_total_.push_back(std::move(total));
    }
  }

  double GeneralizationLoss(const std::vector<int>& levels) const {
    double total = 0;
    for (size_t c = 0; c < qis_.size(); ++c) total += level_total_[c][levels[c]];
    return total;
  }

  // Loss of one quasi-identifier's cells at `level`, suppressed records losing 1, as a fraction.
  double ColumnLoss(size_t column, int level, const std::vector<uint8_t>& suppress_row) const {
    double total = level_total_[column][level];
    for (uint64_t r = 0; r < rows_ && !suppress_row.empty(); ++r) {
      if (suppress_row[r]) total += 1.0 - cell_loss_[column][level][qis_[column].row_value[r]];
    }
    return rows_ == 0 ? 0.0 : total / static_cast<double>(rows_);
  }

  // Loss of a node whose suppressed records are `evaluation.suppress_row`, as a fraction.
  double Loss(const std::vector<int>& levels, const Evaluation& evaluation) const {
    const double cells = static_cast<double>(rows_) * static_cast<double>(std::max<size_t>(qis_.size(), 1));
    double total = GeneralizationLoss(levels);
    if (evaluation.suppressed > 0) {
      for (uint64_t r = 0; r < rows_; ++r) {
        if (!evaluation.suppress_row[r]) continue;
        for (size_t c = 0; c < qis_.size(); ++c) total += 1.0 - cell_loss_[c][levels[c]][qis_[c].row_value[r]];
      }
    }
    return total / cells;
  }

  Evaluation Evaluate(const std::vector<int>& levels, uint64_t k) {
    std::fill(keys_.begin(), keys_.end(), 0);
    uint64_t radix_product = 1;
    for (size_t c = 0; c < qis_.size(); ++c) {
      const QuasiIdentifierLevels& qi = qis_[c];
      const uint64_t radix = std::max<uint32_t>(qi.code_count[levels[c]], 1);
      if (radix_product > (UINT64_MAX >> 1) / radix) Densify(radix_product);
      const std::vector<uint32_t>& codes = qi.generalized[levels[c]];
      for (uint64_t r = 0; r < rows_; ++r) keys_[r] = keys_[r] * radix + codes[qi.row_value[r]];
      radix_product *= radix;
    }
    counter_.Clear();
    for (uint64_t r = 0; r < rows_; ++r) slots_[r] = counter_.Add(keys_[r]);
    Evaluation evaluation;
    evaluation.suppress_row.assign(rows_, 0);
    uint64_t smallest = UINT64_MAX;
    for (uint64_t r = 0; r < rows_; ++r) {
      const uint32_t size = counter_.count(slots_[r]);
      if (size < k) {
        evaluation.suppress_row[r] = 1;
        ++evaluation.suppressed;
      } else {
        smallest = std::min<uint64_t>(smallest, size);
      }
    }
    // Kept classes, each counted at its first record.
    seen_.assign(counter_.capacity(), 0);
    for (uint64_t r = 0; r < rows_; ++r) {
      if (!evaluation.suppress_row[r] && !seen_[slots_[r]]) {
        seen_[slots_[r]] = 1;
        ++evaluation.classes;
      }
    }
    evaluation.smallest_class = smallest == UINT64_MAX ? 0 : smallest;
    return evaluation;
  }

 private:
  // Replaces the combined keys by dense class numbers when the next column would overflow them.
  void Densify(uint64_t& radix_product) {
    counter_.Clear();
    for (uint64_t r = 0; r < rows_; ++r) slots_[r] = counter_.Add(keys_[r]);
    std::vector<int64_t> number(counter_.capacity(), -1);
    uint64_t next = 0;
    for (uint64_t r = 0; r < rows_; ++r) {
      if (number[slots_[r]] < 0) number[slots_[r]] = static_cast<int64_t>(next++);
      keys_[r] = static_cast<uint64_t>(number[slots_[r]]);
    }
    radix_product = std::max<uint64_t>(next, 1);
  }

  const std::vector<QuasiIdentifierLevels>& qis_;
  uint64_t rows_;
  KeyCounter counter_;
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> slots_;
  std::vector<uint8_t> seen_;
  std::vector<std::vector<std::vector<double>>> cell_loss_;  // [qi][level][value]
  std::vector<std::vector<double>> level_total_;             // [qi][level]
};

}  // namespace

AnonymitySearchResult FindOptimalGeneralization(const std::vector<QuasiIdentifierLevels>& quasi_identifiers,
                                                uint64_t rows, const AnonymitySearchOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  AnonymitySearchResult result;
  const size_t width = quasi_identifiers.size();
  const auto allowed = static_cast<uint64_t>(options.suppression_limit * static_cast<double>(rows) + 1e-9);

  // The lattice: every combination of levels between each QI's minimum and its cap (or top).
  std::vector<int> low(width), span(width);
  uint64_t nodes = 1;
  for (size_t c = 0; c < width; ++c) {
    const QuasiIdentifierLevels& qi = quasi_identifiers[c];
    low[c] = std::clamp(qi.min_level, 0, qi.max_level());
    const int high = qi.cap_level < 0 ? qi.max_level() : std::clamp(qi.cap_level, low[c], qi.max_level());
    span[c] = high - low[c] + 1;
    if (nodes > options.max_nodes / static_cast<uint64_t>(span[c])) {
      result.lattice_nodes = UINT64_MAX;
      return result;
    }
    nodes *= static_cast<uint64_t>(span[c]);
  }
  result.lattice_nodes = nodes;
  auto decode = [&](uint64_t index) {
    std::vector<int> levels(width);
    for (size_t c = 0; c < width; ++c) {
      levels[c] = low[c] + static_cast<int>(index % static_cast<uint64_t>(span[c]));
      index /= static_cast<uint64_t>(span[c]);
    }
    return levels;
  };

  std::vector<uint64_t> stride(width);
  for (size_t c = 0; c < width; ++c) stride[c] = c == 0 ? 1 : stride[c - 1] * static_cast<uint64_t>(span[c - 1]);

  Lattice lattice(quasi_identifiers, rows);
  std::vector<double> bound(nodes);
  std::vector<int> height(nodes);
  for (uint64_t index = 0; index < nodes; ++index) {
    const std::vector<int> levels = decode(index);
    bound[index] = lattice.GeneralizationLoss(levels);
    height[index] = std::accumulate(levels.begin(), levels.end(), 0);
  }
  std::vector<uint64_t> order(nodes);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](uint64_t a, uint64_t b) { return bound[a] != bound[b] ? bound[a] < bound[b] : height[a] < height[b]; });

  // Predictive tagging: a node found anonymous tags its whole up-set, a node found not anonymous
  // its whole down-set (each node is tagged once, so tagging costs O(nodes x width) in all).
  enum : uint8_t { kUnknown, kAnonymous, kNotAnonymous };
  std::vector<uint8_t> status(nodes, kUnknown);
  std::vector<double> known_loss(nodes, -1);  // for nodes already evaluated
  std::vector<uint64_t> stack;
  auto tag = [&](uint64_t start, uint8_t value) {
    stack.assign(1, start);
    while (!stack.empty()) {
      const uint64_t index = stack.back();
      stack.pop_back();
      if (status[index] == value) continue;
      status[index] = value;
      uint64_t rest = index;
      for (size_t c = 0; c < width; ++c) {
        const uint64_t digit = rest % static_cast<uint64_t>(span[c]);
        rest /= static_cast<uint64_t>(span[c]);
        if (value == kAnonymous && digit + 1 < static_cast<uint64_t>(span[c])) stack.push_back(index + stride[c]);
        if (value == kNotAnonymous && digit > 0) stack.push_back(index - stride[c]);
      }
    }
  };

  const double cells = static_cast<double>(rows) * static_cast<double>(std::max<size_t>(width, 1));
  double best_loss = 2;
  auto check = [&](uint64_t index) {
    const std::vector<int> levels = decode(index);
    Evaluation evaluation = lattice.Evaluate(levels, options.k);
    ++result.checks;
    if (evaluation.suppressed > allowed) {
      tag(index, kNotAnonymous);
      return evaluation.suppressed;
    }
    tag(index, kAnonymous);
    const double loss = lattice.Loss(levels, evaluation);
    known_loss[index] = loss;
    if (loss < best_loss) {
      best_loss = loss;
      result.found = true;
      result.levels = levels;
      result.loss = loss;
      result.suppressed = evaluation.suppressed;
      result.classes = evaluation.classes;
      result.smallest_class = evaluation.smallest_class;
      result.suppress_row = std::move(evaluation.suppress_row);
    }
    return evaluation.suppressed;
  };
  // Flash's step: from an unknown node, a path up to the top (raising the lowest level first),
  // then a binary search on it for the lowest anonymous node; the checks on the way tag large
  // parts of the lattice.
  auto resolve = [&](uint64_t start) {
    std::vector<uint64_t> path = {start};
    std::vector<int> levels = decode(start);
    while (true) {
      size_t raise = width;
      for (size_t c = 0; c < width; ++c) {
        if (levels[c] < low[c] + span[c] - 1 && (raise == width || levels[c] - low[c] < levels[raise] - low[raise]))
          raise = c;
      }
      if (raise == width) break;
      ++levels[raise];
      path.push_back(path.back() + stride[raise]);
    }
    size_t lo = 0, hi = path.size();  // the answer lies in [lo, hi)
    while (lo < hi && status[start] == kUnknown) {
      // Skip ends already known.
      while (lo < hi && status[path[lo]] == kNotAnonymous) ++lo;
      while (hi > lo && status[path[hi - 1]] == kAnonymous) --hi;
      if (lo >= hi) break;
      const size_t middle = lo + (hi - lo) / 2;
      if (status[path[middle]] == kUnknown) check(path[middle]);
      if (status[path[middle]] == kAnonymous) {
        hi = middle;
      } else {
        lo = middle + 1;
      }
    }
  };

  // The policy's own levels first: the report says what they alone would have suppressed.
  result.minimum_node_suppressed = check(0);
  for (uint64_t index : order) {
    if (result.found && bound[index] / cells >= best_loss) break;  // no later node can do better
    if (status[index] == kUnknown) resolve(index);
    if (status[index] == kAnonymous && known_loss[index] < 0) check(index);
  }
  if (result.found) {
    for (size_t c = 0; c < width; ++c) {
      result.column_loss.push_back(lattice.ColumnLoss(c, result.levels[c], result.suppress_row));
    }
  }
  result.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace medfed::privacy
