#include "medfed/crypto/dropout_tolerant_masking.h"

#include <sodium.h>

#include <cmath>
#include <set>

#include "gtest/gtest.h"
#include "medfed/crypto/shamir.h"

namespace medfed::crypto {
namespace {

constexpr char kSession[] = "study-7";

std::string SiteName(int i) {
  std::string number = std::to_string(i);
  return "hospital-" + std::string(3 - number.size(), '0') + number;
}

// Plays the hub and n honest sites of one session, message by message, as the coordinator and
// the site nodes do: every reply carries fresh material, a round request carries the peers'.
class Network {
 public:
  Network(int sites, int threshold, int planned_sites = 0) : threshold_(threshold) {
    std::vector<Participant> directory;
    for (int i = 0; i < sites; ++i) {
      auto masker = DoubleMasker::Create(kSession, SiteName(i), threshold);
      EXPECT_TRUE(masker.ok());
      directory.push_back({SiteName(i), masker->channel_public_key()});
      names_.push_back(SiteName(i));
      maskers_.push_back(*std::move(masker));
    }
    for (auto& masker : maskers_) {
      agree_status_.Update(masker.Agree(directory, planned_sites > 0 ? planned_sites : sites));
    }
    alive_.insert(names_.begin(), names_.end());
    tag_ = 2;  // the key directory's message
  }

  const Status& agree_status() const { return agree_status_; }
  DoubleMasker& site(const std::string& name) { return maskers_[Index(name)]; }
  const std::set<std::string>& alive() const { return alive_; }
  std::map<std::string, MaskMaterial>& material() { return material_; }

  // The reply to the key directory: every alive site but `silent` sends material.
  void KeysAccepted(const std::set<std::string>& silent = {}) { FreshMaterial(silent); }

  // One round. `lost_before_masking` receive the request but never answer it;
  // `lost_before_unmasking` answer it and then never answer the unmasking.
  struct Outcome {
    Status status;
    std::vector<RingElement> sum, expected;
    std::map<std::string, std::vector<RingElement>> late;    // masked vectors of sites declared dropped
    std::map<std::string, std::vector<RingElement>> masked;  // the survivors'
    std::map<std::string, RevealedShares> revealed;
    std::map<std::string, MaskMaterial> material;  // that the round was masked with
    std::vector<std::string> dropped;
  };
  Outcome Round(const std::map<std::string, std::vector<RingElement>>& inputs,
                const std::set<std::string>& lost_before_masking = {},
                const std::set<std::string>& lost_before_unmasking = {}) {
    Outcome outcome;
    const uint64_t round = ++tag_;
    std::vector<std::string> participants;
    for (const auto& name : alive_) {
      if (material_.count(name)) participants.push_back(name);
    }
    std::map<std::string, std::vector<RingElement>> masked;
    std::map<std::string, MaskMaterial> next;
    for (const auto& name : participants) {
      DoubleMasker& masker = site(name);
      for (const auto& peer : participants) {
        if (peer == name) continue;
        Status received = masker.Receive(peer, tag_ - 1, material_.at(peer).sealed.at(name));
        EXPECT_TRUE(received.ok()) << received;
      }
      auto y = masker.Mask(inputs.at(name), round, participants);
      if (!y.ok()) {
        outcome.status = y.status();
        return outcome;
      }
      auto fresh = masker.NewMaterial(round);
      EXPECT_TRUE(fresh.ok());
      if (lost_before_masking.count(name)) {
        outcome.late[name] = *y;  // computed and sent, but after the hub gave up on it
        continue;
      }
      masked[name] = *std::move(y);
      next[name] = *std::move(fresh);
    }
    std::vector<std::string> survivors;
    for (const auto& name : participants) {
      if (lost_before_masking.count(name)) {
        outcome.dropped.push_back(name);
      } else {
        survivors.push_back(name);
        outcome.expected = outcome.expected.empty() ? inputs.at(name) : outcome.expected;
      }
    }
    outcome.expected.assign(inputs.begin()->second.size(), 0);
    for (const auto& name : survivors) {
      for (size_t e = 0; e < outcome.expected.size(); ++e) outcome.expected[e] += inputs.at(name)[e];
    }
    const uint64_t unmask_tag = ++tag_;
    for (const auto& name : survivors) {
      auto revealed = site(name).Unmask(round, survivors, outcome.dropped);
      if (!revealed.ok()) {
        outcome.status = revealed.status();
        continue;
      }
      auto fresh = site(name).NewMaterial(unmask_tag);
      EXPECT_TRUE(fresh.ok());
      if (lost_before_unmasking.count(name)) continue;
      outcome.revealed[name] = *std::move(revealed);
      next[name] = *std::move(fresh);
    }
    SurvivorSumInputs sum_inputs;
    sum_inputs.session_id = kSession;
    sum_inputs.round = round;
    sum_inputs.threshold = threshold_;
    sum_inputs.session_sites = names_;
    for (const auto& name : participants) sum_inputs.material[name] = material_.at(name);
    sum_inputs.masked = masked;
    sum_inputs.dropped = outcome.dropped;
    sum_inputs.revealed = outcome.revealed;
    outcome.material = sum_inputs.material;
    outcome.masked = masked;
    auto sum = RecoverSurvivorSum(sum_inputs);
    if (outcome.status.ok()) outcome.status = sum.status();
    if (sum.ok()) outcome.sum = *std::move(sum);
    // The hub carries on with the sites that answered everything.
    for (const auto& name : lost_before_masking) alive_.erase(name);
    for (const auto& name : lost_before_unmasking) alive_.erase(name);
    material_ = std::move(next);
    return outcome;
  }

 private:
  size_t Index(const std::string& name) const { return std::find(names_.begin(), names_.end(), name) - names_.begin(); }
  void FreshMaterial(const std::set<std::string>& silent) {
    material_.clear();
    for (const auto& name : alive_) {
      auto fresh = site(name).NewMaterial(tag_);
      EXPECT_TRUE(fresh.ok());
      if (silent.count(name)) {
        alive_.erase(name);
        return FreshMaterial(silent);
      }
      material_[name] = *std::move(fresh);
    }
  }

  int threshold_;
  std::vector<std::string> names_;
  std::vector<DoubleMasker> maskers_;
  Status agree_status_;
  std::set<std::string> alive_;
  std::map<std::string, MaskMaterial> material_;
  uint64_t tag_ = 0;
};

std::map<std::string, std::vector<RingElement>> Inputs(const std::set<std::string>& sites, int round) {
  std::map<std::string, std::vector<RingElement>> inputs;
  int i = 0;
  for (const auto& name : sites) {
    auto encoded = EncodeFixedPoint({1.0 * i, -3.5 * round, 1e9 + i * round, 0.125 * i});
    EXPECT_TRUE(encoded.ok());
    inputs[name] = *encoded;
    ++i;
  }
  return inputs;
}

std::set<std::string> Pick(const std::set<std::string>& from, size_t first, size_t count) {
  std::set<std::string> picked;
  auto it = from.begin();
  std::advance(it, std::min(first, from.size()));
  for (; it != from.end() && picked.size() < count; ++it) picked.insert(*it);
  return picked;
}

TEST(DropoutTolerantMaskingTest, ThresholdsAreAMajorityAtLeastAndTwoThirdsByDefault) {
  EXPECT_EQ(DefaultDropoutThreshold(3), 2);
  EXPECT_EQ(DefaultDropoutThreshold(5), 4);
  EXPECT_EQ(DefaultDropoutThreshold(10), 7);
  EXPECT_EQ(DefaultDropoutThreshold(60), 40);
  EXPECT_EQ(MinimumDropoutThreshold(60), 31);
  // A site refuses a threshold below a majority of the study's sites.
  Network low(6, 3);
  EXPECT_EQ(low.agree_status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(low.agree_status().message().find("below a majority"), std::string::npos);
  // ... counted over the sites the study names, not the ones that happened to open.
  Network fewer_opened(4, 4, /*planned_sites=*/9);
  EXPECT_EQ(fewer_opened.agree_status().code(), absl::StatusCode::kPermissionDenied);
}

// Sites are lost at every step of a round (before sending material, after receiving the round
// but before masking, after masking but before unmasking), for 5, 10 and 60 sites, over
// consecutive rounds; every sum is the survivors' sum exactly.
TEST(DropoutTolerantMaskingTest, EverySumIsTheSurvivorsSumExactlyWhateverStepSitesAreLostAt) {
  for (int n : {5, 10, 60}) {
    SCOPED_TRACE("n = " + std::to_string(n));
    const int t = DefaultDropoutThreshold(n);
    const size_t may_lose = n - t;  // in total, over the session
    Network network(n, t);
    ASSERT_TRUE(network.agree_status().ok()) << network.agree_status();
    size_t lost = 0;
    const size_t at_keys = may_lose >= 3 ? 1 : 0;
    network.KeysAccepted(Pick(network.alive(), 0, at_keys));
    lost += at_keys;
    // Round 1: nobody else is lost.
    auto first = network.Round(Inputs(network.alive(), 1));
    ASSERT_TRUE(first.status.ok()) << first.status;
    EXPECT_EQ(first.sum, first.expected);
    // Round 2: lost before masking (at most what the threshold allows, leaving one for later).
    const size_t before_masking = std::max<size_t>(1, (may_lose - lost) / 2);
    auto second = network.Round(Inputs(network.alive(), 2), Pick(network.alive(), 1, before_masking));
    lost += before_masking;
    ASSERT_TRUE(second.status.ok()) << second.status;
    EXPECT_EQ(second.sum, second.expected);
    EXPECT_EQ(second.dropped.size(), before_masking);
    // Round 3: lost after masking, before unmasking: their vectors are in this sum.
    const size_t after_masking = may_lose - lost;
    ASSERT_GE(after_masking, 0U);
    auto third = network.Round(Inputs(network.alive(), 3), {}, Pick(network.alive(), 0, after_masking));
    ASSERT_TRUE(third.status.ok()) << third.status;
    EXPECT_EQ(third.sum, third.expected);
    // Round 4: exactly t sites remain and answer.
    EXPECT_EQ(network.alive().size(), static_cast<size_t>(t));
    auto fourth = network.Round(Inputs(network.alive(), 4));
    ASSERT_TRUE(fourth.status.ok()) << fourth.status;
    EXPECT_EQ(fourth.sum, fourth.expected);
    // Round 5: one more loss leaves fewer than t: the sites reveal nothing.
    auto fifth = network.Round(Inputs(network.alive(), 5), Pick(network.alive(), 0, 1));
    EXPECT_EQ(fifth.status.code(), absl::StatusCode::kPermissionDenied) << fifth.status;
    EXPECT_TRUE(fifth.revealed.empty());
    EXPECT_TRUE(fifth.sum.empty());
  }
}

TEST(DropoutTolerantMaskingTest, ALateVectorOfADroppedSiteStaysMasked) {
  Network network(5, 4);
  network.KeysAccepted();
  auto inputs = Inputs(network.alive(), 1);
  const std::string late_site = SiteName(2);
  auto outcome = network.Round(inputs, {late_site});
  ASSERT_TRUE(outcome.status.ok()) << outcome.status;
  ASSERT_EQ(outcome.late.count(late_site), 1U);
  // The hub holds everything the survivors revealed, and no survivor revealed the late site's
  // self mask.
  for (const auto& [answerer, revealed] : outcome.revealed) {
    EXPECT_EQ(revealed.self_mask_shares.count(late_site), 0U) << answerer << " revealed the dropped site's self mask";
    EXPECT_EQ(revealed.mask_key_shares.count(late_site), 1U) << answerer;
  }
  // Its best use of them: the late vector plus the survivors' vectors, minus the survivors' self
  // masks it recovered, minus the survivors' sum, cancels every pairwise mask and leaves the
  // late site's input under its self mask, x + PRG(b): noise.
  std::vector<RingElement> view = outcome.late.at(late_site);
  for (const auto& [survivor, y] : outcome.masked) {
    std::vector<SecretShare> seed_shares;
    for (const auto& [answerer, revealed] : outcome.revealed) {
      seed_shares.push_back(
          {static_cast<uint8_t>(std::stoi(answerer.substr(9)) + 1), revealed.self_mask_shares.at(survivor)});
    }
    auto seed = CombineShares(seed_shares, 4);
    ASSERT_TRUE(seed.ok());
    for (size_t e = 0; e < view.size(); ++e) view[e] += y[e];
    ExpandMask(*seed, 3, view.size(), view, -1);
  }
  for (size_t e = 0; e < view.size(); ++e) view[e] -= outcome.expected[e];
  const auto decoded = DecodeFixedPoint(view);
  const auto plain = DecodeFixedPoint(inputs.at(late_site));
  for (size_t e = 0; e < plain.size(); ++e) EXPECT_GT(std::fabs(decoded[e] - plain[e]), 1e6);
  // And the survivors refuse to be asked again with the late site among the survivors.
  std::vector<std::string> everyone(network.alive().begin(), network.alive().end());
  everyone.push_back(late_site);
  std::sort(everyone.begin(), everyone.end());
  for (const auto& name : network.alive()) {
    auto again = network.site(name).Unmask(network.alive().size() + 2, everyone, {});
    EXPECT_EQ(again.status().code(), absl::StatusCode::kPermissionDenied) << name;
  }
}

TEST(DropoutTolerantMaskingTest, AHubThatSplitsTheSurvivorListsCannotReachEitherSecret) {
  // 5 sites, threshold 3 (a majority): the hub tells two sites that hospital-004 dropped and
  // two others that it survived, and so holds two shares of its mask key and two of its self
  // mask: each short of the threshold.
  Network network(5, 3);
  network.KeysAccepted();
  const std::string target = SiteName(4);
  std::vector<std::string> participants(network.alive().begin(), network.alive().end());
  const uint64_t round = 3;
  std::map<std::string, std::vector<RingElement>> masked;
  auto inputs = Inputs(network.alive(), 1);
  for (const auto& name : participants) {
    for (const auto& peer : participants) {
      if (peer != name) {
        ASSERT_TRUE(network.site(name).Receive(peer, 2, network.material().at(peer).sealed.at(name)).ok());
      }
    }
    auto y = network.site(name).Mask(inputs.at(name), round, participants);
    ASSERT_TRUE(y.ok());
    masked[name] = *y;
  }
  std::vector<std::string> without_target(participants.begin(), participants.end() - 1);
  std::vector<SecretShare> key_shares;
  std::vector<SecretShare> seed_shares;
  for (int i : {0, 1}) {
    auto revealed = network.site(SiteName(i)).Unmask(round, without_target, {target});
    ASSERT_TRUE(revealed.ok()) << revealed.status();
    key_shares.push_back({static_cast<uint8_t>(i + 1), revealed->mask_key_shares.at(target)});
  }
  for (int i : {2, 3}) {
    auto revealed = network.site(SiteName(i)).Unmask(round, participants, {});
    ASSERT_TRUE(revealed.ok()) << revealed.status();
    seed_shares.push_back({static_cast<uint8_t>(i + 1), revealed->self_mask_shares.at(target)});
  }
  EXPECT_FALSE(CombineShares(key_shares, 3).ok());
  EXPECT_FALSE(CombineShares(seed_shares, 3).ok());
  // Interpolating through two shares anyway gives a wrong secret: it fails the commitment.
  auto guessed_seed = CombineShares(seed_shares, 2);
  ASSERT_TRUE(guessed_seed.ok());
  std::array<uint8_t, 32> guessed_commitment{};
  crypto_generichash(guessed_commitment.data(), 32, guessed_seed->data(), guessed_seed->size(), nullptr, 0);
  EXPECT_NE(guessed_commitment, network.material().at(target).self_mask_commitment);
}

TEST(DropoutTolerantMaskingTest, RelayedSharesCannotBeAlteredReplayedOrRedirected) {
  Network network(4, 3);
  network.KeysAccepted();
  const std::string a = SiteName(0);
  const std::string b = SiteName(1);
  const std::string c = SiteName(2);
  std::string sealed = network.material().at(a).sealed.at(b);
  std::string altered = sealed;
  altered[40] ^= 1;
  EXPECT_EQ(network.site(b).Receive(a, 2, altered).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(network.site(b).Receive(a, 1, sealed).code(), absl::StatusCode::kPermissionDenied);  // other exchange
  EXPECT_EQ(network.site(c).Receive(a, 2, sealed).code(), absl::StatusCode::kPermissionDenied);  // for b, not c
  EXPECT_EQ(network.site(b).Receive(c, 2, sealed).code(), absl::StatusCode::kPermissionDenied);  // not from c
  EXPECT_TRUE(network.site(b).Receive(a, 2, sealed).ok());
  EXPECT_EQ(network.site(b).Receive("outsider", 2, sealed).code(), absl::StatusCode::kInvalidArgument);
}

TEST(DropoutTolerantMaskingTest, SitesRefuseWhatWouldRevealOrReuseAMask) {
  Network network(4, 3);
  network.KeysAccepted();
  std::vector<std::string> all(network.alive().begin(), network.alive().end());
  const std::string a = SiteName(0);
  for (const auto& peer : all) {
    if (peer != a) {
      ASSERT_TRUE(network.site(a).Receive(peer, 2, network.material().at(peer).sealed.at(a)).ok());
    }
  }
  auto input = Inputs({a}, 1).at(a);
  // Without another site's material.
  EXPECT_EQ(network.site(SiteName(1)).Mask(input, 3, all).status().code(), absl::StatusCode::kFailedPrecondition);
  // Too few participants.
  EXPECT_EQ(network.site(a).Mask(input, 3, {a, SiteName(1)}).status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(network.site(a).Mask(input, 3, all).ok());
  // The material is used once; a lower round is refused.
  EXPECT_FALSE(network.site(a).Mask(input, 4, all).ok());
  EXPECT_EQ(network.site(a).Mask(input, 2, all).status().code(), absl::StatusCode::kPermissionDenied);
  // Unmask: the lists must split the participants, this site must survive, and only once.
  EXPECT_EQ(network.site(a).Unmask(3, {a, SiteName(1)}, {SiteName(2)}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(network.site(a).Unmask(3, {SiteName(1), SiteName(2), SiteName(3)}, {a}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(network.site(a).Unmask(3, {a, SiteName(1)}, {SiteName(2), SiteName(3)}).status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(network.site(a).Unmask(3, all, {}).ok());
  EXPECT_EQ(network.site(a).Unmask(3, all, {}).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(DropoutTolerantMaskingTest, AWrongShareIsDetectedNotSummed) {
  Network network(5, 4);
  network.KeysAccepted();
  auto inputs = Inputs(network.alive(), 1);
  auto outcome = network.Round(inputs);
  ASSERT_TRUE(outcome.status.ok());
  // Replay the recovery with one answering site's self-mask share of another site flipped.
  SurvivorSumInputs tampered;
  tampered.session_id = kSession;
  tampered.round = 3;
  tampered.threshold = 4;
  for (int i = 0; i < 5; ++i) tampered.session_sites.push_back(SiteName(i));
  tampered.material = outcome.material;
  tampered.revealed = outcome.revealed;
  tampered.revealed.begin()->second.self_mask_shares.begin()->second.data()[0] ^= 1;
  for (const auto& name : tampered.session_sites) tampered.masked[name] = std::vector<RingElement>(4, 0);
  auto sum = RecoverSurvivorSum(tampered);
  EXPECT_EQ(sum.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(sum.status().message().find("does not match its commitment"), std::string::npos) << sum.status();
}

}  // namespace
}  // namespace medfed::crypto
