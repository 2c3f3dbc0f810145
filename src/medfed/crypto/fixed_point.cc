#include "medfed/crypto/fixed_point.h"

#include <cmath>
#include <cstring>

#include "medfed/core/text.h"

namespace medfed::crypto {
namespace {

constexpr double kScale = 281474976710656.0;  // 2^48

}  // namespace

StatusOr<std::vector<RingElement>> EncodeFixedPoint(const std::vector<double>& values) {
  std::vector<RingElement> encoded(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const double x = values[i];
    if (!std::isfinite(x) || std::fabs(x) > kMaxEncodableMagnitude) {
      return OutOfRange("value " + FormatSignificant(x, 6) + " at position " + std::to_string(i) +
                        " cannot be encoded for secure aggregation (finite values up to 2^72 in "
                        "magnitude only); this usually means a covariate in extreme units or a "
                        "model that diverged");
    }
    const __int128 fixed = static_cast<__int128>(std::nearbyint(x * kScale));
    encoded[i] = static_cast<RingElement>(fixed);
  }
  return encoded;
}

std::vector<double> DecodeFixedPoint(const std::vector<RingElement>& encoded) {
  std::vector<double> values(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    // __int128 -> double is correctly rounded (libgcc's __floattidf).
    values[i] = static_cast<double>(static_cast<__int128>(encoded[i])) / kScale;
  }
  return values;
}

std::string SerializeRing(const std::vector<RingElement>& values) {
  std::string bytes(values.size() * 16, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    RingElement v = values[i];
    for (int b = 0; b < 16; ++b) {
      bytes[i * 16 + static_cast<size_t>(b)] = static_cast<char>(static_cast<uint8_t>(v));
      v >>= 8;
    }
  }
  return bytes;
}

StatusOr<std::vector<RingElement>> DeserializeRing(const std::string& bytes) {
  if (bytes.size() % 16 != 0) {
    return InvalidArgument("a masked vector must be a multiple of 16 bytes, got " +
                           std::to_string(bytes.size()));
  }
  std::vector<RingElement> values(bytes.size() / 16);
  for (size_t i = 0; i < values.size(); ++i) {
    RingElement v = 0;
    for (int b = 15; b >= 0; --b) {
      v = (v << 8) | static_cast<uint8_t>(bytes[i * 16 + static_cast<size_t>(b)]);
    }
    values[i] = v;
  }
  return values;
}

}  // namespace medfed::crypto
