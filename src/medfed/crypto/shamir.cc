#include "medfed/crypto/shamir.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "medfed/crypto/secure_random.h"

namespace medfed::crypto {

uint8_t GaloisMultiply(uint8_t a, uint8_t b) {
  // Russian-peasant multiplication with masks instead of branches, so the time does not depend
  // on the operands.
  uint8_t product = 0;
  for (int bit = 0; bit < 8; ++bit) {
    product ^= static_cast<uint8_t>(-(b & 1) & a);
    const auto carry = static_cast<uint8_t>(-(a >> 7));
    a = static_cast<uint8_t>((a << 1) ^ (carry & 0x1b));
    b >>= 1;
  }
  return product;
}

uint8_t GaloisInverse(uint8_t a) {
  // a^254 = a^-1 in GF(2^8) (the multiplicative group has order 255); square and multiply over
  // the fixed exponent, so again no branch on the value.
  uint8_t result = 1;
  uint8_t power = a;
  for (int bit = 1; bit < 8; ++bit) {  // 254 = 0b11111110
    power = GaloisMultiply(power, power);
    result = GaloisMultiply(result, power);
  }
  return result;
}

namespace {

// Eight GF(2^8) elements at once: each byte of `word` times the public `x`. Branches only on x;
// xtime (multiply by 2) works on all eight bytes together.
uint64_t MultiplyBytesBy(uint64_t word, uint8_t x) {
  constexpr uint64_t kHighBits = 0x8080808080808080ULL;
  uint64_t product = 0;
  for (; x != 0; x >>= 1) {
    if (x & 1) product ^= word;
    const uint64_t high = word & kHighBits;
    word = ((word & ~kHighBits) << 1) ^ ((high >> 7) * 0x1b);
  }
  return product;
}

}  // namespace

StatusOr<std::vector<SecretShare>> SplitSecret(const SecretBytes& secret, int threshold, int count) {
  if (threshold < 1 || count < threshold || count > 255) {
    return InvalidArgument("a " + std::to_string(threshold) + "-of-" + std::to_string(count) +
                           " secret sharing is not possible (need 1 <= t <= n <= 255)");
  }
  // The secret and the random coefficients 1..t-1 of every byte's polynomial, as 8-byte words
  // (the last one zero-padded); all wiped afterwards.
  const size_t words = (secret.size() + 7) / 8;
  SecretBytes padded(words * 8);
  std::copy(secret.data(), secret.data() + secret.size(), padded.data());
  SecretBytes coefficients(static_cast<size_t>(threshold - 1) * words * 8);
  if (!coefficients.empty()) RandomBytes(coefficients.data(), coefficients.size());
  auto word_at = [](const SecretBytes& bytes, size_t index) {
    uint64_t word = 0;
    std::memcpy(&word, bytes.data() + index * 8, 8);
    return word;
  };
  std::vector<SecretShare> shares(count);
  SecretBytes evaluated(words * 8);
  for (int i = 0; i < count; ++i) {
    const auto x = static_cast<uint8_t>(i + 1);
    for (size_t w = 0; w < words; ++w) {
      // Horner's rule from the highest coefficient down to the secret.
      uint64_t value = 0;
      for (int degree = threshold - 1; degree >= 1; --degree) {
        value = MultiplyBytesBy(value, x) ^ word_at(coefficients, (degree - 1) * words + w);
      }
      value = MultiplyBytesBy(value, x) ^ word_at(padded, w);
      std::memcpy(evaluated.data() + w * 8, &value, 8);
      sodium_memzero(&value, sizeof(value));
    }
    shares[i].x = x;
    shares[i].y = SecretBytes(secret.size());
    std::copy(evaluated.data(), evaluated.data() + secret.size(), shares[i].y.data());
  }
  return shares;
}

StatusOr<SecretBytes> CombineShares(const std::vector<SecretShare>& shares, int threshold) {
  if (threshold < 1 || static_cast<int>(shares.size()) < threshold) {
    return FailedPrecondition("only " + std::to_string(shares.size()) + " shares, " + std::to_string(threshold) +
                              " are needed to recover the secret");
  }
  const size_t length = shares[0].y.size();
  for (int i = 0; i < threshold; ++i) {
    if (shares[i].x == 0) return InvalidArgument("a share at x = 0 is the secret itself; refused");
    if (shares[i].y.size() != length) return InvalidArgument("shares differ in length");
    for (int j = 0; j < i; ++j) {
      if (shares[i].x == shares[j].x) {
        return InvalidArgument("two shares at x = " + std::to_string(shares[i].x));
      }
    }
  }
  // Lagrange basis at 0: l_i(0) = prod_{j != i} x_j / (x_j - x_i); in GF(2^8) minus is xor.
  std::vector<uint8_t> basis(threshold);
  for (int i = 0; i < threshold; ++i) {
    uint8_t numerator = 1;
    uint8_t denominator = 1;
    for (int j = 0; j < threshold; ++j) {
      if (j == i) continue;
      numerator = GaloisMultiply(numerator, shares[j].x);
      denominator = GaloisMultiply(denominator, shares[j].x ^ shares[i].x);
    }
    basis[i] = GaloisMultiply(numerator, GaloisInverse(denominator));
  }
  SecretBytes secret(length);
  for (size_t byte = 0; byte < length; ++byte) {
    uint8_t value = 0;
    for (int i = 0; i < threshold; ++i) value ^= GaloisMultiply(basis[i], shares[i].y.data()[byte]);
    secret.data()[byte] = value;
  }
  return secret;
}

}  // namespace medfed::crypto
