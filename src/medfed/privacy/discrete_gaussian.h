// Exact sampling of the discrete Gaussian N_Z(0, sigma^2) on the integers, P(x) proportional to
// exp(-x^2 / (2 sigma^2)), by the rejection sampler of Canonne, Kamath & Steinke, "The Discrete
// Gaussian for Differential Privacy" (NeurIPS 2020), Algorithms 1-3: Bernoulli(exp(-gamma))
// from Bernoulli trials of rationals, a discrete Laplace proposal of scale t = floor(sigma) + 1,
// and an exact acceptance test. Every step uses integers (128-bit), never floating point, so the
// output distribution is exactly the stated one (Mironov 2012 showed what floating-point noise
// leaks). sigma^2 is an integer: callers round it up, which only adds privacy.
#pragma once

#include <cstdint>
#include <functional>

#include "medfed/core/status.h"

namespace medfed::privacy {

class DiscreteGaussianSampler {
 public:
  // `random64` returns uniform 64-bit words; the default is libsodium's CSPRNG.
  explicit DiscreteGaussianSampler(std::function<uint64_t()> random64 = nullptr);

  // The largest variance sampled exactly within 128-bit arithmetic.
  static constexpr int64_t kMaxVariance = int64_t{1} << 40;

  // One draw of N_Z(0, variance); variance in 1..kMaxVariance.
  StatusOr<int64_t> Sample(int64_t variance);

 private:
  using Wide = unsigned __int128;
  Wide Uniform(Wide bound);                             // uniform in [0, bound), bound > 0
  bool Bernoulli(Wide numerator, Wide denominator);     // P(true) = numerator / denominator <= 1
  bool BernoulliExp(Wide numerator, Wide denominator);  // P(true) = exp(-numerator / denominator)
  bool BernoulliExpAtMostOne(Wide numerator, Wide denominator);
  int64_t DiscreteLaplace(int64_t scale);  // P(x) proportional to exp(-|x| / scale)

  std::function<uint64_t()> random64_;
};

}  // namespace medfed::privacy
