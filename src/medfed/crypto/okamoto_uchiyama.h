// Okamoto–Uchiyama additively homomorphic encryption (Okamoto and Uchiyama, "A new public-key
// cryptosystem as secure as factoring", EUROCRYPT 1998), on OpenSSL BIGNUMs, with slot packing
// for many small sums per ciphertext.
//
//   keys:     n = p^2 q (|p| = |q| = bits/3), g with g^(p-1) mod p^2 != 1, h = g^n mod n
//   encrypt:  c = g^m h^r mod n                 (0 <= m < 2^(|p|-1), r random)
//   add:      c1 c2 mod n = E(m1 + m2);  c^k mod n = E(k m)
//   decrypt:  m = L(c^(p-1) mod p^2) / L(g^(p-1) mod p^2) mod p,  L(x) = (x - 1) / p
//
// Chosen by docs/protocols/match.md: a ciphertext is |n| bits (half of Paillier's), additions are
// one multiplication mod n and decryption works mod p^2; SecretFlow's HEU measures it 30x faster
// than Paillier. Its known weakness is chosen-ciphertext key recovery (decryptions of
// out-of-range plaintexts reveal p), so only the key owner ever decrypts and never shows a
// decryption that did not pass its range check.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "medfed/core/status.h"

namespace medfed::crypto {

// A ciphertext: a big-endian integer mod n, padded to the modulus size.
using OuCiphertext = std::string;

class OuPublicKey {
 public:
  static StatusOr<OuPublicKey> Deserialize(const std::string& bytes);
  std::string Serialize() const;

  OuCiphertext Encrypt(uint64_t message) const;
  // E(0) with a short (256-bit) random exponent: re-randomises a ciphertext cheaply. Hides which
  // ciphertexts were combined into it from the key owner: distinguishing needs a 256-bit
  // short-exponent discrete logarithm.
  OuCiphertext Rerandomize(const OuCiphertext& ciphertext) const;
  // E(k m) from E(m): c^k mod n, re-randomised, so that k = 0 does not show as the number 1. An
  // error when `ciphertext` is not one of this key's.
  StatusOr<OuCiphertext> Multiply(const OuCiphertext& ciphertext, uint64_t k) const;

  // Plaintext bits available: messages and packed sums must stay below 2^(plaintext_bits).
  int plaintext_bits() const { return plaintext_bits_; }
  size_t ciphertext_bytes() const { return modulus_bytes_; }

  struct Numbers;  // BIGNUMs and the Montgomery context (okamoto_uchiyama.cc)
  std::shared_ptr<const Numbers> numbers() const { return numbers_; }

 private:
  std::shared_ptr<const Numbers> numbers_;
  int plaintext_bits_ = 0;
  size_t modulus_bytes_ = 0;
  friend class OuKeyPair;
};

// Sums of ciphertexts mod n, kept in Montgomery form: the inner loop of encrypted scoring.
class OuAccumulator {
 public:
  explicit OuAccumulator(const OuPublicKey& key);
  ~OuAccumulator();
  OuAccumulator(const OuAccumulator&) = delete;
  OuAccumulator& operator=(const OuAccumulator&) = delete;

  // A ciphertext prepared for repeated use (decoded and in Montgomery form).
  class Operand;
  StatusOr<std::shared_ptr<const Operand>> Prepare(const OuCiphertext& ciphertext) const;
  // operand^(2^bits): shifts the plaintext left by `bits` (a packing slot).
  std::shared_ptr<const Operand> Shift(const Operand& operand, int bits) const;

  void Reset();                      // the sum of nothing: E(0) with no randomness
  void Add(const Operand& operand);  // sum += operand's plaintext
  OuCiphertext Result() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

class OuKeyPair {
 public:
  // `modulus_bits`: 2048 (about 112-bit security, as RSA-2048) or more.
  static StatusOr<OuKeyPair> Generate(int modulus_bits = 2048);
  const OuPublicKey& public_key() const { return public_key_; }
  // The plaintext, or an error when the ciphertext is malformed or its plaintext is out of range.
  StatusOr<std::string> DecryptBytes(const OuCiphertext& ciphertext) const;  // big-endian
  StatusOr<uint64_t> Decrypt(const OuCiphertext& ciphertext) const;
  // Splits a packed plaintext into `slots` values of `slot_bits` bits (slot 0 lowest).
  StatusOr<std::vector<uint64_t>> DecryptPacked(const OuCiphertext& ciphertext, int slot_bits, int slots) const;

  struct Secret;

 private:
  OuPublicKey public_key_;
  std::shared_ptr<const Secret> secret_;
};

}  // namespace medfed::crypto
