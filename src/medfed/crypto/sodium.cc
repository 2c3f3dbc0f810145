#include "medfed/crypto/sodium.h"

#include <sodium.h>

namespace medfed::crypto {

Status EnsureSodium() {
  static const int result = sodium_init();  // 0 = initialised, 1 = already initialised
  if (result < 0) return Internal("libsodium could not be initialised (no randomness source?)");
  return absl::OkStatus();
}

}  // namespace medfed::crypto
