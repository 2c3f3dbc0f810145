// One [[analyses]] entry of a study file: its id, type and keys (as JSON, the form in which it
// also travels to the sites). Keys were checked against the analysis' definition when the
// study file was read, so accessors of required keys cannot fail on a valid spec.
#pragma once

#include <string>
#include <vector>

#include "medfed/analysis/engine/analysis.h"

namespace medfed::analysis {

class AnalysisSpec {
 public:
  AnalysisSpec() = default;
  AnalysisSpec(std::string id, std::string type, Json keys)
      : id_(std::move(id)), type_(std::move(type)), keys_(std::move(keys)) {}

  const std::string& id() const { return id_; }
  const std::string& type() const { return type_; }
  const Json& keys() const { return keys_; }

  bool Has(const std::string& key) const { return keys_.contains(key); }
  std::string String(const std::string& key, const std::string& fallback = "") const;
  std::vector<std::string> Strings(const std::string& key) const;
  std::vector<double> Numbers(const std::string& key) const;
  double Number(const std::string& key, double fallback) const;
  bool Boolean(const std::string& key, bool fallback) const;

  // "analysis \"g\" (glm)" for messages.
  std::string Describe() const { return "analysis \"" + id_ + "\" (" + type_ + ")"; }

 private:
  std::string id_;
  std::string type_;
  Json keys_ = Json::object();
};

}  // namespace medfed::analysis
