// Shamir's t-of-n secret sharing (Shamir, "How to share a secret", CACM 1979) over GF(2^8),
// byte by byte: every byte of the secret is the constant term of its own random polynomial of
// degree t-1, and share x holds the polynomials' values at x (1..255). Any t shares give the
// secret back by Lagrange interpolation at 0; any t-1 shares are uniformly distributed whatever
// the secret is, so they reveal nothing about it.
//
// Used by dropout-tolerant secure aggregation (dropout_tolerant_masking.h) to share each
// site's one-time mask secrets among the other sites. The field arithmetic is constant-time
// (no tables indexed by secret bytes, eight bytes per word operation): shares are made on a
// site's machine from its secrets.
#pragma once

#include <cstdint>
#include <vector>

#include "medfed/core/status.h"
#include "medfed/crypto/secret_bytes.h"

namespace medfed::crypto {

struct SecretShare {
  uint8_t x = 0;  // the evaluation point, 1..255; never 0 (that is the secret)
  SecretBytes y;  // one byte per byte of the secret
};

// Splits `secret` into shares at x = 1..`count`, any `threshold` of which recover it.
// 1 <= threshold <= count <= 255.
StatusOr<std::vector<SecretShare>> SplitSecret(const SecretBytes& secret, int threshold, int count);

// Recovers the secret from exactly `threshold` shares or more (the first `threshold` are used);
// x values must be distinct and non-zero, and all shares the same length. With fewer than
// `threshold` shares the answer would be a random-looking value, so it is refused.
StatusOr<SecretBytes> CombineShares(const std::vector<SecretShare>& shares, int threshold);

// GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1 (exposed for the tests).
uint8_t GaloisMultiply(uint8_t a, uint8_t b);
uint8_t GaloisInverse(uint8_t a);  // a != 0

}  // namespace medfed::crypto
