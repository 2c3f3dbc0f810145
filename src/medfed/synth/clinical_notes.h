// Labelled synthetic clinical notes, in English and Chinese, about patients of the synthetic
// rare-disease network: each says which of the patient's findings are present, which were
// looked for and are absent (negated in the ways clinicians write it), and what a relative has,
// and is labelled with the present terms' ids. They measure `medfed match --note`
// (analysis/matching/note_terms.h): precision and recall in docs/protocols/match.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "medfed/synth/rare_disease_cohort.h"

namespace medfed::synth {

struct LabelledNote {
  std::string name;      // en_001, zh_001, ...
  std::string language;  // "en" or "zh"
  std::string text;
  std::vector<std::string> present;  // term ids, sorted
};

// `per_language` notes in each language.
std::vector<LabelledNote> GenerateClinicalNotes(const RareDiseaseNetwork& network, size_t per_language,
                                                uint64_t seed = 20241204);

// labels.tsv: "note<TAB>language<TAB>present terms (;-separated)", one line per note.
std::string NoteLabelsTsv(const std::vector<LabelledNote>& notes);

}  // namespace medfed::synth
