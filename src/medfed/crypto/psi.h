// Private set intersection by commutative blinding on ristretto255 (ECDH-PSI; Meadows 1986,
// Huberman, Franklin and Hogg 1999, as in SecretFlow's ECDH-PSI), for semi-honest parties.
//
//   receiver R (keys X, secret a)                 sender S (keys Y, secret b)
//   request = shuffle(H(x)^a)            ---->
//                                        <----    reply = H(x)^ab (in request order, or shuffled
//                                                 for cardinality), shuffle(H(y)^b)
//   R: (H(y)^b)^a, compared with H(x)^ab
//
// H maps a key to the group: SHA-512 over a length-prefixed domain and the key, then
// ristretto255's one-way map (RFC 9496 §4.3.4, crypto_core_ristretto255_from_hash), so the
// discrete log of H(x) is unknown and keys of different studies (domains) never collide.
// Under DDH, R learns the intersection (or only its size) and |Y|; S learns |X|; neither sees a
// key or H(key) of the other. docs/protocols/psi.md.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "medfed/core/status.h"
#include "medfed/crypto/secret_bytes.h"

namespace medfed::crypto {

using GroupElement = std::array<uint8_t, 32>;

// For hash sets of blinded elements: their bytes are uniformly distributed already.
struct GroupElementHash {
  size_t operator()(const GroupElement& element) const {
    size_t value;
    std::memcpy(&value, element.data(), sizeof value);
    return value;
  }
};

enum class PsiMode : uint8_t { kIntersection = 1, kCardinality = 2 };
const char* PsiModeName(PsiMode mode);
StatusOr<PsiMode> ParsePsiMode(std::string_view text);

// A random non-zero scalar of the ristretto255 group, wiped on destruction.
class PsiScalar {
 public:
  static StatusOr<PsiScalar> Random();
  const uint8_t* data() const { return bytes_.data(); }

 private:
  SecretBytes bytes_;
};

// H(key) for every key, on up to `threads` threads.
std::vector<GroupElement> HashToGroup(std::string_view domain, const std::vector<std::string>& keys, int threads);

// element^scalar for every element, in place, on up to `threads` threads. Fails, naming the
// first offending position, when an element is not a canonical encoding of a group element or
// the result would be the identity (a forged or corrupted message).
Status Exponentiate(std::vector<GroupElement>& elements, const PsiScalar& scalar, int threads);

// Fisher-Yates with libsodium's randombytes_uniform; `order` (if given) receives, for each new
// position, the element's old position.
void Shuffle(std::vector<GroupElement>& elements, std::vector<uint32_t>* order = nullptr);

// Blinded elements as text (base64 of the concatenated encodings), for protocols whose messages
// travel in text fields (the round engine's parameters and disclosed sets).
std::string EncodeElements(const std::vector<GroupElement>& elements);
StatusOr<std::vector<GroupElement>> DecodeElements(std::string_view text);

struct PsiOptions {
  std::string domain = "medfed-psi-v1";  // both parties must use the same
  PsiMode mode = PsiMode::kIntersection;
  int threads = 2;
};

struct PsiOutcome {
  uint64_t intersection_size = 0;
  std::vector<size_t> intersection;  // intersection mode: indices into the receiver's keys, ascending
  uint64_t sender_set_size = 0;
};

class PsiReceiver {
 public:
  // `keys` must be distinct (normalise and deduplicate first); at most 2^32 - 1 of them.
  static StatusOr<PsiReceiver> Create(std::vector<std::string> keys, PsiOptions options);
  // The first message: the receiver's blinded keys in random order.
  StatusOr<std::string> Request();
  // The sender's reply: the intersection (or its size).
  StatusOr<PsiOutcome> Finish(std::string_view reply);

 private:
  PsiReceiver(std::vector<std::string> keys, PsiOptions options, PsiScalar secret)
      : keys_(std::move(keys)), options_(std::move(options)), secret_(std::move(secret)) {}

  std::vector<std::string> keys_;
  PsiOptions options_;
  PsiScalar secret_;
  std::vector<uint32_t> order_;  // request position -> key index
  bool requested_ = false;
};

class PsiSender {
 public:
  // The sender's mode is what it agrees to reveal: a request for another mode is refused.
  static StatusOr<PsiSender> Create(std::vector<std::string> keys, PsiOptions options);
  StatusOr<std::string> Reply(std::string_view request);
  uint64_t receiver_set_size() const { return receiver_set_size_; }

 private:
  PsiSender(std::vector<std::string> keys, PsiOptions options, PsiScalar secret)
      : keys_(std::move(keys)), options_(std::move(options)), secret_(std::move(secret)) {}

  std::vector<std::string> keys_;
  PsiOptions options_;
  PsiScalar secret_;
  uint64_t receiver_set_size_ = 0;
};

}  // namespace medfed::crypto
