#include "medfed/crypto/sealed_box.h"

#include <sodium.h>

#include "gtest/gtest.h"

namespace medfed::crypto {
namespace {

SecretBytes Seed(uint8_t fill) {
  SecretBytes seed(32);
  for (size_t i = 0; i < seed.size(); ++i) seed.data()[i] = static_cast<uint8_t>(fill + i);
  return seed;
}

TEST(SealedBox, OnlyTheRecipientOpensItAndTheSeedFixesTheKey) {
  auto alice = BoxKeyPairFromSeed(Seed(1));
  auto again = BoxKeyPairFromSeed(Seed(1));
  auto mallory = BoxKeyPairFromSeed(Seed(2));
  ASSERT_TRUE(alice.ok() && again.ok() && mallory.ok());
  EXPECT_EQ(alice->public_key, again->public_key);
  EXPECT_NE(alice->public_key, mallory->public_key);

  const std::string details = R"({"diagnosis":"D24","contact":"Dr. Li"})";
  auto sealed = SealTo(alice->public_key, details);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  // Hidden: the plaintext is nowhere in the box, and two seals of it differ (ephemeral keys).
  EXPECT_EQ(sealed->find("D24"), std::string::npos);
  EXPECT_NE(*sealed, *SealTo(alice->public_key, details));

  auto opened = OpenSealed(*again, *sealed);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, details);
  EXPECT_FALSE(OpenSealed(*mallory, *sealed).ok());
  std::string altered = *sealed;
  altered[altered.size() / 2] ^= 1;
  EXPECT_FALSE(OpenSealed(*alice, altered).ok());
  EXPECT_FALSE(OpenSealed(*alice, sealed->substr(0, 10)).ok());
}

TEST(SealedBox, AKeyOfTheWrongSizeIsRefused) {
  EXPECT_FALSE(SealTo(std::string(31, 'k'), "x").ok());
  EXPECT_FALSE(BoxKeyPairFromSeed(SecretBytes(16)).ok());
}

}  // namespace
}  // namespace medfed::crypto
