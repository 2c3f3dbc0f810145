// libsodium initialisation (idempotent, thread-safe).
#pragma once

#include <string>
#include <string_view>

#include "medfed/core/status.h"

namespace medfed::crypto {

// Calls sodium_init() once; fails only if libsodium cannot find a source of randomness.
Status EnsureSodium();

// SHA-256 of `bytes` as 64 lowercase hex digits (content fingerprints: submissions, tables).
std::string Sha256Hex(std::string_view bytes);

// Standard base64 (RFC 4648 §4), for binary protocol payloads carried in text fields.
std::string EncodeBase64(std::string_view bytes);
// `what` names the payload in the error ("blinded keys: not valid base64 (corrupted message)").
StatusOr<std::string> DecodeBase64(std::string_view text, std::string_view what);

}  // namespace medfed::crypto
