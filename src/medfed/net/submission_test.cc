// What the hub checks in a researcher's submission before it touches anything: the keys arrive
// as JSON that only the researcher's own client has seen.
#include "medfed/net/submission.h"

#include <string>

#include "gtest/gtest.h"

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
  };
  for (const auto& c : cases) {
    auto analyses = AnalysesOf(WithAnalysis(c.type, c.spec));
    ASSERT_FALSE(analyses.ok()) << c.spec.substr(0, 80);
    EXPECT_NE(analyses.status().message().find(c.expected), std::string::npos) << analyses.status().message();
    EXPECT_EQ(analyses.status().message().rfind("analysis a1: ", 0), 0u) << analyses.status().message();
  }
  EXPECT_TRUE(AnalysesOf(WithAnalysis("count", R"({"table": "colon", "where": "age > 50"})")).ok());
}

}  // namespace
}  // namespace medfed::net
