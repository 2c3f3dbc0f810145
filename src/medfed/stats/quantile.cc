#include "medfed/stats/quantile.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace medfed::stats {

std::vector<uint64_t> Type7Ranks(uint64_t n, double p) {
  if (n == 0) return {};
  double h = static_cast<double>(n - 1) * p + 1;
  auto lower = static_cast<uint64_t>(std::floor(h + 4 * 2.220446e-16 * h));
  lower = std::clamp<uint64_t>(lower, 1, n);
  if (static_cast<double>(lower) >= h || lower == n) return {lower};
  return {lower, lower + 1};
}

double Type7Quantile(uint64_t n, double p, double lower_value, double upper_value) {
  double h = static_cast<double>(n - 1) * p + 1;
  double fraction = h - std::floor(h);
  // R uses x[lo] + (h - lo) * (x[hi] - x[lo]) with a fuzz so exact ranks are not interpolated.
  if (fraction < 4 * 2.220446e-16 * h) return lower_value;
  return lower_value + fraction * (upper_value - lower_value);
}

uint64_t OrderedKey(double value) {
  if (value == 0) value = 0.0;  // -0.0 and 0.0 compare equal
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return (bits & 0x8000000000000000ULL) ? ~bits : bits | 0x8000000000000000ULL;
}

double FromOrderedKey(uint64_t key) {
  uint64_t bits = (key & 0x8000000000000000ULL) ? key & ~0x8000000000000000ULL : ~key;
  double value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

OrderStatisticSearch::OrderStatisticSearch(uint64_t rank) : rank_(rank) {}

std::vector<uint64_t> OrderStatisticSearch::Splits() const {
  // Split the key interval [low, high] into kSplits + 1 parts; the answer is in [low, high].
  std::vector<uint64_t> splits;
  splits.reserve(kSplits);
  const unsigned __int128 width = static_cast<unsigned __int128>(high_ - low_) + 1;
  for (int s = 1; s <= kSplits; ++s) {
    unsigned __int128 offset = width * static_cast<unsigned>(s) / (kSplits + 1);
    uint64_t split = low_ + static_cast<uint64_t>(offset) - 1;
    if (offset == 0) split = low_;
    splits.push_back(std::min(split, high_));
  }
  return splits;
}

void OrderStatisticSearch::Narrow(const std::vector<uint64_t>& splits, const std::vector<double>& counts_at_or_below) {
  // The smallest split whose count reaches the rank bounds the answer from above; the split
  // before it (count < rank) bounds it from below.
  uint64_t new_low = low_;
  uint64_t new_high = high_;
  for (size_t s = 0; s < splits.size(); ++s) {
    if (counts_at_or_below[s] >= static_cast<double>(rank_)) {
      new_high = std::min(new_high, splits[s]);
      break;
    }
    if (splits[s] >= new_low) new_low = splits[s] + 1;
  }
  low_ = std::min(new_low, new_high);
  high_ = new_high;
}

std::vector<double> CountAtOrBelow(const std::vector<double>& values, const std::vector<uint64_t>& splits) {
  std::vector<double> counts(splits.size(), 0.0);
  std::vector<uint64_t> sorted_splits = splits;  // splits arrive ascending
  std::vector<uint64_t> histogram(splits.size() + 1, 0);
  for (double value : values) {
    if (std::isnan(value)) continue;
    uint64_t key = OrderedKey(value);
    size_t bucket =
        static_cast<size_t>(std::lower_bound(sorted_splits.begin(), sorted_splits.end(), key) - sorted_splits.begin());
    ++histogram[bucket];  // key <= splits[bucket], > splits[bucket - 1]
  }
  uint64_t running = 0;
  for (size_t s = 0; s < splits.size(); ++s) {
    running += histogram[s];
    counts[s] = static_cast<double>(running);
  }
  return counts;
}

}  // namespace medfed::stats
