#include "medfed/crypto/shamir.h"

#include <array>
#include <cmath>

#include "gtest/gtest.h"
#include "medfed/crypto/secure_random.h"

namespace medfed::crypto {
namespace {

// Schoolbook carry-less multiplication reduced by the AES polynomial: an independent check of
// the constant-time GaloisMultiply.
uint8_t SlowMultiply(uint8_t a, uint8_t b) {
  unsigned product = 0;
  for (int bit = 0; bit < 8; ++bit) {
    if ((b >> bit) & 1) product ^= static_cast<unsigned>(a) << bit;
  }
  for (int bit = 14; bit >= 8; --bit) {
    if ((product >> bit) & 1) product ^= 0x11bU << (bit - 8);
  }
  return static_cast<uint8_t>(product);
}

SecretBytes Secret(const std::string& text) { return SecretBytes::FromText(text); }

TEST(ShamirTest, FieldArithmeticIsGf256) {
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      ASSERT_EQ(GaloisMultiply(a, b), SlowMultiply(a, b)) << a << " * " << b;
    }
    if (a != 0) EXPECT_EQ(GaloisMultiply(a, GaloisInverse(a)), 1) << a;
  }
}

TEST(ShamirTest, EveryThresholdSubsetRecoversTheSecret) {
  const SecretBytes secret = Secret("the site's one-time mask key, 32b");
  auto shares = SplitSecret(secret, 3, 6);
  ASSERT_TRUE(shares.ok());
  int subsets = 0;
  for (int a = 0; a < 6; ++a) {
    for (int b = a + 1; b < 6; ++b) {
      for (int c = b + 1; c < 6; ++c) {
        auto recovered = CombineShares({(*shares)[c], (*shares)[a], (*shares)[b]}, 3);
        ASSERT_TRUE(recovered.ok());
        EXPECT_EQ(recovered->view(), secret.view());
        ++subsets;
      }
    }
  }
  EXPECT_EQ(subsets, 20);
  // Two shares are refused, not interpolated into a wrong answer.
  EXPECT_FALSE(CombineShares({(*shares)[0], (*shares)[1]}, 3).ok());
  // A duplicated point is refused.
  EXPECT_FALSE(CombineShares({(*shares)[0], (*shares)[0], (*shares)[1]}, 3).ok());
  // Wrong parameters.
  EXPECT_FALSE(SplitSecret(secret, 0, 3).ok());
  EXPECT_FALSE(SplitSecret(secret, 4, 3).ok());
  EXPECT_FALSE(SplitSecret(secret, 2, 256).ok());
}

TEST(ShamirTest, FewerThanThresholdSharesAreUniformWhateverTheSecret) {
  // t - 1 = 2 shares of a 3-of-5 sharing: every byte of every share must be uniform, for an
  // all-zero secret and an all-0xFF one alike (chi-square over 256 cells, 255 df; the 1e-6
  // critical value is about 378).
  for (uint8_t fill : {uint8_t{0x00}, uint8_t{0xFF}}) {
    SecretBytes secret(64);
    std::fill(secret.data(), secret.data() + secret.size(), fill);
    std::array<double, 256> first{};
    std::array<double, 256> joint{};  // xor of the two shares: dependence would show here
    constexpr int kSplits = 400;
    for (int i = 0; i < kSplits; ++i) {
      auto shares = SplitSecret(secret, 3, 5);
      ASSERT_TRUE(shares.ok());
      for (size_t byte = 0; byte < 64; ++byte) {
        first[(*shares)[0].y.data()[byte]] += 1;
        joint[(*shares)[0].y.data()[byte] ^ (*shares)[3].y.data()[byte]] += 1;
      }
    }
    const double expected = kSplits * 64 / 256.0;
    for (const auto* cells : {&first, &joint}) {
      double chi_square = 0;
      for (double count : *cells) chi_square += (count - expected) * (count - expected) / expected;
      EXPECT_LT(chi_square, 378) << "fill " << int(fill);
    }
  }
}

TEST(ShamirTest, ThresholdOneIsTheSecretItself) {
  const SecretBytes secret = Secret("abc");
  auto shares = SplitSecret(secret, 1, 4);
  ASSERT_TRUE(shares.ok());
  for (const auto& share : *shares) EXPECT_EQ(share.y.view(), "abc");
}

}  // namespace
}  // namespace medfed::crypto
