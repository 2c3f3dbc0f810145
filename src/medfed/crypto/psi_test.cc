#include "medfed/crypto/psi.h"

#include <set>

#include "gtest/gtest.h"

namespace medfed::crypto {
namespace {

struct PsiRun {
  PsiOutcome outcome;
  std::string request, reply;
};

PsiRun RunPsi(const std::vector<std::string>& receiver_keys, const std::vector<std::string>& sender_keys,
              PsiMode mode = PsiMode::kIntersection, std::string sender_domain = "medfed-psi-v1") {
  PsiOptions options;
  options.mode = mode;
  auto receiver = PsiReceiver::Create(receiver_keys, options);
  options.domain = sender_domain;
  auto sender = PsiSender::Create(sender_keys, options);
  EXPECT_TRUE(receiver.ok() && sender.ok());
  PsiRun run;
  run.request = *receiver->Request();
  auto reply = sender->Reply(run.request);
  EXPECT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(sender->receiver_set_size(), receiver_keys.size());
  run.reply = *reply;
  auto outcome = receiver->Finish(run.reply);
  EXPECT_TRUE(outcome.ok()) << outcome.status();
  run.outcome = *outcome;
  return run;
}

std::vector<std::string> Keys(const std::string& prefix, int from, int to) {
  std::vector<std::string> keys;
  for (int i = from; i < to; ++i) keys.push_back(prefix + std::to_string(i));
  return keys;
}

std::set<std::string> Intersection(const PsiRun& run, const std::vector<std::string>& receiver_keys) {
  std::set<std::string> keys;
  for (size_t index : run.outcome.intersection) keys.insert(receiver_keys[index]);
  return keys;
}

TEST(PsiTest, IntersectionOfOverlappingSets) {
  // 300 shared patients among 1,000 and 800.
  std::vector<std::string> a = Keys("patient-", 0, 1000), b = Keys("patient-", 700, 1500);
  PsiRun run = RunPsi(a, b);
  EXPECT_EQ(run.outcome.intersection_size, 300u);
  EXPECT_EQ(run.outcome.sender_set_size, 800u);
  std::set<std::string> expected(a.begin() + 700, a.end());
  EXPECT_EQ(Intersection(run, a), expected);
}

TEST(PsiTest, EdgeCases) {
  EXPECT_EQ(RunPsi({}, {}).outcome.intersection_size, 0u);
  EXPECT_EQ(RunPsi({}, Keys("k", 0, 10)).outcome.intersection_size, 0u);
  EXPECT_EQ(RunPsi(Keys("k", 0, 10), {}).outcome.intersection_size, 0u);
  EXPECT_EQ(RunPsi(Keys("k", 0, 50), Keys("j", 0, 50)).outcome.intersection_size, 0u);  // disjoint
  auto same = Keys("k", 0, 64);
  PsiRun identical = RunPsi(same, same);
  EXPECT_EQ(identical.outcome.intersection_size, 64u);
  EXPECT_EQ(identical.outcome.intersection.size(), 64u);
  PsiRun one = RunPsi({"110101199003074514"}, {"110101199003074514"});
  ASSERT_EQ(one.outcome.intersection, std::vector<size_t>{0});
  EXPECT_EQ(RunPsi({"x"}, {"y"}).outcome.intersection_size, 0u);
  // Keys differing only in case or by a byte are different keys.
  EXPECT_EQ(RunPsi({"Ab", "ab "}, {"ab"}).outcome.intersection_size, 0u);
}

TEST(PsiTest, CardinalityModeRevealsOnlyTheSize) {
  std::vector<std::string> a = Keys("p", 0, 200), b = Keys("p", 150, 400);
  PsiRun run = RunPsi(a, b, PsiMode::kCardinality);
  EXPECT_EQ(run.outcome.intersection_size, 50u);
  EXPECT_TRUE(run.outcome.intersection.empty());
}

TEST(PsiTest, MessagesCarryNoKeyAndNoUnblindedHash) {
  std::vector<std::string> a = Keys("110101199003070", 100, 400), b = Keys("110101199003070", 300, 600);
  PsiRun run = RunPsi(a, b);
  const std::vector<GroupElement> hashed_a = HashToGroup("medfed-psi-v1", a, 2);
  const std::vector<GroupElement> hashed_b = HashToGroup("medfed-psi-v1", b, 2);
  for (const std::string* message : {&run.request, &run.reply}) {
    for (const auto& keys : {a, b}) {
      for (const auto& key : keys) ASSERT_EQ(message->find(key), std::string::npos) << key;
    }
    for (const auto& hashed : {hashed_a, hashed_b}) {
      for (const auto& element : hashed) {
        ASSERT_EQ(message->find(std::string(element.begin(), element.end())), std::string::npos);
      }
    }
  }
  // Fresh secrets each run: the same keys are blinded differently, so runs cannot be linked.
  PsiRun again = RunPsi(a, b);
  EXPECT_NE(run.request.substr(16, 32 * 300), again.request.substr(16, 32 * 300));
  EXPECT_EQ(again.outcome.intersection_size, 100u);
}

TEST(PsiTest, DomainsSeparateStudies) {
  auto keys = Keys("k", 0, 20);
  EXPECT_EQ(RunPsi(keys, keys, PsiMode::kIntersection, "another-study").outcome.intersection_size, 0u);
}

TEST(PsiTest, ForgedTruncatedOrMismatchedMessagesAreRefused) {
  PsiOptions options;
  auto receiver = *PsiReceiver::Create(Keys("k", 0, 10), options);
  auto sender = *PsiSender::Create(Keys("k", 5, 15), options);
  std::string request = *receiver.Request();
  std::string forged = request;
  for (size_t i = 16; i < 48; ++i) forged[i] = static_cast<char>(0xff);  // not a canonical encoding
  auto refused = sender.Reply(forged);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(std::string(refused.status().message()).find("element 0 of the PSI message is not a valid group element"),
            std::string::npos)
      << refused.status();
  auto truncated = sender.Reply(request.substr(0, request.size() - 5));
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(std::string(truncated.status().message()).find("truncated"), std::string::npos);
  EXPECT_FALSE(sender.Reply("hello").ok());
  // A sender that agreed to reveal only the size refuses to reveal the intersection.
  options.mode = PsiMode::kCardinality;
  auto cautious = *PsiSender::Create(Keys("k", 5, 15), options);
  auto mode = cautious.Reply(request);
  ASSERT_FALSE(mode.ok());
  EXPECT_EQ(mode.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(std::string(mode.status().message()).find("runs cardinality only"), std::string::npos);
  // Duplicate keys would leak multiplicities and are refused up front.
  EXPECT_FALSE(PsiReceiver::Create({"a", "a"}, PsiOptions()).ok());
  // The genuine reply still works.
  auto outcome = receiver.Finish(*sender.Reply(request));
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->intersection_size, 5u);
}

}  // namespace
}  // namespace medfed::crypto
