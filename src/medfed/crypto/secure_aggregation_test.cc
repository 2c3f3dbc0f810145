#include "medfed/crypto/secure_aggregation.h"

#include <algorithm>
#include <cmath>

#include "gtest/gtest.h"

namespace medfed::crypto {
namespace {

std::vector<PairwiseMasker> AgreedMaskers(const std::vector<std::string>& names,
                                          const std::string& session = "session-1") {
  std::vector<PairwiseMasker> maskers;
  std::vector<Participant> directory;
  for (const auto& name : names) {
    auto masker = PairwiseMasker::Create(session, name);
    EXPECT_TRUE(masker.ok());
    directory.push_back({name, masker->public_key()});
    maskers.push_back(*std::move(masker));
  }
  for (auto& masker : maskers) EXPECT_TRUE(masker.Agree(directory).ok());
  return maskers;
}

std::vector<RingElement> Encode(const std::vector<double>& values) {
  auto encoded = EncodeFixedPoint(values);
  EXPECT_TRUE(encoded.ok());
  return *encoded;
}

TEST(SecureAggregationTest, MasksCancelInTheSum) {
  auto maskers = AgreedMaskers({"hospital-c", "hospital-a", "hospital-b"});
  std::vector<std::vector<double>> inputs = {{1.5, -2, 1e9, 0.125}, {10, 20, 30, 40}, {-0.001, 0, 5e-10, 7}};
  std::vector<std::vector<RingElement>> masked;
  for (size_t s = 0; s < maskers.size(); ++s) {
    auto vector = maskers[s].Mask(Encode(inputs[s]), 7);
    ASSERT_TRUE(vector.ok());
    masked.push_back(*vector);
  }
  auto sum = SumMaskedVectors(masked);
  ASSERT_TRUE(sum.ok());
  auto decoded = DecodeFixedPoint(*sum);
  for (size_t i = 0; i < 4; ++i) {
    double expected = inputs[0][i] + inputs[1][i] + inputs[2][i];
    EXPECT_NEAR(decoded[i], expected, 3 * std::ldexp(1.0, -49) + 1e-15 * std::fabs(expected));
  }
}

TEST(SecureAggregationTest, PartialSumsRevealNothingUseful) {
  // Without the third site the masks do not cancel: the decoded partial sum is noise.
  auto maskers = AgreedMaskers({"a", "b", "c"});
  std::vector<std::vector<RingElement>> masked;
  for (size_t s = 0; s < 2; ++s) {
    auto vector = maskers[s].Mask(Encode({1.0, 2.0}), 1);
    ASSERT_TRUE(vector.ok());
    masked.push_back(*vector);
  }
  auto decoded = DecodeFixedPoint(*SumMaskedVectors(masked));
  EXPECT_GT(std::fabs(decoded[0] - 2.0), 1e6);
}

// Top 64 bits of each element as a uniform variate in [0, 1).
std::vector<double> AsUniform(const std::vector<RingElement>& masked) {
  std::vector<double> values;
  for (RingElement element : masked) {
    values.push_back(static_cast<double>(static_cast<uint64_t>(element >> 64)) * 0x1.0p-64);
  }
  std::sort(values.begin(), values.end());
  return values;
}

TEST(SecureAggregationTest, MaskedVectorsOfVeryDifferentInputsAreIndistinguishable) {
  constexpr size_t kLength = 20000;
  auto maskers = AgreedMaskers({"a", "b", "c"});
  auto zeros = maskers[0].Mask(Encode(std::vector<double>(kLength, 0.0)), 1);
  auto large = maskers[0].Mask(Encode(std::vector<double>(kLength, 1e12)), 2);
  ASSERT_TRUE(zeros.ok() && large.ok());
  std::vector<double> a = AsUniform(*zeros);
  std::vector<double> b = AsUniform(*large);
  // Each check uses alpha = 1e-7 so the test is not flaky; an unmasked or weakly masked vector
  // fails all of them by a wide margin (D near 1). Kolmogorov-Smirnov critical value:
  // c(alpha) = sqrt(-log(alpha / 2) / 2) = 2.899; two-sample D_crit = c * sqrt(2 / n).
  double d = 0;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] <= b[j])
      ++i;
    else
      ++j;
    d = std::max(d, std::fabs(static_cast<double>(i) / a.size() - static_cast<double>(j) / b.size()));
  }
  EXPECT_LT(d, 2.899 * std::sqrt(2.0 / kLength));
  // Each is uniform: one-sample KS against U(0, 1).
  for (const auto& sample : {a, b}) {
    double d_uniform = 0;
    for (size_t k = 0; k < sample.size(); ++k) {
      d_uniform = std::max({d_uniform, std::fabs(sample[k] - static_cast<double>(k) / sample.size()),
                            std::fabs(sample[k] - static_cast<double>(k + 1) / sample.size())});
    }
    EXPECT_LT(d_uniform, 2.899 / std::sqrt(static_cast<double>(kLength)));
  }
  // Byte-level: chi-square of the 256 byte values of the masked zero vector (df 255;
  // qchisq(1 - 1e-7, 255) = 390.2).
  std::vector<double> histogram(256, 0);
  for (RingElement element : *zeros) {
    for (int byte = 0; byte < 16; ++byte) histogram[static_cast<uint8_t>(element >> (8 * byte))] += 1;
  }
  double expected = kLength * 16 / 256.0, chi_square = 0;
  for (double count : histogram) chi_square += (count - expected) * (count - expected) / expected;
  EXPECT_LT(chi_square, 390.2);
}

TEST(SecureAggregationTest, RefusesToReuseARound) {
  auto maskers = AgreedMaskers({"a", "b"});
  ASSERT_TRUE(maskers[0].Mask(Encode({1}), 5).ok());
  auto replay = maskers[0].Mask(Encode({2}), 5);
  ASSERT_FALSE(replay.ok());
  EXPECT_NE(replay.status().message().find("replayed or out-of-order"), std::string::npos);
  EXPECT_FALSE(maskers[0].Mask(Encode({2}), 4).ok());
  EXPECT_TRUE(maskers[0].Mask(Encode({2}), 6).ok());
}

TEST(SecureAggregationTest, DetectsASubstitutedOwnKey) {
  auto a = PairwiseMasker::Create("s", "a");
  auto b = PairwiseMasker::Create("s", "b");
  auto intruder = PairwiseMasker::Create("s", "a");
  ASSERT_TRUE(a.ok() && b.ok() && intruder.ok());
  Status status = a->Agree({{"a", intruder->public_key()}, {"b", b->public_key()}});
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_FALSE(a->Agree({{"b", b->public_key()}}).ok());  // self missing
}

TEST(SecureAggregationTest, MasksDifferBetweenSessionsAndRounds) {
  auto first = AgreedMaskers({"a", "b"}, "session-1");
  auto second = AgreedMaskers({"a", "b"}, "session-2");
  auto x1 = first[0].Mask(Encode({0, 0}), 1);
  auto x2 = first[0].Mask(Encode({0, 0}), 2);
  auto y1 = second[0].Mask(Encode({0, 0}), 1);
  ASSERT_TRUE(x1.ok() && x2.ok() && y1.ok());
  EXPECT_NE((*x1)[0], (*x2)[0]);
  EXPECT_NE((*x1)[0], (*y1)[0]);
  EXPECT_NE((*x1)[0], 0);
}

}  // namespace
}  // namespace medfed::crypto
