// The medfed binary as a user meets it: exit status, stdout and stderr.
#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <map>
#include <cstdio>

#include "gtest/gtest.h"
#include "medfed/analysis/analysis.h"
#include "medfed/core/file.h"
#include "nlohmann/json.hpp"
#include "test_support.h"

namespace medfed {
namespace {

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

Outcome RunMedfed(const std::string& arguments) {
  std::string directory = testing::MakeTempDir("medfed_cli");
  std::string command = std::string(MEDFED_BINARY_DIR) + "/medfed " + arguments + " >" +
                        directory + "/out 2>" + directory + "/err";
  int status = std::system(command.c_str());
  Outcome outcome;
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  outcome.out = ReadFileToString(directory + "/out").value_or("");
  outcome.err = ReadFileToString(directory + "/err").value_or("");
  return outcome;
}

std::string WriteStudy(const std::string& body, const std::vector<SiteConfig>& sites) {
  std::string directory = testing::MakeTempDir("medfed_cli_study");
  std::string text = "[study]\nname = \"cli\"\n";
  for (const auto& site : sites) {
    text += "[[sites]]\nname = \"" + site.name + "\"\ntables.colon = \"" +
            site.tables.at("colon") + "\"\n";
  }
  text += body;
  std::string path = directory + "/study.toml";
  EXPECT_TRUE(WriteFileAtomically(path, text).ok());
  return path;
}

TEST(CliTest, JsonOutputIsExactlyTheResultsDocument) {
  auto sites = testing::WriteCohort(11, {100, 80});
  std::string study = WriteStudy(
      "[[analyses]]\nid = \"n\"\ntype = \"count\"\ntable = \"colon\"\n", sites);
  std::string out_dir = testing::MakeTempDir("medfed_cli_out");
  Outcome outcome = RunMedfed("run " + study + " --json --out " + out_dir);
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  Json document = Json::parse(outcome.out);
  EXPECT_EQ(document["study"], "cli");
  EXPECT_EQ(document["sites"].size(), 2u);
  EXPECT_EQ(document["results"][0]["n"], 180);
  auto written = ReadFileToString(out_dir + "/results.json");
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(Json::parse(*written), document);
  EXPECT_TRUE(FileExists(out_dir + "/n.json"));
}

TEST(CliTest, BadStudyFileFailsWithNothingOnStdout) {
  auto sites = testing::WriteCohort(12, {30, 30});
  std::string study = WriteStudy(
      "[[analyses]]\ntype = \"glm\"\ntable = \"colon\"\nformula = \"bmi ~ age\"\nfamliy = \"x\"\n",
      sites);
  Outcome outcome = RunMedfed("run " + study + " --json");
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_EQ(outcome.out, "");
  EXPECT_NE(outcome.err.find("study.toml:13: unknown key \"famliy\""), std::string::npos)
      << outcome.err;
}

TEST(CliTest, MalformedCsvFailsNamingFileAndLine) {
  std::string directory = testing::MakeTempDir("medfed_cli_csv");
  ASSERT_TRUE(WriteFileAtomically(directory + "/bad.csv", "age,sex\n61,F\n70,M,extra\n").ok());
  SiteConfig site;
  site.name = "a";
  site.tables["colon"] = directory + "/bad.csv";
  std::string study = WriteStudy("[[analyses]]\ntype = \"count\"\ntable = \"colon\"\n", {site});
  Outcome outcome = RunMedfed("run " + study);
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_EQ(outcome.out, "");
  EXPECT_NE(outcome.err.find("bad.csv:3: expected 2 fields"), std::string::npos) << outcome.err;
}

TEST(CliTest, MissingStudyFile) {
  Outcome outcome = RunMedfed("run /nonexistent/study.toml");
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_NE(outcome.err.find("/nonexistent/study.toml"), std::string::npos);
}

TEST(CliTest, HelpListsCommandsAndAnalyses) {
  Outcome outcome = RunMedfed("--help");
  EXPECT_EQ(outcome.exit_code, 0);
  for (const char* word : {"run", "demo", "synth", "glm", "crosstab", "summary", "count", "gwas"}) {
    EXPECT_NE(outcome.out.find(word), std::string::npos) << word;
  }
}

TEST(CliTest, HelpListsTheNetworkCommands) {
  Outcome outcome = RunMedfed("--help");
  for (const char* word : {"ca ", "hub ", "site ", "audit ", "results ", "psi ", "scan ", "docs/deployment.md"}) {
    EXPECT_NE(outcome.out.find(word), std::string::npos) << word;
  }
  Outcome run = RunMedfed("run --help");
  EXPECT_NE(run.out.find("--hub"), std::string::npos);
  EXPECT_NE(run.out.find("--identity"), std::string::npos);
}

TEST(CliTest, CertificateAuthorityIssuesPrivateKeysNobodyElseReads) {
  const std::string directory = testing::MakeTempDir("medfed_cli_ca");
  Outcome init = RunMedfed("ca init " + directory + "/ca");
  ASSERT_EQ(init.exit_code, 0) << init.err;
  Outcome again = RunMedfed("ca init " + directory + "/ca");
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("ca.key exists"), std::string::npos) << again.err;
  Outcome issued = RunMedfed("ca issue " + directory + "/ca --name hospital-a --role site --out " + directory + "/a");
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  // Keys are never printed, and only their owner may read them.
  EXPECT_EQ(issued.out.find("PRIVATE KEY"), std::string::npos) << issued.out;
  EXPECT_EQ(init.out.find("PRIVATE KEY"), std::string::npos) << init.out;
  for (const std::string& key : {directory + "/ca/ca.key", directory + "/a/identity.key"}) {
    struct stat info {};
    ASSERT_EQ(stat(key.c_str(), &info), 0) << key;
    EXPECT_EQ(info.st_mode & 0777, 0600u) << key;
  }
  auto certificate = ReadFileToString(directory + "/a/identity.crt");
  ASSERT_TRUE(certificate.ok());
  EXPECT_NE(certificate->find("BEGIN CERTIFICATE"), std::string::npos);
  Outcome twice = RunMedfed("ca issue " + directory + "/ca --name hospital-a --role site --out " + directory + "/a");
  EXPECT_NE(twice.exit_code, 0);
  EXPECT_NE(twice.err.find("identity.key exists"), std::string::npos) << twice.err;
  Outcome role = RunMedfed("ca issue " + directory + "/ca --name x --role admin");
  EXPECT_NE(role.exit_code, 0);
  EXPECT_NE(role.err.find("use hub, site or researcher"), std::string::npos) << role.err;
}

TEST(CliTest, DaemonConfigErrorsNameTheLine) {
  const std::string directory = testing::MakeTempDir("medfed_cli_daemon");
  ASSERT_TRUE(WriteFileAtomically(directory + "/hub.toml",
                                  "[hub]\nidentity = \"id\"\nstate = \"state\"\nround_timeout = 5\n")
                  .ok());
  Outcome hub = RunMedfed("hub serve --config " + directory + "/hub.toml");
  EXPECT_NE(hub.exit_code, 0);
  EXPECT_NE(hub.err.find("hub.toml:4: unknown key \"round_timeout\""), std::string::npos) << hub.err;
  ASSERT_TRUE(WriteFileAtomically(directory + "/site.toml", "[site]\nname = \"a\"\n").ok());
  Outcome site = RunMedfed("site serve --config " + directory + "/site.toml");
  EXPECT_NE(site.exit_code, 0);
  EXPECT_NE(site.err.find("[site] needs hub"), std::string::npos) << site.err;
}

TEST(CliTest, PsiFindsTheSharedKeysAndSaysWhatItNormalised) {
  const std::string directory = testing::MakeTempDir("medfed_cli_psi");
  ASSERT_TRUE(WriteFileAtomically(directory + "/a.csv",
                                  "id,x\n0012,1\n 0013 ,2\n0014,3\n0014,4\n,5\n110101199003074514,6\nonly-a,7\n")
                  .ok());
  ASSERT_TRUE(WriteFileAtomically(directory + "/b.csv", "pid\n0012\n0013\n12\n110101199003074514\nonly-b\n").ok());
  Outcome json = RunMedfed("psi --a " + directory + "/a.csv --b " + directory + "/b.csv --column id --column-b pid --json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto document = nlohmann::json::parse(json.out);
  EXPECT_EQ(document["intersection_size"], 3);
  // As A holds them: " 0013 " is A's text; "0012" and "12" are different keys.
  EXPECT_EQ(document["intersection"], nlohmann::json::array({"0012", " 0013 ", "110101199003074514"}));
  EXPECT_NE(json.err.find("a.csv: 1 key had leading or trailing spaces; compared without them"), std::string::npos)
      << json.err;
  EXPECT_NE(json.err.find("a.csv: 1 row has no key; skipped"), std::string::npos) << json.err;
  EXPECT_NE(json.err.find("a.csv: 1 row repeats a key"), std::string::npos) << json.err;
  Outcome cardinality = RunMedfed("psi --a " + directory + "/a.csv --b " + directory +
                                  "/b.csv --column id --column-b pid --mode cardinality --json");
  ASSERT_EQ(cardinality.exit_code, 0) << cardinality.err;
  auto size_only = nlohmann::json::parse(cardinality.out);
  EXPECT_EQ(size_only["intersection_size"], 3);
  EXPECT_FALSE(size_only.contains("intersection"));
  // Bad input: a missing column, an empty file, an unknown mode.
  Outcome column = RunMedfed("psi --a " + directory + "/a.csv --b " + directory + "/b.csv --column id");
  EXPECT_NE(column.exit_code, 0);
  EXPECT_NE(column.err.find("b.csv: no column named \"id\"; the columns are: pid"), std::string::npos) << column.err;
  ASSERT_TRUE(WriteFileAtomically(directory + "/empty.csv", "").ok());
  Outcome empty = RunMedfed("psi --a " + directory + "/empty.csv --b " + directory + "/b.csv --column id");
  EXPECT_NE(empty.exit_code, 0);
  EXPECT_NE(empty.err.find("empty.csv: the file is empty"), std::string::npos) << empty.err;
  ASSERT_TRUE(WriteFileAtomically(directory + "/header.csv", "pid\n").ok());
  Outcome no_rows = RunMedfed("psi --a " + directory + "/header.csv --b " + directory + "/b.csv --column pid --json");
  EXPECT_EQ(no_rows.exit_code, 0) << no_rows.err;
  EXPECT_NE(no_rows.err.find("header.csv: no rows; its set is empty"), std::string::npos) << no_rows.err;
  EXPECT_EQ(nlohmann::json::parse(no_rows.out)["intersection_size"], 0);
  Outcome mode = RunMedfed("psi --a " + directory + "/a.csv --b " + directory + "/b.csv --column id --mode all");
  EXPECT_NE(mode.exit_code, 0);
  EXPECT_NE(mode.err.find("use intersection or cardinality"), std::string::npos) << mode.err;
}

TEST(CliTest, ScanFindsEveryPlantedIdentifierInTheMessyExtract) {
  Outcome outcome = RunMedfed("scan " + std::string(MEDFED_SOURCE_DIR) + "/examples/demo/data/messy_extract.csv --json");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  auto document = nlohmann::json::parse(outcome.out);
  EXPECT_EQ(document["rows"], 2000);
  EXPECT_EQ(document["grade"], 5);  // HIV diagnoses
  std::map<std::string, std::pair<std::string, std::string>> columns;  // name -> role, first kind
  for (const auto& column : document["columns"]) {
    columns[column["name"]] = {column["role"], column["detected"].empty() ? "" : column["detected"][0]["kind"]};
  }
  const std::map<std::string, std::pair<std::string, std::string>> expected = {
      {"姓名", {"direct_identifier", "person_name"}},      {"身份证号", {"direct_identifier", "resident_id"}},
      {"col_7", {"direct_identifier", "resident_id"}},     {"联系电话", {"direct_identifier", "mobile_phone"}},
      {"现住址", {"direct_identifier", "address"}},        {"备注", {"direct_identifier", "mobile_phone"}},
      {"登记号", {"direct_identifier", "unique_code"}},    {"样本号", {"direct_identifier", "unique_code"}},
      {"性别", {"quasi_identifier", "sex"}},               {"出生日期", {"quasi_identifier", "date"}},
      {"民族", {"quasi_identifier", "ethnicity"}},         {"职业", {"quasi_identifier", "occupation"}},
      {"邮编", {"quasi_identifier", "postal_code"}},       {"诊断日期", {"quasi_identifier", "date"}},
      {"ICD10", {"sensitive", "diagnosis"}},               {"诊断名称", {"sensitive", "diagnosis"}},
      {"分期", {"other", ""}}};
  for (const auto& [name, role_and_kind] : expected) {
    EXPECT_EQ(columns[name], role_and_kind) << name;
  }
  // The sample numbers look like mobile numbers, but are handed out in order.
  for (const auto& column : document["columns"]) {
    if (column["name"] != "样本号") continue;
    for (const auto& kind : column["detected"]) EXPECT_NE(kind["kind"], "mobile_phone");
  }
  EXPECT_EQ(document["risk"]["k"], 1);
  EXPECT_EQ(document["risk"]["quasi_identifiers"].size(), 6u);
  Outcome missing = RunMedfed("scan /nonexistent/extract.csv");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("/nonexistent/extract.csv"), std::string::npos) << missing.err;
}

TEST(CliTest, DemoRuns) {
  std::string out_dir = testing::MakeTempDir("medfed_demo");
  Outcome outcome = RunMedfed("demo --out " + out_dir);
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("recurrence ~ rx"), std::string::npos);
  EXPECT_NE(outcome.out.find("results.json"), std::string::npos);
  EXPECT_TRUE(FileExists(out_dir + "/results.json"));
  // Figures next to the numbers: Kaplan-Meier curves, and the GWAS's Manhattan and QQ plots
  // (the adjusted GWAS finds the planted causal variants).
  EXPECT_TRUE(FileExists(out_dir + "/survival_by_arm.svg"));
  EXPECT_TRUE(FileExists(out_dir + "/gwas.logistic.tsv"));
  auto manhattan = ReadFileToString(out_dir + "/gwas.manhattan.svg");
  ASSERT_TRUE(manhattan.ok());
  EXPECT_NE(manhattan->find(">rs_causal_1</text>"), std::string::npos);
  auto qq = ReadFileToString(out_dir + "/gwas.qq.svg");
  ASSERT_TRUE(qq.ok());
  EXPECT_NE(qq->find("lambda_GC = "), std::string::npos);
  EXPECT_NE(outcome.out.find("[gwas] gwas"), std::string::npos);
}

}  // namespace
}  // namespace medfed
