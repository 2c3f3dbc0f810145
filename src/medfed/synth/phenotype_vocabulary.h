// Names for the synthetic phenotype ontology of `medfed synth rare`: every organ system, group
// and feature in English and Chinese, with an English synonym where clinicians use one. Written
// in the words of HPO's labels and of Chinese clinical notes, so that a note extractor has real
// language to find (the ids stay synthetic: SYN:, not HP:).
#pragma once

namespace medfed::synth {

struct PhenotypeName {
  const char* english;
  const char* chinese;
  const char* synonym;  // English, "" when none
};

inline constexpr int kVocabularySystems = 10, kVocabularyGroups = 4, kVocabularyFeatures = 6;

// The system's "Abnormality of the ..." term.
const PhenotypeName& SystemName(int system);
const PhenotypeName& GroupName(int system, int group);
const PhenotypeName& FeatureName(int system, int group, int feature);

}  // namespace medfed::synth
