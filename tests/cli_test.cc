// The medfed binary as a user meets it: exit status, stdout and stderr.
#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <map>

#include "gtest/gtest.h"
#include "medfed/analysis/engine/analysis.h"
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
  // Each run keeps its sites' release history in a fresh directory (studies in different tests
  // would otherwise meet in ~/.local/state/medfed).
  std::string command = "MEDFED_STATE_HOME=" + directory + "/state " + std::string(MEDFED_BINARY_DIR) + "/medfed " +
                        arguments + " >" + directory + "/out 2>" + directory + "/err";
  int status = std::system(command.c_str());
  Outcome outcome;
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  outcome.out = ReadFileToString(directory + "/out").value_or("");
  outcome.err = ReadFileToString(directory + "/err").value_or("");
  return outcome;
}

std::string WriteStudy(const std::string& body, const std::vector<federation::SiteConfig>& sites) {
  std::string directory = testing::MakeTempDir("medfed_cli_study");
  std::string text = "[study]\nname = \"cli\"\n";
  for (const auto& site : sites) {
    text += "[[sites]]\nname = \"" + site.name + "\"\ntables.colon = \"" + site.tables.at("colon") + "\"\n";
  }
  text += body;
  std::string path = directory + "/study.toml";
  EXPECT_TRUE(WriteFileAtomically(path, text).ok());
  return path;
}

// Two separate `medfed run`s, as an attacker would script them: the sites remember the rows
// behind the first release in the state home, and refuse the second, which differs by one row.
TEST(CliTest, DifferencingIsRememberedAcrossRuns) {
  auto sites = testing::WriteCohort(12, {100, 80});
  const std::string state = testing::MakeTempDir("medfed_cli_state");
  auto run = [&](const std::string& where) {
    std::string body = "[[analyses]]\nid = \"n\"\ntype = \"count\"\ntable = \"colon\"\n";
    if (!where.empty()) body += "where = '" + where + "'\n";
    const std::string out = testing::MakeTempDir("medfed_cli_state_out") + "/out";
    const std::string command = "MEDFED_STATE_HOME=" + state + " " + std::string(MEDFED_BINARY_DIR) + "/medfed run " +
                                WriteStudy(body, sites) + " --json >" + out + " 2>/dev/null";
    EXPECT_EQ(std::system(command.c_str()), 0);
    return analysis::Json::parse(ReadFileToString(out).value_or("{}"));
  };
  analysis::Json all = run("");
  ASSERT_EQ(all["results"][0]["status"], "ok") << all.dump();
  analysis::Json but_one = run("id != \"A00003\"");
  EXPECT_EQ(but_one["results"][0]["status"], "refused") << but_one.dump();
  EXPECT_EQ(but_one["results"][0]["rules"], analysis::Json::array({"differencing"})) << but_one.dump();
  // The same query again is allowed: repeating a release reveals nothing new.
  EXPECT_EQ(run("")["results"][0]["status"], "ok");
}

TEST(CliTest, JsonOutputIsExactlyTheResultsDocument) {
  auto sites = testing::WriteCohort(11, {100, 80});
  std::string study = WriteStudy("[[analyses]]\nid = \"n\"\ntype = \"count\"\ntable = \"colon\"\n", sites);
  std::string out_dir = testing::MakeTempDir("medfed_cli_out");
  Outcome outcome = RunMedfed("run " + study + " --json --out " + out_dir);
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  analysis::Json document = analysis::Json::parse(outcome.out);
  EXPECT_EQ(document["study"], "cli");
  EXPECT_EQ(document["sites"].size(), 2u);
  EXPECT_EQ(document["results"][0]["n"], 180);
  auto written = ReadFileToString(out_dir + "/results.json");
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(analysis::Json::parse(*written), document);
  EXPECT_TRUE(FileExists(out_dir + "/n.json"));
}

TEST(CliTest, BadStudyFileFailsWithNothingOnStdout) {
  auto sites = testing::WriteCohort(12, {30, 30});
  std::string study =
      WriteStudy("[[analyses]]\ntype = \"glm\"\ntable = \"colon\"\nformula = \"bmi ~ age\"\nfamliy = \"x\"\n", sites);
  Outcome outcome = RunMedfed("run " + study + " --json");
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_EQ(outcome.out, "");
  EXPECT_NE(outcome.err.find("study.toml:13: unknown key \"famliy\""), std::string::npos) << outcome.err;
}

TEST(CliTest, MalformedCsvFailsNamingFileAndLine) {
  std::string directory = testing::MakeTempDir("medfed_cli_csv");
  ASSERT_TRUE(WriteFileAtomically(directory + "/bad.csv", "age,sex\n61,F\n70,M,extra\n").ok());
  federation::SiteConfig site;
  site.name = "a";
  site.tables["colon"] = directory + "/bad.csv";
  std::string study = WriteStudy("[[analyses]]\ntype = \"count\"\ntable = \"colon\"\n", {site});
  Outcome outcome = RunMedfed("run " + study);
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_EQ(outcome.out, "");
  EXPECT_NE(outcome.err.find("bad.csv:3: expected 2 fields"), std::string::npos) << outcome.err;
}

// --out DIR appears whole or not at all: a failed study leaves the old results and no partial
// files; a successful one replaces them (renameat2 RENAME_EXCHANGE).
TEST(CliTest, OutDirectoryIsReplacedWholeOrNotAtAll) {
  auto sites = testing::WriteCohort(12, {60, 50});
  const std::string parent = testing::MakeTempDir("medfed_cli_outs");
  const std::string out = parent + "/results";
  std::string first = WriteStudy("[[analyses]]\nid = \"n\"\ntype = \"count\"\ntable = \"colon\"\n", sites);
  ASSERT_EQ(RunMedfed("run " + first + " --out " + out).exit_code, 0);
  const std::string before = ReadFileToString(out + "/results.json").value_or("");
  ASSERT_NE(before.find("\"n\": 110"), std::string::npos);
  // The second study fails at a site (a NUL byte in its table) after the stage was made.
  auto broken = sites;
  const std::string bad_csv = parent + "/broken.csv";
  ASSERT_TRUE(WriteFileAtomically(bad_csv, std::string("id,age\n1,5\0\n", 12)).ok());
  broken[1].tables["colon"] = bad_csv;
  std::string failing = WriteStudy("[[analyses]]\nid = \"m\"\ntype = \"count\"\ntable = \"colon\"\n", broken);
  Outcome failed = RunMedfed("run " + failing + " --out " + out);
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_NE(failed.err.find("NUL byte"), std::string::npos) << failed.err;
  EXPECT_EQ(ReadFileToString(out + "/results.json").value_or(""), before);
  for (const auto& entry : std::filesystem::directory_iterator(parent)) {
    EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos) << entry.path();
  }
  // A successful run replaces the directory: the old analysis's file is gone.
  std::string second = WriteStudy("[[analyses]]\nid = \"m\"\ntype = \"count\"\ntable = \"colon\"\n", sites);
  ASSERT_EQ(RunMedfed("run " + second + " --out " + out).exit_code, 0);
  EXPECT_TRUE(FileExists(out + "/m.json"));
  EXPECT_FALSE(FileExists(out + "/n.json"));
  // A directory of someone else's files is not replaced.
  const std::string foreign = testing::MakeTempDir("medfed_cli_foreign");
  ASSERT_TRUE(WriteFileAtomically(foreign + "/notes.txt", "mine\n").ok());
  Outcome refused = RunMedfed("run " + second + " --out " + foreign);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("not medfed results"), std::string::npos) << refused.err;
  EXPECT_TRUE(FileExists(foreign + "/notes.txt"));
}

TEST(CliTest, OutputThatCannotBeWrittenIsAnError) {
  auto sites = testing::WriteCohort(13, {60, 50});
  std::string study = WriteStudy("[[analyses]]\nid = \"n\"\ntype = \"count\"\ntable = \"colon\"\n", sites);
  const std::string command =
      "MEDFED_STATE_HOME=memory " + std::string(MEDFED_BINARY_DIR) + "/medfed run " + study + " >/dev/full 2>/dev/null";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_NE(WEXITSTATUS(status), 0);
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
  ASSERT_TRUE(
      WriteFileAtomically(directory + "/hub.toml", "[hub]\nidentity = \"id\"\nstate = \"state\"\nround_timeout = 5\n")
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
  Outcome json =
      RunMedfed("psi --a " + directory + "/a.csv --b " + directory + "/b.csv --column id --column-b pid --json");
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
  Outcome outcome =
      RunMedfed("scan " + std::string(MEDFED_SOURCE_DIR) + "/examples/demo/data/messy_extract.csv --json");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  auto document = nlohmann::json::parse(outcome.out);
  EXPECT_EQ(document["rows"], 2000);
  EXPECT_EQ(document["grade"], 5);                                     // HIV diagnoses
  std::map<std::string, std::pair<std::string, std::string>> columns;  // name -> role, first kind
  for (const auto& column : document["columns"]) {
    columns[column["name"]] = {column["role"], column["detected"].empty() ? "" : column["detected"][0]["kind"]};
  }
  const std::map<std::string, std::pair<std::string, std::string>> expected = {
      {"姓名", {"direct_identifier", "person_name"}},
      {"身份证号", {"direct_identifier", "resident_id"}},
      {"col_7", {"direct_identifier", "resident_id"}},
      {"联系电话", {"direct_identifier", "mobile_phone"}},
      {"现住址", {"direct_identifier", "address"}},
      {"备注", {"direct_identifier", "mobile_phone"}},
      {"登记号", {"direct_identifier", "unique_code"}},
      {"样本号", {"direct_identifier", "unique_code"}},
      {"性别", {"quasi_identifier", "sex"}},
      {"出生日期", {"quasi_identifier", "date"}},
      {"民族", {"quasi_identifier", "ethnicity"}},
      {"职业", {"quasi_identifier", "occupation"}},
      {"邮编", {"quasi_identifier", "postal_code"}},
      {"诊断日期", {"quasi_identifier", "date"}},
      {"ICD10", {"sensitive", "diagnosis"}},
      {"诊断名称", {"sensitive", "diagnosis"}},
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

// The messy extract de-identified with the default policy: nothing a direct-identifier detector
// flags is left, the quasi-identifiers are 5-anonymous, the same ID gets the same pseudonym, and
// the report says what was done.
// Keys handled as keys: a pseudonym key others can read, a short one and an all-zero one are
// refused by name, and nothing is written.
TEST(CliTest, DeidRefusesKeysThatAreNotSecret) {
  const std::string directory = testing::MakeTempDir("medfed_cli_keys");
  const std::string extract = std::string(MEDFED_SOURCE_DIR) + "/examples/demo/data/messy_extract.csv";
  const std::string key = directory + "/site.key";
  struct Case {
    std::string contents;
    mode_t mode;
    const char* expected;
  } cases[] = {
      {"0123456789abcdef0123456789abcdef0123456789abcdef\n", 0644, "can be read or written by group or others"},
      {"0123456789abcdef\n", 0600, "holds 16 bytes; it needs at least 32"},
      {std::string(64, '0') + "\n", 0600, "is degenerate"},
  };
  for (const auto& c : cases) {
    ASSERT_TRUE(WriteFileAtomically(key, c.contents, c.mode).ok());
    ASSERT_EQ(::chmod(key.c_str(), c.mode), 0);
    Outcome outcome = RunMedfed("deid " + extract + " --out " + directory + "/out.csv --key " + key);
    EXPECT_NE(outcome.exit_code, 0);
    EXPECT_NE(outcome.err.find(c.expected), std::string::npos) << outcome.err;
    EXPECT_NE(outcome.err.find(key), std::string::npos) << outcome.err;
    EXPECT_FALSE(FileExists(directory + "/out.csv"));
  }
}

TEST(CliTest, IdentityDirectoriesAre0700WhateverTheUmask) {
  const std::string directory = testing::MakeTempDir("medfed_cli_umask");
  const std::string command = "umask 000 && " + std::string(MEDFED_BINARY_DIR) + "/medfed ca init " + directory +
                              "/ca >/dev/null && " + MEDFED_BINARY_DIR + "/medfed ca issue " + directory +
                              "/ca --name hospital-a --role site --out " + directory + "/a/identity >/dev/null";
  ASSERT_EQ(std::system(("sh -c '" + command + "'").c_str()), 0);
  for (const std::string& path : {directory + "/ca", directory + "/a", directory + "/a/identity"}) {
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0) << path;
    EXPECT_EQ(info.st_mode & 0777, 0700u) << path;
  }
  // A private key made readable afterwards is refused where it is used.
  ASSERT_EQ(::chmod((directory + "/a/identity/identity.key").c_str(), 0644), 0);
  Outcome outcome = RunMedfed("ca issue " + directory + "/ca --name hospital-b --role site --out " + directory + "/b");
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  ASSERT_EQ(::chmod((directory + "/ca/ca.key").c_str(), 0644), 0);
  outcome = RunMedfed("ca issue " + directory + "/ca --name hospital-c --role site --out " + directory + "/c");
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_NE(outcome.err.find("CA private key " + directory + "/ca/ca.key can be read"), std::string::npos)
      << outcome.err;
}

TEST(CliTest, DeidentifiesTheMessyExtract) {
  const std::string directory = testing::MakeTempDir("medfed_cli_deid");
  const std::string extract = std::string(MEDFED_SOURCE_DIR) + "/examples/demo/data/messy_extract.csv";
  Outcome outcome = RunMedfed("deid " + extract + " --out " + directory + "/out.csv --report " + directory +
                              "/report.json --key " + directory + "/site.key --create-key --population-size 50000");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  struct stat key_status {};
  ASSERT_EQ(stat((directory + "/site.key").c_str(), &key_status), 0);
  EXPECT_EQ(key_status.st_mode & 0777, 0600u);
  auto report = nlohmann::json::parse(ReadFileToString(directory + "/report.json").value());
  std::map<std::string, std::string> actions;
  for (const auto& column : report["columns"]) actions[column["name"]] = column["action"];
  EXPECT_EQ(actions["姓名"], "drop");
  EXPECT_EQ(actions["联系电话"], "drop");
  EXPECT_EQ(actions["身份证号"], "pseudonym");
  EXPECT_EQ(actions["col_7"], "pseudonym");
  EXPECT_EQ(actions["现住址"], "generalize");
  EXPECT_EQ(actions["备注"], "mask");
  EXPECT_EQ(actions["ICD10"], "keep");
  EXPECT_GE(report["risk_after"]["k"].get<int>(), 5);
  EXPECT_EQ(report["risk_before"]["k"], 1);
  EXPECT_LE(report["rows_suppressed"].get<int>(), 100);  // 5% of 2000
  EXPECT_TRUE(report["risk_before"].contains("population_uniqueness"));
  // Dates keep epidemiological value, and every generalized column says what it paid.
  std::map<std::string, nlohmann::json> columns;
  for (const auto& column : report["columns"]) columns[column["name"]] = column;
  for (const char* date : {"出生日期", "诊断日期"}) {
    const std::string level = columns[date]["level_name"];
    EXPECT_TRUE(level == "year" || level == "5-year") << date << ": " << level;
  }
  for (const auto& [name, column] : columns) {
    if (column["action"] != "generalize") continue;
    EXPECT_GE(column["information_loss"].get<double>(), 0) << name;
    EXPECT_LE(column["information_loss"].get<double>(), 1) << name;
  }
  EXPECT_NE(outcome.out.find("loss"), std::string::npos) << outcome.out;
  // Without the preference (coarsest "*"), the least-loss answer drops both dates entirely.
  ASSERT_TRUE(WriteFileAtomically(directory + "/any_date.toml",
                                  "[kinds]\ndate = { action = \"generalize\", level = \"year\", coarsest = \"*\" }\n")
                  .ok());
  Outcome any_date = RunMedfed("deid " + extract + " --out " + directory + "/any_date.csv --policy " + directory +
                               "/any_date.toml --key " + directory + "/site.key --json");
  ASSERT_EQ(any_date.exit_code, 0) << any_date.err;
  const auto any_date_report = nlohmann::json::parse(any_date.out);
  for (const auto& column : any_date_report["columns"]) {
    if (column["name"] == "出生日期" || column["name"] == "诊断日期") EXPECT_EQ(column["level_name"], "*");
  }

  // Re-scanning the output finds no direct identifier but the pseudonym columns.
  Outcome rescan = RunMedfed("scan " + directory + "/out.csv --json");
  ASSERT_EQ(rescan.exit_code, 0) << rescan.err;
  const auto rescanned = nlohmann::json::parse(rescan.out);
  for (const auto& column : rescanned["columns"]) {
    for (const auto& kind : column["detected"]) {
      EXPECT_TRUE(kind["kind"] == "unique_code" || !(kind["kind"] == "resident_id" || kind["kind"] == "mobile_phone" ||
                                                     kind["kind"] == "person_name" || kind["kind"] == "address"))
          << column["name"] << ": " << kind["kind"];
    }
  }
  const std::string output = ReadFileToString(directory + "/out.csv").value();
  for (const char* planted : {"33010619420512089X", "孙敏洋", "18676797847", "人民路270号", "13962737810"}) {
    EXPECT_EQ(output.find(planted), std::string::npos) << planted;
  }
  // The same key gives the same pseudonyms; the ID and its copy in col_7 agree.
  Outcome again = RunMedfed("deid " + extract + " --out " + directory + "/again.csv --key " + directory + "/site.key");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(ReadFileToString(directory + "/again.csv").value(), output);

  // Bad input: a policy typo names the line; no key; the output refused leaves no file.
  ASSERT_TRUE(
      WriteFileAtomically(directory + "/policy.toml", "k = 5\n[columns]\n\"出生日期\" = \"generalise\"\n").ok());
  Outcome typo = RunMedfed("deid " + extract + " --out " + directory + "/typo.csv --policy " + directory +
                           "/policy.toml --key " + directory + "/site.key");
  EXPECT_NE(typo.exit_code, 0);
  EXPECT_NE(typo.err.find("policy.toml:3"), std::string::npos) << typo.err;
  EXPECT_NE(typo.err.find("unknown action \"generalise\""), std::string::npos) << typo.err;
  ASSERT_TRUE(WriteFileAtomically(directory + "/mask_level.toml",
                                  "[columns]\n\"备注\" = { action = \"mask\", coarsest = \"year\" }\n")
                  .ok());
  Outcome mask_level = RunMedfed("deid " + extract + " --out " + directory + "/mask_level.csv --policy " + directory +
                                 "/mask_level.toml --key " + directory + "/site.key");
  EXPECT_NE(mask_level.exit_code, 0);
  EXPECT_NE(mask_level.err.find("mask_level.toml:2"), std::string::npos) << mask_level.err;
  EXPECT_NE(mask_level.err.find("only applies to action \"generalize\""), std::string::npos) << mask_level.err;
  Outcome no_key = RunMedfed("deid " + extract + " --out " + directory + "/nokey.csv");
  EXPECT_NE(no_key.exit_code, 0);
  EXPECT_NE(no_key.err.find("--key"), std::string::npos) << no_key.err;
  EXPECT_FALSE(FileExists(directory + "/nokey.csv"));
  ASSERT_TRUE(WriteFileAtomically(directory + "/strict.toml", "k = 5000\n").ok());
  Outcome strict = RunMedfed("deid " + extract + " --out " + directory + "/strict.csv --policy " + directory +
                             "/strict.toml --key " + directory + "/site.key");
  EXPECT_NE(strict.exit_code, 0);
  EXPECT_NE(strict.err.find("cannot be made 5000-anonymous"), std::string::npos) << strict.err;
  EXPECT_FALSE(FileExists(directory + "/strict.csv"));
  Outcome same = RunMedfed("deid " + extract + " --out " + extract + " --key " + directory + "/site.key");
  EXPECT_NE(same.exit_code, 0);
  EXPECT_NE(same.err.find("is the input file"), std::string::npos) << same.err;
}

// Journalist and marketer risk against a population table; errors name the file.
TEST(CliTest, ScanReportsJournalistAndMarketerRisk) {
  const std::string directory = testing::MakeTempDir("medfed_cli_population");
  ASSERT_TRUE(WriteFileAtomically(directory + "/sample.csv", "性别,年龄\n男,40\n男,40\n女,50\n女,60\n").ok());
  ASSERT_TRUE(WriteFileAtomically(directory + "/population.csv", "性别,年龄,count\n男,40,10\n女,50,2\n女,60,4\n").ok());
  Outcome outcome = RunMedfed("scan " + directory + "/sample.csv --json --population " + directory + "/population.csv");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  const auto risk = nlohmann::json::parse(outcome.out)["risk"];
  // Hand-computed: population classes 10, 2, 4 for sample classes 2, 1, 1: journalist highest
  // 1/2; records with 1/F > 0.2: the 2 in F=2 and F=4 -> 2 of 4; marketer (2/10+1/2+1/4)/4.
  EXPECT_DOUBLE_EQ(risk["journalist"]["highest"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(risk["journalist"]["records_at_risk"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(risk["journalist"]["marketer"].get<double>(), (0.2 + 0.5 + 0.25) / 4);
  ASSERT_TRUE(WriteFileAtomically(directory + "/short.csv", "性别,年龄,count\n男,40,10\n").ok());
  Outcome uncovered = RunMedfed("scan " + directory + "/sample.csv --population " + directory + "/short.csv");
  EXPECT_NE(uncovered.exit_code, 0);
  EXPECT_NE(uncovered.err.find("short.csv: the population has no people with 性别,年龄 = 女,50"), std::string::npos)
      << uncovered.err;
}

// medfed match on the bundled rare-disease network: ranked handles; unknown terms warned about;
// a malformed query names its file.
TEST(CliTest, MatchRanksPatientsAndWarnsAboutUnknownTerms) {
  const std::string directory = testing::MakeTempDir("medfed_cli_match");
  Outcome synth = RunMedfed("synth rare --rows 120,80 --out " + directory);
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  ASSERT_TRUE(WriteFileAtomically(directory + "/study.toml",
                                  "[study]\nname = \"m\"\n[[sites]]\nname = \"a\"\ntables.p = \"rare_a.csv\"\n"
                                  "[[sites]]\nname = \"b\"\ntables.p = \"rare_b.csv\"\n[[analyses]]\nid = \"similar\"\n"
                                  "type = \"phenotype_match\"\ntable = \"p\"\nid_column = \"patient_id\"\n"
                                  "terms = \"terms\"\ngenes = \"genes\"\nontology = \"ontology.obo\"\n")
                  .ok());
  Outcome json = RunMedfed("match " + directory + "/study.toml --query " + directory + "/query.json --top 4 --json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto document = nlohmann::json::parse(json.out);
  const auto& matches = document["results"][0]["matches"];
  ASSERT_EQ(matches.size(), 4u);
  EXPECT_EQ(matches[0]["handle"].get<std::string>().size(), 32u);
  EXPECT_GE(matches[0]["score"].get<double>(), matches[3]["score"].get<double>());
  ASSERT_TRUE(WriteFileAtomically(directory + "/unknown.json", R"({"terms": ["SYN:0010803", "HP:0000000"]})").ok());
  Outcome unknown = RunMedfed("match " + directory + "/study.toml --query " + directory + "/unknown.json");
  EXPECT_EQ(unknown.exit_code, 0) << unknown.err;
  EXPECT_NE(unknown.err.find("warning: terms not in the ontology, ignored: HP:0000000"), std::string::npos)
      << unknown.err;
  ASSERT_TRUE(WriteFileAtomically(directory + "/bad.json", R"({"term": ["SYN:0010803"]})").ok());
  Outcome bad = RunMedfed("match " + directory + "/study.toml --query " + directory + "/bad.json");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("bad.json: unknown key \"term\""), std::string::npos) << bad.err;
  // A clinician's note: --dry-run shows what it found and skipped and sends nothing; without it
  // the found terms are the query.
  ASSERT_TRUE(WriteFileAtomically(directory + "/note.txt",
                                  "7-year-old girl with focal seizures and hypotonia.\nNo scoliosis.\n"
                                  "Her mother has cataract.\n")
                  .ok());
  Outcome dry = RunMedfed("match " + directory + "/study.toml --note " + directory + "/note.txt --dry-run --json");
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  const auto shown = nlohmann::json::parse(dry.out);
  ASSERT_EQ(shown["terms"].size(), 2u) << dry.out;
  EXPECT_EQ(shown["terms"][0]["name"], "Focal seizure");
  EXPECT_EQ(shown["terms"][0]["text"], "focal seizures");
  EXPECT_EQ(shown["terms"][1]["name"], "Hypotonia");
  ASSERT_EQ(shown["skipped"].size(), 2u) << dry.out;
  EXPECT_EQ(shown["skipped"][0]["reason"], "negated");
  EXPECT_EQ(shown["skipped"][0]["cue"], "No");
  EXPECT_EQ(shown["skipped"][1]["reason"], "family history");
  EXPECT_EQ(dry.out.find("\"matches\""), std::string::npos);
  Outcome from_note = RunMedfed("match " + directory + "/study.toml --note " + directory + "/note.txt --top 2 --json");
  ASSERT_EQ(from_note.exit_code, 0) << from_note.err;
  const auto noted = nlohmann::json::parse(from_note.out)["results"][0];
  EXPECT_EQ(noted["query_terms"].size(), 2u) << noted.dump();
  EXPECT_EQ(noted["matches"].size(), 2u);
  ASSERT_TRUE(WriteFileAtomically(directory + "/empty_note.txt", "No scoliosis.\n").ok());
  Outcome nothing = RunMedfed("match " + directory + "/study.toml --note " + directory + "/empty_note.txt");
  EXPECT_NE(nothing.exit_code, 0);
  EXPECT_NE(nothing.err.find("no ontology term is mentioned as present"), std::string::npos) << nothing.err;
  // A query with genes for sites whose study names no genes column: refused, saying what to add.
  const std::string study = *ReadFileToString(directory + "/study.toml");
  ASSERT_TRUE(WriteFileAtomically(directory + "/no_genes.toml",
                                  study.substr(0, study.find("genes =")) + study.substr(study.find("ontology =")))
                  .ok());
  Outcome no_genes = RunMedfed("match " + directory + "/no_genes.toml --query " + directory + "/query.json");
  EXPECT_NE(no_genes.exit_code, 0);
  EXPECT_NE(no_genes.err.find("names no genes column; add genes = \"COLUMN\""), std::string::npos) << no_genes.err;
}

// Every file under `root` with its size and modification time.
std::map<std::string, std::pair<uintmax_t, std::filesystem::file_time_type>> Snapshot(const std::string& root) {
  std::map<std::string, std::pair<uintmax_t, std::filesystem::file_time_type>> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files[entry.path().string()] = {entry.file_size(), entry.last_write_time()};
  }
  return files;
}

TEST(CliTest, DemoRuns) {
  std::string out_dir = testing::MakeTempDir("medfed_demo");
  const std::string examples = std::string(MEDFED_SOURCE_DIR) + "/examples";
  const auto before = Snapshot(examples);
  Outcome outcome = RunMedfed("demo --out " + out_dir);
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  // The demo writes nothing into the source tree: the clinics' match keys are in their state
  // directories, the de-identification key under --out.
  EXPECT_EQ(Snapshot(examples), before);
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

// `medfed demo --network`: the demo study through a hub and three site daemons (one approving
// by hand, played by the demo), then every replica verified; every result file but the noised
// count is byte for byte the embedded run's.
TEST(CliTest, NetworkDemoEqualsTheEmbeddedRun) {
  const std::string network = testing::MakeTempDir("medfed_demo_network");
  const std::string embedded = testing::MakeTempDir("medfed_demo_embedded");
  Outcome remote = RunMedfed("demo --network --out " + network);
  ASSERT_EQ(remote.exit_code, 0) << remote.err;
  EXPECT_NE(remote.out.find("the demo plays its data steward"), std::string::npos) << remote.out;
  for (const char* site : {"hospital-a", "hospital-b", "hospital-c"}) {
    EXPECT_NE(
        remote.out.find(std::string(site) + "'s replica: 80 entries, every tree head and countersignature verified"),
        std::string::npos)
        << site << "\n"
        << remote.out;
  }
  Outcome local = RunMedfed("run " + std::string(MEDFED_SOURCE_DIR) + "/examples/demo/study.toml --out " + embedded);
  ASSERT_EQ(local.exit_code, 0) << local.err;
  size_t compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(embedded)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name == "results.json" || name.find("noised") != std::string::npos) continue;
    EXPECT_EQ(ReadFileToString(network + "/" + name).value_or("missing"), ReadFileToString(entry.path()).value_or(""))
        << name;
    ++compared;
  }
  EXPECT_GE(compared, 18u);  // 11 results, 2 GWAS tables, 5 figures
}

// Numbers outside what an option means are refused by name before any work: no wrap-around of
// "-5" into 2^64 - 5 rows (which crashed synth), no silent truncation of 2.5 matches.
TEST(CliTest, NumbersOutsideTheirRangeAreRefusedNamingTheOption) {
  const std::string directory = testing::MakeTempDir("medfed_cli_ranges");
  const std::string out = " --out " + directory + "/out";
  const std::string demo = std::string(MEDFED_SOURCE_DIR) + "/examples/";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"synth genotypes --rows 10,-5" + out, "--rows"},
      {"synth genotypes --variants -5" + out, "--variants"},
      {"synth genotypes --variants 2.5" + out, "--variants"},
      {"synth colorectal --covariates -3" + out, "--covariates"},
      {"synth colorectal --seed -1" + out, "--seed"},
      {"match " + demo + "rare/study.toml --query " + demo + "rare/data/query.json --top 2.5", "--top"},
      {"match " + demo + "rare/study.toml --query " + demo + "rare/data/query.json --top 0", "--top"},
      {"run " + demo + "demo/study.toml --timeout 1e300" + out, "--timeout"},
      {"ca init " + directory + "/ca --days 0", "--days"},
      {"scan " + demo + "demo/data/colon_a.csv --threshold 2", "--threshold"},
  };
  for (const auto& [arguments, option] : cases) {
    Outcome outcome = RunMedfed(arguments);
    EXPECT_GT(outcome.exit_code, 0) << arguments << "\n" << outcome.err;  // -1: killed by a signal
    EXPECT_NE(outcome.err.find(option), std::string::npos) << arguments << "\n" << outcome.err;
  }
  EXPECT_FALSE(FileExists(directory + "/out"));
  EXPECT_FALSE(FileExists(directory + "/ca"));
}

TEST(CliTest, AnUnknownCommandNamesTheNearestOne) {
  Outcome typo = RunMedfed("rnu study.toml");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("unknown command \"rnu\"; did you mean \"run\"?"), std::string::npos) << typo.err;
  Outcome unknown = RunMedfed("regress study.toml");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown command \"regress\"; the commands are run, results, demo"), std::string::npos)
      << unknown.err;
}

}  // namespace
}  // namespace medfed
