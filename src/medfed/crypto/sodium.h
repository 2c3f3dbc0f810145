// libsodium initialisation (idempotent, thread-safe).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "medfed/core/status.h"

struct crypto_hash_sha256_state;  // libsodium's, defined in <sodium.h>

namespace medfed::crypto {

// Calls sodium_init() once; fails only if libsodium cannot find a source of randomness.
Status EnsureSodium();

// SHA-256 of `bytes` as 64 lowercase hex digits (content fingerprints: submissions, tables).
std::string Sha256Hex(std::string_view bytes);

// SHA-256 over bytes fed in pieces (a variant list line by line), as 64 lowercase hex digits.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(std::string_view bytes);
  std::string FinalHex();  // once

 private:
  std::unique_ptr<crypto_hash_sha256_state> state_;
};

// Standard base64 (RFC 4648 §4), for binary protocol payloads carried in text fields.
std::string EncodeBase64(std::string_view bytes);
// `what` names the payload in the error ("blinded keys: not valid base64 (corrupted message)").
StatusOr<std::string> DecodeBase64(std::string_view text, std::string_view what);

}  // namespace medfed::crypto
