#include "medfed/crypto/dropout_tolerant_masking.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "medfed/crypto/shamir.h"
#include "medfed/crypto/sodium.h"

namespace medfed::crypto {
namespace {

constexpr char kChannelDomain[] = "medfed secagg channel v1";
constexpr char kPairDomain[] = "medfed secagg dropout pair v1";
constexpr char kSealDomain[] = "medfed secagg dropout shares v1";
constexpr size_t kKeyBytes = 32;
// Inside a sealed message: s_pk, then the recipient's shares of s_sk and b.
constexpr size_t kSharesPlainBytes = 32 + kKeyBytes + kKeyBytes;

void HashLengthPrefixed(crypto_generichash_state& state, std::string_view bytes) {
  uint64_t length = bytes.size();
  crypto_generichash_update(&state, reinterpret_cast<const uint8_t*>(&length), sizeof(length));
  crypto_generichash_update(&state, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

// BLAKE2b-256(domain ‖ session [‖ round] ‖ X25519 shared secret ‖ key of the lower-named site ‖
// key of the higher-named one). Fails on a low-order public key (all-zero shared secret).
StatusOr<SecretBytes> DeriveKey(std::string_view domain, const std::string& session, const uint64_t* round,
                                const SecretBytes& secret_key, const PublicKey& peer_key, const PublicKey& low,
                                const PublicKey& high) {
  SecretBytes shared(crypto_scalarmult_BYTES);
  if (crypto_scalarmult(shared.data(), secret_key.data(), peer_key.data()) != 0) {
    return PermissionDenied("invalid (low-order) X25519 public key");
  }
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, kKeyBytes);
  HashLengthPrefixed(state, domain);
  HashLengthPrefixed(state, session);
  if (round != nullptr) crypto_generichash_update(&state, reinterpret_cast<const uint8_t*>(round), sizeof(*round));
  crypto_generichash_update(&state, shared.data(), shared.size());
  crypto_generichash_update(&state, low.data(), low.size());
  crypto_generichash_update(&state, high.data(), high.size());
  SecretBytes key(kKeyBytes);
  crypto_generichash_final(&state, key.data(), key.size());
  sodium_memzero(&state, sizeof(state));
  return key;
}

StatusOr<SecretBytes> PairMaskKey(const std::string& session, uint64_t round, const std::string& self,
                                  const SecretBytes& secret_key, const PublicKey& own_key, const std::string& peer,
                                  const PublicKey& peer_key) {
  const bool self_low = self < peer;
  return DeriveKey(kPairDomain, session, &round, secret_key, peer_key, self_low ? own_key : peer_key,
                   self_low ? peer_key : own_key);
}

Commitment CommitTo(const SecretBytes& seed) {
  Commitment commitment{};
  crypto_generichash(commitment.data(), commitment.size(), seed.data(), seed.size(), nullptr, 0);
  return commitment;
}

// Associated data of a sealed share message: who sealed it for whom, in which session and exchange.
std::string SealAssociatedData(const std::string& session, uint64_t tag, const std::string& from,
                               const std::string& to) {
  std::string data(kSealDomain);
  data.push_back('\0');
  for (const std::string* part : {&session, &from, &to}) {
    uint64_t length = part->size();
    data.append(reinterpret_cast<const char*>(&length), sizeof(length));
    data += *part;
  }
  data.append(reinterpret_cast<const char*>(&tag), sizeof(tag));
  return data;
}

int IndexOf(const std::vector<std::string>& sites, const std::string& site) {
  auto found = std::lower_bound(sites.begin(), sites.end(), site);
  if (found == sites.end() || *found != site) return -1;
  return static_cast<int>(found - sites.begin());
}

}  // namespace

int MinimumDropoutThreshold(int sites) { return sites / 2 + 1; }

int DefaultDropoutThreshold(int sites) { return std::max(MinimumDropoutThreshold(sites), (2 * sites + 2) / 3); }

int DropoutThresholdFor(int sites, int requested) { return requested > 0 ? requested : DefaultDropoutThreshold(sites); }

StatusOr<DoubleMasker> DoubleMasker::Create(std::string session_id, std::string self, int threshold) {
  RETURN_IF_ERROR(EnsureSodium());
  if (threshold < 1) return InvalidArgument("the dropout threshold must be at least 1");
  DoubleMasker masker;
  masker.session_id_ = std::move(session_id);
  masker.self_ = std::move(self);
  masker.threshold_ = threshold;
  masker.channel_secret_key_ = SecretBytes(crypto_scalarmult_SCALARBYTES);
  randombytes_buf(masker.channel_secret_key_.data(), masker.channel_secret_key_.size());
  if (crypto_scalarmult_base(masker.channel_public_key_.data(), masker.channel_secret_key_.data()) != 0) {
    return Internal("X25519 key generation failed");
  }
  return masker;
}

Status DoubleMasker::Agree(std::vector<Participant> participants, int planned_sites) {
  if (participants.size() > kMaxAggregationParties) {
    return InvalidArgument("secure aggregation supports at most " + std::to_string(kMaxAggregationParties) +
                           " sites, got " + std::to_string(participants.size()));
  }
  if (threshold_ < MinimumDropoutThreshold(planned_sites)) {
    return PermissionDenied("a dropout threshold of " + std::to_string(threshold_) + " for " +
                            std::to_string(planned_sites) + " sites is below a majority (" +
                            std::to_string(MinimumDropoutThreshold(planned_sites)) +
                            "): a hub that told two groups of sites different survivors could unmask a site; "
                            "refusing the session");
  }
  if (static_cast<int>(participants.size()) < threshold_) {
    return FailedPrecondition("only " + std::to_string(participants.size()) + " sites opened the session, fewer " +
                              "than the dropout threshold " + std::to_string(threshold_));
  }
  std::sort(participants.begin(), participants.end(),
            [](const Participant& a, const Participant& b) { return a.name < b.name; });
  sites_.clear();
  channel_keys_.clear();
  bool found_self = false;
  for (size_t i = 0; i < participants.size(); ++i) {
    const Participant& participant = participants[i];
    if (i > 0 && participant.name == participants[i - 1].name) {
      return InvalidArgument("site " + participant.name + " appears twice in the key directory");
    }
    sites_.push_back(participant.name);
    if (participant.name == self_) {
      if (participant.public_key != channel_public_key_) {
        return PermissionDenied("the key directory carries a different public key for this site (" + self_ +
                                "); refusing to mask against a substituted key");
      }
      found_self = true;
      continue;
    }
    const bool self_low = self_ < participant.name;
    auto key = DeriveKey(kChannelDomain, session_id_, nullptr, channel_secret_key_, participant.public_key,
                         self_low ? channel_public_key_ : participant.public_key,
                         self_low ? participant.public_key : channel_public_key_);
    if (!key.ok()) return PermissionDenied("site " + participant.name + " published an invalid channel key");
    channel_keys_.emplace(participant.name, *std::move(key));
  }
  if (!found_self) return InvalidArgument("site " + self_ + " is not in the key directory");
  agreed_ = true;
  return absl::OkStatus();
}

StatusOr<MaskMaterial> DoubleMasker::NewMaterial(uint64_t tag) {
  if (!agreed_) return FailedPrecondition("secure aggregation keys have not been agreed yet");
  OwnMaterial material;
  material.tag = tag;
  material.mask_secret_key = SecretBytes(crypto_scalarmult_SCALARBYTES);
  randombytes_buf(material.mask_secret_key.data(), material.mask_secret_key.size());
  if (crypto_scalarmult_base(material.mask_public_key.data(), material.mask_secret_key.data()) != 0) {
    return Internal("X25519 key generation failed");
  }
  material.self_mask_seed = SecretBytes(kKeyBytes);
  randombytes_buf(material.self_mask_seed.data(), material.self_mask_seed.size());
  const int count = static_cast<int>(sites_.size());
  ASSIGN_OR_RETURN(std::vector<SecretShare> key_shares, SplitSecret(material.mask_secret_key, threshold_, count));
  ASSIGN_OR_RETURN(std::vector<SecretShare> seed_shares, SplitSecret(material.self_mask_seed, threshold_, count));

  MaskMaterial out;
  out.mask_public_key = material.mask_public_key;
  out.self_mask_commitment = CommitTo(material.self_mask_seed);
  for (int i = 0; i < count; ++i) {
    const std::string& peer = sites_[i];
    if (peer == self_) {
      material.own_shares = {key_shares[i].y, seed_shares[i].y};
      continue;
    }
    if (dropped_.count(peer)) continue;
    SecretBytes plain(kSharesPlainBytes);
    std::memcpy(plain.data(), material.mask_public_key.data(), 32);
    std::memcpy(plain.data() + 32, key_shares[i].y.data(), kKeyBytes);
    std::memcpy(plain.data() + 32 + kKeyBytes, seed_shares[i].y.data(), kKeyBytes);
    const std::string associated = SealAssociatedData(session_id_, tag, self_, peer);
    std::string sealed(
        crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plain.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
    auto* bytes = reinterpret_cast<uint8_t*>(sealed.data());
    randombytes_buf(bytes, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    unsigned long long sealed_length = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(bytes + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &sealed_length,
                                               plain.data(), plain.size(),
                                               reinterpret_cast<const uint8_t*>(associated.data()), associated.size(),
                                               nullptr, bytes, channel_keys_.at(peer).data());
    out.sealed.emplace(peer, std::move(sealed));
  }
  material_ = std::move(material);
  has_material_ = true;
  peer_material_.clear();  // peers' material of an earlier exchange can no longer be used
  return out;
}

Status DoubleMasker::Receive(const std::string& from, uint64_t tag, const std::string& sealed) {
  if (!agreed_) return FailedPrecondition("secure aggregation keys have not been agreed yet");
  auto channel = channel_keys_.find(from);
  if (channel == channel_keys_.end()) return InvalidArgument("shares from " + from + ", not a site of this session");
  constexpr size_t kSealedBytes =
      crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + kSharesPlainBytes + crypto_aead_xchacha20poly1305_ietf_ABYTES;
  if (sealed.size() != kSealedBytes) {
    return InvalidArgument("the shares from site " + from + " are " + std::to_string(sealed.size()) + " bytes, not " +
                           std::to_string(kSealedBytes));
  }
  const std::string associated = SealAssociatedData(session_id_, tag, from, self_);
  SecretBytes plain(kSharesPlainBytes);
  unsigned long long plain_length = 0;
  const auto* bytes = reinterpret_cast<const uint8_t*>(sealed.data());
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          plain.data(), &plain_length, nullptr, bytes + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          sealed.size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          reinterpret_cast<const uint8_t*>(associated.data()), associated.size(), bytes, channel->second.data()) != 0) {
    return PermissionDenied("the shares relayed from site " + from +
                            " do not open with the session key shared with it (altered, replayed or misdirected)");
  }
  PeerMaterial material;
  material.tag = tag;
  std::memcpy(material.mask_public_key.data(), plain.data(), 32);
  material.shares.mask_key_share = SecretBytes(kKeyBytes);
  std::memcpy(material.shares.mask_key_share.data(), plain.data() + 32, kKeyBytes);
  material.shares.self_mask_share = SecretBytes(kKeyBytes);
  std::memcpy(material.shares.self_mask_share.data(), plain.data() + 32 + kKeyBytes, kKeyBytes);
  peer_material_[from] = std::move(material);
  return absl::OkStatus();
}

StatusOr<std::vector<RingElement>> DoubleMasker::Mask(const std::vector<RingElement>& plain, uint64_t round,
                                                      const std::vector<std::string>& participants) {
  if (!agreed_) return FailedPrecondition("secure aggregation keys have not been agreed yet");
  if (any_round_ && round <= last_round_) {
    return PermissionDenied("site " + self_ + " refuses to mask round " + std::to_string(round) + " after round " +
                            std::to_string(last_round_) +
                            ": reusing a mask would reveal data (replayed or out-of-order round)");
  }
  if (!has_material_) return FailedPrecondition("no unused mask material (a mask is used once)");
  std::set<std::string> members(participants.begin(), participants.end());
  if (members.size() != participants.size()) return InvalidArgument("a site is listed twice among the participants");
  if (!members.count(self_)) return InvalidArgument("this site is not among the round's participants");
  if (static_cast<int>(members.size()) < threshold_) {
    return FailedPrecondition("the round has " + std::to_string(members.size()) +
                              " participants, fewer than the dropout threshold " + std::to_string(threshold_));
  }
  MaskedRound record;
  record.participants = members;
  record.held.emplace(self_, material_.own_shares);
  std::vector<RingElement> masked = plain;
  ExpandMask(material_.self_mask_seed, round, masked.size(), masked, +1);
  for (const std::string& peer : members) {
    if (peer == self_) continue;
    if (IndexOf(sites_, peer) < 0) return InvalidArgument("participant " + peer + " is not a site of this session");
    if (dropped_.count(peer)) {
      return PermissionDenied("site " + peer + " was dropped earlier in this session and cannot take part again");
    }
    auto found = peer_material_.find(peer);
    if (found == peer_material_.end() || found->second.tag != material_.tag) {
      return FailedPrecondition("no mask material from site " + peer + " for this round");
    }
    ASSIGN_OR_RETURN(SecretBytes pair_key, PairMaskKey(session_id_, round, self_, material_.mask_secret_key,
                                                       material_.mask_public_key, peer, found->second.mask_public_key));
    ExpandMask(pair_key, round, masked.size(), masked, self_ < peer ? +1 : -1);
    record.held.emplace(peer, found->second.shares);
  }
  // One use only: the secrets go, the shares wait for this round's unmasking.
  material_ = OwnMaterial();
  has_material_ = false;
  peer_material_.clear();
  any_round_ = true;
  last_round_ = round;
  masked_rounds_[round] = std::move(record);
  return masked;
}

StatusOr<RevealedShares> DoubleMasker::Unmask(uint64_t round, const std::vector<std::string>& survivors,
                                              const std::vector<std::string>& dropped) {
  auto found = masked_rounds_.find(round);
  if (found == masked_rounds_.end()) {
    return PermissionDenied("site " + self_ + " masked nothing in round " + std::to_string(round) +
                            " or has already answered its unmasking; a second answer could reveal a site, refused");
  }
  const MaskedRound& record = found->second;
  std::set<std::string> alive(survivors.begin(), survivors.end());
  std::set<std::string> gone(dropped.begin(), dropped.end());
  std::set<std::string> all = alive;
  all.insert(gone.begin(), gone.end());
  if (alive.size() != survivors.size() || gone.size() != dropped.size() || all.size() != alive.size() + gone.size() ||
      all != record.participants) {
    return InvalidArgument("the survivors and dropped sites of round " + std::to_string(round) +
                           " do not split the round's participants; refused");
  }
  if (!alive.count(self_)) return InvalidArgument("this site is listed as dropped from a round it answered");
  if (static_cast<int>(alive.size()) < threshold_) {
    return PermissionDenied("only " + std::to_string(alive.size()) + " sites survived round " + std::to_string(round) +
                            ", fewer than the dropout threshold " + std::to_string(threshold_) +
                            "; nothing is revealed");
  }
  RevealedShares revealed;
  for (const auto& [site, shares] : record.held) {
    if (alive.count(site)) {
      revealed.self_mask_shares.emplace(site, shares.self_mask_share);
    } else {
      revealed.mask_key_shares.emplace(site, shares.mask_key_share);
    }
  }
  dropped_.insert(gone.begin(), gone.end());
  masked_rounds_.erase(found);  // answered once, never again
  return revealed;
}

StatusOr<std::vector<RingElement>> RecoverSurvivorSum(const SurvivorSumInputs& inputs) {
  RETURN_IF_ERROR(EnsureSodium());
  if (inputs.masked.empty()) return InvalidArgument("no survivor sent a masked vector");
  if (static_cast<int>(inputs.revealed.size()) < inputs.threshold) {
    return FailedPrecondition("only " + std::to_string(inputs.revealed.size()) +
                              " sites answered the unmasking, fewer than the dropout threshold " +
                              std::to_string(inputs.threshold));
  }
  const size_t length = inputs.masked.begin()->second.size();
  std::vector<std::vector<RingElement>> vectors;
  for (const auto& [site, vector] : inputs.masked) vectors.push_back(vector);
  ASSIGN_OR_RETURN(std::vector<RingElement> sum, SumMaskedVectors(vectors));

  // Collects the shares of one secret from every answering site, x = the answerer's index + 1.
  auto shares_of = [&](const std::string& owner, bool self_mask) -> StatusOr<SecretBytes> {
    std::vector<SecretShare> shares;
    for (const auto& [answerer, revealed] : inputs.revealed) {
      const auto& pool = self_mask ? revealed.self_mask_shares : revealed.mask_key_shares;
      auto share = pool.find(owner);
      if (share == pool.end()) continue;
      const int index = IndexOf(inputs.session_sites, answerer);
      if (index < 0) return InvalidArgument("site " + answerer + " answered the unmasking but is not in the session");
      shares.push_back({static_cast<uint8_t>(index + 1), share->second});
    }
    auto secret = CombineShares(shares, inputs.threshold);
    if (!secret.ok()) {
      return Annotate(secret.status(), std::string(self_mask ? "self mask" : "mask key") + " of site " + owner + ": ");
    }
    return secret;
  };

  for (const auto& [site, vector] : inputs.masked) {
    auto material = inputs.material.find(site);
    if (material == inputs.material.end()) return InvalidArgument("no mask material on record for site " + site);
    ASSIGN_OR_RETURN(SecretBytes seed, shares_of(site, /*self_mask=*/true));
    if (CommitTo(seed) != material->second.self_mask_commitment) {
      return DataLoss("the self mask recovered for site " + site +
                      " does not match its commitment: a site sent a wrong share");
    }
    ExpandMask(seed, inputs.round, length, sum, -1);
  }
  for (const std::string& lost : inputs.dropped) {
    auto lost_material = inputs.material.find(lost);
    if (lost_material == inputs.material.end()) return InvalidArgument("no mask material on record for site " + lost);
    ASSIGN_OR_RETURN(SecretBytes secret_key, shares_of(lost, /*self_mask=*/false));
    PublicKey public_key{};
    crypto_scalarmult_base(public_key.data(), secret_key.data());
    if (public_key != lost_material->second.mask_public_key) {
      return DataLoss("the mask key recovered for dropped site " + lost +
                      " does not match its public key: a site sent a wrong share");
    }
    for (const auto& [survivor, vector] : inputs.masked) {
      const PublicKey& survivor_key = inputs.material.at(survivor).mask_public_key;
      ASSIGN_OR_RETURN(SecretBytes pair_key, PairMaskKey(inputs.session_id, inputs.round, lost, secret_key, public_key,
                                                         survivor, survivor_key));
      // The survivor added the stream if its name sorts before the dropped site's, else subtracted it.
      ExpandMask(pair_key, inputs.round, length, sum, survivor < lost ? -1 : +1);
    }
  }
  return sum;
}

}  // namespace medfed::crypto
