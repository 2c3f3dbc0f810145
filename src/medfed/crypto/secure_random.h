// Randomness for everything that must not be predictable: keys, nonces, session ids, the
// noise of differential privacy and the shuffles that hide row order. All of it comes from
// libsodium's CSPRNG (getrandom(2) on Linux); core/random.h is the seeded generator for
// reproducible synthetic data and is never used for these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "medfed/crypto/secret_bytes.h"

namespace medfed::crypto {

void RandomBytes(void* out, size_t size);
uint64_t RandomWord64();
// Uniform in [0, upper), without modulo bias; upper >= 1.
uint32_t RandomBelow(uint32_t upper);
// Uniform in (0, 1): the midpoints of 2^32 equal cells.
double RandomUnit();
// `bytes` random bytes as lowercase hex: ids and nonces.
std::string RandomHex(size_t bytes);
// A fresh secret key of `bytes` bytes, wiped when it goes.
SecretBytes RandomSecret(size_t bytes);

}  // namespace medfed::crypto
