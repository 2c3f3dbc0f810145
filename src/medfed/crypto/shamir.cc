#include "medfed/crypto/shamir.h"

#include <sodium.h>

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

StatusOr<std::vector<SecretShare>> SplitSecret(const SecretBytes& secret, int threshold, int count) {
  if (threshold < 1 || count < threshold || count > 255) {
    return InvalidArgument("a " + std::to_string(threshold) + "-of-" + std::to_string(count) +
                           " secret sharing is not possible (need 1 <= t <= n <= 255)");
  }
  std::vector<SecretShare> shares(count);
  for (int i = 0; i < count; ++i) {
    shares[i].x = static_cast<uint8_t>(i + 1);
    shares[i].y = SecretBytes(secret.size());
  }
  // Coefficients 1..t-1 of every byte's polynomial, drawn fresh and wiped afterwards.
  SecretBytes coefficients(static_cast<size_t>(threshold - 1) * secret.size());
  if (!coefficients.empty()) RandomBytes(coefficients.data(), coefficients.size());
  for (size_t byte = 0; byte < secret.size(); ++byte) {
    for (int i = 0; i < count; ++i) {
      // Horner's rule from the highest coefficient down to the secret byte.
      uint8_t value = 0;
      for (int degree = threshold - 1; degree >= 1; --degree) {
        value = GaloisMultiply(value, shares[i].x) ^ coefficients.data()[(degree - 1) * secret.size() + byte];
      }
      value = GaloisMultiply(value, shares[i].x) ^ secret.data()[byte];
      shares[i].y.data()[byte] = value;
    }
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
