// Sample quantiles (R's default, type 7) and the exact order-statistic search that lets sites
// find pooled quantiles without revealing values.
//
// Type 7: with h = (n - 1) p + 1, Q(p) = x_(floor h) + (h - floor h) (x_(floor h + 1) - x_(floor h)).
// The federated search finds the k-th smallest pooled value by narrowing an interval of the
// 64-bit order-preserving key of doubles: every round the sites report (securely summed) how
// many of their values fall at or below each of 255 split points, so 8 rounds pin down any
// double exactly.
#pragma once

#include <cstdint>
#include <vector>

namespace medfed::stats {

// The order statistics (1-based ranks) type-7 quantile `p` needs for `n` values: one or two.
std::vector<uint64_t> Type7Ranks(uint64_t n, double p);
// Combines the order statistics found for those ranks into the quantile.
double Type7Quantile(uint64_t n, double p, double lower_value, double upper_value);

// Order-preserving map between doubles and unsigned 64-bit keys (-0.0 and 0.0 share a key).
uint64_t OrderedKey(double value);
double FromOrderedKey(uint64_t key);

// One order statistic being searched for: the smallest key K with count(keys <= K) >= rank.
class OrderStatisticSearch {
 public:
  static constexpr int kSplits = 255;

  explicit OrderStatisticSearch(uint64_t rank);
  bool Done() const { return low_ == high_; }
  // Split points for the next round (kSplits keys, ascending, within [low, high)).
  std::vector<uint64_t> Splits() const;
  // Counts of pooled values with key <= each split, in the order Splits() returned.
  void Narrow(const std::vector<uint64_t>& splits, const std::vector<double>& counts_at_or_below);
  double Value() const { return FromOrderedKey(low_); }

 private:
  uint64_t rank_;
  uint64_t low_ = 0;
  uint64_t high_ = UINT64_MAX;
};

// Local part of a round: how many of `values` (NaN skipped) have key <= each split.
std::vector<double> CountAtOrBelow(const std::vector<double>& values, const std::vector<uint64_t>& splits);

}  // namespace medfed::stats
