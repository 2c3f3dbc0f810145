#include "medfed/crypto/fixed_point.h"

#include <cmath>

#include "gtest/gtest.h"

namespace medfed::crypto {
namespace {

TEST(FixedPointTest, RoundTripsWithinPrecision) {
  std::vector<double> values = {0, 1, -1, 3.14159265358979, -2.5e-9, 1e15, -4.7e21, 123456.789};
  auto encoded = EncodeFixedPoint(values);
  ASSERT_TRUE(encoded.ok());
  auto decoded = DecodeFixedPoint(*encoded);
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_NEAR(decoded[i], values[i], std::ldexp(1.0, -49) + 1e-15 * std::fabs(values[i]));
  }
}

TEST(FixedPointTest, SumsAreExactInTheRing) {
  std::vector<RingElement> total(1, 0);
  double expected = 0;
  for (int i = 0; i < 1000; ++i) {
    double value = (i % 2 ? -1 : 1) * 1234.5678 * i;
    auto encoded = EncodeFixedPoint({value});
    ASSERT_TRUE(encoded.ok());
    total[0] += (*encoded)[0];
    expected += value;
  }
  EXPECT_NEAR(DecodeFixedPoint(total)[0], expected, 1e-9);
}

TEST(FixedPointTest, RefusesValuesOutOfRangeInsteadOfWrapping) {
  auto too_big = EncodeFixedPoint({1.0, 1e22});
  ASSERT_FALSE(too_big.ok());
  EXPECT_NE(too_big.status().message().find("position 1"), std::string::npos);
  EXPECT_FALSE(EncodeFixedPoint({std::nan("")}).ok());
  EXPECT_FALSE(EncodeFixedPoint({-INFINITY}).ok());
}

TEST(FixedPointTest, SerializationRoundTrips) {
  auto encoded = EncodeFixedPoint({-1.5, 2.25, 0});
  ASSERT_TRUE(encoded.ok());
  auto parsed = DeserializeRing(SerializeRing(*encoded));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, *encoded);
  EXPECT_FALSE(DeserializeRing(std::string(17, 'x')).ok());
}

}  // namespace
}  // namespace medfed::crypto
