#include "medfed/crypto/okamoto_uchiyama.h"

#include <gtest/gtest.h>

namespace medfed::crypto {
namespace {

const OuKeyPair& Keys() {
  static const OuKeyPair keys = *OuKeyPair::Generate(2048);
  return keys;
}

TEST(OkamotoUchiyama, EncryptsAndAddsHomomorphically) {
  const OuPublicKey& key = Keys().public_key();
  EXPECT_GE(key.plaintext_bits(), 600);
  EXPECT_EQ(*Keys().Decrypt(key.Encrypt(0)), 0u);
  EXPECT_EQ(*Keys().Decrypt(key.Encrypt(123456789)), 123456789u);
  OuAccumulator sum(key);
  auto a = *sum.Prepare(key.Encrypt(1000));
  auto b = *sum.Prepare(key.Encrypt(234));
  sum.Add(*a);
  sum.Add(*b);
  sum.Add(*b);
  EXPECT_EQ(*Keys().Decrypt(sum.Result()), 1468u);
  EXPECT_EQ(*Keys().Decrypt(key.Rerandomize(sum.Result())), 1468u);
  sum.Reset();
  EXPECT_EQ(*Keys().Decrypt(sum.Result()), 0u);
}

TEST(OkamotoUchiyama, PacksSlots) {
  const OuPublicKey& key = Keys().public_key();
  OuAccumulator sum(key);
  auto seven = *sum.Prepare(key.Encrypt(7));
  auto five = *sum.Prepare(key.Encrypt(5));
  // slot 0: 7 + 5, slot 3: 5, slot 27: 7 + 7.
  sum.Add(*seven);
  sum.Add(*five);
  sum.Add(*sum.Shift(*five, 3 * 24));
  auto high = sum.Shift(*seven, 27 * 24);
  sum.Add(*high);
  sum.Add(*high);
  auto slots = Keys().DecryptPacked(sum.Result(), 24, 28);
  ASSERT_TRUE(slots.ok()) << slots.status();
  std::vector<uint64_t> expected(28, 0);
  expected[0] = 12;
  expected[3] = 5;
  expected[27] = 14;
  EXPECT_EQ(*slots, expected);
  EXPECT_FALSE(Keys().DecryptPacked(sum.Result(), 24, 1000).ok());
}

// What the hub does with a querier's encrypted 0/1 query: scales by a weight it knows, without
// learning the bit; a zero weight or a zero bit gives a fresh-looking E(0), never the number 1.
TEST(OkamotoUchiyama, MultipliesByAPlaintextAndHidesZero) {
  const OuPublicKey& key = Keys().public_key();
  const OuCiphertext one = key.Encrypt(1), zero = key.Encrypt(0);
  EXPECT_EQ(*Keys().Decrypt(*key.Multiply(one, 537)), 537u);
  EXPECT_EQ(*Keys().Decrypt(*key.Multiply(zero, 537)), 0u);
  const OuCiphertext scaled_to_zero = *key.Multiply(one, 0);
  EXPECT_EQ(*Keys().Decrypt(scaled_to_zero), 0u);
  std::string number_one(key.ciphertext_bytes(), '\0');
  number_one.back() = 1;
  EXPECT_NE(scaled_to_zero, number_one);
  EXPECT_NE(*key.Multiply(one, 0), scaled_to_zero);  // re-randomised every time
  EXPECT_FALSE(key.Multiply("short", 2).ok());
}

// What the sites see: the same message encrypts differently each time, and a re-randomised sum
// is a new number; a ciphertext reveals nothing in its bytes about the message.
TEST(OkamotoUchiyama, CiphertextsAreRandomised) {
  const OuPublicKey& key = Keys().public_key();
  const OuCiphertext first = key.Encrypt(42), second = key.Encrypt(42);
  EXPECT_NE(first, second);
  EXPECT_EQ(first.size(), key.ciphertext_bytes());
  EXPECT_EQ(key.Encrypt(0).size(), key.Encrypt(999999).size());
  EXPECT_NE(key.Rerandomize(first), first);
}

TEST(OkamotoUchiyama, KeysSerializeAndForgeriesAreRefused) {
  const OuPublicKey& key = Keys().public_key();
  auto copy = OuPublicKey::Deserialize(key.Serialize());
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ(*Keys().Decrypt(copy->Encrypt(77)), 77u);
  EXPECT_FALSE(OuPublicKey::Deserialize("OU1garbage").ok());
  EXPECT_FALSE(OuPublicKey::Deserialize(key.Serialize().substr(0, 100)).ok());
  // A ciphertext of the wrong size, zero, or one whose plaintext is out of range.
  EXPECT_FALSE(Keys().Decrypt("short").ok());
  EXPECT_FALSE(Keys().Decrypt(std::string(key.ciphertext_bytes(), '\0')).ok());
  OuCiphertext forged = key.Encrypt(1);
  forged[forged.size() / 2] ^= 0x55;
  EXPECT_FALSE(Keys().Decrypt(forged).ok());  // a random number decrypts to a huge plaintext
}

}  // namespace
}  // namespace medfed::crypto
