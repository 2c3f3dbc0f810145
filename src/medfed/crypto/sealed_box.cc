#include "medfed/crypto/sealed_box.h"

#include <sodium.h>

#include "medfed/crypto/sodium.h"

namespace medfed::crypto {

static_assert(crypto_box_PUBLICKEYBYTES == kBoxPublicKeyBytes);

StatusOr<BoxKeyPair> BoxKeyPairFromSeed(const SecretBytes& seed) {
  RETURN_IF_ERROR(EnsureSodium());
  if (seed.size() != crypto_box_SEEDBYTES) return InvalidArgument("a box key seed must be 32 bytes");
  BoxKeyPair keys;
  keys.public_key.assign(crypto_box_PUBLICKEYBYTES, '\0');
  keys.secret_key = SecretBytes(crypto_box_SECRETKEYBYTES);
  crypto_box_seed_keypair(reinterpret_cast<unsigned char*>(keys.public_key.data()), keys.secret_key.data(),
                          seed.data());
  return keys;
}

StatusOr<std::string> SealTo(std::string_view public_key, std::string_view message) {
  RETURN_IF_ERROR(EnsureSodium());
  if (public_key.size() != crypto_box_PUBLICKEYBYTES) {
    return InvalidArgument("the recipient's key has " + std::to_string(public_key.size()) + " bytes, not " +
                           std::to_string(crypto_box_PUBLICKEYBYTES));
  }
  std::string sealed(message.size() + crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal(reinterpret_cast<unsigned char*>(sealed.data()),
                      reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                      reinterpret_cast<const unsigned char*>(public_key.data())) != 0) {
    return InvalidArgument("the recipient's key is not a valid X25519 public key");
  }
  return sealed;
}

StatusOr<std::string> OpenSealed(const BoxKeyPair& keys, std::string_view sealed) {
  RETURN_IF_ERROR(EnsureSodium());
  if (sealed.size() < crypto_box_SEALBYTES || keys.public_key.size() != crypto_box_PUBLICKEYBYTES ||
      keys.secret_key.size() != crypto_box_SECRETKEYBYTES) {
    return InvalidArgument("the sealed box is too short, or the key is not a box key");
  }
  std::string message(sealed.size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(
          reinterpret_cast<unsigned char*>(message.data()), reinterpret_cast<const unsigned char*>(sealed.data()),
          sealed.size(), reinterpret_cast<const unsigned char*>(keys.public_key.data()), keys.secret_key.data()) != 0) {
    return PermissionDenied("the sealed box does not open with this key (sealed to another key, or altered)");
  }
  return message;
}

}  // namespace medfed::crypto
