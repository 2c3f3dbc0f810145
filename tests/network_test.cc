// The network deployment end to end: a real hub and three real site daemons (the medfed binary,
// as child processes) on 127.0.0.1 with real certificates and mutual TLS. Every test is bounded
// in time and stops its processes.
#include <signal.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <sstream>
#include <thread>

#include <grpc/grpc.h>

#include "gtest/gtest.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/core/file.h"
#include "medfed/core/progress.h"
#include "medfed/core/subprocess.h"
#include "medfed/core/text.h"
#include "medfed/crypto/certificates.h"
#include "medfed/crypto/sodium.h"
#include "medfed/federation/study_file.h"
#include "medfed/federation/study_runner.h"
#include "medfed/governance/ledger.h"
#include "medfed/net/framing.h"
#include "medfed/net/identity.h"
#include "medfed/net/local_network.h"
#include "medfed/net/researcher_client.h"
#include "medfed/v1/network.grpc.pb.h"
#include "test_support.h"

namespace medfed {
namespace {

const std::string kMedfed = std::string(MEDFED_BINARY_DIR) + "/medfed";

// gRPC shuts down asynchronously: a channel's last reconnection can still be running on a gRPC
// executor thread when main returns, and that thread's per-thread OpenSSL random generators then
// show as leaks under LeakSanitizer (seen in CI after the hub-restart test). Once every test is
// done, take gRPC down and wait for its threads.
class GrpcShutdownEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    grpc_init();
    grpc_shutdown_blocking();
  }
};
[[maybe_unused]] ::testing::Environment* const kGrpcShutdown =
    ::testing::AddGlobalTestEnvironment(new GrpcShutdownEnvironment);
const std::string kGwasData = std::string(MEDFED_SOURCE_DIR) + "/tests/golden/gwas/data/";

std::string Policy(const std::string& extra = "", const std::string& approval = "automatic") {
  return "[access]\nresearchers = [\"alice\"]\napproval = \"" + approval + "\"\n" + extra;
}

class NetworkTest : public ::testing::Test {
 protected:
  void SetUp() override { Progress::SetEnabled(false); }

  // Three hospitals of the synthetic cohort, each also holding a third of the GWAS test data.
  void StartNetwork(std::vector<std::string> policies = {}, int round_timeout_seconds = 30, int max_message_mb = 256) {
    cohort_ = testing::WriteCohort(41, {300, 250, 200});
    const char* genotype_sets[] = {"site_a", "site_b", "site_c.vcf.gz"};
    for (size_t s = 0; s < cohort_.size(); ++s) {
      cohort_[s].tables["pheno"] = kGwasData + "pheno.csv";
      cohort_[s].genotypes["chip"] = kGwasData + genotype_sets[s];
    }
    StartNetworkOn(cohort_, std::move(policies), round_timeout_seconds, max_message_mb);
  }

  // A hub and a daemon for each of `sites`, which hold the sites' tables and genotypes.
  void StartNetworkOn(std::vector<federation::SiteConfig> sites, std::vector<std::string> policies = {},
                      int round_timeout_seconds = 30, int max_message_mb = 256) {
    cohort_ = std::move(sites);
    net::LocalNetworkOptions options;
    options.directory = testing::MakeTempDir("medfed_network");
    options.executable = kMedfed;
    options.researchers = {"alice", "bob"};
    options.round_timeout_seconds = round_timeout_seconds;
    options.max_message_mb = max_message_mb;
    options.hub_references = hub_references_;
    for (size_t s = 0; s < cohort_.size(); ++s) {
      net::LocalSite site;
      site.name = cohort_[s].name;
      site.tables = cohort_[s].tables;
      site.genotypes = cohort_[s].genotypes;
      site.policy_toml = s < policies.size() ? policies[s] : Policy();
      if (site_references_.count(site.name)) site.references = site_references_.at(site.name);
      if (customize_site_) customize_site_(site);
      options.sites.push_back(site);
    }
    auto network = net::LocalNetwork::Create(options);
    ASSERT_TRUE(network.ok()) << network.status();
    network_ = *std::move(network);
    ASSERT_TRUE(network_->StartHub().ok());
    for (const auto& site : cohort_) ASSERT_TRUE(network_->StartSite(site.name).ok());
  }

  net::NetworkIdentity Identity(const std::string& party, crypto::PartyRole role) {
    auto identity = net::LoadIdentity(network_->identity(party), role);
    EXPECT_TRUE(identity.ok()) << identity.status();
    return *std::move(identity);
  }

  federation::StudyFile Study(std::vector<analysis::AnalysisSpec> analyses) {
    federation::StudyFile study;
    study.name = "network-test";
    for (const auto& site : cohort_) {
      federation::SiteConfig named;
      named.name = site.name;
      study.sites.push_back(named);
    }
    study.analyses = std::move(analyses);
    return study;
  }

  StatusOr<net::RemoteStudy> Submit(const federation::StudyFile& study, const std::string& researcher = "alice",
                                    std::string out = "", std::function<void(const std::string&)> on_accepted = {},
                                    std::function<void(const std::string&)> on_progress = {},
                                    const std::string& references = "") {
    net::ClientOptions options;
    options.references_directory = references;
    options.hub = network_->hub_address();
    options.output_directory = out;
    options.quiet = true;
    options.on_accepted = std::move(on_accepted);
    options.on_progress = std::move(on_progress);
    return net::SubmitStudy(study, Identity(researcher, crypto::PartyRole::kResearcher), options);
  }

  // Runs the medfed binary and returns its exit status and output (stdout and stderr, or stdout
  // alone when `stdout_only`: a sanitizer's report at exit goes to stderr and must not follow the
  // JSON a test parses).
  std::pair<int, std::string> Medfed(const std::vector<std::string>& arguments, bool stdout_only = false) {
    const std::string dir = testing::MakeTempDir("medfed_cli");
    const std::string log = dir + "/out.log";
    std::vector<std::string> argv = {kMedfed};
    if (stdout_only) argv = {"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>>'" + dir + "/err.log'", kMedfed};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    auto process = Subprocess::Start(argv, log);
    EXPECT_TRUE(process.ok());
    const int status = process->Wait(std::chrono::seconds(60));
    return {status, ReadFileToString(log).value_or("")};
  }

  std::vector<federation::SiteConfig> cohort_;
  std::unique_ptr<net::LocalNetwork> network_;
  // Reference directories, set before StartNetworkOn: by site name, and the hub's.
  std::map<std::string, std::string> site_references_;
  std::string hub_references_;
  std::function<void(net::LocalSite&)> customize_site_;  // set before StartNetworkOn
};

const std::string kRareData = std::string(MEDFED_SOURCE_DIR) + "/examples/rare/data/";

// The bundled rare-disease clinics (examples/rare): clinic-a, -b and -c, each with its patients.
std::string RareClinicTable(const std::string& clinic) { return kRareData + "rare_" + clinic.back() + ".csv"; }
std::vector<federation::SiteConfig> RareClinics() {
  std::vector<federation::SiteConfig> clinics(3);
  for (int s = 0; s < 3; ++s) {
    clinics[s].name = std::string("clinic-") + static_cast<char>('a' + s);
    clinics[s].tables["patients"] = RareClinicTable(clinics[s].name);
  }
  return clinics;
}

// Options for the embedded run a network run is compared with: its own output directory, and a
// state directory of its own, so that sites' match keys never land beside examples/.
federation::RunOptions EmbeddedRun() {
  federation::RunOptions options;
  options.output_directory = testing::MakeTempDir("medfed_local_out");
  options.state_home = testing::MakeTempDir("medfed_local_state");
  return options;
}

// A phenotype_match result without what is fresh for every query (its id, and the handles bound
// to it): what an embedded run and a network run of the same query share.
analysis::Json WithoutHandles(analysis::Json result) {
  result.erase("query_id");
  if (result.contains("matches")) {
    for (auto& match : result["matches"]) match.erase("handle");
  }
  return result;
}

// The colon tables with a calendar year of diagnosis (2012-2017) added, for relative survival;
// returns the new files by site, in `directory`.
std::map<std::string, std::string> WriteDatedColon(const std::vector<federation::SiteConfig>& sites,
                                                   const std::string& directory) {
  std::map<std::string, std::string> dated;
  for (const auto& site : sites) {
    const std::vector<std::string> lines = SplitString(*ReadFileToString(site.tables.at("colon")), '\n');
    std::string text = lines[0] + ",year\n";
    for (size_t l = 1; l < lines.size(); ++l) {
      if (!lines[l].empty()) text += lines[l] + "," + std::to_string(2012 + l % 6) + "\n";
    }
    dated[site.name] = directory + "/colon_dated_" + site.name + ".csv";
    EXPECT_TRUE(WriteFileAtomically(dated[site.name], text).ok());
  }
  return dated;
}

// One-year survival by age (0-110), sex and year (2010-2025): a Gompertz hazard, men a little
// higher, falling a little each year.
std::string WriteExpectedSurvival(const std::string& directory) {
  std::string text = "age,sex,year,survival\n";
  for (int age = 0; age <= 110; ++age) {
    for (const char* sex : {"M", "F"}) {
      for (int year = 2010; year <= 2025; ++year) {
        const double hazard = std::exp(-9.6 + 0.088 * age + (sex[0] == 'M' ? 0.35 : 0.0) - 0.015 * (year - 2010));
        text += std::to_string(age) + "," + sex + "," + std::to_string(year) + "," +
                FormatSignificant(std::exp(-hazard), 10) + "\n";
      }
    }
  }
  const std::string path = directory + "/expected_survival.csv";
  EXPECT_TRUE(WriteFileAtomically(path, text).ok());
  return path;
}

std::vector<analysis::AnalysisSpec> ManyAnalyses() {
  return {analysis::AnalysisSpec("n", "count", {{"table", "colon"}}),
          analysis::AnalysisSpec("tab", "crosstab", {{"table", "colon"}, {"rows", "rx"}, {"cols", "stage"}}),
          analysis::AnalysisSpec(
              "g", "glm", {{"table", "colon"}, {"formula", "recurrence ~ rx + age + nodes"}, {"family", "binomial"}}),
          analysis::AnalysisSpec("km", "kaplan_meier", {{"table", "colon"}, {"formula", "Surv(time, status) ~ rx"}}),
          analysis::AnalysisSpec("cx", "cox", {{"table", "colon"}, {"formula", "Surv(time, status) ~ rx + age"}}),
          analysis::AnalysisSpec("gw", "gwas",
                                 {{"genotypes", "chip"},
                                  {"table", "pheno"},
                                  {"phenotype", "cc"},
                                  {"covariates", analysis::Json::array({"pc1"})},
                                  {"test", "logistic"}})};
}

TEST_F(NetworkTest, ResultsEqualTheEmbeddedRunToTheLastDigit) {
  StartNetwork();
  const std::string remote_out = testing::MakeTempDir("medfed_remote_out");
  auto remote = Submit(Study(ManyAnalyses()), "alice", remote_out);
  ASSERT_TRUE(remote.ok()) << remote.status();
  federation::StudyFile local = Study(ManyAnalyses());
  local.sites = cohort_;
  const federation::RunOptions options = EmbeddedRun();
  auto embedded = federation::RunStudyLocally(local, options);
  ASSERT_TRUE(embedded.ok()) << embedded.status();
  EXPECT_EQ(remote->document.dump(), embedded->dump());
  for (const auto& result : remote->document["results"]) EXPECT_EQ(result["status"], "ok") << result.dump();
  // The GWAS results file came back from the hub, byte for byte.
  EXPECT_EQ(ReadFileToString(remote_out + "/gw.logistic.tsv").value_or("remote"),
            ReadFileToString(options.output_directory + "/gw.logistic.tsv").value_or("local"));
}

// The bundled demo network (examples/demo) and every analysis type a daemon can run from its own
// tables: through the hub and three daemons the document equals the embedded run's to the last
// digit. Noised analyses draw fresh noise at every run, so for them the status and the fields are
// compared. Relative survival's expected table and phenotype_match's ontology travel inside the
// signed study; phenotype_match runs on the bundled rare-disease clinics' tables (its handles are
// fresh per query, so they are left out of the comparison).
TEST_F(NetworkTest, EveryAnalysisTypeEqualsTheEmbeddedRun) {
  const std::string demo = std::string(MEDFED_SOURCE_DIR) + "/examples/demo/study.toml";
  auto demo_text = ReadFileToString(demo);
  ASSERT_TRUE(demo_text.ok()) << demo_text.status();
  const std::string scratch = testing::MakeTempDir("medfed_parity");
  const std::string expected_table = WriteExpectedSurvival(scratch);
  const std::string query = "[\"SYN:0010803\", \"SYN:0010413\", \"SYN:0001083\"]";
  const std::string noise = "privacy = { epsilon = 0.5, delta = 1e-6 }\n";
  const std::string more = R"(
[[analyses]]
id = "overlap_a_b"
type = "psi"
table = "colon"
column = "pseudonym"
sites = ["hospital-a", "hospital-b"]

[[analyses]]
id = "life_table"
type = "life_table"
table = "colon"
formula = "Surv(time, status) ~ rx"
intervals = [0, 365, 730, 1095, 1826]

[[analyses]]
id = "relative_survival"
type = "life_table"
table = "colon_dated"
formula = "Surv(time, status) ~ sex"
intervals = [0, 365, 730, 1095, 1826]
expected = ")" + expected_table +
                           R"("

[[analyses]]
id = "similar_patients"
type = "phenotype_match"
table = "patients"
id_column = "patient_id"
terms = "terms"
ontology = ")" + kRareData +
                           R"(ontology.obo"
query = )" + query + R"(
top = 8

[[analyses]]
id = "bmi_model"
type = "glm"
table = "colon"
formula = "bmi ~ age + sex + stage"
family = "gaussian"

[[analyses]]
id = "visits_model"
type = "glm"
table = "colon"
formula = "visits ~ age + rx"
family = "poisson"

[[analyses]]
id = "gwas_allelic"
type = "gwas"
genotypes = "chip"
table = "chip_pheno"
phenotype = "case"
test = "allelic"

[[analyses]]
id = "gwas_trend"
type = "gwas"
genotypes = "chip"
table = "chip_pheno"
phenotype = "case"
test = "trend"

[[analyses]]
id = "gwas_linear"
type = "gwas"
genotypes = "chip"
table = "chip_pheno"
phenotype = "age"
covariates = ["pc1"]
test = "linear"

[[analyses]]
id = "gwas_qc"
type = "gwas"
genotypes = "chip"
table = "chip_pheno"
phenotype = "case"
test = "qc"
)" + std::string("\n[[analyses]]\nid = \"arm_by_stage_noised\"\ntype = \"crosstab\"\ntable = \"colon\"\n") +
                           "rows = \"rx\"\ncols = \"stage\"\n" + noise +
                           "\n[[analyses]]\nid = \"age_noised\"\ntype = \"summary\"\ntable = \"colon\"\n" +
                           "variables = [\"age\"]\nbounds = { age = [0, 100] }\n" + noise +
                           "\n[[analyses]]\nid = \"survival_noised\"\ntype = \"kaplan_meier\"\ntable = \"colon\"\n" +
                           "formula = \"Surv(time, status) ~ rx\"\ntimes = [365, 730, 1095, 1826]\n" + noise;
  auto study = federation::ParseStudyFile(*demo_text + more, demo);
  ASSERT_TRUE(study.ok()) << study.status();
  EXPECT_EQ(study->references.size(), 2u);  // carried, not named by path
  std::set<std::string> types;
  for (const auto& analysis : study->analyses) types.insert(analysis.type());
  EXPECT_EQ(types.size(), analysis::AllAnalyses().size());
  const auto dated = WriteDatedColon(study->sites, scratch);
  const char* clinics[] = {"rare_a.csv", "rare_b.csv", "rare_c.csv"};
  for (size_t s = 0; s < study->sites.size(); ++s) {
    study->sites[s].tables["colon_dated"] = dated.at(study->sites[s].name);
    study->sites[s].tables["patients"] = kRareData + clinics[s];
  }
  StartNetworkOn(study->sites);

  federation::StudyFile remote_study = *study;
  for (auto& site : remote_study.sites) {
    site.tables.clear();
    site.genotypes.clear();
  }
  auto remote = Submit(remote_study);
  ASSERT_TRUE(remote.ok()) << remote.status();
  const federation::RunOptions options = EmbeddedRun();
  auto embedded = federation::RunStudyLocally(*study, options);
  ASSERT_TRUE(embedded.ok()) << embedded.status();

  const auto& remote_results = remote->document["results"];
  const auto& local_results = (*embedded)["results"];
  ASSERT_EQ(remote_results.size(), study->analyses.size());
  ASSERT_EQ(local_results.size(), study->analyses.size());
  for (size_t i = 0; i < study->analyses.size(); ++i) {
    const std::string id = study->analyses[i].id();
    EXPECT_EQ(remote_results[i]["status"], "ok") << id << ": " << remote_results[i].dump();
    if (id == "relative_survival") {
      EXPECT_NE(remote_results[i]["method"].get<std::string>().find("relative"), std::string::npos);
    }
    if (id == "similar_patients") {
      EXPECT_EQ(remote_results[i]["matches"].size(), 8u);
    }
    if (!study->analyses[i].Has("privacy")) {
      EXPECT_EQ(WithoutHandles(remote_results[i]).dump(), WithoutHandles(local_results[i]).dump()) << id;
      continue;
    }
    EXPECT_EQ(local_results[i]["status"], "ok") << id;
    std::vector<std::string> remote_keys, local_keys;
    for (const auto& [key, value] : remote_results[i].items()) remote_keys.push_back(key);
    for (const auto& [key, value] : local_results[i].items()) local_keys.push_back(key);
    EXPECT_EQ(remote_keys, local_keys) << id;
  }
}

// Reference data named by its SHA-256 instead of carried: the hub and clinics a and b serve the
// ontology from their reference directories (under a name of their own), clinic c does not and
// refuses the study at review, naming the hash; the hub refuses a study whose hub half needs a
// hash it lacks. The ledger records the hash, and the result equals the embedded run with the
// ontology carried (the same content).
TEST_F(NetworkTest, ReferenceDataNamedByHashIsServedByThePartiesThatHoldIt) {
  const std::string ontology = *ReadFileToString(kRareData + "ontology.obo");
  const std::string digest = crypto::Sha256Hex(ontology);
  const std::string served = testing::MakeTempDir("medfed_references");
  ASSERT_TRUE(WriteFileAtomically(served + "/phenotypes-2026.obo", ontology).ok());
  ASSERT_TRUE(WriteFileAtomically(served + "/unrelated.txt", "not an ontology\n").ok());
  const std::vector<federation::SiteConfig> clinics = RareClinics();
  site_references_ = {{"clinic-a", served}, {"clinic-b", served}};
  hub_references_ = served;
  StartNetworkOn(clinics);
  auto match = [&](const std::string& ontology_value) {
    return analysis::AnalysisSpec("similar", "phenotype_match",
                                  {{"table", "patients"},
                                   {"id_column", "patient_id"},
                                   {"terms", "terms"},
                                   {"ontology", ontology_value},
                                   {"query", {"SYN:0010803", "SYN:0010413"}},
                                   {"top", 6}});
  };
  const std::string named = "sha256:" + digest;

  // The researcher has the file too (the query is encrypted against it on their machine).
  auto refused = Submit(Study({match(named)}), "alice", "", {}, {}, served);
  ASSERT_FALSE(refused.ok());
  const std::string said(refused.status().message());
  EXPECT_NE(said.find("clinic-c"), std::string::npos) << said;
  EXPECT_NE(said.find("lacks reference data sha256:" + digest), std::string::npos) << said;

  federation::StudyFile two = Study({match(named)});
  two.sites.pop_back();
  auto remote = Submit(two, "alice", "", {}, {}, served);
  ASSERT_TRUE(remote.ok()) << remote.status();
  ASSERT_EQ(remote->document["results"][0]["status"], "ok") << remote->document.dump();
  EXPECT_EQ(remote->document["results"][0]["network_patients"], 400 + 300);

  federation::StudyFile carried = testing::MakeStudy({clinics[0], clinics[1]}, {match(kRareData + "ontology.obo")});
  ASSERT_EQ(carried.analyses[0].String("ontology"), named);  // the same content, so the same key
  auto embedded = federation::RunStudyLocally(carried, EmbeddedRun());
  ASSERT_TRUE(embedded.ok()) << embedded.status();
  EXPECT_EQ(WithoutHandles(remote->document["results"][0]).dump(), WithoutHandles((*embedded)["results"][0]).dump());

  // The hub half of a relative life table reads its expected table; the hub has no such content.
  const std::string unknown = "sha256:" + std::string(64, 'e');
  auto hub_refused = Submit(Study({analysis::AnalysisSpec("lt", "life_table",
                                                          {{"table", "patients"},
                                                           {"formula", "Surv(time, status) ~ 1"},
                                                           {"intervals", {0, 1, 2}},
                                                           {"expected", unknown}})}));
  ASSERT_FALSE(hub_refused.ok());
  EXPECT_NE(std::string(hub_refused.status().message()).find("the hub lacks reference data " + unknown),
            std::string::npos)
      << hub_refused.status();

  // The ledger every site holds says which content the study used.
  auto database = governance::SqliteDatabase::Open(network_->hub_state() + "/medfed.db");
  ASSERT_TRUE(database.ok());
  auto ledger = *governance::Ledger::Open(**database);
  auto records = ledger->Read(0, ledger->size());
  ASSERT_TRUE(records.ok());
  int naming = 0;
  for (const auto& record : *records) {
    const analysis::Json body = analysis::Json::parse(record.body);
    if (body["type"] == "submission" && body.dump().find(named) != std::string::npos) ++naming;
    EXPECT_EQ(record.body.find("format-version"), std::string::npos);  // never the content
  }
  EXPECT_EQ(naming, 2);  // the refused study and the one that ran
}

// Key custody and follow-up (docs/protocols/match.md): the researcher's client makes the Okamoto-Uchiyama key,
// encrypts the query, and decrypts and ranks; the hub relays and scales ciphertexts. Everything
// the hub keeps — its database (studies, ledger), its study directories and its log — is read
// as a curious operator would: no query term, no score, no ranked match is in it, and the result
// it stored is sealed. The researcher's opened result equals the embedded run's. The steward of
// the best match's site resolves its handle with `medfed site resolve`, which the ledger records
// (without the patient).
TEST_F(NetworkTest, TheQueryAndTheScoresStayWithTheQuerier) {
  const std::string ontology = *ReadFileToString(kRareData + "ontology.obo");
  const std::string served = testing::MakeTempDir("medfed_references");
  ASSERT_TRUE(WriteFileAtomically(served + "/ontology.obo", ontology).ok());
  const std::vector<federation::SiteConfig> clinics = RareClinics();
  // Named by hash, so that the ontology's own text (every term id) is not in the submission.
  for (const auto& clinic : clinics) site_references_[clinic.name] = served;
  hub_references_ = served;
  StartNetworkOn(clinics);
  const std::vector<std::string> query = {"SYN:0010803", "SYN:0010413", "SYN:0001083"};
  const analysis::AnalysisSpec match("similar", "phenotype_match",
                                     {{"table", "patients"},
                                      {"id_column", "patient_id"},
                                      {"terms", "terms"},
                                      {"ontology", "sha256:" + crypto::Sha256Hex(ontology)},
                                      {"query", query},
                                      {"top", 5}});
  const std::string out = testing::MakeTempDir("medfed_match_out");
  auto remote = Submit(Study({match}), "alice", out, {}, {}, served);
  ASSERT_TRUE(remote.ok()) << remote.status();
  const analysis::Json& result = remote->document["results"][0];
  ASSERT_EQ(result["status"], "ok") << result.dump();
  ASSERT_EQ(result["matches"].size(), 5u);
  EXPECT_EQ(result["query_terms"], analysis::Json(query));

  // What the hub holds.
  std::string held = ReadFileToString(network_->log("hub")).value_or("");
  for (const auto& entry : std::filesystem::recursive_directory_iterator(network_->hub_state())) {
    if (entry.is_regular_file()) held += ReadFileToString(entry.path().string()).value_or("");
  }
  ASSERT_GT(held.size(), 10000u);
  for (const auto& term : query) {
    EXPECT_EQ(held.find(term), std::string::npos) << term;
    EXPECT_EQ(held.find(term.substr(4)), std::string::npos) << term;  // the digits alone
  }
  EXPECT_EQ(held.find("\"matches\""), std::string::npos);
  EXPECT_EQ(held.find("fraction_of_query"), std::string::npos);
  EXPECT_EQ(held.find("query_information_content"), std::string::npos);
  EXPECT_NE(held.find("\"sealed\""), std::string::npos);  // what it stored for the study

  // The same study in one process: the same answer (but for the handles, fresh per query).
  analysis::Json carried_keys = match.keys();
  carried_keys["ontology"] = kRareData + "ontology.obo";  // carried, in one process
  federation::StudyFile embedded_study =
      testing::MakeStudy(clinics, {analysis::AnalysisSpec("similar", "phenotype_match", carried_keys)});
  auto embedded = federation::RunStudyLocally(embedded_study, EmbeddedRun());
  ASSERT_TRUE(embedded.ok()) << embedded.status();
  EXPECT_EQ(WithoutHandles(result).dump(), WithoutHandles((*embedded)["results"][0]).dump());

  // The command a clinician runs: medfed match --hub, on the bundled rare-disease study.
  const auto [status, output] = Medfed(
      {"match", std::string(MEDFED_SOURCE_DIR) + "/examples/rare/study.toml", "--query", kRareData + "query.json",
       "--hub", network_->hub_address(), "--identity", network_->identity("alice"), "--top", "3", "--json"},
      /*stdout_only=*/true);
  ASSERT_EQ(status, 0) << output;
  const analysis::Json printed = analysis::Json::parse(output, nullptr, false);
  ASSERT_FALSE(printed.is_discarded()) << output;
  EXPECT_EQ(printed["results"][0]["status"], "ok") << output;
  EXPECT_EQ(printed["results"][0]["matches"].size(), 3u) << output;
  EXPECT_EQ(printed["results"][0]["network_patients"], 1000) << output;

  // Follow-up: the steward of the top match's site resolves its handle; the ledger says so.
  EXPECT_EQ(result["query_id"], remote->study_id);
  const std::string site = result["matches"][0]["site"].get<std::string>();
  const std::string handle = result["matches"][0]["handle"].get<std::string>();
  const auto [resolved, said] =
      Medfed({"site", "resolve", "--config", network_->site_config(site), remote->study_id, handle, "--reason",
              "the researcher asks to contact the family", "--by", "dr. wu"});
  ASSERT_EQ(resolved, 0) << said;
  const size_t named = said.find("patient ");
  ASSERT_NE(named, std::string::npos) << said;
  const std::string patient = said.substr(named + 8, said.find(' ', named + 8) - named - 8);
  const std::string table = *ReadFileToString(RareClinicTable(site));
  EXPECT_NE(table.find("\n" + patient + ","), std::string::npos) << patient;
  const auto [wrong, wrong_said] = Medfed({"site", "resolve", "--config", network_->site_config(site), remote->study_id,
                                           std::string(32, '0'), "--reason", "x"});
  EXPECT_NE(wrong, 0);
  EXPECT_NE(wrong_said.find("names none of site " + site + "'s patients"), std::string::npos) << wrong_said;
  bool recorded = false;
  for (int attempt = 0; attempt < 100 && !recorded; ++attempt) {
    auto database = governance::SqliteDatabase::Open(network_->hub_state() + "/medfed.db");
    ASSERT_TRUE(database.ok());
    auto ledger = *governance::Ledger::Open(**database);
    auto records = ledger->Read(0, ledger->size());
    ASSERT_TRUE(records.ok()) << records.status();
    for (const auto& record : *records) {
      const analysis::Json body = analysis::Json::parse(record.body, nullptr, false);
      if (!body.is_object() || body["type"] != "resolution") continue;
      recorded = true;
      EXPECT_EQ(body["study"], remote->study_id);
      EXPECT_EQ(body["site"], site);
      EXPECT_EQ(body["handle"], handle);
      EXPECT_EQ(body["by"], "dr. wu");
      EXPECT_EQ(record.body.find(patient), std::string::npos);  // the patient is not named
    }
    if (!recorded) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(recorded) << "no resolution entry in the hub's ledger";
}

// From match to contact (docs/protocols/match.md): the researcher asks the site of the best match
// for the patient's diagnosis, phenotype and a contact. The site's steward sees the patient and
// exactly what would leave, and approves part of it; the researcher opens the released details
// (signed by the site, sealed to the researcher) and the hub, which relayed them, holds none of
// them. The ledger records the request and the decision. A handle that names none of the site's
// patients is refused without a person; a denial reaches the researcher with its reason; another
// researcher can neither read nor ask about the study.
TEST_F(NetworkTest, AContactRequestIsDecidedByTheStewardAndOnlyTheResearcherReadsTheAnswer) {
  const std::string contact = "Dr. Zhang Min, clinical genetics, +86-10-5555-0101";
  const std::vector<federation::SiteConfig> clinics = RareClinics();
  customize_site_ = [&](net::LocalSite& site) {
    site.contact = contact + " (" + site.name + ")";
    site.diagnoses["patients"] = "disease";
  };
  StartNetworkOn(clinics);
  const analysis::AnalysisSpec match("similar", "phenotype_match",
                                     {{"table", "patients"},
                                      {"id_column", "patient_id"},
                                      {"terms", "terms"},
                                      {"genes", "genes"},
                                      {"ontology", kRareData + "ontology.obo"},
                                      {"query", {"SYN:0010803", "SYN:0010413", "SYN:0001083"}},
                                      {"top", 3}});
  auto remote = Submit(testing::MakeStudy(clinics, {match}));
  ASSERT_TRUE(remote.ok()) << remote.status();
  const analysis::Json& best = remote->document["results"][0]["matches"][0];
  const std::string site = best["site"].get<std::string>();
  const std::string handle = best["handle"].get<std::string>();
  const std::string hub = network_->hub_address();
  auto request = [&](const std::string& researcher, const std::string& which, const std::string& fields) {
    return Medfed({"contact", "request", remote->study_id, site, which, "--fields", fields, "--reason",
                   "a family with the same presentation asks to be put in touch", "--hub", hub, "--identity",
                   network_->identity(researcher), "--json"},
                  /*stdout_only=*/true);
  };
  auto show = [&](const std::string& researcher, const std::string& id) {
    return Medfed(
        {"contact", "show", id, "--hub", hub, "--identity", network_->identity(researcher), "--wait", "30", "--json"},
        /*stdout_only=*/true);
  };
  auto parse = [](const std::string& text) {
    analysis::Json json = analysis::Json::parse(text, nullptr, false);
    EXPECT_TRUE(json.is_object()) << text;
    return json.is_object() ? json : analysis::Json::object();
  };

  // The request: pending until a person decides.
  const auto [asked, asked_out] = request("alice", handle, "phenotype,genes,diagnosis,contact");
  ASSERT_EQ(asked, 0) << asked_out;
  const analysis::Json pending = parse(asked_out);
  EXPECT_EQ(pending["state"], "pending");
  const std::string id = pending["request"].get<std::string>();
  // Another researcher: neither the request nor the study is theirs.
  const auto [peeked, peeked_out] =
      Medfed({"contact", "show", id, "--hub", hub, "--identity", network_->identity("bob")});
  EXPECT_NE(peeked, 0);
  EXPECT_NE(peeked_out.find("no contact request " + id + " of yours"), std::string::npos) << peeked_out;
  const auto [borrowed, borrowed_out] = Medfed({"contact", "request", remote->study_id, site, handle, "--reason", "x",
                                                "--hub", hub, "--identity", network_->identity("bob")});
  EXPECT_NE(borrowed, 0);
  EXPECT_NE(borrowed_out.find("no study " + remote->study_id + " of yours"), std::string::npos) << borrowed_out;
  // A handle that names none of the site's patients: refused by the site without a person.
  const auto [stray, stray_out] = request("alice", std::string(32, 'f'), "contact");
  ASSERT_EQ(stray, 0) << stray_out;
  const auto [refused, refused_out] = show("alice", parse(stray_out)["request"].get<std::string>());
  ASSERT_EQ(refused, 0) << refused_out;
  EXPECT_EQ(parse(refused_out)["state"], "denied") << refused_out;
  EXPECT_EQ(parse(refused_out)["decided_by"], "policy") << refused_out;
  EXPECT_NE(refused_out.find("names none of site " + site + "'s patients"), std::string::npos) << refused_out;

  // The steward sees the patient and exactly what would leave.
  const std::string config = network_->site_config(site);
  std::string listed;
  for (int attempt = 0; attempt < 100 && listed.find(id) == std::string::npos; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    listed = Medfed({"site", "contacts", "--config", config, "list"}).second;
  }
  ASSERT_NE(listed.find(id), std::string::npos) << listed;
  const auto [shown, preview] = Medfed({"site", "contacts", "--config", config, "show", id});
  ASSERT_EQ(shown, 0) << preview;
  const size_t named = preview.find("patient     ");
  ASSERT_NE(named, std::string::npos) << preview;
  const std::string patient = preview.substr(named + 12, preview.find(' ', named + 12) - named - 12);
  EXPECT_NE(preview.find(contact), std::string::npos) << preview;
  std::string row;
  for (const std::string& line : SplitString(*ReadFileToString(RareClinicTable(site)), '\n')) {
    if (line.rfind(patient + ",", 0) == 0) row = line;
  }
  ASSERT_FALSE(row.empty()) << patient;
  const std::vector<std::string> cells = SplitString(row, ',');  // patient_id, terms, disease, genes
  EXPECT_NE(preview.find(cells[2]), std::string::npos) << preview;

  // Approved in part: the diagnosis and the contact, not the phenotype or the genes.
  const auto [approved, approved_out] = Medfed({"site", "contacts", "--config", config, "approve", id, "--fields",
                                                "diagnosis,contact", "--by", "dr. wu", "--reason", "consent on file"});
  ASSERT_EQ(approved, 0) << approved_out;
  const auto [again, again_out] = Medfed({"site", "contacts", "--config", config, "deny", id, "--reason", "x"});
  EXPECT_NE(again, 0);
  EXPECT_NE(again_out.find("already approved by dr. wu"), std::string::npos) << again_out;
  const auto [answered, answered_out] = show("alice", id);
  ASSERT_EQ(answered, 0) << answered_out;
  const analysis::Json answer = parse(answered_out);
  EXPECT_EQ(answer["state"], "approved") << answered_out;
  EXPECT_EQ(answer["decided_by"], "dr. wu");
  EXPECT_EQ(answer["released"], analysis::Json({"diagnosis", "contact"}));
  EXPECT_EQ(answer["details"]["diagnosis"], cells[2]);
  EXPECT_EQ(answer["details"]["contact"], contact + " (" + site + ")");
  EXPECT_FALSE(answer["details"].contains("phenotype"));
  EXPECT_FALSE(answer["details"].contains("genes"));

  // A denial reaches the researcher with the steward's reason.
  const auto [second, second_out] = request("alice", handle, "contact");
  ASSERT_EQ(second, 0) << second_out;
  const std::string second_id = parse(second_out)["request"].get<std::string>();
  std::string denied_out;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto [code, out] = Medfed({"site", "contacts", "--config", config, "deny", second_id, "--reason",
                               "the family has declined further contact", "--by", "dr. wu"});
    denied_out = out;
    if (code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // not arrived yet
  }
  const auto [told, told_out] = show("alice", second_id);
  ASSERT_EQ(told, 0) << told_out;
  EXPECT_EQ(parse(told_out)["state"], "denied") << told_out << denied_out;
  EXPECT_EQ(parse(told_out)["reason"], "the family has declined further contact");

  // The hub relayed the answer and holds none of it; its ledger says who asked and what left.
  std::string held = ReadFileToString(network_->log("hub")).value_or("");
  for (const auto& entry : std::filesystem::recursive_directory_iterator(network_->hub_state())) {
    if (entry.is_regular_file()) held += ReadFileToString(entry.path().string()).value_or("");
  }
  EXPECT_EQ(held.find("5555-0101"), std::string::npos);
  EXPECT_EQ(held.find(patient), std::string::npos);
  std::map<std::string, analysis::Json> entries;
  auto database = governance::SqliteDatabase::Open(network_->hub_state() + "/medfed.db");
  ASSERT_TRUE(database.ok());
  auto ledger = *governance::Ledger::Open(**database);
  std::string bodies;
  auto records = ledger->Read(0, ledger->size());
  ASSERT_TRUE(records.ok()) << records.status();
  for (const auto& record : *records) {
    const analysis::Json body = analysis::Json::parse(record.body, nullptr, false);
    bodies += record.body + "\n";
    if (body.is_object() && body.contains("request") && body["request"] == id) {
      entries[body["type"].get<std::string>()] = body;
    }
  }
  ASSERT_TRUE(entries.count("contact_request") && entries.count("contact_decision")) << bodies;
  EXPECT_EQ(entries["contact_request"]["researcher"], "alice");
  EXPECT_EQ(entries["contact_request"]["handle"], handle);
  EXPECT_EQ(entries["contact_request"]["fields"], analysis::Json({"phenotype", "genes", "diagnosis", "contact"}));
  EXPECT_EQ(entries["contact_decision"]["decision"], "approved");
  EXPECT_EQ(entries["contact_decision"]["by"], "dr. wu");
  EXPECT_EQ(entries["contact_decision"]["released"], analysis::Json({"diagnosis", "contact"}));
}

TEST_F(NetworkTest, ASiteThatDiesOrHangsFailsTheStudyNamingItAndTheStudyRunsAgainLater) {
  StartNetwork({}, /*round_timeout_seconds=*/4);
  // Killed while the study runs: the hub notices the broken stream at once.
  const auto started = std::chrono::steady_clock::now();
  auto dead = Submit(Study(ManyAnalyses()), "alice", "", {}, [&](const std::string& progress) {
    if (progress == "running") network_->KillSite("hospital-b");
  });
  ASSERT_FALSE(dead.ok());
  EXPECT_NE(std::string(dead.status().message()).find("site hospital-b"), std::string::npos) << dead.status();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
  // The hub and the other sites keep serving; with hospital-b back, the study runs.
  ASSERT_TRUE(network_->StartSite("hospital-b").ok());
  auto again = Submit(Study({ManyAnalyses()[0], ManyAnalyses()[2]}));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->document["results"][1]["status"], "ok");

  // A site that hangs (stopped, its connection open) is named after the round timeout (4 s).
  const auto hang_started = std::chrono::steady_clock::now();
  auto hung = Submit(Study({ManyAnalyses()[2]}), "alice", "", {}, [&](const std::string& progress) {
    if (progress != "running") return;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      auto cmdline = ReadFileToString(entry.path().string() + "/cmdline");
      if (cmdline.ok() && cmdline->find(network_->site_config("hospital-c")) != std::string::npos) {
        ::kill(std::stoi(entry.path().filename().string()), SIGSTOP);
      }
    }
  });
  ASSERT_FALSE(hung.ok());
  EXPECT_NE(std::string(hung.status().message()).find("site hospital-c did not answer"), std::string::npos)
      << hung.status();
  EXPECT_LT(std::chrono::steady_clock::now() - hang_started, std::chrono::seconds(30));
  network_->KillSite("hospital-c");
}

// on_dropout = "continue" through daemons: hospital-b is killed while the study runs; the hub
// carries on with hospital-a and -c (threshold 2 of 3), the results equal an embedded run over
// those two alone, and the document and the hub's ledger name who was lost and whom each release
// covers.
TEST_F(NetworkTest, WithOnDropoutContinueAKilledSiteIsLeftOutAndTheStudyFinishes) {
  StartNetwork({}, /*round_timeout_seconds=*/4);
  federation::StudyFile study = Study({ManyAnalyses()[0], ManyAnalyses()[2]});
  study.on_dropout = "continue";
  auto remote = Submit(study, "alice", "", {}, [&](const std::string& progress) {
    if (progress == "running") network_->KillSite("hospital-b");
  });
  ASSERT_TRUE(remote.ok()) << remote.status();
  federation::StudyFile local = Study({ManyAnalyses()[0], ManyAnalyses()[2]});
  local.sites = {cohort_[0], cohort_[2]};
  auto embedded = federation::RunStudyLocally(local, EmbeddedRun());
  ASSERT_TRUE(embedded.ok()) << embedded.status();
  for (size_t i = 0; i < 2; ++i) {
    analysis::Json result = remote->document["results"][i];
    EXPECT_EQ(result["sites"], analysis::Json({"hospital-a", "hospital-c"})) << result.dump();
    result.erase("sites");
    result.erase("restarted_without");
    EXPECT_EQ(result, (*embedded)["results"][i]);
  }
  EXPECT_EQ(remote->document["sites"][1]["status"], "dropped");
  EXPECT_EQ(remote->document["dropout_threshold"], 2);
  {
    auto database = governance::SqliteDatabase::Open(network_->hub_state() + "/medfed.db");
    ASSERT_TRUE(database.ok());
    auto ledger = *governance::Ledger::Open(**database);
    auto records = ledger->Read(0, ledger->size());
    ASSERT_TRUE(records.ok()) << records.status();
    int releases = 0;
    for (const auto& record : *records) {
      const analysis::Json body = analysis::Json::parse(record.body, nullptr, false);
      if (!body.is_object() || body["type"] != "release" || body["study"] != remote->study_id) continue;
      ++releases;
      EXPECT_EQ(body["sites"], analysis::Json({"hospital-a", "hospital-c"})) << record.body;
    }
    EXPECT_EQ(releases, 2);
  }
}

// docs/deployment.md: a study that was running when the hub died runs again from the start.
// hospital-c is stopped so that the study is held mid-way (hospital-a and -b have opened their
// sessions), the hub is killed with SIGKILL, and the study must finish after the restart.
TEST_F(NetworkTest, HubKilledMidStudyRunsTheStudyAgainFromTheStart) {
  StartNetwork();
  auto signal_site = [&](const std::string& site, int signal) {
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      auto cmdline = ReadFileToString(entry.path().string() + "/cmdline");
      if (cmdline.ok() && cmdline->find(network_->site_config(site)) != std::string::npos) {
        ::kill(std::stoi(entry.path().filename().string()), signal);
      }
    }
  };
  std::promise<std::string> accepted;
  std::promise<void> running;
  auto first = std::async(std::launch::async, [&] {
    return Submit(
        Study({ManyAnalyses()[0], ManyAnalyses()[2]}), "alice", "",
        [&](const std::string& id) { accepted.set_value(id); },
        [&](const std::string& progress) {
          if (progress != "running") return;
          signal_site("hospital-c", SIGSTOP);
          running.set_value();
        });
  });
  const std::string study_id = accepted.get_future().get();
  running.get_future().wait();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a and b open their sessions
  network_->KillHub();
  signal_site("hospital-c", SIGCONT);
  EXPECT_FALSE(first.get().ok());
  ASSERT_TRUE(network_->StartHub().ok());
  net::ClientOptions options;
  options.hub = network_->hub_address();
  options.quiet = true;
  auto results = net::WatchStudy(study_id, Identity("alice", crypto::PartyRole::kResearcher), options);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->document["results"].size(), 2u);
  EXPECT_EQ(results->document["results"][0]["status"], "ok") << results->document.dump(2);
  EXPECT_EQ(results->document["results"][1]["status"], "ok") << results->document.dump(2);
  // The same numbers as a study that was never interrupted.
  auto uninterrupted = Submit(Study({ManyAnalyses()[0], ManyAnalyses()[2]}));
  ASSERT_TRUE(uninterrupted.ok()) << uninterrupted.status();
  EXPECT_EQ(results->document["results"][1]["deviance"], uninterrupted->document["results"][1]["deviance"]);
}

TEST_F(NetworkTest, HubRestartLosesNoLedgerEntryAndNoApprovedStudy) {
  StartNetwork({Policy(), Policy(), Policy("", "manual")});
  // hospital-c needs a person: the study waits; the hub goes down meanwhile.
  std::string study_id;
  std::promise<std::string> accepted;
  auto first = std::async(std::launch::async, [&] {
    return Submit(Study({ManyAnalyses()[0], ManyAnalyses()[2]}), "alice", "",
                  [&](const std::string& id) { accepted.set_value(id); });
  });
  study_id = accepted.get_future().get();
  // Wait until the study reached hospital-c's approval book.
  std::pair<int, std::string> shown{1, ""};
  for (int i = 0; i < 100 && shown.first != 0; ++i) {
    shown = Medfed({"site", "approvals", "--config", network_->site_config("hospital-c"), "show", study_id});
    if (shown.first != 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(shown.first, 0) << shown.second;
  EXPECT_NE(shown.second.find("researcher  alice"), std::string::npos) << shown.second;
  // hospital-a and hospital-b approve automatically, but report decisions every half second:
  // wait until the hub has recorded both (it writes its ledger in WAL mode, so a second reader
  // may look while it runs), so that what the restart must keep is known.
  auto hub_ledger_size = [&]() -> uint64_t {
    auto database = governance::SqliteDatabase::Open(network_->hub_state() + "/medfed.db");
    if (!database.ok()) return 0;
    auto ledger = governance::Ledger::Open(**database);
    return ledger.ok() ? (*ledger)->size() : 0;
  };
  for (int i = 0; i < 100 && hub_ledger_size() < 4; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  network_->StopHub();
  EXPECT_FALSE(first.get().ok());  // the researcher's stream ended with the hub
  uint64_t entries_before = 0;
  {
    auto database = governance::SqliteDatabase::Open(network_->hub_state() + "/medfed.db");
    ASSERT_TRUE(database.ok());
    entries_before = (*governance::Ledger::Open(**database))->size();
  }
  EXPECT_GE(entries_before, 4u);  // hub start, submission, two approvals
  // The person approves while the hub is down; the site reports it when the hub is back.
  auto approved = Medfed(
      {"site", "approvals", "--config", network_->site_config("hospital-c"), "approve", study_id, "--by", "dr. test"});
  ASSERT_EQ(approved.first, 0) << approved.second;
  ASSERT_TRUE(network_->StartHub().ok());
  net::ClientOptions options;
  options.hub = network_->hub_address();
  options.quiet = true;
  auto results = net::WatchStudy(study_id, Identity("alice", crypto::PartyRole::kResearcher), options);
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_EQ(results->document["results"][0]["status"], "ok");
  network_->StopAll();
  auto database = governance::SqliteDatabase::Open(network_->hub_state() + "/medfed.db");
  auto ledger = *governance::Ledger::Open(**database);
  EXPECT_GT(ledger->size(), entries_before);
  auto first_entries = ledger->Read(0, entries_before);
  ASSERT_TRUE(first_entries.ok());
  EXPECT_EQ(first_entries->size(), entries_before);
  EXPECT_TRUE(ledger->Verify(ReadFileToString(network_->identity("hub") + "/ca.crt").value_or("")).ok());
  // Another researcher cannot follow alice's study.
  ASSERT_TRUE(network_->StartHub().ok());
  auto foreign = net::WatchStudy(study_id, Identity("bob", crypto::PartyRole::kResearcher), options);
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(NetworkTest, AuditVerifyNamesATamperedReplicaEntry) {
  StartNetwork();
  ASSERT_TRUE(Submit(Study({ManyAnalyses()[0]})).ok());
  // Every replica catches up with the hub's ledger, however its updates and the site's hello
  // crossed on connection (bounded wait).
  auto size_of = [&](const std::string& state) -> uint64_t {
    auto database = governance::SqliteDatabase::Open(state + "/medfed.db");
    if (!database.ok()) return 0;
    auto ledger = governance::Ledger::Open(**database);
    return ledger.ok() ? (*ledger)->size() : 0;
  };
  const uint64_t hub_size = size_of(network_->hub_state());
  for (const std::string site : {"hospital-a", "hospital-b", "hospital-c"}) {
    for (int i = 0; i < 100 && size_of(network_->site_state(site)) < hub_size; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(size_of(network_->site_state(site)), hub_size) << site;
  }
  network_->StopAll();
  // Without a CA to trust, verify refuses to guess (it never trusts the database's own).
  auto no_anchor = Medfed({"audit", "verify", "--state", network_->site_state("hospital-b")});
  EXPECT_NE(no_anchor.first, 0);
  EXPECT_NE(no_anchor.second.find("--identity DIR"), std::string::npos) << no_anchor.second;
  auto intact = Medfed({"audit", "verify", "--state", network_->site_state("hospital-b"), "--identity",
                        network_->identity("hospital-b")});
  EXPECT_EQ(intact.first, 0) << intact.second;
  EXPECT_NE(intact.second.find("ledger OK"), std::string::npos) << intact.second;
  // The hub's copy shows how far each site has checked and countersigned its history.
  auto at_hub =
      Medfed({"audit", "verify", "--state", network_->hub_state(), "--ca", network_->identity("hub") + "/ca.crt"});
  EXPECT_EQ(at_hub.first, 0) << at_hub.second;
  EXPECT_NE(at_hub.second.find("countersigned by hospital-b up to entry"), std::string::npos) << at_hub.second;
  auto log = Medfed({"audit", "log", "--state", network_->site_state("hospital-b")});
  EXPECT_NE(log.second.find("submission"), std::string::npos) << log.second;
  auto tamper = [&](const std::string& site, const std::string& sql) {
    auto database = governance::SqliteDatabase::Open(network_->site_state(site) + "/medfed.db");
    ASSERT_TRUE(database.ok());
    ASSERT_TRUE((*database)->Execute(sql).ok());
  };
  tamper("hospital-a", "UPDATE ledger_entries SET body = replace(body, 'alice', 'mallory') WHERE idx = 1");
  auto tampered = Medfed({"audit", "verify", "--state", network_->site_state("hospital-a"), "--identity",
                          network_->identity("hospital-a")});
  EXPECT_NE(tampered.first, 0);
  EXPECT_NE(tampered.second.find("ledger entry 1"), std::string::npos) << tampered.second;
  // The site's own countersignature stays in its replica: cutting the tail off is noticed.
  tamper("hospital-c", "DELETE FROM ledger_entries WHERE idx >= 2");
  auto truncated = Medfed({"audit", "verify", "--state", network_->site_state("hospital-c"), "--identity",
                           network_->identity("hospital-c")});
  EXPECT_NE(truncated.first, 0);
  EXPECT_NE(truncated.second.find("truncated: site hospital-c countersigned"), std::string::npos) << truncated.second;
}

// A researcher's own client checks a study, but a hostile researcher signs whatever bytes they
// like: the hub validates the submission before touching it, answers with the reason, and it
// and every site stay up for the next study.
TEST_F(NetworkTest, HostileSubmissionsAreRefusedAndNobodyFalls) {
  StartNetwork();
  const net::NetworkIdentity alice = Identity("alice", crypto::PartyRole::kResearcher);
  const crypto::Signer signer = *crypto::Signer::FromPem(alice.key);
  auto stub = v1::Hub::NewStub(grpc::CreateCustomChannel(
      network_->hub_address(), net::MutualTlsChannelCredentials(alice), net::ChannelArgumentsFor(8 << 20)));
  auto submit_raw = [&](const std::string& type, const std::string& spec_json) {
    v1::Submission submission;
    submission.set_study_name("hostile");
    for (const auto& site : cohort_) submission.add_sites(site.name);
    submission.set_nonce(std::to_string(std::rand()));
    auto* analysis = submission.add_analyses();
    analysis->set_id("x");
    analysis->set_type(type);
    analysis->set_spec_json(spec_json);
    v1::SubmitRequest request;
    submission.SerializeToString(request.mutable_submission());
    request.set_signature(signer.Sign(request.submission()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    auto reader = stub->Submit(&context, request);
    std::string said;
    v1::StudyEvent event;
    while (reader->Read(&event)) {
      if (event.has_failed()) said += event.failed();
      if (event.has_denied()) said += event.denied();
      if (event.has_results_json()) said += "results";
    }
    grpc::Status status = reader->Finish();
    return said + status.error_message();
  };
  const std::string deep = std::string(100000, '(') + "age" + std::string(100000, ')');
  const std::string chain = [] {
    std::string where = "age > 1";
    for (int i = 0; i < 20000; ++i) where += " and age > 1";
    return where;
  }();
  const std::pair<std::string, std::string> hostile[] = {
      {"count", R"({"table": "colon", "where": ")" + deep + R"("})"},
      {"count", R"({"table": "colon", "where": ")" + chain + R"("})"},
      {"glm", R"({"table": "colon", "formula": "recurrence ~ )" + std::string(5000, '-') + R"(age"})"},
      {"glm", R"({"table": "colon", "formula": "recurrence ~ a*b*c*d*e*f*g*h*i*j*k*l*m*n*o*p*q*r*s*t*u"})"},
      {"count", R"({"table": "colon", "where": 5})"},
      {"count", R"({"table": "colon", "nonsense": true})"},
      {"count", std::string(50000, '[')},
  };
  for (const auto& [type, spec] : hostile) {
    const std::string said = submit_raw(type, spec);
    EXPECT_FALSE(said.empty());
    EXPECT_EQ(said.find("results"), std::string::npos) << said.substr(0, 200);
  }
  const std::string refused = submit_raw(
      "count", R"({"table": "colon", "where": ")" + std::string(1000, '(') + "age" + std::string(1000, ')') + R"("})");
  EXPECT_NE(refused.find("the limit"), std::string::npos) << refused.substr(0, 300);
  // Everyone is still there.
  auto fine = Submit(Study({ManyAnalyses()[0], ManyAnalyses()[2]}));
  ASSERT_TRUE(fine.ok()) << fine.status();
  EXPECT_EQ(fine->document["results"][1]["status"], "ok");
}

TEST_F(NetworkTest, ClientsWithoutACertificateOrWithTheWrongRoleAreRejected) {
  StartNetwork({}, 30, /*max_message_mb=*/2);
  grpc::ChannelArguments arguments = net::ChannelArgumentsFor(4 << 20);
  auto call_submit = [&](std::shared_ptr<grpc::ChannelCredentials> credentials) {
    auto stub = v1::Hub::NewStub(grpc::CreateCustomChannel(network_->hub_address(), credentials, arguments));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::SubmitRequest request;
    auto reader = stub->Submit(&context, request);
    v1::StudyEvent event;
    while (reader->Read(&event)) {
    }
    return reader->Finish();
  };
  // No certificate: the TLS handshake fails.
  grpc::SslCredentialsOptions anonymous;
  anonymous.pem_root_certs = ReadFileToString(network_->directory() + "/ca/ca.crt").value_or("");
  EXPECT_EQ(call_submit(grpc::SslCredentials(anonymous)).error_code(), grpc::StatusCode::UNAVAILABLE);
  // A certificate from another CA: refused as well.
  auto stranger_ca = *crypto::CreateCertificateAuthority("elsewhere", 30);
  auto stranger = *crypto::IssueCertificate(stranger_ca, "alice", crypto::PartyRole::kResearcher, {}, 30);
  grpc::SslCredentialsOptions foreign = anonymous;
  foreign.pem_private_key = stranger.key.pem();
  foreign.pem_cert_chain = stranger.certificate_pem;
  EXPECT_EQ(call_submit(grpc::SslCredentials(foreign)).error_code(), grpc::StatusCode::UNAVAILABLE);
  // A site may not submit studies.
  auto as_site = call_submit(net::MutualTlsChannelCredentials(Identity("hospital-a", crypto::PartyRole::kSite)));
  EXPECT_EQ(as_site.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(as_site.error_message().find("only researchers"), std::string::npos);
  // A researcher may not open a site stream; malformed and oversized frames close a stream.
  auto open_stream = [&](const net::NetworkIdentity& identity, const std::vector<v1::Frame>& frames) {
    auto stub = v1::Hub::NewStub(
        grpc::CreateCustomChannel(network_->hub_address(), net::MutualTlsChannelCredentials(identity), arguments));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    auto stream = stub->Connect(&context);
    for (const auto& frame : frames) stream->Write(frame);
    stream->WritesDone();
    v1::Frame ignored;
    while (stream->Read(&ignored)) {
    }
    return stream->Finish();
  };
  auto researcher = open_stream(Identity("alice", crypto::PartyRole::kResearcher), {});
  EXPECT_EQ(researcher.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::Frame garbage;
  garbage.set_message_id(1);
  garbage.set_chunk("\xff\xff\xff not a protobuf");
  garbage.set_last(true);
  // A site name no daemon uses, so that no real site's reconnect replaces this stream mid-test.
  auto issued = Medfed({"ca", "issue", network_->directory() + "/ca", "--name", "hospital-z", "--role", "site", "--out",
                        network_->identity("hospital-z")});
  ASSERT_EQ(issued.first, 0) << issued.second;
  auto site = Identity("hospital-z", crypto::PartyRole::kSite);
  EXPECT_EQ(open_stream(site, {garbage}).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // A response no round waits for (a replay, or a forgery) is dropped and logged.
  v1::SiteToHub replayed;
  replayed.mutable_response()->set_session_id("0123456789abcdef01234567");
  replayed.mutable_response()->set_sequence(7);
  v1::Frame replay_frame;
  replay_frame.set_message_id(3);
  replay_frame.set_chunk(replayed.SerializeAsString());
  replay_frame.set_last(true);
  EXPECT_TRUE(open_stream(site, {replay_frame}).ok());
  std::vector<v1::Frame> oversized;
  for (uint32_t i = 0; i < 3; ++i) {
    v1::Frame frame;
    frame.set_message_id(2);
    frame.set_index(i);
    frame.set_chunk(std::string(net::kFrameBytes, 'x'));
    oversized.push_back(frame);
  }
  EXPECT_EQ(open_stream(site, oversized).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  // Every refusal is logged with its reason, and the hub still serves.
  const std::string log = ReadFileToString(network_->log("hub")).value_or("");
  EXPECT_NE(log.find("only sites open a site stream"), std::string::npos) << log;
  EXPECT_NE(log.find("not a valid protobuf"), std::string::npos) << log;
  EXPECT_NE(log.find("exceeds the limit"), std::string::npos) << log;
  EXPECT_NE(log.find("message 7 that no round waits for"), std::string::npos) << log;
  auto still = Submit(Study({ManyAnalyses()[0]}));
  EXPECT_TRUE(still.ok()) << still.status();
}

TEST_F(NetworkTest, DenialsReachTheResearcherWithTheSiteReason) {
  StartNetwork({Policy(), Policy("analyses = [\"count\", \"crosstab\"]\n"), Policy("", "manual")});
  // By policy: an analysis type hospital-b does not allow.
  auto glm = Submit(Study({ManyAnalyses()[2]}));
  ASSERT_FALSE(glm.ok());
  EXPECT_EQ(glm.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(std::string(glm.status().message()).find("site hospital-b does not allow glm analyses"), std::string::npos)
      << glm.status();
  // By policy: a researcher no site lists.
  auto bob = Submit(Study({ManyAnalyses()[0]}), "bob");
  ASSERT_FALSE(bob.ok());
  EXPECT_NE(std::string(bob.status().message()).find("does not accept studies from researcher bob"), std::string::npos)
      << bob.status();
  // By a person at hospital-c.
  auto denied = std::async(std::launch::async, [&] {
    return Submit(Study({ManyAnalyses()[0]}), "alice", "", [&](const std::string& id) {
      std::thread([this, id] {
        for (int i = 0; i < 100; ++i) {
          auto result = Medfed({"site", "approvals", "--config", network_->site_config("hospital-c"), "deny", id,
                                "--reason", "ethics approval expired", "--by", "dr. no"});
          if (result.first == 0) return;
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
      }).detach();
    });
  });
  ASSERT_EQ(denied.wait_for(std::chrono::seconds(60)), std::future_status::ready);
  auto outcome = denied.get();
  ASSERT_FALSE(outcome.ok());
  EXPECT_NE(std::string(outcome.status().message()).find("ethics approval expired"), std::string::npos)
      << outcome.status();
  EXPECT_NE(std::string(outcome.status().message()).find("hospital-c"), std::string::npos);
}

TEST_F(NetworkTest, TwentyConcurrentStudiesAllSucceed) {
  StartNetwork();
  std::vector<std::future<StatusOr<net::RemoteStudy>>> studies;
  for (int i = 0; i < 20; ++i) {
    studies.push_back(std::async(std::launch::async, [&] {
      return Submit(Study({ManyAnalyses()[0], ManyAnalyses()[2]}));
    }));
  }
  std::string first;
  for (auto& study : studies) {
    ASSERT_EQ(study.wait_for(std::chrono::seconds(120)), std::future_status::ready);
    auto outcome = study.get();
    ASSERT_TRUE(outcome.ok()) << outcome.status();
    const std::string results = outcome->document["results"].dump();
    if (first.empty()) first = results;
    EXPECT_EQ(results, first);
  }
}

// No membership oracle over the network either (issue: what leaves a site): the same study with
// a `where` isolating one patient, before and after that patient's row leaves hospital-a's table,
// gives the researcher the same document and writes the same ledger entries (which every site
// replicates) and the same refusal lines in the hub's log, apart from the study's id.
TEST_F(NetworkTest, APatientPresentOrAbsentLeavesTheSameTraceInTheLedgerAndTheLog) {
  StartNetwork();
  const std::string table = cohort_[0].tables["colon"];
  const std::string original = ReadFileToString(table).value_or("");
  const size_t header_end = original.find('\n');
  const size_t row_end = original.find('\n', header_end + 1);
  const std::string target_row = original.substr(header_end + 1, row_end - header_end - 1);
  const std::string target = target_row.substr(0, target_row.find(','));
  ASSERT_FALSE(target.empty());
  const std::string where = "id == \"" + target + "\"";
  const std::vector<analysis::AnalysisSpec> analyses = {
      analysis::AnalysisSpec("n", "count", {{"table", "colon"}, {"where", where}}),
      analysis::AnalysisSpec("tab", "crosstab", {{"table", "colon"}, {"rows", "rx"}, {"where", where}}),
      analysis::AnalysisSpec("s", "summary", {{"table", "colon"}, {"variables", {"age"}}, {"where", where}}),
      analysis::AnalysisSpec(
          "g", "glm", {{"table", "colon"}, {"formula", "recurrence ~ age"}, {"family", "binomial"}, {"where", where}}),
      analysis::AnalysisSpec("km", "kaplan_meier",
                             {{"table", "colon"}, {"formula", "Surv(time, status) ~ 1"}, {"where", where}})};
  auto entries_of = [&](const std::string& study_id) {
    auto database = governance::SqliteDatabase::Open(network_->hub_state() + "/medfed.db");
    EXPECT_TRUE(database.ok());
    auto ledger = *governance::Ledger::Open(**database);
    auto records = ledger->Read(0, ledger->size());
    std::vector<std::string> bodies;
    for (const auto& record : *records) {
      analysis::Json body = analysis::Json::parse(record.body);
      if (body.value("study", "") != study_id) continue;
      body.erase("study");
      body.erase("digest");  // of the signed submission, which carries a fresh nonce
      bodies.push_back(body.dump());
    }
    // Sites approve in whatever order their decisions arrive.
    std::sort(bodies.begin(), bodies.end());
    return bodies;
  };
  auto log_lines_of = [&](const std::string& study_id) {
    std::vector<std::string> lines;
    std::istringstream log(ReadFileToString(network_->log("hub")).value_or(""));
    for (std::string line; std::getline(log, line);) {
      const size_t at = line.find(study_id);
      if (at == std::string::npos || line.find("masked bytes") != std::string::npos) continue;
      lines.push_back(line.substr(at + study_id.size()));
    }
    return lines;
  };

  auto present = Submit(Study(analyses));
  ASSERT_TRUE(present.ok()) << present.status();
  ASSERT_TRUE(WriteFileAtomically(table, original.substr(0, header_end + 1) + original.substr(row_end + 1)).ok());
  auto absent = Submit(Study(analyses));
  ASSERT_TRUE(absent.ok()) << absent.status();

  EXPECT_EQ(present->document.dump(), absent->document.dump());
  for (const auto& result : present->document["results"]) EXPECT_EQ(result["status"], "refused") << result.dump();
  network_->StopAll();
  const auto present_entries = entries_of(present->study_id), absent_entries = entries_of(absent->study_id);
  EXPECT_FALSE(present_entries.empty());
  EXPECT_EQ(present_entries, absent_entries);
  EXPECT_EQ(log_lines_of(present->study_id), log_lines_of(absent->study_id));
}

}  // namespace
}  // namespace medfed
