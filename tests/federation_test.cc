// The round engine end to end: faults, refusals, replay protection and what the hub sees.
#include <cmath>
#include <map>
#include <set>

#include "gtest/gtest.h"
#include "medfed/core/file.h"
#include "medfed/core/progress.h"
#include "medfed/crypto/fixed_point.h"
#include "medfed/federation/coordinator.h"
#include "medfed/federation/in_process_transport.h"
#include "medfed/federation/study_runner.h"
#include "test_support.h"

namespace medfed {
namespace {

std::vector<std::unique_ptr<federation::SiteNode>> Nodes(const std::vector<federation::SiteConfig>& sites,
                                                         privacy::DisclosurePolicy disclosure = {},
                                                         privacy::AccessPolicy access = {}) {
  std::vector<std::unique_ptr<federation::SiteNode>> nodes;
  for (const auto& site : sites) {
    nodes.push_back(std::make_unique<federation::SiteNode>(std::make_shared<analysis::SiteData>(site.name, site.tables),
                                                           privacy::SitePolicy{disclosure, access}));
  }
  return nodes;
}

analysis::AnalysisSpec Count() { return analysis::AnalysisSpec("n", "count", {{"table", "colon"}}); }

class FederationTest : public ::testing::Test {
 protected:
  void SetUp() override { Progress::SetEnabled(false); }
};

TEST_F(FederationTest, SilentSiteAbortsTheRoundNamingTheSite) {
  federation::InProcessTransport transport(Nodes(testing::WriteCohort(1, {50, 50, 50})));
  transport.SilenceSite("hospital-b");
  federation::CoordinatorOptions options;
  options.round_timeout = std::chrono::milliseconds(300);
  federation::Coordinator coordinator(transport, options);
  auto started = std::chrono::steady_clock::now();
  auto document = coordinator.Run("s", {Count()});
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.status().code(), absl::StatusCode::kDeadlineExceeded);
  std::string message(document.status().message());
  EXPECT_NE(message.find("hospital-b"), std::string::npos) << message;
  EXPECT_NE(message.find("nothing was unmasked"), std::string::npos) << message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

// A transport that records every response the hub receives.
class RecordingTransport : public federation::Transport {
 public:
  explicit RecordingTransport(federation::Transport& inner) : inner_(inner) {}
  std::vector<std::string> Sites() const override { return inner_.Sites(); }
  std::vector<StatusOr<v1::SiteResponse>> DeliverEach(const std::vector<std::string>& sites,
                                                      const std::vector<v1::SiteRequest>& requests,
                                                      std::chrono::milliseconds timeout) override {
    sent.push_back(requests);
    sent_to.push_back(sites);
    auto responses = inner_.Deliver(sites, requests, timeout);
    for (const auto& response : responses) {
      if (response.ok()) recorded.push_back(*response);
    }
    return responses;
  }
  std::vector<v1::SiteResponse> recorded;
  std::vector<std::vector<v1::SiteRequest>> sent;  // each exchange's requests, in the order of sent_to
  std::vector<std::vector<std::string>> sent_to;

 private:
  federation::Transport& inner_;
};

// distinct_count with three sites: after the first round each member is sent the one list it
// blinds next, and no other (docs/protocols/psi.md): no site can raise another site's list by its
// own secret and compare, and every list crosses the wire once per round instead of to everyone.
TEST_F(FederationTest, DistinctCountSendsEachSiteOnlyTheListItBlinds) {
  federation::InProcessTransport inner(Nodes(testing::WriteCohort(3, {60, 50, 40})));
  RecordingTransport transport(inner);
  federation::Coordinator coordinator(transport);
  auto document = coordinator.Run(
      "s", {analysis::AnalysisSpec("d", "distinct_count", {{"table", "colon"}, {"column", "pseudonym"}})});
  ASSERT_TRUE(document.ok()) << document.status();
  ASSERT_EQ((*document)["results"][0]["status"], "ok") << document->dump();
  EXPECT_EQ((*document)["results"][0]["keys"], 150);
  size_t reblind_rounds = 0;
  std::map<std::string, std::set<std::string>> lists_seen;  // site -> lists it was sent
  std::set<std::string> every_list;
  for (const auto& exchange : transport.sent) {
    if (!exchange[0].has_round() || exchange[0].round().round() < 2) continue;
    ++reblind_rounds;
    std::set<std::string> this_round;
    for (size_t s = 0; s < exchange.size(); ++s) {
      const auto& texts = exchange[s].round().parameters().texts();
      EXPECT_EQ(texts.count("lists"), 0u);
      ASSERT_EQ(texts.count("list"), 1u) << "site " << s;
      ASSERT_EQ(texts.at("list").values_size(), 1);
      const std::string& list = texts.at("list").values(0);
      EXPECT_TRUE(this_round.insert(list).second) << "two sites were sent the same list";
      EXPECT_TRUE(lists_seen[transport.Sites()[s]].insert(list).second);
      every_list.insert(list);
    }
  }
  EXPECT_EQ(reblind_rounds, 2u);  // k - 1 for k = 3
  EXPECT_EQ(every_list.size(), 6u);
  for (const auto& [site, lists] : lists_seen) EXPECT_EQ(lists.size(), 2u) << site;
}

TEST_F(FederationTest, HubSeesOnlyMaskedVectors) {
  // Site row counts are 40, 30, 20; the hub must learn 90 and nothing about 40, 30 or 20.
  federation::InProcessTransport inner(Nodes(testing::WriteCohort(2, {40, 30, 20})));
  RecordingTransport transport(inner);
  federation::Coordinator coordinator(transport);
  auto document = coordinator.Run("s", {Count()});
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_EQ((*document)["results"][0]["n"], 90);
  int contributions = 0;
  for (const auto& response : transport.recorded) {
    if (!response.has_round()) continue;
    ASSERT_TRUE(response.round().has_contribution());
    auto masked = crypto::DeserializeRing(response.round().contribution().masked());
    ASSERT_TRUE(masked.ok());
    double decoded = crypto::DecodeFixedPoint(*masked)[0];
    EXPECT_GT(std::fabs(decoded), 1e6) << "a single site's vector decodes to " << decoded;
    ++contributions;
  }
  EXPECT_EQ(contributions, 3);
}

TEST_F(FederationTest, SmallSiteRefusesAndTheReasonNamesSiteAndRule) {
  auto sites = testing::WriteCohort(3, {200, 150, 8});
  auto document = federation::RunStudyLocally(testing::MakeStudy(
      sites,
      {Count(), analysis::AnalysisSpec(
                    "g", "glm", {{"table", "colon"}, {"formula", "recurrence ~ age"}, {"family", "binomial"}})}));
  ASSERT_TRUE(document.ok()) << document.status();
  for (const auto& result : (*document)["results"]) {
    EXPECT_EQ(result["status"], "refused");
    EXPECT_EQ(result["reason"], "site hospital-c: fewer than 10 rows (min_rows)");
  }
}

TEST_F(FederationTest, GlmRefusedWhenParametersExceedTheFractionOfRows) {
  auto sites = testing::WriteCohort(4, {300, 300, 30});
  auto document = federation::RunStudyLocally(testing::MakeStudy(
      sites,
      {analysis::AnalysisSpec(
          "g", "glm",
          {{"table", "colon"}, {"formula", "bmi ~ rx + stage + age + sex + nodes + cea"}, {"family", "gaussian"}})}));
  ASSERT_TRUE(document.ok()) << document.status();
  const analysis::Json& result = (*document)["results"][0];
  ASSERT_EQ(result["status"], "refused") << result.dump();
  std::string reason = result["reason"];
  // hospital-c's rare stage counts under (other), a column the larger sites have no rows of
  // (a small count too); hospital-c itself has too few rows for the model.
  EXPECT_NE(reason.find("site hospital-c: the model has more than 0.2 x rows parameters (glm_max_parameter_fraction)"),
            std::string::npos)
      << reason;
}

TEST_F(FederationTest, GlmRefusedWhenABinaryColumnHasTooFewOfAValue) {
  std::string directory = testing::MakeTempDir("medfed_binary");
  std::string a = "y,x,flag\n", b = "y,x,flag\n";
  for (int i = 0; i < 60; ++i) {
    a += std::to_string(i % 2) + "," + std::to_string(i) + "," + (i < 30 ? "TRUE" : "FALSE") + "\n";
    b += std::to_string((i / 3) % 2) + "," + std::to_string(i) + "," + (i < 3 ? "TRUE" : "FALSE") + "\n";
  }
  ASSERT_TRUE(WriteFileAtomically(directory + "/a.csv", a).ok());
  ASSERT_TRUE(WriteFileAtomically(directory + "/b.csv", b).ok());
  std::vector<federation::SiteConfig> sites(2);
  sites[0].name = "site-a";
  sites[0].tables["t"] = directory + "/a.csv";
  sites[1].name = "site-b";
  sites[1].tables["t"] = directory + "/b.csv";
  auto document = federation::RunStudyLocally(testing::MakeStudy(
      sites,
      {analysis::AnalysisSpec("g", "glm", {{"table", "t"}, {"formula", "y ~ x + flag"}, {"family", "binomial"}})}));
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_EQ(
      (*document)["results"][0]["reason"],
      "site site-b: a 0/1 column of the model or the response has fewer than 5 rows of one value (min_cell_count)");
}

TEST_F(FederationTest, SiteRefusesReplayedAndOutOfOrderMessages) {
  auto sites = testing::WriteCohort(5, {30, 30});
  federation::SiteNode node(std::make_shared<analysis::SiteData>(sites[0].name, sites[0].tables),
                            privacy::SitePolicy());
  v1::SiteRequest open;
  open.set_session_id("s1");
  open.set_sequence(1);
  auto* plan = open.mutable_open()->mutable_plan();
  plan->set_session_id("s1");
  plan->add_sites("hospital-a");
  plan->add_sites("hospital-b");
  auto* spec = plan->add_analyses();
  spec->set_id("n");
  spec->set_type("count");
  spec->set_spec_json(R"({"table": "colon"})");
  ASSERT_TRUE(node.Handle(open).has_opened());
  v1::SiteRequest keys;
  keys.set_session_id("s1");
  keys.set_sequence(1);  // replays the sequence number of the open message
  v1::SiteResponse response = node.Handle(keys);
  ASSERT_TRUE(response.has_error());
  EXPECT_NE(response.error().message().find("replayed or out of order"), std::string::npos);
  EXPECT_NE(response.error().message().find("site hospital-a"), std::string::npos);
}

// A site's [access] policy holds whatever the study asks: analysis types, tables and columns
// it does not release are refused before any round, naming the site.
TEST_F(FederationTest, AccessPolicyRefusesAnalysesTablesAndColumns) {
  auto sites = testing::WriteCohort(8, {40, 40, 40});
  privacy::AccessPolicy access;
  access.analyses = std::set<std::string>{"count", "summary"};
  access.columns["colon"] = {"age", "sex", "rx"};
  auto run = [&](analysis::AnalysisSpec spec) {
    federation::InProcessTransport transport(Nodes(sites, privacy::DisclosurePolicy(), access));
    federation::Coordinator coordinator(transport);
    return coordinator.Run("s", {std::move(spec)});
  };
  auto glm = run(analysis::AnalysisSpec("g", "glm", {{"table", "colon"}, {"formula", "age ~ sex"}}));
  ASSERT_FALSE(glm.ok());
  EXPECT_NE(std::string(glm.status().message()).find("does not allow glm analyses (it allows: count, summary)"),
            std::string::npos)
      << glm.status();
  auto column = run(analysis::AnalysisSpec("s", "summary",
                                           {{"table", "colon"}, {"variables", analysis::Json::array({"age", "bmi"})}}));
  ASSERT_FALSE(column.ok());
  EXPECT_NE(std::string(column.status().message()).find("does not release column bmi of table colon"),
            std::string::npos)
      << column.status();
  EXPECT_NE(std::string(column.status().message())
                .find("the site's policy withholds it; the columns it releases are: age, sex, rx"),
            std::string::npos)
      << column.status();
  // A column that does not exist is told apart from a withheld one, and the list names only
  // what the site releases.
  auto unknown = run(
      analysis::AnalysisSpec("s", "summary", {{"table", "colon"}, {"variables", analysis::Json::array({"weight"})}}));
  ASSERT_FALSE(unknown.ok());
  const std::string unknown_message(unknown.status().message());
  EXPECT_NE(unknown_message.find("has no column \"weight\"; the columns it releases are: age, sex, rx"),
            std::string::npos)
      << unknown_message;
  EXPECT_EQ(unknown_message.find("bmi"), std::string::npos) << unknown_message;
  auto filtered = run(analysis::AnalysisSpec("n", "count", {{"table", "colon"}, {"where", "cea > 5"}}));
  ASSERT_FALSE(filtered.ok());  // a where clause reads a column too
  EXPECT_NE(std::string(filtered.status().message()).find("column cea"), std::string::npos);
  auto allowed =
      run(analysis::AnalysisSpec("s", "summary", {{"table", "colon"}, {"variables", analysis::Json::array({"age"})}}));
  ASSERT_TRUE(allowed.ok()) << allowed.status();
  EXPECT_EQ((*allowed)["results"][0]["status"], "ok");
}

// With [access] max_grade, a site refuses columns graded above it: from the data officer's scan
// file beside the CSV when there is one, else from its own scan.
TEST_F(FederationTest, AccessPolicyRefusesColumnsAboveItsMaxGrade) {
  auto sites = testing::WriteCohort(8, {40, 40});
  privacy::AccessPolicy access;
  access.max_grade = 3;
  auto run = [&](analysis::AnalysisSpec spec) {
    federation::InProcessTransport transport(Nodes(sites, privacy::DisclosurePolicy(), access));
    federation::Coordinator coordinator(transport);
    return coordinator.Run("s", {std::move(spec)});
  };
  // `id` holds a code unique to every patient: a direct identifier, grade 4.
  auto id =
      run(analysis::AnalysisSpec("s", "summary", {{"table", "colon"}, {"variables", analysis::Json::array({"id"})}}));
  ASSERT_FALSE(id.ok());
  EXPECT_NE(std::string(id.status().message()).find("does not release column id of table colon: it is graded 4"),
            std::string::npos)
      << id.status();
  auto age =
      run(analysis::AnalysisSpec("s", "summary", {{"table", "colon"}, {"variables", analysis::Json::array({"age"})}}));
  ASSERT_TRUE(age.ok()) << age.status();
  // A reviewed scan file overrides the site's own scan.
  for (const auto& site : sites) {
    ASSERT_TRUE(WriteFileAtomically(site.tables.at("colon") + ".scan.json",
                                    R"({"columns": [{"name": "id", "role": "other", "grade": 2},
                                                     {"name": "age", "role": "quasi_identifier", "grade": 5}]})")
                    .ok());
  }
  auto reviewed_id = run(analysis::AnalysisSpec("n", "count", {{"table", "colon"}, {"where", "id != \"A00001\""}}));
  EXPECT_TRUE(reviewed_id.ok()) << reviewed_id.status();
  auto reviewed_age =
      run(analysis::AnalysisSpec("s", "summary", {{"table", "colon"}, {"variables", analysis::Json::array({"age"})}}));
  ASSERT_FALSE(reviewed_age.ok());
  EXPECT_NE(std::string(reviewed_age.status().message()).find("graded 5"), std::string::npos);
}

TEST_F(FederationTest, MissingColumnIsReportedBeforeAnyRound) {
  auto sites = testing::WriteCohort(6, {30, 30});
  auto document = federation::RunStudyLocally(
      testing::MakeStudy(sites, {analysis::AnalysisSpec("g", "glm", {{"table", "colon"}, {"formula", "bmi ~ agee"}})}));
  ASSERT_FALSE(document.ok());
  std::string message(document.status().message());
  EXPECT_NE(message.find("site hospital-a"), std::string::npos) << message;
  EXPECT_NE(message.find("no column \"agee\""), std::string::npos) << message;
  EXPECT_NE(message.find("the columns it releases are: id, city, age"), std::string::npos) << message;
}

TEST_F(FederationTest, MissingTableNamesTheSite) {
  auto sites = testing::WriteCohort(7, {30, 30});
  sites[1].tables.clear();
  sites[1].tables["other"] = sites[0].tables["colon"];
  auto document = federation::RunStudyLocally(testing::MakeStudy(sites, {Count()}));
  ASSERT_FALSE(document.ok());
  std::string message(document.status().message());
  EXPECT_NE(message.find("site hospital-b has no table \"colon\""), std::string::npos) << message;
}

TEST_F(FederationTest, BadResponseValueNamesFileAndLine) {
  std::string directory = testing::MakeTempDir("medfed_badresponse");
  std::string csv = "y,x\n";
  for (int i = 0; i < 20; ++i) csv += (i == 7 ? "2" : std::to_string(i % 2)) + "," + std::to_string(i) + "\n";
  ASSERT_TRUE(WriteFileAtomically(directory + "/a.csv", csv).ok());
  std::vector<federation::SiteConfig> sites(1);
  sites[0].name = "only";
  sites[0].tables["t"] = directory + "/a.csv";
  auto document = federation::RunStudyLocally(testing::MakeStudy(
      sites, {analysis::AnalysisSpec("g", "glm", {{"table", "t"}, {"formula", "y ~ x"}, {"family", "binomial"}})}));
  ASSERT_FALSE(document.ok());
  std::string message(document.status().message());
  EXPECT_NE(message.find("a.csv:9"), std::string::npos) << message;
  EXPECT_NE(message.find("0 <= y <= 1"), std::string::npos) << message;
}

TEST_F(FederationTest, CrosstabSuppressesSmallCellsWithComplements) {
  std::string directory = testing::MakeTempDir("medfed_crosstab");
  std::string a = "g,h\n";
  for (int i = 0; i < 40; ++i)
    a += std::string(i < 2 ? "rare" : (i % 2 ? "x" : "y")) + "," + (i % 3 ? "p" : "q") + "\n";
  ASSERT_TRUE(WriteFileAtomically(directory + "/a.csv", a).ok());
  std::vector<federation::SiteConfig> sites(1);
  sites[0].name = "only";
  sites[0].tables["t"] = directory + "/a.csv";
  auto document = federation::RunStudyLocally(testing::MakeStudy(
      sites, {analysis::AnalysisSpec("x", "crosstab", {{"table", "t"}, {"rows", "g"}, {"cols", "h"}})}));
  ASSERT_TRUE(document.ok()) << document.status();
  const analysis::Json& result = (*document)["results"][0];
  // "rare" has two rows: its name never leaves the site, its rows count under (other), last.
  EXPECT_EQ(result["rows"], analysis::Json::array({"x", "y", "(other)"}));
  // (other) has 1 p and 1 q: both hidden, and complements in each column.
  EXPECT_TRUE(result["counts"][2][0].is_null());
  EXPECT_TRUE(result["counts"][2][1].is_null());
  int hidden = 0;
  for (const auto& row : result["suppressed"]) {
    for (const auto& cell : row) hidden += cell.get<bool>();
  }
  EXPECT_EQ(hidden, 4);
  EXPECT_NE(result["note"].get<std::string>().find("suppressed"), std::string::npos);
}

}  // namespace
}  // namespace medfed
