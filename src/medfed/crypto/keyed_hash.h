// HMAC-SHA-256 (RFC 2104, FIPS 198-1) through libsodium: the keyed hash behind de-identification
// pseudonyms and phenotype-match handles. The hash state, which holds the key's pads, is wiped.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace medfed::crypto {

std::array<uint8_t, 32> HmacSha256(std::string_view key, std::string_view message);

}  // namespace medfed::crypto
