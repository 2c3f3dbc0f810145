// Pairwise-masking secure aggregation (Bonawitz et al., "Practical Secure Aggregation for
// Privacy-Preserving Machine Learning", CCS 2017, §4 without the dropout-recovery layer).
//
// Per study session every site draws an ephemeral X25519 key pair and publishes the public key
// (relayed by the hub). Each pair of sites (i, j) derives a shared key
//   k_ij = BLAKE2b-256("medfed secagg v1" || session || X25519(sk_i, pk_j) || pk_lo || pk_hi).
// For aggregation round r a site sends
//   y_i = x_i + sum_{j > i} PRG(k_ij, r) - sum_{j < i} PRG(k_ij, r)   (mod 2^128)
// where x_i is its fixed-point-encoded vector and PRG is the ChaCha20 (IETF) key stream with
// nonce r. The masks cancel in sum_i y_i, so the hub learns the sum and nothing else; each
// y_i alone is uniformly distributed to anyone without one of that site's pair keys. Round
// numbers are never reused within a session (the masker refuses), because a reused mask would
// reveal the difference of two vectors. If any site is missing, the masks do not cancel and
// the round must be aborted: nothing is unmasked.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "medfed/core/status.h"
#include "medfed/crypto/fixed_point.h"
#include "medfed/crypto/secret_bytes.h"

namespace medfed::crypto {

using PublicKey = std::array<uint8_t, 32>;

struct Participant {
  std::string name;
  PublicKey public_key{};
};

class PairwiseMasker {
 public:
  // Draws a fresh key pair for `self` in session `session_id`.
  static StatusOr<PairwiseMasker> Create(std::string session_id, std::string self);

  const PublicKey& public_key() const { return public_key_; }
  const std::string& self() const { return self_; }

  // Derives the pair keys with every other participant. `participants` must include this site
  // with its own public key; names must be unique. Order does not matter (sorted by name).
  Status Agree(std::vector<Participant> participants);
  size_t party_count() const { return party_names_.size(); }

  // Masks an encoded vector for aggregation round `round`. Rounds must strictly increase.
  StatusOr<std::vector<RingElement>> Mask(const std::vector<RingElement>& plain, uint64_t round);

 private:
  PairwiseMasker() = default;

  std::string session_id_;
  std::string self_;
  PublicKey public_key_{};
  SecretBytes secret_key_;
  std::vector<std::string> party_names_;
  // For every other party: pair key and whether we add (+1) or subtract (-1) its stream.
  std::vector<std::pair<SecretBytes, int>> pair_keys_;
  bool agreed_ = false;
  bool any_round_ = false;
  uint64_t last_round_ = 0;
};

// Adds masked vectors element-wise mod 2^128. All must have the same length.
StatusOr<std::vector<RingElement>> SumMaskedVectors(const std::vector<std::vector<RingElement>>& masked);

// The PRG: `count` ring elements of ChaCha20-IETF key stream under `key` with nonce `round`.
void ExpandMask(const SecretBytes& key, uint64_t round, size_t count, std::vector<RingElement>& out, int sign);

}  // namespace medfed::crypto
