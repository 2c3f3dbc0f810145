#include "medfed/analysis/engine/analysis_spec.h"

namespace medfed::analysis {

std::string AnalysisSpec::String(const std::string& key, const std::string& fallback) const {
  auto found = keys_.find(key);
  if (found == keys_.end() || !found->is_string()) return fallback;
  return found->get<std::string>();
}

std::vector<std::string> AnalysisSpec::Strings(const std::string& key) const {
  std::vector<std::string> values;
  auto found = keys_.find(key);
  if (found == keys_.end()) return values;
  if (found->is_string()) return {found->get<std::string>()};
  for (const auto& item : *found) {
    if (item.is_string()) values.push_back(item.get<std::string>());
  }
  return values;
}

std::vector<double> AnalysisSpec::Numbers(const std::string& key) const {
  std::vector<double> values;
  auto found = keys_.find(key);
  if (found == keys_.end()) return values;
  if (found->is_number()) return {found->get<double>()};
  for (const auto& item : *found) {
    if (item.is_number()) values.push_back(item.get<double>());
  }
  return values;
}

double AnalysisSpec::Number(const std::string& key, double fallback) const {
  auto found = keys_.find(key);
  if (found == keys_.end() || !found->is_number()) return fallback;
  return found->get<double>();
}

bool AnalysisSpec::Boolean(const std::string& key, bool fallback) const {
  auto found = keys_.find(key);
  if (found == keys_.end() || !found->is_boolean()) return fallback;
  return found->get<bool>();
}

}  // namespace medfed::analysis
