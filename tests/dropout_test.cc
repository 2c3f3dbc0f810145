// on_dropout = "continue": sites are lost at every step of a session (opening, key directory, a
// masked round, its unmasking, a later round of an iterative model) and the study still gives
// exactly the answer of a study over the survivors alone; too many losses stop it with nothing
// unmasked.
#include <algorithm>
#include <set>

#include "gtest/gtest.h"
#include "medfed/core/progress.h"
#include "medfed/federation/coordinator.h"
#include "medfed/federation/in_process_transport.h"
#include "test_support.h"

namespace medfed {
namespace {

std::vector<std::unique_ptr<federation::SiteNode>> Nodes(const std::vector<federation::SiteConfig>& sites) {
  std::vector<std::unique_ptr<federation::SiteNode>> nodes;
  for (const auto& site : sites) {
    nodes.push_back(std::make_unique<federation::SiteNode>(std::make_shared<analysis::SiteData>(site.name, site.tables),
                                                           privacy::SitePolicy{}));
  }
  return nodes;
}

// A one-round count, a summary and a logistic model (several rounds, so a loss after its first
// round restarts it).
std::vector<analysis::AnalysisSpec> Analyses() {
  return {analysis::AnalysisSpec("n", "count", {{"table", "colon"}}),
          analysis::AnalysisSpec("logistic", "glm",
                                 {{"table", "colon"}, {"formula", "recurrence ~ age + sex"}, {"family", "binomial"}}),
          analysis::AnalysisSpec("age", "summary", {{"table", "colon"}, {"variables", {"age"}}})};
}

// What an analysis released, without who took part (which the dropout run adds).
analysis::Json Released(analysis::Json result) {
  result.erase("sites");
  result.erase("restarted_without");
  return result;
}

class DropoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Progress::SetEnabled(false);
    sites_ = testing::WriteCohort(11, {60, 70, 80, 90, 100});
  }

  StatusOr<analysis::Json> Run(const std::vector<federation::SiteConfig>& sites, const std::string& on_dropout,
                               const std::function<void(federation::InProcessTransport&)>& faults = {},
                               int threshold = 0) {
    federation::InProcessTransport transport(Nodes(sites));
    if (faults) faults(transport);
    federation::CoordinatorOptions options;
    options.round_timeout = std::chrono::milliseconds(400);
    options.on_dropout = on_dropout;
    options.dropout_threshold = threshold;
    federation::Coordinator coordinator(transport, options);
    return coordinator.Run("dropouts", Analyses());
  }

  std::vector<federation::SiteConfig> Without(const std::set<std::string>& lost) const {
    std::vector<federation::SiteConfig> kept;
    for (const auto& site : sites_) {
      if (!lost.count(site.name)) kept.push_back(site);
    }
    return kept;
  }

  std::vector<federation::SiteConfig> sites_;
};

TEST_F(DropoutTest, WithoutDropoutsContinueGivesTheSameNumbersAsAbort) {
  auto pairwise = Run(sites_, "abort");
  auto tolerant = Run(sites_, "continue");
  ASSERT_TRUE(pairwise.ok()) << pairwise.status();
  ASSERT_TRUE(tolerant.ok()) << tolerant.status();
  ASSERT_EQ((*tolerant)["results"].size(), 3U);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*pairwise)["results"][i], Released((*tolerant)["results"][i])) << i;
    EXPECT_EQ((*tolerant)["results"][i]["sites"].size(), 5U);
  }
  EXPECT_EQ((*tolerant)["dropout_threshold"], 4);
  EXPECT_EQ((*pairwise)["results"][0]["n"], 400);
}

// The session's messages to each site, in order: 1 open, 2 key directory, 3 count round,
// 4 its unmasking, 5 the model's first round, 6 its unmasking, 7 its second round, ...
TEST_F(DropoutTest, ASiteLostAtAnyStepLeavesExactlyTheSurvivorsAnswer) {
  auto survivors = Run(Without({"hospital-c"}), "abort");
  ASSERT_TRUE(survivors.ok()) << survivors.status();
  auto everyone = Run(sites_, "abort");
  ASSERT_TRUE(everyone.ok()) << everyone.status();
  const std::map<int, std::string> steps = {
      {1, "opening the session"},       {2, "the key directory"},
      {3, "analysis n round 1"},        {4, "the unmasking of analysis n round 1"},
      {5, "analysis logistic round 1"}, {8, "the unmasking of analysis logistic round 2"}};
  for (const auto& [message, step] : steps) {
    SCOPED_TRACE("lost at message " + std::to_string(message) + ": " + step);
    auto document =
        Run(sites_, "continue", [&](federation::InProcessTransport& t) { t.SilenceSiteAfter("hospital-c", message); });
    ASSERT_TRUE(document.ok()) << document.status();
    for (size_t i = 0; i < 3; ++i) {
      // The count finished before a loss at message 5 or later: it covers everyone.
      const bool finished_before = i == 0 && message >= 5;
      const auto& result = (*document)["results"][i];
      EXPECT_EQ(result["sites"].size(), finished_before ? 5U : 4U) << result.dump();
      EXPECT_EQ(Released(result), (finished_before ? *everyone : *survivors)["results"][i]) << result.dump();
    }
    // The document says who was lost, and where.
    const auto& site_c = (*document)["sites"][2];
    EXPECT_EQ(site_c["name"], "hospital-c");
    EXPECT_EQ(site_c["status"], "dropped");
    EXPECT_EQ(site_c["lost_at"], step);
    // An analysis that had already run rounds with the lost site starts again without it.
    if (message >= 5) {
      EXPECT_EQ((*document)["results"][1]["restarted_without"], analysis::Json({"hospital-c"}));
    } else {
      EXPECT_FALSE((*document)["results"][1].contains("restarted_without"));
    }
  }
}

TEST_F(DropoutTest, LossesBeyondTheThresholdStopTheStudyAndNameIt) {
  // Threshold 4 of 5: a second loss stops the study.
  auto document = Run(sites_, "continue", [](federation::InProcessTransport& t) {
    t.SilenceSiteAfter("hospital-b", 3);
    t.SilenceSiteAfter("hospital-e", 6);
  });
  ASSERT_FALSE(document.ok());
  const std::string message(document.status().message());
  EXPECT_NE(message.find("fewer than the dropout threshold 4"), std::string::npos) << message;
  EXPECT_NE(message.find("hospital-b, hospital-e"), std::string::npos) << message;
  EXPECT_NE(message.find("nothing more is unmasked"), std::string::npos) << message;
  // With threshold 3 the same two losses are survived.
  auto lower = Run(
      sites_, "continue",
      [](federation::InProcessTransport& t) {
        t.SilenceSiteAfter("hospital-b", 3);
        t.SilenceSiteAfter("hospital-e", 6);
      },
      3);
  ASSERT_TRUE(lower.ok()) << lower.status();
  auto survivors = Run(Without({"hospital-b", "hospital-e"}), "abort");
  ASSERT_TRUE(survivors.ok());
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(Released((*lower)["results"][i]), (*survivors)["results"][i]);
}

// Ten and sixty hospitals, three lost: one at the key directory, one in the first masked round and
// one in its unmasking (whose vector is in that round's sum and must come out through the
// others' shares).
TEST_F(DropoutTest, TenAndSixtySitesLosingThreeAtDifferentStepsGiveTheSurvivorsAnswer) {
  for (size_t n : {10, 60}) {
    SCOPED_TRACE("n = " + std::to_string(n));
    std::vector<size_t> rows(n);
    for (size_t i = 0; i < n; ++i) rows[i] = 25 + i % 7;
    const auto sites = testing::WriteCohort(40 + n, rows);
    const std::vector<std::string> lost = {sites[1].name, sites[n / 2].name, sites[n - 1].name};
    const std::vector<analysis::AnalysisSpec> analyses = {
        analysis::AnalysisSpec("n", "count", {{"table", "colon"}}),
        analysis::AnalysisSpec("age", "summary", {{"table", "colon"}, {"variables", {"age"}}})};
    auto run = [&](const std::vector<federation::SiteConfig>& members, const std::string& on_dropout,
                   bool faults) -> StatusOr<analysis::Json> {
      federation::InProcessTransport transport(Nodes(members));
      if (faults) {
        transport.SilenceSiteAfter(lost[0], 2);
        transport.SilenceSiteAfter(lost[1], 3);
        transport.SilenceSiteAfter(lost[2], 4);
      }
      federation::CoordinatorOptions options;
      options.round_timeout = std::chrono::milliseconds(n == 60 ? 1500 : 400);
      options.on_dropout = on_dropout;
      federation::Coordinator coordinator(transport, options);
      return coordinator.Run("many", analyses);
    };
    auto document = run(sites, "continue", true);
    ASSERT_TRUE(document.ok()) << document.status();
    std::vector<federation::SiteConfig> kept;
    for (const auto& site : sites) {
      if (std::find(lost.begin(), lost.end(), site.name) == lost.end()) kept.push_back(site);
    }
    auto survivors = run(kept, "abort", false);
    ASSERT_TRUE(survivors.ok()) << survivors.status();
    for (size_t i = 0; i < analyses.size(); ++i) {
      EXPECT_EQ(Released((*document)["results"][i]), (*survivors)["results"][i]);
      EXPECT_EQ((*document)["results"][i]["sites"].size(), n - 3);
    }
    size_t dropped = 0;
    for (const auto& site : (*document)["sites"]) dropped += site["status"] == "dropped" ? 1 : 0;
    EXPECT_EQ(dropped, 3U);
  }
}

TEST_F(DropoutTest, AThresholdBelowAMajorityIsRefused) {
  auto document = Run(sites_, "continue", {}, 2);
  ASSERT_FALSE(document.ok());
  EXPECT_NE(document.status().message().find("at least a majority (3)"), std::string::npos) << document.status();
}

TEST_F(DropoutTest, AbortStillAbortsOnTheFirstSilentSite) {
  auto document = Run(sites_, "abort", [](federation::InProcessTransport& t) { t.SilenceSiteAfter("hospital-d", 3); });
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_NE(document.status().message().find("hospital-d"), std::string::npos);
}

}  // namespace
}  // namespace medfed
