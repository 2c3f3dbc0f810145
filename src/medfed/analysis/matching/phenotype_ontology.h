// A phenotype ontology from an OBO 1.2 file (the format HPO publishes): terms with their ids,
// names, synonyms, alternative ids and is_a parents. A patient's or a query's terms are used with all
// their ancestors ("annotation propagation", as in Köhler et al., AJHG 2009, Phenomizer), so that
// "Focal seizure" in one record and "Seizure" in a query match at the level they share.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "medfed/core/status.h"

namespace medfed::analysis {

class PhenotypeOntology {
 public:
  // Errors name the file and line: an is_a to an unknown term, a cycle, a term without an id.
  static StatusOr<PhenotypeOntology> ParseObo(std::string_view text, const std::string& source);

  size_t size() const { return ids_.size(); }
  const std::string& id(uint32_t term) const { return ids_[term]; }
  const std::string& name(uint32_t term) const { return names_[term]; }
  // The term's EXACT, RELATED and NARROW synonyms (BROAD ones name something wider), in any
  // language the file gives them.
  const std::vector<std::string>& synonyms(uint32_t term) const { return synonyms_[term]; }
  // The term with this id or alternative id (obsolete terms are not in the ontology).
  std::optional<uint32_t> Find(std::string_view id) const;
  // The terms and all their ancestors, sorted, each once.
  std::vector<uint32_t> Closure(const std::vector<uint32_t>& terms) const;

 private:
  std::vector<std::string> ids_, names_;
  std::vector<std::vector<std::string>> synonyms_;
  std::vector<std::vector<uint32_t>> parents_;
  std::map<std::string, uint32_t, std::less<>> index_;
};

}  // namespace medfed::analysis
