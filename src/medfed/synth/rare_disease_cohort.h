// A seeded synthetic rare-disease network for phenotype matching: a small phenotype ontology in
// OBO format (a root, 10 organ systems, 4 groups each, 6 features per group; synthetic SYN: ids,
// not HPO) and patients at several sites, each with one of 60 diseases: most of the disease's
// characteristic features (sometimes recorded only at the group level), plus one or two
// unrelated features. For the demo, the tests and bench/match_vs_target.sh.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace medfed::synth {

struct RareDiseaseOptions {
  uint64_t seed = 20240901;
  std::vector<size_t> patients = {400, 300, 300};  // per site
};

struct RareDiseaseNetwork {
  std::string ontology_obo;
  std::vector<std::string> site_csv;  // patient_id,terms,disease,genes
  std::string example_query_json;
  // Each disease's features, as numbers (SYN:0010000 + 100 system + 10 group + feature).
  std::vector<std::vector<int>> disease_features;  // features and gene of disease 7, as a clinician might enter them
};

RareDiseaseNetwork GenerateRareDiseaseNetwork(const RareDiseaseOptions& options);

// A term's id in the synthetic ontology: SYN:0010803 for number 10803.
std::string SyntheticTermId(int number);

}  // namespace medfed::synth
