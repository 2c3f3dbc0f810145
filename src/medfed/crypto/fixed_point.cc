#include "medfed/crypto/fixed_point.h"

#include <bit>
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
    const auto fixed = static_cast<__int128>(std::nearbyint(x * kScale));
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

// The wire format is little-endian, which is the in-memory layout of unsigned __int128 on the
// platforms medfed builds for; a copy is the whole conversion.
static_assert(std::endian::native == std::endian::little, "the ring wire format is little-endian");

std::string SerializeRing(const std::vector<RingElement>& values) {
  std::string bytes(values.size() * sizeof(RingElement), '\0');
  if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

StatusOr<std::vector<RingElement>> DeserializeRing(const std::string& bytes) {
  if (bytes.size() % 16 != 0) {
    return InvalidArgument("a masked vector must be a multiple of 16 bytes, got " + std::to_string(bytes.size()));
  }
  std::vector<RingElement> values(bytes.size() / 16);
  if (!values.empty()) std::memcpy(values.data(), bytes.data(), bytes.size());
  return values;
}

}  // namespace medfed::crypto
