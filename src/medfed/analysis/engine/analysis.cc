#include "medfed/analysis/engine/analysis.h"

namespace medfed::analysis {

RoundParameters HubStep::ForSite(const std::string& site) const {
  RoundParameters parameters = next_round.value_or(RoundParameters());
  auto own = per_site.find(site);
  if (own == per_site.end()) return parameters;
  for (const auto& [key, values] : own->second.numbers) parameters.numbers[key] = values;
  for (const auto& [key, values] : own->second.texts) parameters.texts[key] = values;
  return parameters;
}

StatusOr<double> RoundParameters::Number(const std::string& key) const {
  auto found = numbers.find(key);
  if (found == numbers.end() || found->second.size() != 1) {
    return InvalidArgument("round parameter " + key + " is missing or not a single number");
  }
  return found->second[0];
}

StatusOr<std::vector<double>> RoundParameters::Numbers(const std::string& key) const {
  auto found = numbers.find(key);
  if (found == numbers.end()) return InvalidArgument("round parameter " + key + " is missing");
  return found->second;
}

StatusOr<std::string> RoundParameters::Text(const std::string& key) const {
  auto found = texts.find(key);
  if (found == texts.end() || found->second.size() != 1) {
    return InvalidArgument("round parameter " + key + " is missing or not a single text");
  }
  return found->second[0];
}

StatusOr<std::vector<std::string>> RoundParameters::Texts(const std::string& key) const {
  auto found = texts.find(key);
  if (found == texts.end()) return InvalidArgument("round parameter " + key + " is missing");
  return found->second;
}

}  // namespace medfed::analysis
