// Secure aggregation that survives dropouts: double masking with Shamir-shared mask secrets
// (Bonawitz et al., "Practical Secure Aggregation for Privacy-Preserving Machine Learning",
// ACM CCS 2017, §4, the semi-honest protocol), made one-time per masked vector so that it can
// run the many rounds of an iterative analysis.
//
// Per session every site has a channel key (its signed session X25519 key); each pair of
// sites derives an AEAD key from it, which carries shares between them through the hub.
// For every masked vector a site draws fresh one-time material: a mask key pair (s_sk, s_pk)
// and a self-mask seed b. It splits s_sk and b t-of-n among the session's sites (shamir.h) and
// seals each site's shares to it. The masked vector of round r over participants P is
//   y_i = x_i + PRG(b_i, r) + sum_{j in P, j > i} PRG(k_ij, r) - sum_{j in P, j < i} PRG(k_ij, r)
// with k_ij from X25519(s_sk_i, s_pk_j) (mod 2^128). The hub collects y from the survivors U
// (the others, D, dropped) and asks the survivors, once per round, for their shares of b_i
// (i in U) and of s_sk_u (u in D). An honest site answers one unmask per round and never
// gives both kinds for one site, so a dropped site's late y stays hidden behind its self mask,
// and a survivor's pairwise masks stay hidden behind its mask key. With t shares the hub
// removes the survivors' self masks and the pairwise masks they share with dropped sites; the
// remaining masks cancel, and it learns the sum over U and nothing else.
//
// What it protects, precisely (docs/protocols/secure-aggregation.md): a hub that follows the
// protocol, together with fewer than t sites, learns nothing beyond sums over at least t sites.
// A hub that lies (different survivor lists to different sites) needs 2t - n colluding sites
// to recover one site's vector, so sites refuse a threshold below a majority of the study's
// sites, and the default is two thirds.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "medfed/core/status.h"
#include "medfed/crypto/fixed_point.h"
#include "medfed/crypto/secret_bytes.h"
#include "medfed/crypto/secure_aggregation.h"

namespace medfed::crypto {

using Commitment = std::array<uint8_t, 32>;

// The smallest threshold a site accepts for a study of `sites` sites: a strict majority.
int MinimumDropoutThreshold(int sites);
// The default: two thirds (rounded up), and at least a majority. 3 sites: 2, 5: 4, 10: 7, 60: 40.
int DefaultDropoutThreshold(int sites);
// The threshold a study asked for, or the default when it asked for none (0).
int DropoutThresholdFor(int sites, int requested);

// A site's one-time material for its next masked vector, as it leaves the site.
struct MaskMaterial {
  PublicKey mask_public_key{};                // s_pk, for the peers and for the hub's unmasking
  Commitment self_mask_commitment{};          // BLAKE2b-256 of b, so the hub can check what it recovers
  std::map<std::string, std::string> sealed;  // peer -> its shares of s_sk and b, sealed to it
};

// A site's answer to an unmask request.
struct RevealedShares {
  std::map<std::string, SecretBytes> self_mask_shares;  // surviving site -> share of its b
  std::map<std::string, SecretBytes> mask_key_shares;   // dropped site -> share of its s_sk
};

class DoubleMasker {
 public:
  static StatusOr<DoubleMasker> Create(std::string session_id, std::string self, int threshold);

  const PublicKey& channel_public_key() const { return channel_public_key_; }
  const std::string& self() const { return self_; }

  // Derives the channel keys with every other participant (this site included, with its own
  // channel key). `planned_sites` is the number of sites the study names: the threshold must
  // be at least MinimumDropoutThreshold(planned_sites) and at most the participants present.
  Status Agree(std::vector<Participant> participants, int planned_sites);

  // Fresh one-time material made while answering message `tag`, replacing material not yet used.
  StatusOr<MaskMaterial> NewMaterial(uint64_t tag);
  // The message this site's current material was made in answering: the peers' material that
  // goes with it was made in answering the same message.
  uint64_t material_tag() const { return material_.tag; }
  // A peer's sealed shares for this site, made while answering message `tag`.
  Status Receive(const std::string& from, uint64_t tag, const std::string& sealed);
  // Masks `plain` for round `round` (strictly increasing) with this site's current material,
  // pairwise with every other site in `participants` (whose material must have been received
  // for the same tag). The material is used once: afterwards only the shares it holds for the
  // round's unmasking remain.
  StatusOr<std::vector<RingElement>> Mask(const std::vector<RingElement>& plain, uint64_t round,
                                          const std::vector<std::string>& participants);
  // Answers the hub's one unmask request for `round`: `survivors` and `dropped` must split the
  // round's participants, this site among the survivors, and the survivors must be at least the
  // threshold. The dropped sites are dropped for the rest of the session.
  StatusOr<RevealedShares> Unmask(uint64_t round, const std::vector<std::string>& survivors,
                                  const std::vector<std::string>& dropped);

  const std::set<std::string>& dropped() const { return dropped_; }

 private:
  DoubleMasker() = default;
  struct HeldShares {
    SecretBytes mask_key_share;   // of the owner's s_sk
    SecretBytes self_mask_share;  // of the owner's b
  };
  struct PeerMaterial {
    uint64_t tag = 0;
    PublicKey mask_public_key{};
    HeldShares shares;
  };
  struct OwnMaterial {
    uint64_t tag = 0;
    SecretBytes mask_secret_key;
    PublicKey mask_public_key{};
    SecretBytes self_mask_seed;
    HeldShares own_shares;  // this site is a shareholder of its own secrets too
  };
  struct MaskedRound {
    std::set<std::string> participants;
    std::map<std::string, HeldShares> held;  // participant -> this site's shares of its secrets
  };

  std::string session_id_;
  std::string self_;
  int threshold_ = 0;
  PublicKey channel_public_key_{};
  SecretBytes channel_secret_key_;
  std::vector<std::string> sites_;                   // the session's sites, sorted; x = index + 1
  std::map<std::string, SecretBytes> channel_keys_;  // peer -> AEAD key
  std::set<std::string> dropped_;
  bool agreed_ = false;
  bool has_material_ = false;
  OwnMaterial material_;
  std::map<std::string, PeerMaterial> peer_material_;
  std::map<uint64_t, MaskedRound> masked_rounds_;  // awaiting their unmask
  bool any_round_ = false;
  uint64_t last_round_ = 0;
};

// The hub's side: the sum over the survivors of round `round`.
struct SurvivorSumInputs {
  std::string session_id;
  uint64_t round = 0;
  int threshold = 0;
  std::vector<std::string> session_sites;                  // sorted, as the sites agreed them
  std::map<std::string, MaskMaterial> material;            // every participant's (sealed part unused)
  std::map<std::string, std::vector<RingElement>> masked;  // survivor -> y
  std::vector<std::string> dropped;                        // participants whose y did not come
  std::map<std::string, RevealedShares> revealed;          // answering survivor -> its shares
};
StatusOr<std::vector<RingElement>> RecoverSurvivorSum(const SurvivorSumInputs& inputs);

}  // namespace medfed::crypto
