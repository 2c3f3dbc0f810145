// Bad study files: one clear error each, naming the file, the line and what to write.
#include "medfed/federation/study_file.h"

#include "gtest/gtest.h"

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
        BadStudy{"[output]\nx = 1\n", "unknown top-level key \"output\""},
        BadStudy{"[[analyses]\n", "not valid TOML"}));

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

TEST(StudyFileTest, UnreadableFileIsNamed) {
  auto study = federation::LoadStudyFile("/nonexistent/study.toml");
  ASSERT_FALSE(study.ok());
  EXPECT_NE(study.status().message().find("/nonexistent/study.toml"), std::string::npos);
}

}  // namespace
}  // namespace medfed
