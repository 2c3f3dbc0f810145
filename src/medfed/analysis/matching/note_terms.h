// Ontology terms in a clinician's free-text note, English or Chinese, for a phenotype query
// (`medfed match --note`). A dictionary matcher over the ontology's names and synonyms (OBO
// `name:` and `synonym:`), longest match first, with two filters from clinical NLP:
//   - negation, after NegEx (Chapman et al., J Biomed Inform 2001): a cue before a finding ("no",
//     "denies", "without", 无, 否认, 未见, 不伴, 排除 ...) negates it up to the end of its clause, a
//     termination word ("but", 但) or ten words; a cue after it ("was ruled out", "is absent",
//     已排除, 阴性 ...) negates back to the clause's start;
//   - family history, after ConText (Harkema et al., J Biomed Inform 2009): a finding in the part
//     of a sentence that names a relative ("mother", "family history", 母亲, 家族史 ...) belongs to
//     the relative, until the patient is named again ("the patient", 患儿).
// Words are matched case-insensitively with English plurals folded ("seizures" is "seizure");
// Chinese is matched character by character. Cues inside a term's own name (动脉导管未闭) are
// part of the term, not cues. Measured against the bundled labelled notes in
// docs/protocols/match.md.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "medfed/analysis/matching/phenotype_ontology.h"
#include "medfed/core/status.h"

namespace medfed::analysis {

struct NoteMention {
  enum class Kind { kPresent, kNegated, kFamily };
  uint32_t term = 0;
  std::string text;  // as written in the note
  size_t line = 0;   // 1-based
  Kind kind = Kind::kPresent;
  std::string cue;  // what negated it or gave it to a relative, as written
};

class NoteTermFinder {
 public:
  static constexpr size_t kMaxNoteBytes = 1 << 20;

  explicit NoteTermFinder(const PhenotypeOntology& ontology);

  // Every mention of a term, in the note's order. Errors: a note over kMaxNoteBytes, or one that
  // is not UTF-8 (named by `source` and the byte offset).
  StatusOr<std::vector<NoteMention>> Find(std::string_view note, const std::string& source) const;

  // The terms a query takes from the mentions: each present term once, in order of first mention.
  static std::vector<uint32_t> PresentTerms(const std::vector<NoteMention>& mentions);

 private:
  // Phrases as sequences of units (words, Chinese characters), each with a value, indexed by
  // their first unit and longest first: the ontology's names and synonyms (value: the term), and
  // the negation and family cues (value: the cue's kind).
  struct PhraseIndex {
    std::vector<std::pair<std::vector<std::string>, uint32_t>> phrases;
    std::unordered_map<std::string, std::vector<size_t>> by_first_unit;  // into phrases
  };
  static PhraseIndex Index(const std::vector<std::pair<std::string, uint32_t>>& texts);

  PhraseIndex terms_;
};

}  // namespace medfed::analysis
