#include "medfed/privacy/discrete_gaussian.h"

#include <cstdlib>

#include "medfed/crypto/secure_random.h"

namespace medfed::privacy {
namespace {

int64_t IntegerSquareRoot(int64_t value) {
  int64_t root = 0;
  for (int64_t bit = int64_t{1} << 31; bit > 0; bit >>= 1) {
    const int64_t candidate = root | bit;
    if (candidate <= value / candidate) root = candidate;
  }
  return root;
}

}  // namespace

DiscreteGaussianSampler::DiscreteGaussianSampler(std::function<uint64_t()> random64)
    : random64_(random64 ? std::move(random64) : std::function<uint64_t()>(crypto::RandomWord64)) {}

DiscreteGaussianSampler::Wide DiscreteGaussianSampler::Uniform(Wide bound) {
  // Rejection from 128 random bits: the accepted range is a whole multiple of bound.
  const Wide limit = ~Wide{0} - (~Wide{0} % bound);
  while (true) {
    const Wide word = (static_cast<Wide>(random64_()) << 64) | random64_();
    if (word < limit) return word % bound;
  }
}

bool DiscreteGaussianSampler::Bernoulli(Wide numerator, Wide denominator) { return Uniform(denominator) < numerator; }

// Algorithm 1 of Canonne et al. for gamma = numerator / denominator in [0, 1]: the parity of
// the first K with Bernoulli(gamma / K) false.
bool DiscreteGaussianSampler::BernoulliExpAtMostOne(Wide numerator, Wide denominator) {
  Wide k = 1;
  while (Bernoulli(numerator, denominator * k)) ++k;
  return (k % 2) == 1;
}

bool DiscreteGaussianSampler::BernoulliExp(Wide numerator, Wide denominator) {
  // exp(-gamma) = exp(-1)^floor(gamma) * exp(-(gamma - floor(gamma))).
  for (Wide whole = numerator / denominator; whole > 0; --whole) {
    if (!BernoulliExpAtMostOne(1, 1)) return false;
  }
  return BernoulliExpAtMostOne(numerator % denominator, denominator);
}

// Algorithm 2 with s = 1: U uniform in [0, t) accepted with probability exp(-U/t), plus t times
// a geometric count; the sign is fair, with the negative zero rejected.
int64_t DiscreteGaussianSampler::DiscreteLaplace(int64_t scale) {
  const Wide t = static_cast<Wide>(scale);
  while (true) {
    const Wide u = Uniform(t);
    if (!BernoulliExp(u, t)) continue;
    int64_t v = 0;
    while (BernoulliExp(1, 1)) ++v;
    const int64_t x = static_cast<int64_t>(u) + scale * v;
    const bool negative = Bernoulli(1, 2);
    if (negative && x == 0) continue;
    return negative ? -x : x;
  }
}

StatusOr<int64_t> DiscreteGaussianSampler::Sample(int64_t variance) {
  if (variance < 1 || variance > kMaxVariance) {
    return InvalidArgument("discrete Gaussian variance " + std::to_string(variance) + " is outside 1.." +
                           std::to_string(kMaxVariance));
  }
  // Algorithm 3: t = floor(sigma) + 1; accept a Laplace draw Y with probability
  // exp(-(|Y| - sigma^2/t)^2 / (2 sigma^2)) = exp(-(|Y| t - sigma^2)^2 / (2 sigma^2 t^2)).
  const int64_t t = IntegerSquareRoot(variance) + 1;
  const Wide denominator = Wide{2} * static_cast<Wide>(variance) * static_cast<Wide>(t) * static_cast<Wide>(t);
  while (true) {
    const int64_t y = DiscreteLaplace(t);
    const int64_t magnitude = std::llabs(y);
    // Beyond 2^40 the acceptance probability is below exp(-2^38): treated as the rejection it
    // all but surely is, which keeps the square inside 128 bits.
    if (magnitude > (int64_t{1} << 40)) continue;
    const __int128 gap = static_cast<__int128>(magnitude) * t - variance;
    const Wide numerator = static_cast<Wide>(gap < 0 ? -gap : gap) * static_cast<Wide>(gap < 0 ? -gap : gap);
    if (BernoulliExp(numerator, denominator)) return y;
  }
}

}  // namespace medfed::privacy
