// A small, fully specified pseudo-random generator (xoshiro256**, seeded by splitmix64) and
// the distributions the synthetic-data generators need. Unlike <random>'s distributions its
// output is identical on every platform and standard library, so a seed reproduces the same
// bundled CSV files byte for byte. Not for cryptography: crypto/ uses libsodium.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace medfed {

class DeterministicRandom {
 public:
  explicit DeterministicRandom(uint64_t seed) {
    for (auto& word : state_) word = SplitMix(seed);
  }

  uint64_t NextU64() {
    const uint64_t result = Rotate(state_[1] * 5, 7) * 9;
    const uint64_t shifted = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = Rotate(state_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }
  double Uniform(double low, double high) { return low + (high - low) * Uniform(); }
  // Uniform integer in [0, bound).
  uint64_t Below(uint64_t bound) { return bound == 0 ? 0 : NextU64() % bound; }
  bool Bernoulli(double p) { return Uniform() < p; }

  // Standard normal by the Marsaglia polar method (uses only +, *, log, sqrt).
  double Normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * Uniform() - 1.0;
      v = 2.0 * Uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double factor = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * factor;
    has_spare_ = true;
    return u * factor;
  }
  double Normal(double mean, double sd) { return mean + sd * Normal(); }
  double Exponential(double rate) { return -std::log(1.0 - Uniform()) / rate; }

  // Poisson by inversion for small means, normal approximation (rounded) above 50.
  int64_t Poisson(double mean) {
    if (mean > 50) {
      double draw = std::round(Normal(mean, std::sqrt(mean)));
      return draw < 0 ? 0 : static_cast<int64_t>(draw);
    }
    double limit = std::exp(-mean);
    double product = Uniform();
    int64_t count = 0;
    while (product > limit) {
      product *= Uniform();
      ++count;
    }
    return count;
  }

  // Index drawn with probability proportional to `weights`.
  size_t Categorical(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double target = Uniform() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      target -= weights[i];
      if (target < 0) return i;
    }
    return weights.size() - 1;
  }

 private:
  static uint64_t Rotate(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t SplitMix(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  uint64_t state_[4];
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace medfed
