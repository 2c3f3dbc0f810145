// Encrypted similar-patient queries (analysis/matching/phenotype_match.cc): the encrypted ranking equals
// the plaintext one computed here from the sites' files, and the sites see ciphertext only.
#include <sodium.h>
#include <filesystem>
#include <set>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "gtest/gtest.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/analysis/matching/match_handles.h"
#include "medfed/analysis/matching/phenotype_ontology.h"
#include "medfed/core/file.h"
#include "medfed/core/text.h"
#include "medfed/crypto/sodium.h"
#include "medfed/federation/querier.h"
#include "medfed/federation/study_runner.h"
#include "medfed/synth/rare_disease_cohort.h"
#include "test_support.h"

namespace medfed {
namespace {

struct Network {
  std::string directory;
  std::vector<federation::SiteConfig> sites;
  synth::RareDiseaseNetwork data;
};

Network WriteNetwork(std::vector<size_t> patients) {
  Network network;
  network.directory = testing::MakeTempDir("medfed_match");
  synth::RareDiseaseOptions options;
  options.patients = patients;
  network.data = synth::GenerateRareDiseaseNetwork(options);
  EXPECT_TRUE(WriteFileAtomically(network.directory + "/ontology.obo", network.data.ontology_obo).ok());
  for (size_t s = 0; s < patients.size(); ++s) {
    const std::string path = network.directory + "/rare_" + static_cast<char>('a' + s) + ".csv";
    EXPECT_TRUE(WriteFileAtomically(path, network.data.site_csv[s]).ok());
    network.sites.push_back(
        {std::string("clinic-") + static_cast<char>('a' + s), {{"patients", path}}, {}, "", "", ""});
  }
  return network;
}

// `genes`: the query's genes, matched against the tables' genes column (given or not).
analysis::AnalysisSpec MatchSpec(const Network& network, const std::vector<std::string>& query, int top,
                                 const std::optional<std::vector<std::string>>& genes = std::nullopt) {
  analysis::Json keys = {{"table", "patients"}, {"id_column", "patient_id"},
                         {"terms", "terms"},    {"ontology", network.directory + "/ontology.obo"},
                         {"query", query},      {"top", top}};
  if (genes) {
    keys["genes"] = "genes";
    if (!genes->empty()) keys["query_genes"] = *genes;
  }
  return analysis::AnalysisSpec("m", "phenotype_match", keys);
}

// A gene's bucket by its definition: SHA-256("medfed gene bucket v1" 0x00 SYMBOL), first four
// bytes big-endian, modulo the study's 1024 buckets.
uint32_t Bucket(std::string symbol) {
  std::transform(symbol.begin(), symbol.end(), symbol.begin(), [](unsigned char c) { return std::toupper(c); });
  const std::string message = std::string("medfed gene bucket v1") + '\0' + symbol;
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  return (uint32_t{digest[0]} << 24 | uint32_t{digest[1]} << 16 | uint32_t{digest[2]} << 8 | digest[3]) % 1024;
}

// A handle by its definition: HMAC-SHA-256(key, be32(|query id|) || query id || patient id), 128 bits.
std::string Hmac(const std::string& key, const std::string& query_id, const std::string& patient) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  const unsigned char length[4] = {0, 0, static_cast<unsigned char>(query_id.size() >> 8),
                                   static_cast<unsigned char>(query_id.size() & 0xff)};
  crypto_auth_hmacsha256_update(&state, length, 4);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(query_id.data()), query_id.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(patient.data()), patient.size());
  crypto_auth_hmacsha256_final(&state, mac);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, mac, 16);
  return hex;
}

// The plaintext score of every patient, keyed by (site, handle in query `query_id`): the
// definition, from the files. `patients_by_handle`, when given, gets each handle's patient id.
// With `query_genes`, genes count too: a gene bucket is an item after the ontology's terms.
std::map<std::pair<std::string, std::string>, double> PlaintextScores(
    const Network& network, const std::vector<std::string>& query, const std::string& query_id,
    std::map<std::string, std::string>* patients_by_handle = nullptr,
    const std::optional<std::vector<std::string>>& query_genes = std::nullopt) {
  const analysis::PhenotypeOntology ontology =
      *analysis::PhenotypeOntology::ParseObo(network.data.ontology_obo, "ontology");
  struct Patient {
    std::string site, handle;
    std::vector<uint32_t> closure;
  };
  std::vector<Patient> patients;
  const size_t items = ontology.size() + (query_genes ? 1024 : 0);
  std::vector<double> counts(items, 0);
  for (const auto& site : network.sites) {
    const std::string key = *ReadFileToString(site.tables.at("patients") + ".match.key");
    const std::string csv = *ReadFileToString(site.tables.at("patients"));
    const std::vector<std::string> lines = SplitString(csv, '\n');
    for (size_t l = 1; l < lines.size(); ++l) {
      if (lines[l].empty()) continue;
      const std::vector<std::string> fields = SplitString(lines[l], ',');
      std::vector<uint32_t> terms;
      for (const auto& term : SplitString(fields[1], ';')) terms.push_back(*ontology.Find(term));
      std::vector<uint32_t> closure = ontology.Closure(terms);
      if (query_genes && fields.size() > 3) {
        std::set<uint32_t> buckets;
        for (const auto& gene : SplitString(fields[3], ';')) {
          if (!gene.empty()) buckets.insert(static_cast<uint32_t>(ontology.size()) + Bucket(gene));
        }
        closure.insert(closure.end(), buckets.begin(), buckets.end());
      }
      patients.push_back({site.name, Hmac(key, query_id, fields[0]), closure});
      if (patients_by_handle != nullptr) (*patients_by_handle)[patients.back().handle] = fields[0];
      for (uint32_t term : patients.back().closure) counts[term] += 1;
    }
  }
  std::vector<uint32_t> query_terms;
  for (const auto& term : query) {
    if (auto found = ontology.Find(term)) query_terms.push_back(*found);
  }
  std::vector<uint32_t> query_items = ontology.Closure(query_terms);
  if (query_genes) {
    std::set<uint32_t> buckets;
    for (const auto& gene : *query_genes) buckets.insert(static_cast<uint32_t>(ontology.size()) + Bucket(gene));
    query_items.insert(query_items.end(), buckets.begin(), buckets.end());
  }
  std::vector<double> weight(items, 0);
  for (uint32_t item : query_items) {
    if (counts[item] > 0)
      weight[item] = std::llround(100 * std::log(static_cast<double>(patients.size()) / counts[item]));
  }
  std::map<std::pair<std::string, std::string>, double> scores;
  for (const auto& patient : patients) {
    double score = 0;
    for (uint32_t term : patient.closure) score += weight[term];
    scores[{patient.site, patient.handle}] = score / 100;
  }
  return scores;
}

TEST(PhenotypeMatch, EncryptedRankingEqualsThePlaintextRanking) {
  ASSERT_TRUE(crypto::EnsureSodium().ok());
  const Network network = WriteNetwork({130, 90, 61});  // 281 patients: partly filled packing blocks
  const std::vector<std::string> query = {"SYN:0010803", "SYN:0010413", "SYN:0001083", "SYN:0000104"};
  auto document = federation::RunStudyLocally(testing::MakeStudy(network.sites, {MatchSpec(network, query, 281)}));
  ASSERT_TRUE(document.ok()) << document.status();
  const analysis::Json& result = (*document)["results"][0];
  ASSERT_EQ(result["status"], "ok") << result.dump(2);
  EXPECT_EQ(result["network_patients"], 281);
  const auto expected = PlaintextScores(network, query, result["query_id"].get<std::string>());
  ASSERT_EQ(result["matches"].size(), expected.size());
  double previous = 1e300;
  for (const auto& match : result["matches"]) {
    const auto key = std::make_pair(match["site"].get<std::string>(), match["handle"].get<std::string>());
    ASSERT_TRUE(expected.count(key)) << "unknown handle " << key.second;
    EXPECT_DOUBLE_EQ(match["score"].get<double>(), expected.at(key)) << key.second;
    EXPECT_LE(match["score"].get<double>(), previous);  // ranked
    previous = match["score"].get<double>();
  }
  // Someone matches fully: the query is a real patient's features.
  EXPECT_GT(result["matches"][0]["score"].get<double>(), 0);
  // top = 3 returns the three best.
  auto top = federation::RunStudyLocally(testing::MakeStudy(network.sites, {MatchSpec(network, query, 3)}));
  ASSERT_TRUE(top.ok());
  EXPECT_EQ((*top)["results"][0]["matches"].size(), 3u);
  EXPECT_DOUBLE_EQ((*top)["results"][0]["matches"][0]["score"].get<double>(),
                   result["matches"][0]["score"].get<double>());
}

// The handle key lives in the site's state directory (mode 0700), not beside the data; a key an
// earlier version made beside the table is carried over. Handles are fresh per query, so two
// queries' results share none; the site, and only with its key, resolves each to its patient.
TEST(PhenotypeMatch, HandlesAreFreshPerQueryAndTheSiteResolvesThem) {
  ASSERT_TRUE(crypto::EnsureSodium().ok());
  const Network network = WriteNetwork({40, 30});
  const std::vector<std::string> query = {"SYN:0010803", "SYN:0010413"};
  const federation::StudyFile study = testing::MakeStudy(network.sites, {MatchSpec(network, query, 70)});
  auto handles = [](const analysis::Json& result) {
    std::set<std::string> all;
    for (const auto& match : result["matches"]) all.insert(match["handle"].get<std::string>());
    return all;
  };
  // No state directory (as earlier versions ran): the key beside the table.
  auto legacy = federation::RunStudyLocally(study);
  ASSERT_TRUE(legacy.ok()) << legacy.status();
  const analysis::Json& first = (*legacy)["results"][0];
  ASSERT_EQ(handles(first).size(), 70u);
  const std::string beside = network.sites[0].tables.at("patients") + ".match.key";
  ASSERT_TRUE(FileExists(beside));
  std::map<std::string, std::string> patients;
  const auto scores = PlaintextScores(network, query, first["query_id"].get<std::string>(), &patients);
  ASSERT_EQ(scores.size(), 70u);

  // With a state directory the key is carried over; the same query again has other handles.
  federation::RunOptions options;
  options.state_home = testing::MakeTempDir("medfed_match_state");
  auto again = federation::RunStudyLocally(study, options);
  ASSERT_TRUE(again.ok()) << again.status();
  const analysis::Json& second = (*again)["results"][0];
  EXPECT_NE(second["query_id"], first["query_id"]);
  for (const auto& handle : handles(second)) EXPECT_EQ(handles(first).count(handle), 0u) << handle;
  const std::string kept = options.state_home + "/sites/clinic-a/match-keys/patients.key";
  ASSERT_TRUE(FileExists(kept));
  EXPECT_EQ(ReadFileToString(kept).value_or("kept"), ReadFileToString(beside).value_or("beside"));

  // The steward's resolution: every handle of either query leads to its patient.
  for (const auto* result : {&first, &second}) {
    std::map<std::string, std::string> by_handle;
    PlaintextScores(network, query, (*result)["query_id"].get<std::string>(), &by_handle);
    for (const auto& match : (*result)["matches"]) {
      const std::string site = match["site"].get<std::string>();
      const auto& config = site == "clinic-a" ? network.sites[0] : network.sites[1];
      analysis::SiteData data(site, config.tables);
      data.set_state_directory(options.state_home + "/sites/" + site);
      auto patient = analysis::ResolveHandle(data, "patients", "patient_id", (*result)["query_id"].get<std::string>(),
                                             match["handle"].get<std::string>());
      ASSERT_TRUE(patient.ok()) << patient.status();
      ASSERT_TRUE(patient->has_value()) << match.dump();
      EXPECT_EQ(**patient, by_handle.at(match["handle"].get<std::string>()));
    }
  }
  // A handle of another query, or with no key, finds nobody.
  analysis::SiteData data("clinic-a", network.sites[0].tables);
  data.set_state_directory(options.state_home + "/sites/clinic-a");
  auto wrong_query = analysis::ResolveHandle(data, "patients", "patient_id", "another-query",
                                             first["matches"][0]["handle"].get<std::string>());
  ASSERT_TRUE(wrong_query.ok());
  EXPECT_FALSE(wrong_query->has_value());
  analysis::SiteData keyless("clinic-a", network.sites[0].tables);
  keyless.set_state_directory(testing::MakeTempDir("medfed_no_key"));
  std::filesystem::remove(beside);
  EXPECT_EQ(analysis::ResolveHandle(keyless, "patients", "patient_id", "q", "00").status().code(),
            absl::StatusCode::kNotFound);
}

// What a site receives in the query round: the key and one same-sized ciphertext per ontology
// term; no term id, no weight; two different queries look alike.
TEST(PhenotypeMatch, SitesSeeCiphertextOnly) {
  ASSERT_TRUE(crypto::EnsureSodium().ok());
  const Network network = WriteNetwork({50, 50});
  const analysis::PhenotypeOntology ontology =
      *analysis::PhenotypeOntology::ParseObo(network.data.ontology_obo, "ontology");
  auto second_round = [&](const std::vector<std::string>& query) {
    federation::StudyFile study = testing::MakeStudy(network.sites, {MatchSpec(network, query, 5)});
    auto secrets = federation::SealStudy(study);  // as the researcher's machine does
    EXPECT_TRUE(secrets.ok()) << secrets.status();
    analysis::HubContext context;
    context.sites = {"a", "b"};
    context.references = analysis::ReferenceData("the hub", study.references);
    auto hub = analysis::PhenotypeMatchDefinition().create_hub(study.analyses[0], context);
    EXPECT_TRUE(hub.ok()) << hub.status();
    EXPECT_TRUE((*hub)->Begin().ok());
    analysis::PooledRound counts;
    counts.sum.assign(ontology.size() + 1, 10);
    counts.sum.back() = 100;
    counts.sites = {"a", "b"};
    auto step = (*hub)->Combine(counts);
    EXPECT_TRUE(step.ok() && step->next_round) << step.status();
    return *step->next_round;
  };
  const analysis::RoundParameters first = second_round({"SYN:0010803", "SYN:0010413"});
  const analysis::RoundParameters other = second_round({"SYN:0010001"});
  for (const analysis::RoundParameters* parameters : {&first, &other}) {
    EXPECT_EQ(parameters->numbers.size(), 0u);
    ASSERT_EQ(parameters->texts.size(), 3u);  // the phase, the key and the encrypted weights
    ASSERT_TRUE(parameters->texts.count("phase") && parameters->texts.count("public_key") &&
                parameters->texts.count("weights"));
    EXPECT_EQ(parameters->texts.at("phase"), std::vector<std::string>{"score"});
    for (const auto& [name, texts] : parameters->texts) {
      for (const auto& text : texts) {
        for (const char* id : {"SYN:0010803", "SYN:0010413", "SYN:0010001", "0010803", "10803"}) {
          EXPECT_EQ(text.find(id), std::string::npos) << name;
        }
      }
    }
  }
  EXPECT_EQ(first.texts.at("weights")[0].size(), other.texts.at("weights")[0].size());
  EXPECT_NE(first.texts.at("weights")[0], other.texts.at("weights")[0]);
}

// Candidate genes: hashed into buckets every party computes alike, encrypted like terms, and
// weighted by their frequency in the network; a patient with the query's gene rises. A query
// naming genes for sites that hold none, or a symbol that is no symbol, is refused clearly.
TEST(PhenotypeMatch, GenesInTheQueryAreMatchedUnderEncryptionAsTermsAre) {
  ASSERT_TRUE(crypto::EnsureSodium().ok());
  const Network network = WriteNetwork({150, 100});
  const std::vector<std::string> query = {"SYN:0010803", "SYN:0010413"};
  const std::vector<std::string> genes = {" syng07", "SYNG07", "SYNG12"};  // written as clinicians do
  auto document =
      federation::RunStudyLocally(testing::MakeStudy(network.sites, {MatchSpec(network, query, 250, genes)}));
  ASSERT_TRUE(document.ok()) << document.status();
  const analysis::Json& result = (*document)["results"][0];
  ASSERT_EQ(result["status"], "ok") << result.dump(2);
  EXPECT_EQ(result["query_genes"], analysis::Json::array({"SYNG07", "SYNG07", "SYNG12"}));
  std::map<std::string, std::string> by_handle;
  const auto expected = PlaintextScores(network, query, result["query_id"].get<std::string>(), &by_handle,
                                        std::vector<std::string>{"SYNG07", "SYNG12"});
  ASSERT_EQ(result["matches"].size(), expected.size());
  for (const auto& match : result["matches"]) {
    const auto key = std::make_pair(match["site"].get<std::string>(), match["handle"].get<std::string>());
    ASSERT_TRUE(expected.count(key)) << "unknown handle " << key.second;
    EXPECT_DOUBLE_EQ(match["score"].get<double>(), expected.at(key)) << key.second;
  }
  // Without the genes: some patients carry a query gene, and none of them scores as high.
  auto terms_only = federation::RunStudyLocally(testing::MakeStudy(network.sites, {MatchSpec(network, query, 250)}));
  ASSERT_TRUE(terms_only.ok()) << terms_only.status();
  const auto without = PlaintextScores(network, query, (*terms_only)["results"][0]["query_id"].get<std::string>());
  // Whether the patient behind a match's handle has a query gene, from its site's file.
  auto carries_a_query_gene = [&](const analysis::Json& match) {
    const std::string patient = by_handle.at(match["handle"].get<std::string>());
    const std::string csv = *ReadFileToString(network.sites[patient[1] - 'A'].tables.at("patients"));
    const size_t line = csv.find("\n" + patient + ",");
    const std::string row = csv.substr(line + 1, csv.find('\n', line + 1) - line - 1);
    return row.find("SYNG07") != std::string::npos || row.find("SYNG12") != std::string::npos;
  };
  size_t carriers = 0;
  for (const auto& match : result["matches"]) carriers += carries_a_query_gene(match) ? 1 : 0;
  ASSERT_GT(carriers, 0u);
  // The best match carries a query gene, and no terms-only score reaches it.
  EXPECT_TRUE(carries_a_query_gene(result["matches"][0])) << result["matches"][0].dump();
  double best_without = 0;
  for (const auto& [key, score] : without) best_without = std::max(best_without, score);
  EXPECT_GT(result["matches"][0]["score"].get<double>(), best_without);
  EXPECT_GT(result["query_information_content"].get<double>(),
            (*terms_only)["results"][0]["query_information_content"].get<double>());

  // Genes for sites that name no genes column; a symbol that is no symbol.
  analysis::AnalysisSpec no_column = MatchSpec(network, query, 3);
  analysis::Json keys = no_column.keys();
  keys["query_genes"] = {"SCN1A"};
  auto refused = federation::RunStudyLocally(
      testing::MakeStudy(network.sites, {analysis::AnalysisSpec("m", "phenotype_match", keys)}));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(std::string(refused.status().message()).find("names no genes column"), std::string::npos)
      << refused.status();
  auto garbled = federation::RunStudyLocally(
      testing::MakeStudy(network.sites, {MatchSpec(network, query, 3, std::vector<std::string>{"SCN1A; rm -rf"})}));
  ASSERT_FALSE(garbled.ok());
  EXPECT_NE(std::string(garbled.status().message()).find("is not a gene symbol"), std::string::npos)
      << garbled.status();
}

TEST(PhenotypeMatch, UnknownTermsAreReportedAndAQueryOfOnlyUnknownTermsFails) {
  const Network network = WriteNetwork({60, 40});
  auto partly = federation::RunStudyLocally(
      testing::MakeStudy(network.sites, {MatchSpec(network, {"SYN:0010803", "HP:9999999"}, 3)}));
  ASSERT_TRUE(partly.ok()) << partly.status();
  EXPECT_EQ((*partly)["results"][0]["unknown_terms"], analysis::Json::array({"HP:9999999"}));
  auto none = federation::RunStudyLocally(testing::MakeStudy(network.sites, {MatchSpec(network, {"HP:9999999"}, 3)}));
  ASSERT_FALSE(none.ok());
  EXPECT_NE(std::string(none.status().message()).find("none of the query's terms is in the ontology"),
            std::string::npos)
      << none.status();
  EXPECT_NE(std::string(none.status().message()).find("HP:9999999"), std::string::npos);
}

TEST(PhenotypeOntology, ClosureAndErrors) {
  const std::string obo =
      "[Term]\nid: X:1\nname: root\n\n[Term]\nid: X:2\nname: a\nis_a: X:1 ! root\n\n[Term]\nid: X:3\nname: b\n"
      "alt_id: X:30\nis_a: X:2\n\n[Term]\nid: X:4\nname: old\nis_obsolete: true\n";
  auto ontology = analysis::PhenotypeOntology::ParseObo(obo, "t.obo");
  ASSERT_TRUE(ontology.ok()) << ontology.status();
  EXPECT_EQ(ontology->size(), 3u);
  EXPECT_EQ(*ontology->Find("X:30"), *ontology->Find("X:3"));
  EXPECT_FALSE(ontology->Find("X:4"));
  EXPECT_EQ(ontology->Closure({*ontology->Find("X:3")}).size(), 3u);
  auto dangling = analysis::PhenotypeOntology::ParseObo("[Term]\nid: X:1\nis_a: X:9\n", "d.obo");
  ASSERT_FALSE(dangling.ok());
  EXPECT_NE(std::string(dangling.status().message()).find("d.obo:3: X:1 is_a X:9"), std::string::npos);
  auto cycle =
      analysis::PhenotypeOntology::ParseObo("[Term]\nid: X:1\nis_a: X:2\n[Term]\nid: X:2\nis_a: X:1\n", "c.obo");
  ASSERT_FALSE(cycle.ok());
  EXPECT_NE(std::string(cycle.status().message()).find("cycle"), std::string::npos);
}

}  // namespace
}  // namespace medfed
