// Terms from a clinician's note (analysis/matching/note_terms.h): the bundled labelled notes in
// both languages (examples/rare/data/notes, from `medfed synth rare`) are read with precision and
// recall of at least 0.9 each, and the cases a careless matcher gets wrong are tested one by one.
#include <cstdio>
#include <map>
#include <set>

#include "gtest/gtest.h"
#include "medfed/analysis/matching/note_terms.h"
#include "medfed/core/file.h"
#include "medfed/core/text.h"

namespace medfed {
namespace {

const std::string kRare = std::string(MEDFED_SOURCE_DIR) + "/examples/rare/data/";

const analysis::PhenotypeOntology& Ontology() {
  static const auto* const ontology = new analysis::PhenotypeOntology(
      *analysis::PhenotypeOntology::ParseObo(*ReadFileToString(kRare + "ontology.obo"), "ontology.obo"));
  return *ontology;
}

// The present terms' ids a note yields.
std::set<std::string> Present(const std::string& note) {
  analysis::NoteTermFinder finder(Ontology());
  auto mentions = finder.Find(note, "note");
  EXPECT_TRUE(mentions.ok()) << mentions.status();
  std::set<std::string> ids;
  if (!mentions.ok()) return ids;
  for (uint32_t term : analysis::NoteTermFinder::PresentTerms(*mentions)) ids.insert(Ontology().id(term));
  return ids;
}

std::string IdOf(const std::string& name) {
  for (uint32_t term = 0; term < Ontology().size(); ++term) {
    if (Ontology().name(term) == name) return Ontology().id(term);
  }
  ADD_FAILURE() << "no term named " << name;
  return "";
}

TEST(NoteTerms, TheLabelledNotesAreReadWithPrecisionAndRecallOfAtLeastNinetyPercent) {
  const std::string labels = *ReadFileToString(kRare + "notes/labels.tsv");
  struct Counts {
    size_t notes = 0, true_positive = 0, false_positive = 0, false_negative = 0;
  };
  std::map<std::string, Counts> by_language;
  const std::vector<std::string> lines = SplitString(labels, '\n');
  for (size_t l = 1; l < lines.size(); ++l) {
    if (lines[l].empty()) continue;
    const std::vector<std::string> fields = SplitString(lines[l], '\t');
    ASSERT_EQ(fields.size(), 3u) << lines[l];
    const std::set<std::string> expected = [&] {
      std::set<std::string> ids;
      for (const auto& id : SplitString(fields[2], ';')) ids.insert(id);
      return ids;
    }();
    const std::set<std::string> found = Present(*ReadFileToString(kRare + "notes/" + fields[0] + ".txt"));
    Counts& counts = by_language[fields[1]];
    ++counts.notes;
    for (const auto& id : found) (expected.count(id) ? counts.true_positive : counts.false_positive) += 1;
    for (const auto& id : expected) counts.false_negative += found.count(id) ? 0 : 1;
  }
  ASSERT_EQ(by_language.size(), 2u);
  for (const auto& [language, counts] : by_language) {
    EXPECT_GE(counts.notes, 50u) << language;
    const double precision =
        static_cast<double>(counts.true_positive) / static_cast<double>(counts.true_positive + counts.false_positive);
    const double recall =
        static_cast<double>(counts.true_positive) / static_cast<double>(counts.true_positive + counts.false_negative);
    std::printf("%s: %zu notes, precision %.3f, recall %.3f, F1 %.3f\n", language.c_str(), counts.notes, precision,
                recall, 2 * precision * recall / (precision + recall));
    EXPECT_GE(precision, 0.9) << language;
    EXPECT_GE(recall, 0.9) << language;
  }
}

TEST(NoteTerms, NegatedFindingsAndARelativesFindingsAreSkipped) {
  const std::string seizure = IdOf("Focal seizure"), scoliosis = IdOf("Scoliosis"), hypotonia = IdOf("Hypotonia"),
                    ataxia = IdOf("Ataxia"), cataract = IdOf("Cataract");
  // English: before and after, a list under one cue, a termination word, the ten-word window.
  EXPECT_EQ(Present("Focal seizures. No scoliosis, hypotonia or ataxia."), std::set<std::string>{seizure});
  EXPECT_EQ(Present("Scoliosis was ruled out; hypotonia is absent. Partial seizure noted."),
            std::set<std::string>{seizure});
  EXPECT_EQ(Present("No scoliosis, but marked hypotonia."), std::set<std::string>{hypotonia});
  EXPECT_EQ(Present("Denies scoliosis. She has ataxia."), std::set<std::string>{ataxia});
  EXPECT_EQ(Present("No complaints were raised at this visit today and then later on, hypotonia."),
            std::set<std::string>{hypotonia});
  // A relative's, until the patient is named again.
  EXPECT_EQ(Present("Her mother has scoliosis. Cataract."), std::set<std::string>{cataract});
  EXPECT_EQ(Present("An older brother has cataract, whereas the patient has ataxia."), std::set<std::string>{ataxia});
  // Chinese: 无 over an enumeration up to the clause's end; post cues; a relative.
  EXPECT_EQ(Present("无脊柱侧弯、肌张力低下，有共济失调。"), std::set<std::string>{ataxia});
  EXPECT_EQ(Present("白内障已排除。否认局灶性癫痫发作。肌张力低下。"), std::set<std::string>{hypotonia});
  EXPECT_EQ(Present("家族史：母亲有白内障。患儿有共济失调。"), std::set<std::string>{ataxia});
  EXPECT_EQ(Present("患儿哥哥有白内障，患儿有脊柱侧弯。"), std::set<std::string>{scoliosis});
  // A cue inside a term's own name is the term's: 动脉导管未闭 is present.
  EXPECT_EQ(Present("动脉导管未闭，肌张力低下。"),
            (std::set<std::string>{IdOf("Patent ductus arteriosus"), hypotonia}));
}

TEST(NoteTerms, LongestNamesWinAndWordsAreMatchedWhole) {
  // "Focal seizure" is not also "Seizure"; "Night blindness" is not "Blindness"; 全面发育迟缓 is
  // not 发育迟缓; synonyms, plurals and case fold.
  EXPECT_EQ(Present("focal seizures"), std::set<std::string>{IdOf("Focal seizure")});
  EXPECT_EQ(Present("NIGHT BLINDNESS"), std::set<std::string>{IdOf("Night blindness")});
  EXPECT_EQ(Present("全面发育迟缓"), std::set<std::string>{IdOf("Global developmental delay")});
  EXPECT_EQ(Present("grand mal seizures and low-set ears"),
            (std::set<std::string>{IdOf("Generalized tonic-clonic seizure"), IdOf("Low-set ears")}));
  EXPECT_EQ(Present("ataxiaphobia and hypotonically"), std::set<std::string>{});  // not within words
}

TEST(NoteTerms, ANoteThatIsNotUtf8OrTooLargeIsAnErrorSayingWhatToDo) {
  analysis::NoteTermFinder finder(Ontology());
  auto gb18030 = finder.Find("\xBB\xBC\xB6\xF9", "note.txt");  // 患儿 in GB18030
  ASSERT_FALSE(gb18030.ok());
  EXPECT_NE(std::string(gb18030.status().message()).find("note.txt: byte 1 is not UTF-8"), std::string::npos);
  EXPECT_NE(std::string(gb18030.status().message()).find("iconv"), std::string::npos);
  auto huge = finder.Find(std::string(analysis::NoteTermFinder::kMaxNoteBytes + 1, 'a'), "big.txt");
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(std::string(huge.status().message()).find("big.txt"), std::string::npos);
}

TEST(NoteTerms, SynonymsComeFromTheOboFileAndBroadOnesAreLeftOut) {
  auto ontology = analysis::PhenotypeOntology::ParseObo(
      "[Term]\nid: X:1\nname: Seizure\nsynonym: \"fits\" EXACT []\nsynonym: \"spell \\\"x\\\"\" RELATED []\n"
      "synonym: \"attack\" BROAD []\nsynonym: \"惊厥\" EXACT [zh]\n",
      "t.obo");
  ASSERT_TRUE(ontology.ok()) << ontology.status();
  EXPECT_EQ(ontology->synonyms(0), (std::vector<std::string>{"fits", "spell \"x\"", "惊厥"}));
}

}  // namespace
}  // namespace medfed
