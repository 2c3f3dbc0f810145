#include "medfed/synth/rare_disease_cohort.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "medfed/synth/phenotype_vocabulary.h"

namespace medfed::synth {
namespace {

constexpr int kSystems = kVocabularySystems, kGroups = kVocabularyGroups, kFeatures = kVocabularyFeatures;
constexpr int kDiseases = 60, kDiseaseFeatures = 6;

int SystemId(int system) { return 100 + system; }
int GroupId(int system, int group) { return 1000 + system * 10 + group; }
int FeatureId(int system, int group, int feature) { return 10000 + system * 100 + group * 10 + feature; }
// Disease d's causal gene: a synthetic symbol, shaped like HGNC's but not one of them.
std::string Gene(int disease) {
  char text[16];
  std::snprintf(text, sizeof text, "SYNG%02d", disease + 1);
  return text;
}

// A [Term] stanza: its English name, and its English synonym and Chinese name as synonyms (as
// HPO's translations give them), so that notes in either language find it.
std::string Stanza(int id, const PhenotypeName& name, int parent) {
  std::string stanza = "[Term]\nid: " + SyntheticTermId(id) + "\nname: " + name.english + "\n";
  if (*name.synonym != '\0') stanza += "synonym: \"" + std::string(name.synonym) + "\" EXACT []\n";
  stanza += "synonym: \"" + std::string(name.chinese) + "\" EXACT [zh]\n";
  return stanza + "is_a: " + SyntheticTermId(parent) + "\n\n";
}

}  // namespace

RareDiseaseNetwork GenerateRareDiseaseNetwork(const RareDiseaseOptions& options) {
  RareDiseaseNetwork network;
  std::string& obo = network.ontology_obo;
  obo = "format-version: 1.2\nontology: syn\n! Synthetic phenotype ontology for medfed's demo and tests (not HPO).\n\n";
  obo += "[Term]\nid: " + SyntheticTermId(1) + "\nname: All\n\n";
  obo += Stanza(2, {"Phenotypic abnormality", "表型异常", ""}, 1);
  for (int s = 0; s < kSystems; ++s) {
    obo += Stanza(SystemId(s), SystemName(s), 2);
    for (int g = 0; g < kGroups; ++g) {
      obo += Stanza(GroupId(s, g), GroupName(s, g), SystemId(s));
      for (int f = 0; f < kFeatures; ++f) obo += Stanza(FeatureId(s, g, f), FeatureName(s, g, f), GroupId(s, g));
    }
  }
  std::mt19937_64 random(options.seed);
  // Each disease: features from one or two organ systems.
  std::vector<std::vector<int>> diseases(kDiseases);
  for (auto& features : diseases) {
    const int first = static_cast<int>(random() % kSystems), second = static_cast<int>(random() % kSystems);
    while (features.size() < kDiseaseFeatures) {
      const int system = features.size() % 2 ? second : first;
      const int feature =
          FeatureId(system, static_cast<int>(random() % kGroups), static_cast<int>(random() % kFeatures));
      if (std::find(features.begin(), features.end(), feature) == features.end()) features.push_back(feature);
    }
  }
  std::uniform_real_distribution<double> uniform(0, 1);
  // Genes draw from their own stream, so the phenotypes are those of the generator before genes.
  std::mt19937_64 gene_random(options.seed ^ 0x67656e6573ULL);
  int next_patient = 1;
  for (size_t site = 0; site < options.patients.size(); ++site) {
    std::string csv = "patient_id,terms,disease,genes\n";
    for (size_t p = 0; p < options.patients[site]; ++p) {
      // Rare diseases are rare unequally: disease d with weight 1 / (d + 1).
      int disease = 0;
      double total = 0;
      for (int d = 0; d < kDiseases; ++d) total += 1.0 / (d + 1);
      double pick = uniform(random) * total;
      while (disease < kDiseases - 1 && (pick -= 1.0 / (disease + 1)) > 0) ++disease;
      std::string terms;
      for (int feature : diseases[disease]) {
        if (uniform(random) > 0.7) continue;
        // Sometimes recorded only as the group ("seizure" rather than "focal seizure").
        const int recorded = uniform(random) < 0.2 ? 1000 + (feature - 10000) / 10 : feature;
        terms += (terms.empty() ? "" : ";") + SyntheticTermId(recorded);
      }
      const int noise = 1 + static_cast<int>(random() % 2);
      for (int n = 0; n < noise; ++n) {
        terms += (terms.empty() ? "" : ";") +
                 SyntheticTermId(FeatureId(static_cast<int>(random() % kSystems), static_cast<int>(random() % kGroups),
                                           static_cast<int>(random() % kFeatures)));
      }
      char id[32];
      std::snprintf(id, sizeof id, "P%c%06d", static_cast<char>('A' + site), next_patient++);
      // A third of the patients have their causal gene from sequencing; one in ten carries a
      // variant of uncertain significance in another disease's gene.
      std::string genes = uniform(gene_random) < 0.35 ? Gene(disease) : "";
      if (uniform(gene_random) < 0.1) {
        genes += (genes.empty() ? "" : ";") + Gene(static_cast<int>(gene_random() % kDiseases));
      }
      csv += std::string(id) + "," + terms + ",D" + std::to_string(disease + 1) + "," + genes + "\n";
    }
    network.site_csv.push_back(std::move(csv));
  }
  std::string query = "{\"terms\": [";
  for (size_t i = 0; i < 4; ++i) query += (i ? ", \"" : "\"") + SyntheticTermId(diseases[6][i]) + "\"";
  query += R"(], "genes": [")" + Gene(6) + "\"]}\n";
  network.example_query_json = query;
  network.disease_features = diseases;
  return network;
}

std::string SyntheticTermId(int number) {
  char text[16];
  std::snprintf(text, sizeof text, "SYN:%07d", number);
  return text;
}

}  // namespace medfed::synth
