#include "medfed/crypto/okamoto_uchiyama.h"

#include <openssl/bn.h>

namespace medfed::crypto {
namespace {

struct BnFree {
  void operator()(BIGNUM* number) const { BN_clear_free(number); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
struct CtxFree {
  void operator()(BN_CTX* context) const { BN_CTX_free(context); }
};
using Ctx = std::unique_ptr<BN_CTX, CtxFree>;
struct MontFree {
  void operator()(BN_MONT_CTX* mont) const { BN_MONT_CTX_free(mont); }
};
using Mont = std::unique_ptr<BN_MONT_CTX, MontFree>;

Bn NewBn() { return Bn(BN_new()); }

constexpr char kMagic[] = "OU1";

void AppendNumber(std::string& out, const BIGNUM* number) {
  const int size = BN_num_bytes(number);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((size >> shift) & 0xff));
  std::string bytes(static_cast<size_t>(size), '\0');
  BN_bn2bin(number, reinterpret_cast<unsigned char*>(bytes.data()));
  out += bytes;
}

bool ReadNumber(const std::string& in, size_t& at, Bn& number) {
  if (at + 4 > in.size()) return false;
  size_t size = 0;
  for (int i = 0; i < 4; ++i) size = (size << 8) | static_cast<unsigned char>(in[at + i]);
  at += 4;
  if (size == 0 || size > 2048 || at + size > in.size()) return false;
  number.reset(BN_bin2bn(reinterpret_cast<const unsigned char*>(in.data() + at), static_cast<int>(size), nullptr));
  at += size;
  return number != nullptr;
}

}  // namespace

struct OuPublicKey::Numbers {
  Bn n, g, h;
  Mont mont;  // for n
};

struct OuKeyPair::Secret {
  Bn p, p_squared, inverse_lg;  // inverse_lg = L(g^(p-1) mod p^2)^-1 mod p
  Bn p_minus_one;
  Mont mont_p_squared;
};

struct OuAccumulator::State {
  std::shared_ptr<const OuPublicKey::Numbers> numbers;
  size_t modulus_bytes = 0;
  Ctx context{BN_CTX_new()};
  Bn sum = NewBn();
  Bn one_montgomery = NewBn();
};

class OuAccumulator::Operand {
 public:
  Bn value = NewBn();  // Montgomery form
};

namespace {

// A number mod n as a ciphertext: big-endian, padded to the modulus size.
OuCiphertext Finish(const BIGNUM* value, size_t bytes) {
  std::string out(bytes, '\0');
  BN_bn2binpad(value, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(bytes));
  return out;
}

StatusOr<Bn> ParseCiphertext(const OuPublicKey::Numbers& numbers, const OuCiphertext& ciphertext, size_t bytes) {
  if (ciphertext.size() != bytes) {
    return InvalidArgument("an Okamoto-Uchiyama ciphertext has " + std::to_string(ciphertext.size()) +
                           " bytes; this key's have " + std::to_string(bytes));
  }
  Bn value(BN_bin2bn(reinterpret_cast<const unsigned char*>(ciphertext.data()), static_cast<int>(bytes), nullptr));
  if (!value || BN_is_zero(value.get()) || BN_cmp(value.get(), numbers.n.get()) >= 0) {
    return InvalidArgument("an Okamoto-Uchiyama ciphertext is not a number between 1 and n - 1");
  }
  return value;
}

}  // namespace

StatusOr<OuPublicKey> OuPublicKey::Deserialize(const std::string& bytes) {
  if (bytes.compare(0, 3, kMagic) != 0) return InvalidArgument("not an Okamoto-Uchiyama public key");
  auto numbers = std::make_shared<Numbers>();
  size_t at = 3;
  if (!ReadNumber(bytes, at, numbers->n) || !ReadNumber(bytes, at, numbers->g) || !ReadNumber(bytes, at, numbers->h) ||
      at + 2 != bytes.size()) {
    return InvalidArgument("a truncated or malformed Okamoto-Uchiyama public key");
  }
  const int bits = BN_num_bits(numbers->n.get());
  if (bits < 1536 || !BN_is_odd(numbers->n.get()) || BN_cmp(numbers->g.get(), numbers->n.get()) >= 0 ||
      BN_cmp(numbers->h.get(), numbers->n.get()) >= 0 || BN_is_zero(numbers->g.get()) || BN_is_zero(numbers->h.get())) {
    return InvalidArgument("an Okamoto-Uchiyama public key with a modulus under 1536 bits or out-of-range values");
  }
  Ctx context(BN_CTX_new());
  numbers->mont.reset(BN_MONT_CTX_new());
  BN_MONT_CTX_set(numbers->mont.get(), numbers->n.get(), context.get());
  OuPublicKey key;
  key.plaintext_bits_ =
      (static_cast<unsigned char>(bytes[bytes.size() - 2]) << 8) | static_cast<unsigned char>(bytes.back());
  if (key.plaintext_bits_ < 64 || key.plaintext_bits_ > bits / 3) {
    return InvalidArgument("an Okamoto-Uchiyama public key claims an impossible plaintext size");
  }
  key.modulus_bytes_ = static_cast<size_t>(BN_num_bytes(numbers->n.get()));
  key.numbers_ = std::move(numbers);
  return key;
}

std::string OuPublicKey::Serialize() const {
  std::string out = kMagic;
  AppendNumber(out, numbers_->n.get());
  AppendNumber(out, numbers_->g.get());
  AppendNumber(out, numbers_->h.get());
  out.push_back(static_cast<char>(plaintext_bits_ >> 8));
  out.push_back(static_cast<char>(plaintext_bits_ & 0xff));
  return out;
}

OuCiphertext OuPublicKey::Encrypt(uint64_t message) const {
  Ctx context(BN_CTX_new());
  Bn m = NewBn(), r = NewBn(), gm = NewBn(), hr = NewBn(), c = NewBn();
  BN_set_word(m.get(), message);
  BN_priv_rand_range(r.get(), numbers_->n.get());
  BN_set_flags(r.get(), BN_FLG_CONSTTIME);  // the randomness is secret: no timing side channel
  BN_mod_exp_mont(gm.get(), numbers_->g.get(), m.get(), numbers_->n.get(), context.get(), numbers_->mont.get());
  BN_mod_exp_mont(hr.get(), numbers_->h.get(), r.get(), numbers_->n.get(), context.get(), numbers_->mont.get());
  BN_mod_mul(c.get(), gm.get(), hr.get(), numbers_->n.get(), context.get());
  return Finish(c.get(), modulus_bytes_);
}

OuCiphertext OuPublicKey::Rerandomize(const OuCiphertext& ciphertext) const {
  auto value = ParseCiphertext(*numbers_, ciphertext, modulus_bytes_);
  if (!value.ok()) return ciphertext;  // callers pass their own sums; a malformed one stays as is
  Ctx context(BN_CTX_new());
  Bn r = NewBn(), hr = NewBn(), c = NewBn();
  BN_priv_rand(r.get(), 256, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
  BN_set_flags(r.get(), BN_FLG_CONSTTIME);
  BN_mod_exp_mont(hr.get(), numbers_->h.get(), r.get(), numbers_->n.get(), context.get(), numbers_->mont.get());
  BN_mod_mul(c.get(), value->get(), hr.get(), numbers_->n.get(), context.get());
  return Finish(c.get(), modulus_bytes_);
}

StatusOr<OuCiphertext> OuPublicKey::Multiply(const OuCiphertext& ciphertext, uint64_t k) const {
  ASSIGN_OR_RETURN(Bn value, ParseCiphertext(*numbers_, ciphertext, modulus_bytes_));
  Ctx context(BN_CTX_new());
  Bn exponent = NewBn(), product = NewBn();
  BN_set_word(exponent.get(), k);
  BN_mod_exp_mont(product.get(), value.get(), exponent.get(), numbers_->n.get(), context.get(), numbers_->mont.get());
  return Rerandomize(Finish(product.get(), modulus_bytes_));
}

OuAccumulator::OuAccumulator(const OuPublicKey& key) : state_(std::make_unique<State>()) {
  state_->numbers = key.numbers();
  state_->modulus_bytes = key.ciphertext_bytes();
  BN_to_montgomery(state_->one_montgomery.get(), BN_value_one(), state_->numbers->mont.get(), state_->context.get());
  Reset();
}

OuAccumulator::~OuAccumulator() = default;

StatusOr<std::shared_ptr<const OuAccumulator::Operand>> OuAccumulator::Prepare(const OuCiphertext& ciphertext) const {
  ASSIGN_OR_RETURN(Bn value, ParseCiphertext(*state_->numbers, ciphertext, state_->modulus_bytes));
  auto operand = std::make_shared<Operand>();
  BN_to_montgomery(operand->value.get(), value.get(), state_->numbers->mont.get(), state_->context.get());
  return std::shared_ptr<const Operand>(std::move(operand));
}

std::shared_ptr<const OuAccumulator::Operand> OuAccumulator::Shift(const Operand& operand, int bits) const {
  auto shifted = std::make_shared<Operand>();
  BN_copy(shifted->value.get(), operand.value.get());
  for (int i = 0; i < bits; ++i) {
    BN_mod_mul_montgomery(shifted->value.get(), shifted->value.get(), shifted->value.get(), state_->numbers->mont.get(),
                          state_->context.get());
  }
  return shifted;
}

void OuAccumulator::Reset() { BN_copy(state_->sum.get(), state_->one_montgomery.get()); }

void OuAccumulator::Add(const Operand& operand) {
  BN_mod_mul_montgomery(state_->sum.get(), state_->sum.get(), operand.value.get(), state_->numbers->mont.get(),
                        state_->context.get());
}

OuCiphertext OuAccumulator::Result() const {
  Bn plain = NewBn();
  BN_from_montgomery(plain.get(), state_->sum.get(), state_->numbers->mont.get(), state_->context.get());
  return Finish(plain.get(), state_->modulus_bytes);
}

StatusOr<OuKeyPair> OuKeyPair::Generate(int modulus_bits) {
  if (modulus_bits < 1536) return InvalidArgument("an Okamoto-Uchiyama modulus needs at least 1536 bits");
  const int prime_bits = modulus_bits / 3;
  Ctx context(BN_CTX_new());
  auto secret = std::make_shared<Secret>();
  auto numbers = std::make_shared<OuPublicKey::Numbers>();
  Bn q = NewBn();
  secret->p = NewBn();
  if (!BN_generate_prime_ex(secret->p.get(), prime_bits, 0, nullptr, nullptr, nullptr) ||
      !BN_generate_prime_ex(q.get(), prime_bits, 0, nullptr, nullptr, nullptr)) {
    return Internal("Okamoto-Uchiyama key generation: OpenSSL could not generate primes");
  }
  secret->p_squared = NewBn();
  numbers->n = NewBn();
  BN_sqr(secret->p_squared.get(), secret->p.get(), context.get());
  BN_mul(numbers->n.get(), secret->p_squared.get(), q.get(), context.get());
  secret->p_minus_one = NewBn();
  BN_sub(secret->p_minus_one.get(), secret->p.get(), BN_value_one());
  BN_set_flags(secret->p_minus_one.get(), BN_FLG_CONSTTIME);
  secret->mont_p_squared.reset(BN_MONT_CTX_new());
  BN_MONT_CTX_set(secret->mont_p_squared.get(), secret->p_squared.get(), context.get());
  numbers->mont.reset(BN_MONT_CTX_new());
  BN_MONT_CTX_set(numbers->mont.get(), numbers->n.get(), context.get());
  // g: g^(p-1) mod p^2 != 1, so that it generates the subgroup of order p the messages live in.
  Bn gp = NewBn(), lg = NewBn(), remainder = NewBn(), gcd = NewBn();
  numbers->g = NewBn();
  for (int attempt = 0;; ++attempt) {
    if (attempt > 100) return Internal("Okamoto-Uchiyama key generation: no generator found");
    BN_priv_rand_range(numbers->g.get(), numbers->n.get());
    BN_gcd(gcd.get(), numbers->g.get(), numbers->n.get(), context.get());
    if (!BN_is_one(gcd.get())) continue;
    BN_mod_exp_mont(gp.get(), numbers->g.get(), secret->p_minus_one.get(), secret->p_squared.get(), context.get(),
                    secret->mont_p_squared.get());
    if (BN_is_one(gp.get())) continue;
    BN_sub_word(gp.get(), 1);
    BN_div(lg.get(), remainder.get(), gp.get(), secret->p.get(), context.get());
    secret->inverse_lg = NewBn();
    if (BN_mod_inverse(secret->inverse_lg.get(), lg.get(), secret->p.get(), context.get()) == nullptr) continue;
    break;
  }
  numbers->h = NewBn();
  BN_mod_exp_mont(numbers->h.get(), numbers->g.get(), numbers->n.get(), numbers->n.get(), context.get(),
                  numbers->mont.get());
  OuKeyPair pair;
  pair.public_key_.plaintext_bits_ = prime_bits - 2;
  pair.public_key_.modulus_bytes_ = static_cast<size_t>(BN_num_bytes(numbers->n.get()));
  pair.public_key_.numbers_ = std::move(numbers);
  pair.secret_ = std::move(secret);
  return pair;
}

StatusOr<std::string> OuKeyPair::DecryptBytes(const OuCiphertext& ciphertext) const {
  const auto& numbers = *public_key_.numbers();
  ASSIGN_OR_RETURN(Bn c, ParseCiphertext(numbers, ciphertext, public_key_.ciphertext_bytes()));
  Ctx context(BN_CTX_new());
  Bn a = NewBn(), la = NewBn(), remainder = NewBn(), m = NewBn();
  BN_mod_exp_mont(a.get(), c.get(), secret_->p_minus_one.get(), secret_->p_squared.get(), context.get(),
                  secret_->mont_p_squared.get());
  BN_sub_word(a.get(), 1);
  BN_div(la.get(), remainder.get(), a.get(), secret_->p.get(), context.get());
  if (!BN_is_zero(remainder.get()))
    return InvalidArgument("an Okamoto-Uchiyama ciphertext that is not valid for this key");
  BN_mod_mul(m.get(), la.get(), secret_->inverse_lg.get(), secret_->p.get(), context.get());
  // Out-of-range plaintexts are never returned: they would leak p (the chosen-ciphertext attack).
  if (BN_num_bits(m.get()) > public_key_.plaintext_bits()) {
    return InvalidArgument("an Okamoto-Uchiyama plaintext out of range (an overflowed sum or a forged ciphertext)");
  }
  std::string bytes(static_cast<size_t>((public_key_.plaintext_bits() + 7) / 8), '\0');
  BN_bn2binpad(m.get(), reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  return bytes;
}

StatusOr<uint64_t> OuKeyPair::Decrypt(const OuCiphertext& ciphertext) const {
  ASSIGN_OR_RETURN(std::string bytes, DecryptBytes(ciphertext));
  for (size_t i = 0; i + 8 < bytes.size(); ++i) {
    if (bytes[i] != 0) return InvalidArgument("an Okamoto-Uchiyama plaintext above 2^64");
  }
  uint64_t value = 0;
  for (size_t i = bytes.size() - std::min<size_t>(8, bytes.size()); i < bytes.size(); ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return value;
}

StatusOr<std::vector<uint64_t>> OuKeyPair::DecryptPacked(const OuCiphertext& ciphertext, int slot_bits,
                                                         int slots) const {
  if (slot_bits < 1 || slot_bits > 63 || slot_bits * slots > public_key_.plaintext_bits()) {
    return InvalidArgument("packing " + std::to_string(slots) + " slots of " + std::to_string(slot_bits) +
                           " bits does not fit this key's plaintext");
  }
  ASSIGN_OR_RETURN(std::string bytes, DecryptBytes(ciphertext));
  auto bit = [&](int index) {  // bit `index` of the big-endian plaintext, 0 = lowest
    const size_t byte = bytes.size() - 1 - static_cast<size_t>(index / 8);
    return (static_cast<unsigned char>(bytes[byte]) >> (index % 8)) & 1;
  };
  std::vector<uint64_t> values(static_cast<size_t>(slots), 0);
  for (int slot = 0; slot < slots; ++slot) {
    for (int b = slot_bits - 1; b >= 0; --b) values[slot] = (values[slot] << 1) | bit(slot * slot_bits + b);
  }
  return values;
}

}  // namespace medfed::crypto
