// The clinical-note reader of `medfed match --note` (analysis/matching/note_terms.h): any bytes,
// against a small ontology with English and Chinese names and cues inside names.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "medfed/analysis/matching/note_terms.h"

namespace {

const medfed::analysis::PhenotypeOntology& Ontology() {
  static const auto* const ontology =
      new medfed::analysis::PhenotypeOntology(*medfed::analysis::PhenotypeOntology::ParseObo(
          "[Term]\nid: X:1\nname: Seizure\nsynonym: \"癫痫发作\" EXACT []\n\n"
          "[Term]\nid: X:2\nname: Focal seizure\nsynonym: \"fits\" EXACT []\n"
          "is_a: X:1\n\n[Term]\nid: X:3\nname: Patent ductus arteriosus\n"
          "synonym: \"动脉导管未闭\" EXACT []\n",
          "fuzz.obo"));
  return *ontology;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const medfed::analysis::NoteTermFinder finder(Ontology());
  auto mentions = finder.Find(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.txt");
  if (mentions.ok()) (void)medfed::analysis::NoteTermFinder::PresentTerms(*mentions);
  return 0;
}
