// The OBO ontology reader (phenotype_match's HPO-style ontology).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "medfed/analysis/matching/phenotype_ontology.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)medfed::analysis::PhenotypeOntology::ParseObo(std::string_view(reinterpret_cast<const char*>(data), size),
                                                      "fuzz.obo");
  return 0;
}
