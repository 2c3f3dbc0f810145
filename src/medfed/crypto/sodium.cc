#include "medfed/crypto/sodium.h"

#include <sodium.h>

namespace medfed::crypto {

Status EnsureSodium() {
  static const int result = sodium_init();  // 0 = initialised, 1 = already initialised
  if (result < 0) return Internal("libsodium could not be initialised (no randomness source?)");
  return absl::OkStatus();
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

Sha256Stream::Sha256Stream() : state_(std::make_unique<crypto_hash_sha256_state>()) {
  crypto_hash_sha256_init(state_.get());
}

Sha256Stream::~Sha256Stream() = default;

void Sha256Stream::Update(std::string_view bytes) {
  crypto_hash_sha256_update(state_.get(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

std::string Sha256Stream::FinalHex() {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(state_.get(), digest);
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string EncodeBase64(std::string_view bytes) {
  if (bytes.empty()) return "";
  std::string text(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  text.pop_back();  // the terminating NUL
  return text;
}

StatusOr<std::string> DecodeBase64(std::string_view text, std::string_view what) {
  std::string bytes(text.size() / 4 * 3 + 3, '\0');
  size_t length = 0;
  if (!text.empty() && sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(),
                                         text.size(), nullptr, &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return InvalidArgument(std::string(what) + ": not valid base64 (corrupted message)");
  }
  bytes.resize(length);
  return bytes;
}

}  // namespace medfed::crypto
