// Public-key sealed boxes (libsodium crypto_box_seal: X25519, XSalsa20-Poly1305, an ephemeral
// sender key): a message only the holder of the recipient's secret key can open, from a sender
// who stays anonymous. Used where a site answers one researcher through a hub that must not read
// the answer (a contact request's released details). Authenticity is not the box's job: the
// sender signs the box separately.
#pragma once

#include <string>
#include <string_view>

#include "medfed/core/status.h"
#include "medfed/crypto/secret_bytes.h"

namespace medfed::crypto {

inline constexpr size_t kBoxPublicKeyBytes = 32;

struct BoxKeyPair {
  std::string public_key;  // 32 bytes
  SecretBytes secret_key;  // 32 bytes
};

// The key pair derived from a 32-byte seed (the same seed, the same pair): a recipient can
// re-derive its key from a secret it already keeps instead of storing a new one.
StatusOr<BoxKeyPair> BoxKeyPairFromSeed(const SecretBytes& seed);

// Seals `message` to `public_key`; an error if the key is not 32 bytes.
StatusOr<std::string> SealTo(std::string_view public_key, std::string_view message);
// Opens a box sealed to `keys`; an error if it was sealed to another key or altered.
StatusOr<std::string> OpenSealed(const BoxKeyPair& keys, std::string_view sealed);

}  // namespace medfed::crypto
