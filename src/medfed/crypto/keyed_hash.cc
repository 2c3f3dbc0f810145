#include "medfed/crypto/keyed_hash.h"

#include <sodium.h>

namespace medfed::crypto {

std::array<uint8_t, 32> HmacSha256(std::string_view key, std::string_view message) {
  static_assert(crypto_auth_hmacsha256_BYTES == 32);
  std::array<uint8_t, 32> mac;
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  sodium_memzero(&state, sizeof state);
  return mac;
}

}  // namespace medfed::crypto
