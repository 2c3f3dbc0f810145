// No membership oracle (issue: what leaves a site): every analysis type is run through the
// medfed binary twice on the bundled data, once with one patient present and once with that
// patient removed, under a `where` that isolates the patient (fewer than min_rows rows at every
// site). What the researcher sees, the text report and the JSON document, must be byte for byte
// the same: a site with no matching row answers exactly as a site with one.
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "medfed/analysis/engine/analysis.h"
#include "medfed/core/file.h"
#include "medfed/core/text.h"
#include "test_support.h"

namespace medfed {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

Outcome RunMedfed(const std::string& arguments) {
  const std::string directory = testing::MakeTempDir("medfed_membership_run");
  const std::string command = "MEDFED_STATE_HOME=" + directory + "/state " + std::string(MEDFED_BINARY_DIR) +
                              "/medfed " + arguments + " >" + directory + "/out 2>" + directory + "/err";
  const int status = std::system(command.c_str());
  Outcome outcome;
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  outcome.out = ReadFileToString(directory + "/out").value_or("");
  outcome.err = ReadFileToString(directory + "/err").value_or("");
  return outcome;
}

// Copies `file` from `from` to `to`, leaving out the data line that starts with `drop` (if any).
void CopyWithout(const std::string& from, const std::string& to, const std::string& file, const std::string& drop) {
  std::ifstream in(from + "/" + file, std::ios::binary);
  ASSERT_TRUE(in) << from + "/" + file;
  std::string text, line;
  bool dropped = false;
  while (std::getline(in, line)) {
    if (!drop.empty() && StartsWith(line, drop + ",")) {
      dropped = true;
      continue;
    }
    text += line + "\n";
  }
  if (!drop.empty()) {
    ASSERT_TRUE(dropped) << file << " has no row " << drop;
  }
  ASSERT_TRUE(WriteFileAtomically(to + "/" + file, text).ok());
}

constexpr char kColonPatient[] = "A00001";  // pseudonym f71d9c444ffdc422, at hospital-a
constexpr char kCase[] = "R1-000001";
constexpr char kSample[] = "SA100000";
constexpr char kRarePatient[] = "PA000001";

// The bundled demo and rare-disease data, with or without the one patient.
std::string WriteNetworkData(bool present) {
  const std::string directory = testing::MakeTempDir(present ? "medfed_present" : "medfed_absent");
  const std::string demo = std::string(MEDFED_SOURCE_DIR) + "/examples/demo/data";
  const std::string rare = std::string(MEDFED_SOURCE_DIR) + "/examples/rare/data";
  for (const char* site : {"a", "b", "c"}) {
    const std::string s(site);
    const bool first = s == "a";
    CopyWithout(demo, directory, "colon_" + s + ".csv", first && !present ? kColonPatient : "");
    CopyWithout(demo, directory, "registry_" + s + "_cases.csv", first && !present ? kCase : "");
    CopyWithout(demo, directory, "registry_" + s + "_population.csv", "");
    CopyWithout(demo, directory, "chip_pheno_" + s + ".csv", first && !present ? kSample : "");
    CopyWithout(rare, directory, "rare_" + s + ".csv", first && !present ? kRarePatient : "");
    for (const char* extension : {".bed", ".bim", ".fam"}) {
      fs::copy_file(demo + "/chip_" + s + extension, directory + "/chip_" + s + extension);
    }
  }
  fs::copy_file(rare + "/ontology.obo", directory + "/ontology.obo");
  return directory;
}

std::string StudyText(const std::string& data) {
  const std::string colon = "where = 'pseudonym == \"f71d9c444ffdc422\"'\n";
  std::string text = "[study]\nname = \"membership\"\n";
  for (const char* site : {"a", "b", "c"}) {
    const std::string s(site);
    text += "[[sites]]\nname = \"hospital-" + s + "\"\n";
    text += "tables.colon = \"" + data + "/colon_" + s + ".csv\"\n";
    text += "tables.cases = \"" + data + "/registry_" + s + "_cases.csv\"\n";
    text += "tables.population = \"" + data + "/registry_" + s + "_population.csv\"\n";
    text += "tables.chip_pheno = \"" + data + "/chip_pheno_" + s + ".csv\"\n";
    text += "tables.rare = \"" + data + "/rare_" + s + ".csv\"\n";
    text += "genotypes.chip = \"" + data + "/chip_" + s + "\"\n";
  }
  auto analysis = [&](const std::string& id, const std::string& type, const std::string& keys) {
    text += "[[analyses]]\nid = \"" + id + "\"\ntype = \"" + type + "\"\n" + keys;
  };
  analysis("count", "count", "table = \"colon\"\n" + colon);
  analysis("distinct", "distinct_count", "table = \"colon\"\ncolumn = \"pseudonym\"\n" + colon);
  analysis("psi", "psi",
           "table = \"colon\"\ncolumn = \"pseudonym\"\nsites = [\"hospital-a\", \"hospital-b\"]\n" + colon);
  analysis("crosstab", "crosstab", "table = \"colon\"\nrows = \"rx\"\ncols = \"stage\"\n" + colon);
  analysis("summary", "summary", "table = \"colon\"\nvariables = [\"age\", \"nodes\"]\n" + colon);
  analysis("glm", "glm", "table = \"colon\"\nformula = \"recurrence ~ rx + age\"\nfamily = \"binomial\"\n" + colon);
  analysis("km", "kaplan_meier", "table = \"colon\"\nformula = \"Surv(time, status) ~ rx\"\n" + colon);
  analysis("logrank", "logrank", "table = \"colon\"\nformula = \"Surv(time, status) ~ rx\"\n" + colon);
  analysis("cox", "cox", "table = \"colon\"\nformula = \"Surv(time, status) ~ rx + age\"\n" + colon);
  analysis("life_table", "life_table",
           "table = \"colon\"\nformula = \"Surv(time, status) ~ 1\"\nintervals = [0, 365, 730, 1095]\n" + colon);
  analysis("rates", "rates",
           "table = \"cases\"\npopulation = \"population\"\nby = [\"sex\"]\nwhere = 'case_id == \"" +
               std::string(kCase) + "\"'\n");
  analysis("gwas", "gwas",
           "genotypes = \"chip\"\ntable = \"chip_pheno\"\nphenotype = \"case\"\ntest = \"allelic\"\n"
           "where = 'IID == \"" +
               std::string(kSample) + "\"'\n");
  analysis("match", "phenotype_match",
           "table = \"rare\"\nid_column = \"patient_id\"\nterms = \"terms\"\nontology = \"" + data +
               "/ontology.obo\"\nquery = [\"SYN:0010002\", \"SYN:0010900\"]\nwhere = 'patient_id == \"" + kRarePatient +
               "\"'\n");
  return text;
}

// The data directory appears in messages naming a file; it is the only difference allowed.
std::string Normalised(std::string text, const std::string& data) {
  for (size_t at = text.find(data); at != std::string::npos; at = text.find(data, at))
    text.replace(at, data.size(), "DATA");
  return text;
}

struct VariantRun {
  Outcome text, json;
};

VariantRun RunVariant(bool present) {
  const std::string data = WriteNetworkData(present);
  const std::string study = testing::MakeTempDir("medfed_membership_study") + "/study.toml";
  EXPECT_TRUE(WriteFileAtomically(study, StudyText(data)).ok());
  VariantRun run;
  run.text = RunMedfed("run " + study);
  run.json = RunMedfed("run " + study + " --json");
  run.text.out = Normalised(run.text.out, data);
  run.json.out = Normalised(run.json.out, data);
  return run;
}

TEST(MembershipTest, OnePatientPresentOrAbsentGivesTheSameAnswerFromEveryAnalysis) {
  const VariantRun present = RunVariant(true);
  const VariantRun absent = RunVariant(false);
  ASSERT_EQ(present.json.exit_code, 0) << present.json.err;
  ASSERT_EQ(absent.json.exit_code, 0) << absent.json.err;
  EXPECT_EQ(present.text.exit_code, absent.text.exit_code);
  EXPECT_EQ(present.text.out, absent.text.out);
  EXPECT_EQ(present.json.out, absent.json.out);

  // Every analysis was stopped by a site rule (rates: every case count withheld at the hub, the
  // population being public), and no reason carries a number but the rule's.
  const analysis::Json document = analysis::Json::parse(present.json.out);
  ASSERT_EQ(document["results"].size(), 13u);
  for (const auto& result : document["results"]) {
    if (result["id"] == "rates") {
      ASSERT_EQ(result["status"], "ok") << result.dump();
      for (const auto& group : result["groups"]) EXPECT_TRUE(group.value("suppressed", false)) << group.dump();
      continue;
    }
    EXPECT_EQ(result["status"], "refused") << result.dump();
    const std::string reason = result.value("reason", "");
    for (size_t at = reason.find_first_of("0123456789"); at != std::string::npos;
         at = reason.find_first_of("0123456789", at + 1)) {
      // Digits may appear only in site names ("hospital-a") and in the policy's minimum.
      const std::string number = reason.substr(at, reason.find_first_not_of("0123456789", at) - at);
      EXPECT_TRUE(number == "10" || number == "5") << result["id"] << ": " << reason;
      at += number.size() - 1;
    }
  }
}

}  // namespace
}  // namespace medfed
