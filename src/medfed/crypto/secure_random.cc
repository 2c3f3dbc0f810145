#include "medfed/crypto/secure_random.h"

#include <sodium.h>

#include "medfed/crypto/sodium.h"

namespace medfed::crypto {

void RandomBytes(void* out, size_t size) {
  (void)EnsureSodium();  // randombytes works without it; sodium_init picks the best source once
  randombytes_buf(out, size);
}

uint64_t RandomWord64() {
  uint64_t word;
  RandomBytes(&word, sizeof word);
  return word;
}

uint32_t RandomBelow(uint32_t upper) {
  (void)EnsureSodium();
  return randombytes_uniform(upper);
}

double RandomUnit() {
  (void)EnsureSodium();
  return (static_cast<double>(randombytes_random()) + 0.5) / 4294967296.0;
}

std::string RandomHex(size_t bytes) {
  SecretBytes raw(bytes);
  RandomBytes(raw.data(), raw.size());
  std::string hex(2 * bytes + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), raw.data(), raw.size());
  hex.pop_back();
  return hex;
}

SecretBytes RandomSecret(size_t bytes) {
  SecretBytes secret(bytes);
  RandomBytes(secret.data(), secret.size());
  return secret;
}

}  // namespace medfed::crypto
