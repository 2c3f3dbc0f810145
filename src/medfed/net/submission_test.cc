// What the hub checks in a researcher's submission before it touches anything: the keys arrive
// as JSON that only the researcher's own client has seen.
#include "medfed/net/submission.h"

#include <string>

#include "gtest/gtest.h"
#include "medfed/crypto/sodium.h"
#include "medfed/federation/wire.h"

namespace medfed::net {
namespace {

v1::Submission WithAnalysis(const std::string& type, const std::string& spec_json) {
  v1::Submission submission;
  submission.set_study_name("s");
  submission.add_sites("hospital-a");
  auto* analysis = submission.add_analyses();
  analysis->set_id("a1");
  analysis->set_type(type);
  analysis->set_spec_json(spec_json);
  return submission;
}

TEST(SubmissionTest, KeysAreCheckedByNameKindAndSize) {
  struct Case {
    std::string type, spec, expected;
  } cases[] = {
      {"count", R"({"table": "colon", "where": 5})", "where must be a string"},
      {"count", R"({"table": ["colon"]})", "table must be a string"},
      {"count", R"({"table": "colon", "wehre": "age > 1"})", "unknown key \"wehre\" for a count analysis"},
      {"count", R"({})", "a count analysis needs table"},
      {"kaplan_meier", R"({"table": "t", "formula": "Surv(t, e) ~ 1", "times": ["a"]})",
       "times must be a list of numbers"},
      {"count", R"({"table": "t", "where": ")" + std::string(200, '(') + "a" + std::string(200, ')') + R"("})",
       "levels deep (the limit for an expression)"},
      {"count", R"([1, 2])", "malformed keys"},
      {"count", std::string(100000, '['), "malformed keys"},
      {"count", R"({"table": ")" + std::string(70000, 'x') + R"("})",
       "table is 70000 characters long; the limit is 65536"},
      {"gwas", R"({"table": "t", "genotypes": "g", "phenotype": "y", "output": "../../etc/passwd"})",
       "output must be a relative file name"},
      // Reference data is named by its hash; a path chosen by a researcher never reaches a site.
      {"phenotype_match", R"({"table": "t", "id_column": "i", "terms": "x", "ontology": "/etc/passwd"})",
       "ontology must be reference data named by its hash"},
      {"life_table",
       R"({"table": "t", "formula": "Surv(t, e) ~ 1", "intervals": [0, 1], "expected": "sha256:../../x"})",
       "expected must be reference data named by its hash"},
      // A plaintext query never reaches the hub's ledger.
      {"phenotype_match",
       R"({"table": "t", "id_column": "i", "terms": "x", "ontology": "sha256:)" + std::string(64, 'a') +
           R"(", "query": ["HP:0001250"]})",
       "query must not leave the researcher's machine"},
  };
  for (const auto& c : cases) {
    auto analyses = AnalysesOf(WithAnalysis(c.type, c.spec));
    ASSERT_FALSE(analyses.ok()) << c.spec.substr(0, 80);
    EXPECT_NE(analyses.status().message().find(c.expected), std::string::npos) << analyses.status().message();
    EXPECT_EQ(analyses.status().message().rfind("analysis a1: ", 0), 0u) << analyses.status().message();
  }
  EXPECT_TRUE(AnalysesOf(WithAnalysis("count", R"({"table": "colon", "where": "age > 50"})")).ok());
}

federation::StudyFile StudyCarrying(const std::string& content) {
  federation::StudyFile study;
  study.path = "study.toml";
  study.name = "s";
  study.sites.resize(1);
  study.sites[0].name = "hospital-a";
  const std::string digest = crypto::Sha256Hex(content);
  study.analyses.emplace_back(
      "lt", "life_table",
      analysis::Json{
          {"table", "t"}, {"formula", "Surv(t, e) ~ 1"}, {"intervals", {0, 1}}, {"expected", "sha256:" + digest}});
  study.references.push_back({"expected.csv", digest, std::make_shared<const std::string>(content)});
  return study;
}

TEST(SubmissionTest, CarriedReferenceFilesHashRightAndFitTheLimit) {
  // Within the limit: carried byte for byte.
  const std::string small = "age,sex,year,survival\n70,F,2010,0.98\n";
  auto built = BuildSubmission(StudyCarrying(small));
  ASSERT_TRUE(built.ok()) << built.status();
  v1::Submission submission;
  ASSERT_TRUE(submission.ParseFromString(*built));
  auto carried = federation::ReferencesFromWire(submission.references(), analysis::kMaxCarriedReferenceBytes);
  ASSERT_TRUE(carried.ok()) << carried.status();
  ASSERT_EQ(carried->size(), 1u);
  EXPECT_EQ(*(*carried)[0].content, small);
  EXPECT_EQ((*carried)[0].name, "expected.csv");

  // Too large to carry: the researcher is told to name it by hash, and which hash.
  const std::string large(analysis::kMaxCarriedReferenceBytes + 1, 'x');
  auto refused = BuildSubmission(StudyCarrying(large));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("\"sha256:" + crypto::Sha256Hex(large) + "\""), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("reference directories"), std::string::npos);

  // What the hub and the sites check in a submission that did not come from this client.
  v1::Submission tampered = submission;
  tampered.mutable_references(0)->set_content(small + "71,F,2010,0.01\n");
  auto mismatch = federation::ReferencesFromWire(tampered.references(), analysis::kMaxCarriedReferenceBytes);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.status().message().find("does not hash to the SHA-256 it claims"), std::string::npos);
  v1::Submission twice = submission;
  *twice.add_references() = submission.references(0);
  auto repeated = federation::ReferencesFromWire(twice.references(), analysis::kMaxCarriedReferenceBytes);
  ASSERT_FALSE(repeated.ok());
  EXPECT_NE(repeated.status().message().find("carried twice"), std::string::npos);
  v1::Submission oversized = submission;
  oversized.mutable_references(0)->set_content(large);
  oversized.mutable_references(0)->set_sha256(crypto::Sha256Hex(large));
  auto over = federation::ReferencesFromWire(oversized.references(), analysis::kMaxCarriedReferenceBytes);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace medfed::net
