// Fixed-point encoding of real numbers into the ring Z_2^128, the arithmetic domain of secure
// aggregation (docs/protocols/secure-aggregation.md).
//
// A value x is encoded as round(x * 2^48) in two's complement, i.e. 48 fractional bits: the
// absolute precision is 2^-48 ~ 3.6e-15 per value. A site refuses to encode |x| > 2^72
// (~4.7e21) or a non-finite value with an error instead of wrapping around; with at most 128
// sites the sum of encodings stays below 2^127 and decodes exactly. Analyses keep their values
// inside this range by standardising design columns (stats/standardization.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "medfed/core/status.h"

namespace medfed::crypto {

using RingElement = unsigned __int128;

inline constexpr int kFractionalBits = 48;
inline constexpr double kMaxEncodableMagnitude = 4722366482869645213696.0;  // 2^72
inline constexpr size_t kMaxAggregationParties = 128;

// Encodes every value; the error names the first value out of range and its position.
StatusOr<std::vector<RingElement>> EncodeFixedPoint(const std::vector<double>& values);
std::vector<double> DecodeFixedPoint(const std::vector<RingElement>& encoded);

// Little-endian serialisation, 16 bytes per element.
std::string SerializeRing(const std::vector<RingElement>& values);
StatusOr<std::vector<RingElement>> DeserializeRing(const std::string& bytes);

}  // namespace medfed::crypto
