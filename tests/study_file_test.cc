// Bad study files: one clear error each, naming the file, the line and what to write.
#include "medfed/federation/study_file.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "medfed/core/file.h"
#include "medfed/crypto/sodium.h"

namespace medfed {
namespace {

const char* kHeader =
    "[study]\n"                         // 1
    "name = \"t\"\n"                    // 2
    "[[sites]]\n"                       // 3
    "name = \"a\"\n"                    // 4
    "tables.colon = \"data/a.csv\"\n";  // 5

struct BadStudy {
  std::string analyses;  // appended after the header (starting at line 6)
  std::string expected;
};

void PrintTo(const BadStudy& bad, std::ostream* out) { *out << bad.expected; }

class BadStudyTest : public ::testing::TestWithParam<BadStudy> {};

TEST_P(BadStudyTest, NamesFileLineAndWhatToDo) {
  auto study = federation::ParseStudyFile(std::string(kHeader) + GetParam().analyses, "/x/study.toml");
  ASSERT_FALSE(study.ok());
  std::string message(study.status().message());
  EXPECT_NE(message.find(GetParam().expected), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Study, BadStudyTest,
    ::testing::Values(
        BadStudy{"[[analyses]]\ntype = \"cox2\"\ntable = \"colon\"\n",
                 "/x/study.toml:7: unknown analysis type \"cox2\"; known types: count"},
        BadStudy{"[[analyses]]\ntype = \"glm\"\ntable = \"colon\"\nformual = \"y ~ x\"\n",
                 "/x/study.toml:9: unknown key \"formual\" for a glm analysis; allowed: id, type, "
                 "table, formula"},
        BadStudy{"[[analyses]]\ntype = \"glm\"\ntable = \"colon\"\n", "analysis \"1\" (glm) needs formula"},
        BadStudy{"[[analyses]]\ntype = \"glm\"\ntable = \"colon\"\nformula = \"y ~ a +\"\n",
                 "analysis \"1\" (glm): formula \"y ~ a +\": unexpected end"},
        BadStudy{"[[analyses]]\ntype = \"glm\"\ntable = \"colon\"\nformula = \"y ~ x\"\n"
                 "family = \"gamma\"\n",
                 "unknown GLM family \"gamma\"; use gaussian, binomial or poisson"},
        BadStudy{"[[analyses]]\ntype = \"summary\"\ntable = \"colon\"\nvariables = 3\n",
                 "/x/study.toml:9: variables must be a list of strings"},
        BadStudy{"[[analyses]]\nid = \"x\"\ntype = \"count\"\ntable = \"colon\"\n"
                 "[[analyses]]\nid = \"x\"\ntype = \"count\"\ntable = \"colon\"\n",
                 "analysis id \"x\" is used twice"},
        BadStudy{"[[analyses]]\ntype = \"count\"\ntable = \"colon\"\nwhere = \"age = 3\"\n", "use '=='"},
        // `where` is checked for every analysis that has one, not by each analysis.
        BadStudy{"[[analyses]]\ntype = \"cox\"\ntable = \"colon\"\nformula = \"Surv(time, status) ~ age\"\n"
                 "where = \"age = 3\"\n",
                 "use '=='"},
        BadStudy{"[[analyses]]\ntype = \"distinct_count\"\ntable = \"colon\"\ncolumn = \"pseudonym\"\n"
                 "where = \"age = 3\"\n",
                 "use '=='"},
        BadStudy{"", "no [[analyses]]"},
        BadStudy{"[[analyses]]\ntype = \"count\"\ntable = \"colon\"\n[[sites]]\nname = \"a\"\n",
                 "site \"a\" is listed twice"},
        BadStudy{"[[sites]]\nname = \"b\"\ntabels.x = \"b.csv\"\n",
                 "/x/study.toml:8: unknown key \"tabels\" in [[sites]] \"b\""},
        BadStudy{"[output]\nx = 1\n", "unknown top-level key \"output\""}, BadStudy{"[[analyses]\n", "not valid TOML"},
        BadStudy{"[[analyses]]\ntype = \"phenotype_match\"\ntable = \"colon\"\nid_column = \"id\"\n"
                 "terms = \"t\"\nontology = \"sha256:12ab\"\n",
                 "/x/study.toml:11: ontology = \"sha256:12ab\" is not \"sha256:\" and 64 hex digits"},
        BadStudy{"[[analyses]]\ntype = \"phenotype_match\"\ntable = \"colon\"\nid_column = \"id\"\n"
                 "terms = \"t\"\nontology = \"missing.obo\"\n",
                 "/x/study.toml:11: ontology: /x/missing.obo: cannot open"},
        BadStudy{"[[analyses]]\ntype = \"phenotype_match\"\ntable = \"colon\"\nid_column = \"id\"\n"
                 "terms = \"t\"\nontology = \"/dev/zero\"\n",
                 "/x/study.toml:11: ontology: /dev/zero is not a regular file"}));

// Reference data given by path is read once, hashed and carried; the key then holds the hash.
// Given as "sha256:HEX" it is named only, for the parties to serve.
TEST(StudyFileTest, ReferenceFilesTravelByContentAndKeysHoldTheirHash) {
  const std::string directory = ::testing::TempDir() + "/medfed_study_references";
  std::filesystem::create_directories(directory);
  const std::string obo = "format-version: 1.2\n\n[Term]\nid: X:1\nname: root\n";
  ASSERT_TRUE(WriteFileAtomically(directory + "/onto.obo", obo).ok());
  const std::string digest = crypto::Sha256Hex(obo);
  const std::string named = "sha256:" + std::string(64, 'A');
  const std::string match =
      "[[analyses]]\ntype = \"phenotype_match\"\ntable = \"colon\"\nid_column = \"id\"\n"
      "terms = \"t\"\nontology = ";
  auto study = federation::ParseStudyFile(
      std::string(kHeader) + match + "\"onto.obo\"\n" + match + "\"./onto.obo\"\n" + match + "\"" + named + "\"\n",
      directory + "/study.toml");
  ASSERT_TRUE(study.ok()) << study.status();
  ASSERT_EQ(study->references.size(), 1u);  // the same file twice is carried once
  EXPECT_EQ(study->references[0].name, "onto.obo");
  EXPECT_EQ(study->references[0].sha256, digest);
  EXPECT_EQ(*study->references[0].content, obo);
  EXPECT_EQ(study->analyses[0].String("ontology"), "sha256:" + digest);
  EXPECT_EQ(study->analyses[1].String("ontology"), "sha256:" + digest);
  EXPECT_EQ(study->analyses[2].String("ontology"), "sha256:" + std::string(64, 'a'));  // lower case
  for (const auto& spec : study->analyses) EXPECT_EQ(spec.keys().dump().find(directory), std::string::npos);
}

TEST(StudyFileTest, ParsesAndResolvesPaths) {
  auto study = federation::ParseStudyFile(std::string(kHeader) +
                                              "policy = \"policy_a.toml\"\n"
                                              "[[analyses]]\ntype = \"crosstab\"\ntable = \"colon\"\n"
                                              "rows = \"rx\"\ncols = \"sex\"\n"
                                              "[[analyses]]\nid = \"s\"\ntype = \"summary\"\n"
                                              "table = \"colon\"\nvariables = [\"age\", \"nodes\"]\n",
                                          "/x/study.toml");
  ASSERT_TRUE(study.ok()) << study.status();
  EXPECT_EQ(study->name, "t");
  ASSERT_EQ(study->sites.size(), 1u);
  EXPECT_EQ(study->sites[0].tables.at("colon"), "/x/data/a.csv");
  EXPECT_EQ(study->sites[0].policy_path, "/x/policy_a.toml");
  ASSERT_EQ(study->analyses.size(), 2u);
  EXPECT_EQ(study->analyses[0].id(), "1");  // position
  EXPECT_EQ(study->analyses[1].id(), "s");
  EXPECT_EQ(study->analyses[1].Strings("variables"), (std::vector<std::string>{"age", "nodes"}));
}

// [study] on_dropout and dropout_threshold: checked against the number of sites.
TEST(StudyFileTest, DropoutHandlingIsCheckedAgainstTheSites) {
  const std::string sites =
      "[[sites]]\nname = \"a\"\ntables.colon = \"a.csv\"\n[[sites]]\nname = \"b\"\ntables.colon = \"b.csv\"\n"
      "[[sites]]\nname = \"c\"\ntables.colon = \"c.csv\"\n[[sites]]\nname = \"d\"\ntables.colon = \"d.csv\"\n"
      "[[analyses]]\ntype = \"count\"\ntable = \"colon\"\n";
  auto parse = [&](const std::string& study_keys) {
    return federation::ParseStudyFile("[study]\nname = \"t\"\n" + study_keys + sites, "/x/study.toml");
  };
  auto plain = parse("");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->on_dropout, "abort");
  EXPECT_EQ(plain->dropout_threshold, 0);
  auto tolerant = parse("on_dropout = \"continue\"\ndropout_threshold = 3\n");
  ASSERT_TRUE(tolerant.ok()) << tolerant.status();
  EXPECT_EQ(tolerant->on_dropout, "continue");
  EXPECT_EQ(tolerant->dropout_threshold, 3);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"on_dropout = \"skip\"\n", "/x/study.toml:3: on_dropout must be \"abort\""},
      {"on_dropout = \"continue\"\ndropout_threshold = 2\n",
       "/x/study.toml:4: dropout_threshold must be a whole number from 3 (a majority of the 4 sites) to 4"},
      {"on_dropout = \"continue\"\ndropout_threshold = 5\n", "from 3 (a majority of the 4 sites) to 4"},
      {"on_dropout = \"continue\"\ndropout_threshold = 3.5\n", "must be a whole number"},
      {"dropout_threshold = 3\n", "/x/study.toml:3: dropout_threshold applies only with on_dropout = \"continue\""},
      {"on_dropuot = \"continue\"\n", "known: name, description, on_dropout, dropout_threshold"}};
  for (const auto& [keys, expected] : bad) {
    auto study = parse(keys);
    ASSERT_FALSE(study.ok()) << keys;
    EXPECT_NE(study.status().message().find(expected), std::string::npos) << study.status();
  }
}

TEST(StudyFileTest, UnreadableFileIsNamed) {
  auto study = federation::LoadStudyFile("/nonexistent/study.toml");
  ASSERT_FALSE(study.ok());
  EXPECT_NE(study.status().message().find("/nonexistent/study.toml"), std::string::npos);
}

}  // namespace
}  // namespace medfed
