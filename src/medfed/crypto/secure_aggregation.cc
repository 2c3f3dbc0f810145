#include "medfed/crypto/secure_aggregation.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "medfed/crypto/sodium.h"

namespace medfed::crypto {
namespace {

constexpr char kDomain[] = "medfed secagg v1";

}  // namespace

StatusOr<PairwiseMasker> PairwiseMasker::Create(std::string session_id, std::string self) {
  RETURN_IF_ERROR(EnsureSodium());
  PairwiseMasker masker;
  masker.session_id_ = std::move(session_id);
  masker.self_ = std::move(self);
  masker.secret_key_ = SecretBytes(crypto_scalarmult_SCALARBYTES);
  randombytes_buf(masker.secret_key_.data(), masker.secret_key_.size());
  if (crypto_scalarmult_base(masker.public_key_.data(), masker.secret_key_.data()) != 0) {
    return Internal("X25519 key generation failed");
  }
  return masker;
}

Status PairwiseMasker::Agree(std::vector<Participant> participants) {
  if (participants.size() > kMaxAggregationParties) {
    return InvalidArgument("secure aggregation supports at most " + std::to_string(kMaxAggregationParties) +
                           " sites, got " + std::to_string(participants.size()));
  }
  std::sort(participants.begin(), participants.end(),
            [](const Participant& a, const Participant& b) { return a.name < b.name; });
  size_t self_index = participants.size();
  for (size_t i = 0; i < participants.size(); ++i) {
    if (i > 0 && participants[i].name == participants[i - 1].name) {
      return InvalidArgument("site " + participants[i].name + " appears twice in the key directory");
    }
    if (participants[i].name == self_) {
      if (participants[i].public_key != public_key_) {
        return PermissionDenied("the key directory carries a different public key for this site (" + self_ +
                                "); refusing to mask against a substituted key");
      }
      self_index = i;
    }
  }
  if (self_index == participants.size()) {
    return InvalidArgument("site " + self_ + " is not in the key directory");
  }
  pair_keys_.clear();
  party_names_.clear();
  for (size_t i = 0; i < participants.size(); ++i) {
    party_names_.push_back(participants[i].name);
    if (i == self_index) continue;
    SecretBytes shared(crypto_scalarmult_BYTES);
    if (crypto_scalarmult(shared.data(), secret_key_.data(), participants[i].public_key.data()) != 0) {
      return PermissionDenied("site " + participants[i].name + " published an invalid (low-order) X25519 public key");
    }
    const PublicKey& low = i < self_index ? participants[i].public_key : public_key_;
    const PublicKey& high = i < self_index ? public_key_ : participants[i].public_key;
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, 32);
    crypto_generichash_update(&state, reinterpret_cast<const uint8_t*>(kDomain), sizeof(kDomain));
    uint64_t session_length = session_id_.size();
    crypto_generichash_update(&state, reinterpret_cast<const uint8_t*>(&session_length), sizeof(session_length));
    crypto_generichash_update(&state, reinterpret_cast<const uint8_t*>(session_id_.data()), session_id_.size());
    crypto_generichash_update(&state, shared.data(), shared.size());
    crypto_generichash_update(&state, low.data(), low.size());
    crypto_generichash_update(&state, high.data(), high.size());
    SecretBytes key(32);
    crypto_generichash_final(&state, key.data(), key.size());
    sodium_memzero(&state, sizeof(state));
    // The lower-sorted site adds the stream, the higher-sorted one subtracts it.
    pair_keys_.emplace_back(std::move(key), self_index < i ? +1 : -1);
  }
  agreed_ = true;
  return absl::OkStatus();
}

void ExpandMask(const SecretBytes& key, uint64_t round, size_t count, std::vector<RingElement>& out, int sign) {
  uint8_t nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = {0};
  std::memcpy(nonce, &round, sizeof(round));
  constexpr size_t kChunkElements = 4096;
  static const std::vector<uint8_t> zeros(kChunkElements * 16, 0);
  // Aligned storage for the key stream, no larger than needed: short vectors masked pairwise
  // with many sites would otherwise spend their time clearing an unused 64 KiB buffer.
  std::vector<RingElement> stream_words(std::min(kChunkElements, count));
  auto* stream_bytes = reinterpret_cast<uint8_t*>(stream_words.data());
  for (size_t start = 0; start < count; start += kChunkElements) {
    size_t elements = std::min(kChunkElements, count - start);
    // Each 64-byte ChaCha20 block yields 4 elements; continue the block counter per chunk.
    auto block = static_cast<uint32_t>(start / 4);
    crypto_stream_chacha20_ietf_xor_ic(stream_bytes, zeros.data(), elements * 16, nonce, block, key.data());
    // Little-endian key stream bytes are the ring elements (see fixed_point.cc).
    const RingElement* masks = stream_words.data();
    RingElement* target = out.data() + start;
    if (sign > 0) {
      for (size_t e = 0; e < elements; ++e) target[e] += masks[e];
    } else {
      for (size_t e = 0; e < elements; ++e) target[e] -= masks[e];
    }
  }
  if (!stream_words.empty()) sodium_memzero(stream_bytes, stream_words.size() * 16);
}

StatusOr<std::vector<RingElement>> PairwiseMasker::Mask(const std::vector<RingElement>& plain, uint64_t round) {
  if (!agreed_) return FailedPrecondition("secure aggregation keys have not been agreed yet");
  if (any_round_ && round <= last_round_) {
    return PermissionDenied("site " + self_ + " refuses to mask round " + std::to_string(round) + " after round " +
                            std::to_string(last_round_) +
                            ": reusing a mask would reveal data (replayed or out-of-order round)");
  }
  any_round_ = true;
  last_round_ = round;
  std::vector<RingElement> masked = plain;
  for (const auto& [key, sign] : pair_keys_) ExpandMask(key, round, masked.size(), masked, sign);
  return masked;
}

StatusOr<std::vector<RingElement>> SumMaskedVectors(const std::vector<std::vector<RingElement>>& masked) {
  if (masked.empty()) return std::vector<RingElement>{};
  std::vector<RingElement> sum(masked[0].size(), 0);
  for (const auto& vector : masked) {
    if (vector.size() != sum.size()) {
      return InvalidArgument("masked vectors differ in length (" + std::to_string(vector.size()) + " vs " +
                             std::to_string(sum.size()) + ")");
    }
    for (size_t i = 0; i < sum.size(); ++i) sum[i] += vector[i];
  }
  return sum;
}

}  // namespace medfed::crypto
