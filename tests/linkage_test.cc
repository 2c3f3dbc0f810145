// distinct_count and psi across sites: exact against the plaintext answer of the generated
// cohort (whose referred patients are known), with every site's keys blinded.
#include <map>
#include <set>

#include "gtest/gtest.h"
#include "medfed/core/file.h"
#include "medfed/federation/study_runner.h"
#include "medfed/synth/colorectal_cohort.h"
#include "test_support.h"

namespace medfed {
namespace {

// The truth: how many sites each person of the cohort is at.
std::map<uint64_t, int> SitesPerPerson(const std::vector<size_t>& rows) {
  std::map<uint64_t, int> persons;
  for (size_t s = 0; s < rows.size(); ++s) {
    std::set<uint64_t> here;
    for (size_t i = 0; i < rows[s]; ++i) here.insert(synth::ColorectalPerson(rows, s, i));
    for (uint64_t person : here) ++persons[person];
  }
  return persons;
}

analysis::Json RunOne(const std::vector<federation::SiteConfig>& sites, analysis::AnalysisSpec spec) {
  auto document = federation::RunStudyLocally(testing::MakeStudy(sites, {std::move(spec)}));
  EXPECT_TRUE(document.ok()) << document.status();
  return document.ok() ? (*document)["results"][0] : analysis::Json();
}

TEST(LinkageTest, DistinctCountEqualsThePlaintextAnswer) {
  const std::vector<size_t> rows = {1200, 900, 600};
  auto sites = testing::WriteCohort(5, rows);
  std::map<int, uint64_t> by_sites;
  for (const auto& [person, count] : SitesPerPerson(rows)) ++by_sites[count];
  analysis::Json result =
      RunOne(sites, analysis::AnalysisSpec("d", "distinct_count", {{"table", "colon"}, {"column", "pseudonym"}}));
  ASSERT_EQ(result["status"], "ok") << result.dump();
  EXPECT_EQ(result["keys"], 2700);
  EXPECT_EQ(result["distinct"], by_sites[1] + by_sites[2] + by_sites[3]);
  EXPECT_EQ(result["at_more_than_one_site"], by_sites[2] + by_sites[3]);
  EXPECT_EQ(result["by_number_of_sites"][2]["n"], by_sites[3]);
  EXPECT_EQ(by_sites[3], 30u);  // the planted chain: rows 7, 27, ... < 600 at all three
  EXPECT_EQ(by_sites[2], 27u);
}

TEST(LinkageTest, PsiBetweenTwoNamedSitesAndFilters) {
  const std::vector<size_t> rows = {400, 300, 200};
  auto sites = testing::WriteCohort(6, rows);
  // Shared by hospital-a and hospital-c: the chain (rows 7, 27, ... < 200) and rows 11, 61, ....
  uint64_t expected = 0;
  std::set<uint64_t> at_a;
  for (size_t i = 0; i < rows[0]; ++i) at_a.insert(synth::ColorectalPerson(rows, 0, i));
  for (size_t i = 0; i < rows[2]; ++i) expected += at_a.count(synth::ColorectalPerson(rows, 2, i));
  analysis::Json psi =
      RunOne(sites, analysis::AnalysisSpec("p", "psi",
                                           {{"table", "colon"},
                                            {"column", "pseudonym"},
                                            {"sites", analysis::Json::array({"hospital-a", "hospital-c"})}}));
  ASSERT_EQ(psi["status"], "ok") << psi.dump();
  EXPECT_EQ(psi["intersection_size"], expected);
  EXPECT_EQ(expected, 14u);
  // Three sites and no `sites`: psi needs to be told which two.
  auto ambiguous = federation::RunStudyLocally(
      testing::MakeStudy(sites, {analysis::AnalysisSpec("p", "psi", {{"table", "colon"}, {"column", "pseudonym"}})}));
  EXPECT_FALSE(ambiguous.ok() && (*ambiguous)["results"][0]["status"] == "ok");
  // The hospitals' own record numbers differ at every site: no overlap.
  analysis::Json by_id =
      RunOne(sites, analysis::AnalysisSpec("d", "distinct_count", {{"table", "colon"}, {"column", "id"}}));
  EXPECT_EQ(by_id["distinct"], 900);
  EXPECT_TRUE(by_id["at_more_than_one_site"].is_null());  // 0 is small: withheld like 1..4
}

TEST(LinkageTest, SmallOverlapsAreSuppressed) {
  const std::vector<size_t> rows = {60, 60, 60};
  auto sites = testing::WriteCohort(7, rows);
  // Rows 7, 27, 47 are referred along the chain: 3 persons at all three sites (< 5, suppressed).
  analysis::Json result =
      RunOne(sites, analysis::AnalysisSpec("d", "distinct_count", {{"table", "colon"}, {"column", "pseudonym"}}));
  ASSERT_EQ(result["status"], "ok") << result.dump();
  EXPECT_TRUE(result["by_number_of_sites"][2]["n"].is_null());
  EXPECT_NE(result["note"].get<std::string>().find("suppressed"), std::string::npos);
}

}  // namespace
}  // namespace medfed
