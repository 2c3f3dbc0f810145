#include "medfed/analysis/matching/phenotype_ontology.h"

#include <algorithm>

#include "medfed/core/text.h"

namespace medfed::analysis {
namespace {

// The text of `synonym: "TEXT" SCOPE [xrefs]` (OBO 1.2, section 4.1: \" and \\ escaped inside
// the quotes), unless its scope is BROAD; nullopt for a malformed line, which is skipped.
std::optional<std::string> QuotedSynonym(std::string_view value) {
  value = TrimWhitespace(value);
  if (value.empty() || value.front() != '"') return std::nullopt;
  std::string text;
  size_t i = 1;
  for (; i < value.size() && value[i] != '"'; ++i) {
    if (value[i] == '\\' && i + 1 < value.size()) ++i;
    text += value[i];
  }
  if (i >= value.size()) return std::nullopt;
  const std::string_view rest = TrimWhitespace(value.substr(i + 1));
  if (rest.substr(0, 5) == "BROAD") return std::nullopt;
  if (TrimWhitespace(text).empty()) return std::nullopt;
  return std::string(TrimWhitespace(text));
}

}  // namespace

StatusOr<PhenotypeOntology> PhenotypeOntology::ParseObo(std::string_view text, const std::string& source) {
  struct Stanza {
    std::string id, name;
    std::vector<std::string> alt_ids, synonyms;
    std::vector<std::pair<std::string, size_t>> parents;  // id, line
    bool obsolete = false;
    size_t line = 0;
  };
  std::vector<Stanza> stanzas;
  bool in_term = false;
  size_t line_number = 0;
  for (const std::string& raw : SplitString(text, '\n')) {
    ++line_number;
    std::string_view line = TrimWhitespace(raw);
    if (line.empty() || line.front() == '!') continue;
    if (line.front() == '[') {
      in_term = line == "[Term]";
      if (in_term) {
        Stanza stanza;
        stanza.line = line_number;
        stanzas.push_back(std::move(stanza));
      }
      continue;
    }
    if (!in_term) continue;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view tag = line.substr(0, colon);
    std::string_view value = TrimWhitespace(line.substr(colon + 1));
    if (const size_t comment = value.find(" !"); comment != std::string_view::npos)
      value = TrimWhitespace(value.substr(0, comment));
    Stanza& stanza = stanzas.back();
    if (tag == "id") stanza.id = std::string(value);
    if (tag == "name") stanza.name = std::string(value);
    if (tag == "alt_id") stanza.alt_ids.emplace_back(value);
    if (tag == "synonym") {
      if (auto synonym = QuotedSynonym(line.substr(colon + 1))) stanza.synonyms.push_back(*std::move(synonym));
    }
    if (tag == "is_a") stanza.parents.emplace_back(std::string(value), line_number);
    if (tag == "is_obsolete" && value == "true") stanza.obsolete = true;
  }
  PhenotypeOntology ontology;
  for (const Stanza& stanza : stanzas) {
    if (stanza.obsolete) continue;
    if (stanza.id.empty())
      return InvalidArgument(source + ":" + std::to_string(stanza.line) + ": a [Term] without an id");
    const auto term = static_cast<uint32_t>(ontology.ids_.size());
    if (!ontology.index_.emplace(stanza.id, term).second) {
      return InvalidArgument(source + ":" + std::to_string(stanza.line) + ": term " + stanza.id + " is defined twice");
    }
    ontology.ids_.push_back(stanza.id);
    ontology.names_.push_back(stanza.name);
    ontology.synonyms_.push_back(stanza.synonyms);
  }
  for (const Stanza& stanza : stanzas) {
    if (stanza.obsolete) continue;
    for (const auto& alt : stanza.alt_ids) ontology.index_.emplace(alt, ontology.index_.at(stanza.id));
  }
  ontology.parents_.resize(ontology.ids_.size());
  for (const Stanza& stanza : stanzas) {
    if (stanza.obsolete) continue;
    const uint32_t term = ontology.index_.at(stanza.id);
    for (const auto& [parent, line] : stanza.parents) {
      auto found = ontology.index_.find(parent);
      if (found == ontology.index_.end()) {
        return InvalidArgument(source + ":" + std::to_string(line) + ": " + stanza.id + " is_a " + parent +
                               ", which is not a term of the ontology");
      }
      ontology.parents_[term].push_back(found->second);
    }
  }
  // Cycles: a depth-first search with colours.
  std::vector<uint8_t> colour(ontology.size(), 0);
  std::vector<std::pair<uint32_t, size_t>> stack;
  for (uint32_t start = 0; start < ontology.size(); ++start) {
    if (colour[start]) continue;
    stack.assign(1, {start, 0});
    colour[start] = 1;
    while (!stack.empty()) {
      auto& [term, next] = stack.back();
      if (next == ontology.parents_[term].size()) {
        colour[term] = 2;
        stack.pop_back();
        continue;
      }
      const uint32_t parent = ontology.parents_[term][next++];
      if (colour[parent] == 1) {
        return InvalidArgument(source + ": the is_a links of " + ontology.ids_[parent] + " form a cycle");
      }
      if (colour[parent] == 0) {
        colour[parent] = 1;
        stack.emplace_back(parent, 0);
      }
    }
  }
  return ontology;
}

std::optional<uint32_t> PhenotypeOntology::Find(std::string_view id) const {
  auto found = index_.find(id);
  if (found == index_.end()) return std::nullopt;
  return found->second;
}

std::vector<uint32_t> PhenotypeOntology::Closure(const std::vector<uint32_t>& terms) const {
  std::vector<uint8_t> seen(size(), 0);
  std::vector<uint32_t> closure, stack(terms.begin(), terms.end());
  while (!stack.empty()) {
    const uint32_t term = stack.back();
    stack.pop_back();
    if (seen[term]) continue;
    seen[term] = 1;
    closure.push_back(term);
    for (uint32_t parent : parents_[term]) stack.push_back(parent);
  }
  std::sort(closure.begin(), closure.end());
  return closure;
}

}  // namespace medfed::analysis
