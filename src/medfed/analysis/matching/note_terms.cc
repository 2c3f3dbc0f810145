#include "medfed/analysis/matching/note_terms.h"

#include <algorithm>
#include <optional>

#include "medfed/core/utf8.h"

namespace medfed::analysis {
namespace {

// A note as a sequence of units: an English word (lower-cased, plural folded), one Chinese
// character, or a punctuation mark that bounds a scope.
enum class UnitType {
  kWord,
  kHan,
  kSentenceEnd,  // . ! ? ; 。！？； and line ends
  kClauseEnd,    // ，: a Chinese clause; ends a Chinese negation's scope
  kComma,        // , : 、：: lists; a negation reaches across them
};

struct Unit {
  std::string text;
  UnitType type;
  size_t begin, end;  // bytes of the note
  size_t line;
};

bool IsContent(const Unit& unit) { return unit.type == UnitType::kWord || unit.type == UnitType::kHan; }

// "seizures" -> "seizure", "abnormalities" -> "abnormality"; words in -ss, -us, -is stay.
std::string FoldPlural(std::string word) {
  const size_t n = word.size();
  if (n > 4 && word.compare(n - 3, 3, "ies") == 0) return word.substr(0, n - 3) + "y";
  if (n > 3 && word[n - 1] == 's' && word[n - 2] != 's' && word[n - 2] != 'u' && word[n - 2] != 'i') {
    return word.substr(0, n - 1);
  }
  return word;
}

bool IsHan(uint32_t code) {
  return (code >= 0x3400 && code <= 0x4DBF) || (code >= 0x4E00 && code <= 0x9FFF) ||
         (code >= 0xF900 && code <= 0xFAFF) || (code >= 0x20000 && code <= 0x2FFFF);
}

// The code point of the UTF-8 sequence at `at` of text FindInvalidUtf8 accepted, and its length.
std::pair<uint32_t, size_t> DecodeUtf8(std::string_view text, size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  if (lead < 0x80) return {lead, 1};
  const size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  uint32_t code = lead & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) code = code << 6 | (static_cast<unsigned char>(text[at + i]) & 0x3F);
  return {code, length};
}

StatusOr<std::vector<Unit>> Tokenize(std::string_view text, const std::string& source) {
  if (const size_t invalid = FindInvalidUtf8(text); invalid != std::string_view::npos) {
    return InvalidArgument(source + ": byte " + std::to_string(invalid + 1) +
                           " is not UTF-8; save the note as UTF-8 (iconv -f GB18030 -t UTF-8 converts one)");
  }
  std::vector<Unit> units;
  std::string word;
  size_t word_begin = 0, line = 1;
  auto flush = [&](size_t at) {
    if (word.empty()) return;
    units.push_back({FoldPlural(std::move(word)), UnitType::kWord, word_begin, at, line});
    word.clear();
  };
  auto mark = [&](UnitType type, size_t at, size_t length) {
    flush(at);
    units.push_back({std::string(text.substr(at, length)), type, at, at + length, line});
  };
  for (size_t at = 0; at < text.size();) {
    const auto [code, length] = DecodeUtf8(text, at);
    if (code < 0x80) {
      const char c = static_cast<char>(code);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        if (word.empty()) word_begin = at;
        word += c;
      } else if (c >= 'A' && c <= 'Z') {
        if (word.empty()) word_begin = at;
        word += static_cast<char>(c - 'A' + 'a');
      } else if (c == '.' || c == '!' || c == '?' || c == ';' || c == '\n') {
        mark(UnitType::kSentenceEnd, at, 1);
      } else if (c == ',' || c == ':') {
        mark(UnitType::kComma, at, 1);
      } else {
        flush(at);  // spaces, hyphens, quotes, brackets, slashes: between words
      }
      if (c == '\n') ++line;
    } else if (code == 0x3002 || code == 0xFF01 || code == 0xFF1F || code == 0xFF1B) {  // 。！？；
      mark(UnitType::kSentenceEnd, at, length);
    } else if (code == 0xFF0C) {  // ，
      mark(UnitType::kClauseEnd, at, length);
    } else if (code == 0x3001 || code == 0xFF1A) {  // 、：
      mark(UnitType::kComma, at, length);
    } else if (IsHan(code)) {
      mark(UnitType::kHan, at, length);
    } else if ((code >= 0x2000 && code <= 0x206F) || (code >= 0x3000 && code <= 0x303F) ||
               (code >= 0xFF00 && code <= 0xFF65)) {
      flush(at);  // other CJK and general punctuation: quotes, brackets, ideographic space
    } else {
      if (word.empty()) word_begin = at;
      word.append(text.substr(at, length));  // accented letters and the like: part of a word
    }
    at += length;
  }
  flush(text.size());
  return units;
}

// The content units of a name or cue, as the note's are made.
std::vector<std::string> ContentUnits(std::string_view text) {
  std::vector<std::string> units;
  auto tokens = Tokenize(text, "");
  if (!tokens.ok()) return units;
  for (const Unit& unit : *tokens) {
    if (!IsContent(unit)) return {};  // a name with punctuation inside is matched by its parts
    units.push_back(unit.text);
  }
  return units;
}

enum class CueKind { kNegationBefore, kNegationAfter, kNegationEither, kTermination, kRelative, kPatient };

struct CueWord {
  const char* text;
  CueKind kind;
};

// English after NegEx's trigger lists (Chapman et al. 2001) and ConText's experiencer cues;
// Chinese after the cues of Chinese clinical-text negation studies (无, 未, 否认, 排除, 不伴 ...).
constexpr CueWord kCues[] = {
    {"no", CueKind::kNegationBefore},
    {"not", CueKind::kNegationBefore},
    {"without", CueKind::kNegationBefore},
    {"denies", CueKind::kNegationBefore},
    {"denied", CueKind::kNegationBefore},
    {"deny", CueKind::kNegationBefore},
    {"negative for", CueKind::kNegationBefore},
    {"free of", CueKind::kNegationBefore},
    {"absence of", CueKind::kNegationBefore},
    {"no evidence of", CueKind::kNegationBefore},
    {"no sign of", CueKind::kNegationBefore},
    {"never had", CueKind::kNegationBefore},
    {"rule out", CueKind::kNegationBefore},
    {"ruled out", CueKind::kNegationEither},
    {"was ruled out", CueKind::kNegationAfter},
    {"were ruled out", CueKind::kNegationAfter},
    {"has been ruled out", CueKind::kNegationAfter},
    {"is absent", CueKind::kNegationAfter},
    {"was absent", CueKind::kNegationAfter},
    {"are absent", CueKind::kNegationAfter},
    {"were absent", CueKind::kNegationAfter},
    {"is not present", CueKind::kNegationAfter},
    {"was not present", CueKind::kNegationAfter},
    {"was not seen", CueKind::kNegationAfter},
    {"not seen", CueKind::kNegationAfter},
    {"is negative", CueKind::kNegationAfter},
    {"was negative", CueKind::kNegationAfter},
    {"were negative", CueKind::kNegationAfter},
    {"was excluded", CueKind::kNegationAfter},
    {"excluded", CueKind::kNegationEither},
    {"but", CueKind::kTermination},
    {"however", CueKind::kTermination},
    {"although", CueKind::kTermination},
    {"though", CueKind::kTermination},
    {"except", CueKind::kTermination},
    {"apart from", CueKind::kTermination},
    {"aside from", CueKind::kTermination},
    {"whereas", CueKind::kTermination},
    {"which", CueKind::kTermination},
    {"family history", CueKind::kRelative},
    {"family", CueKind::kRelative},
    {"mother", CueKind::kRelative},
    {"father", CueKind::kRelative},
    {"mom", CueKind::kRelative},
    {"dad", CueKind::kRelative},
    {"parent", CueKind::kRelative},
    {"brother", CueKind::kRelative},
    {"sister", CueKind::kRelative},
    {"sibling", CueKind::kRelative},
    {"aunt", CueKind::kRelative},
    {"uncle", CueKind::kRelative},
    {"cousin", CueKind::kRelative},
    {"grandmother", CueKind::kRelative},
    {"grandfather", CueKind::kRelative},
    {"grandparent", CueKind::kRelative},
    {"maternal", CueKind::kRelative},
    {"paternal", CueKind::kRelative},
    {"relative", CueKind::kRelative},
    {"the patient", CueKind::kPatient},
    {"our patient", CueKind::kPatient},
    {"patient", CueKind::kPatient},
    {"the proband", CueKind::kPatient},
    {"proband", CueKind::kPatient},
    {"the child", CueKind::kPatient},
    {"the boy", CueKind::kPatient},
    {"the girl", CueKind::kPatient},
    {"无", CueKind::kNegationBefore},
    {"无明显", CueKind::kNegationBefore},
    {"未", CueKind::kNegationBefore},
    {"未见", CueKind::kNegationBefore},
    {"未发现", CueKind::kNegationBefore},
    {"未出现", CueKind::kNegationBefore},
    {"没有", CueKind::kNegationBefore},
    {"否认", CueKind::kNegationBefore},
    {"不伴", CueKind::kNegationBefore},
    {"不伴有", CueKind::kNegationBefore},
    {"排除", CueKind::kNegationEither},
    {"已排除", CueKind::kNegationEither},
    {"除外", CueKind::kNegationEither},
    {"已除外", CueKind::kNegationEither},
    {"可排除", CueKind::kNegationAfter},
    {"阴性", CueKind::kNegationAfter},
    {"不明显", CueKind::kNegationAfter},
    {"但", CueKind::kTermination},
    {"但是", CueKind::kTermination},
    {"然而", CueKind::kTermination},
    {"家族史", CueKind::kRelative},
    {"家族", CueKind::kRelative},
    {"母亲", CueKind::kRelative},
    {"父亲", CueKind::kRelative},
    {"其母", CueKind::kRelative},
    {"其父", CueKind::kRelative},
    {"父母", CueKind::kRelative},
    {"哥哥", CueKind::kRelative},
    {"姐姐", CueKind::kRelative},
    {"弟弟", CueKind::kRelative},
    {"妹妹", CueKind::kRelative},
    {"兄弟", CueKind::kRelative},
    {"姐妹", CueKind::kRelative},
    {"舅舅", CueKind::kRelative},
    {"姑姑", CueKind::kRelative},
    {"叔叔", CueKind::kRelative},
    {"伯伯", CueKind::kRelative},
    {"阿姨", CueKind::kRelative},
    {"姨妈", CueKind::kRelative},
    {"祖父", CueKind::kRelative},
    {"祖母", CueKind::kRelative},
    {"外公", CueKind::kRelative},
    {"外婆", CueKind::kRelative},
    {"爷爷", CueKind::kRelative},
    {"奶奶", CueKind::kRelative},
    {"亲属", CueKind::kRelative},
    {"患儿", CueKind::kPatient},
    {"患者", CueKind::kPatient},
    {"本人", CueKind::kPatient},
    {"先证者", CueKind::kPatient},
};

// The value and length of the longest phrase of `index` that starts at unit `at` and lies on
// units `usable` accepts; nullopt when none does.
template <class Usable>
std::optional<std::pair<uint32_t, size_t>> LongestAt(
    const std::vector<std::pair<std::vector<std::string>, uint32_t>>& phrases,
    const std::unordered_map<std::string, std::vector<size_t>>& by_first_unit, const std::vector<Unit>& units,
    size_t at, Usable usable) {
  if (!usable(at)) return std::nullopt;
  auto candidates = by_first_unit.find(units[at].text);
  if (candidates == by_first_unit.end()) return std::nullopt;
  for (size_t index : candidates->second) {
    const auto& [sequence, value] = phrases[index];
    if (at + sequence.size() > units.size()) continue;
    bool whole = true;
    for (size_t k = 0; k < sequence.size() && whole; ++k) {
      whole = usable(at + k) && units[at + k].text == sequence[k];
    }
    if (whole) return std::make_pair(value, sequence.size());
  }
  return std::nullopt;
}

constexpr size_t kNegationWords = 10;  // NegEx's window, in English words
constexpr size_t kNegationHan = 30;    // in Chinese characters

struct Span {
  size_t begin, end;  // units [begin, end)
  CueKind kind;
};

}  // namespace

NoteTermFinder::PhraseIndex NoteTermFinder::Index(const std::vector<std::pair<std::string, uint32_t>>& texts) {
  PhraseIndex index;
  for (const auto& [text, value] : texts) {
    std::vector<std::string> units = ContentUnits(text);
    if (!units.empty()) index.phrases.emplace_back(std::move(units), value);
  }
  std::stable_sort(index.phrases.begin(), index.phrases.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (size_t i = 0; i < index.phrases.size(); ++i) index.by_first_unit[index.phrases[i].first.front()].push_back(i);
  return index;
}

NoteTermFinder::NoteTermFinder(const PhenotypeOntology& ontology) {
  std::vector<std::pair<std::string, uint32_t>> texts;
  for (uint32_t term = 0; term < ontology.size(); ++term) {
    for (const std::string& synonym : ontology.synonyms(term)) texts.emplace_back(synonym, term);
    texts.emplace_back(ontology.name(term), term);
  }
  terms_ = Index(texts);
}

StatusOr<std::vector<NoteMention>> NoteTermFinder::Find(std::string_view note, const std::string& source) const {
  if (note.size() > kMaxNoteBytes) {
    return InvalidArgument(source + ": the note has " + std::to_string(note.size()) + " bytes, more than " +
                           std::to_string(kMaxNoteBytes) + "; give the part that describes the patient");
  }
  ASSIGN_OR_RETURN(const std::vector<Unit> units, Tokenize(note, source));
  // Terms, longest first, left to right.
  struct Found {
    size_t begin, end;
    uint32_t term;
  };
  std::vector<Found> found;
  std::vector<uint8_t> covered(units.size(), 0);
  const auto content = [&](size_t k) { return IsContent(units[k]); };
  for (size_t at = 0; at < units.size();) {
    const auto term = LongestAt(terms_.phrases, terms_.by_first_unit, units, at, content);
    if (!term) {
      ++at;
      continue;
    }
    const auto [id, length] = *term;
    found.push_back({at, at + length, id});
    std::fill(covered.begin() + static_cast<std::ptrdiff_t>(at),
              covered.begin() + static_cast<std::ptrdiff_t>(at + length), 1);
    at += length;
  }
  // Cues, longest first, outside the terms.
  static const PhraseIndex* const cue_index = [] {
    std::vector<std::pair<std::string, uint32_t>> texts;
    for (const CueWord& cue : kCues) texts.emplace_back(cue.text, static_cast<uint32_t>(cue.kind));
    return new PhraseIndex(Index(texts));
  }();
  const auto outside_terms = [&](size_t k) { return IsContent(units[k]) && !covered[k]; };
  std::vector<Span> cues;
  for (size_t at = 0; at < units.size();) {
    const auto cue = LongestAt(cue_index->phrases, cue_index->by_first_unit, units, at, outside_terms);
    if (cue) cues.push_back({at, at + cue->second, static_cast<CueKind>(cue->first)});
    at += cue ? cue->second : 1;
  }
  auto text_of = [&](size_t begin, size_t end) {
    return std::string(note.substr(units[begin].begin, units[end - 1].end - units[begin].begin));
  };
  // Whether a negation may reach across units [from, to): no sentence end, no Chinese clause end,
  // no termination word, and within the window.
  auto reaches = [&](size_t from, size_t to) {
    size_t words = 0, han = 0;
    for (size_t k = from; k < to; ++k) {
      const UnitType type = units[k].type;
      if (type == UnitType::kSentenceEnd || type == UnitType::kClauseEnd) return false;
      if (type == UnitType::kWord && !covered[k]) ++words;
      if (type == UnitType::kHan && !covered[k]) ++han;
    }
    for (const Span& cue : cues) {
      if (cue.kind == CueKind::kTermination && cue.begin >= from && cue.end <= to) return false;
    }
    return words <= kNegationWords && han <= kNegationHan;
  };
  std::vector<NoteMention> mentions;
  for (const Found& term : found) {
    NoteMention mention;
    mention.term = term.term;
    mention.text = text_of(term.begin, term.end);
    mention.line = units[term.begin].line;
    // The part of the sentence the term is in, between mentions of the patient.
    size_t start = term.begin, stop = term.end;
    while (start > 0 && units[start - 1].type != UnitType::kSentenceEnd) --start;
    while (stop < units.size() && units[stop].type != UnitType::kSentenceEnd) ++stop;
    for (const Span& cue : cues) {
      if (cue.kind != CueKind::kPatient) continue;
      if (cue.end <= term.begin && cue.end > start) start = cue.end;
      if (cue.begin >= term.end && cue.begin < stop) stop = cue.begin;
    }
    for (const Span& cue : cues) {
      if (cue.begin < start || cue.end > stop) continue;
      if (cue.kind == CueKind::kRelative && mention.kind != NoteMention::Kind::kFamily) {
        mention.kind = NoteMention::Kind::kFamily;
        mention.cue = text_of(cue.begin, cue.end);
      }
    }
    if (mention.kind == NoteMention::Kind::kPresent) {
      for (const Span& cue : cues) {
        const bool before = (cue.kind == CueKind::kNegationBefore || cue.kind == CueKind::kNegationEither) &&
                            cue.end <= term.begin && reaches(cue.end, term.begin);
        const bool after = (cue.kind == CueKind::kNegationAfter || cue.kind == CueKind::kNegationEither) &&
                           cue.begin >= term.end && reaches(term.end, cue.begin);
        if (before || after) {
          mention.kind = NoteMention::Kind::kNegated;
          mention.cue = text_of(cue.begin, cue.end);
          break;
        }
      }
    }
    mentions.push_back(std::move(mention));
  }
  return mentions;
}

std::vector<uint32_t> NoteTermFinder::PresentTerms(const std::vector<NoteMention>& mentions) {
  std::vector<uint32_t> terms;
  for (const NoteMention& mention : mentions) {
    if (mention.kind == NoteMention::Kind::kPresent &&
        std::find(terms.begin(), terms.end(), mention.term) == terms.end()) {
      terms.push_back(mention.term);
    }
  }
  return terms;
}

}  // namespace medfed::analysis
