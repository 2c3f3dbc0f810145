// libsodium initialisation (idempotent, thread-safe).
#pragma once

#include "medfed/core/status.h"

namespace medfed::crypto {

// Calls sodium_init() once; fails only if libsodium cannot find a source of randomness.
Status EnsureSodium();

}  // namespace medfed::crypto
