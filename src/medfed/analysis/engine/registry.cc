#include "medfed/analysis/engine/registry.h"

#include <algorithm>

#include "medfed/core/text.h"
#include "medfed/table/expression.h"

namespace medfed::analysis {

namespace {

// A researcher's keys, whichever way they arrived (a study file, or the JSON of a network
// submission that nothing else has checked): known names, the right kinds, bounded sizes.
constexpr size_t kMaxKeyText = 65536;
constexpr size_t kMaxKeyList = 100000;
constexpr size_t kMaxKeyTable = 1000;

// The value's kind (the caller has checked its own length); list items are strings of bounded
// length or numbers.
bool HasKind(const Json& value, KeyKind kind) {
  switch (kind) {
    case KeyKind::kString:
      return value.is_string();
    case KeyKind::kReference:
      return value.is_string() && ReferenceDigest(value.get<std::string>()).has_value();
    case KeyKind::kBoolean:
      return value.is_boolean();
    case KeyKind::kNumber:
      return value.is_number();
    case KeyKind::kStringList:
      if (value.is_string()) return true;
      if (!value.is_array()) return false;
      return std::all_of(value.begin(), value.end(), [](const Json& item) {
        return item.is_string() && item.get_ref<const std::string&>().size() <= kMaxKeyText;
      });
    case KeyKind::kNumberList:
      if (!value.is_array()) return false;
      return std::all_of(value.begin(), value.end(), [](const Json& item) { return item.is_number(); });
    case KeyKind::kTable:
      if (!value.is_object() || value.size() > kMaxKeyTable) return false;
      return std::all_of(value.items().begin(), value.items().end(), [](const auto& item) {
        const Json& entry = item.value();
        if (item.key().size() > kMaxKeyText) return false;
        if (entry.is_number()) return true;
        return entry.is_array() && entry.size() <= kMaxKeyTable &&
               std::all_of(entry.begin(), entry.end(), [](const Json& number) { return number.is_number(); });
      });
  }
  return false;
}

const char* KindName(KeyKind kind) {
  switch (kind) {
    case KeyKind::kString:
      return "a string";
    case KeyKind::kReference:
      return "reference data named by its hash, \"sha256:\" and 64 hex digits (a study file may give a path)";
    case KeyKind::kBoolean:
      return "true or false";
    case KeyKind::kNumber:
      return "a number";
    case KeyKind::kStringList:
      return "a list of strings";
    case KeyKind::kNumberList:
      return "a list of numbers";
    case KeyKind::kTable:
      return "a table of numbers, e.g. { epsilon = 1.0, delta = 1e-6 }";
  }
  return "a value";
}

}  // namespace

Status DifferentialPrivacyUnavailable(const std::string& type) {
  std::vector<std::string> noised;
  for (const auto* definition : AllAnalyses()) {
    for (const auto& key : definition->keys) {
      if (key.name == "privacy") noised.push_back(definition->type);
    }
  }
  return InvalidArgument("a " + type +
                         " analysis cannot be run with differential privacy (privacy = {...}); noised "
                         "results are available from: " +
                         JoinStrings(noised, ", ") + " (docs/privacy/differential-privacy.md)");
}

namespace {

Status CheckKeys(const AnalysisDefinition& definition, const AnalysisSpec& spec) {
  if (!spec.keys().is_object())
    return InvalidArgument("the keys of a " + definition.type + " analysis are not a table");
  for (const auto& item : spec.keys().items()) {
    const std::string& name = item.key();
    const Json& value = item.value();
    auto key = std::find_if(definition.keys.begin(), definition.keys.end(),
                            [&](const KeySpec& candidate) { return candidate.name == name; });
    if (key == definition.keys.end()) {
      if (name == "privacy") return DifferentialPrivacyUnavailable(definition.type);
      return InvalidArgument("unknown key \"" + name.substr(0, 64) + "\" for a " + definition.type + " analysis");
    }
    if (value.is_string() && value.get_ref<const std::string&>().size() > kMaxKeyText) {
      return InvalidArgument(name + " is " + std::to_string(value.get_ref<const std::string&>().size()) +
                             " characters long; the limit is " + std::to_string(kMaxKeyText));
    }
    if (value.is_array() && value.size() > kMaxKeyList) {
      return InvalidArgument(name + " has " + std::to_string(value.size()) + " items; the limit is " +
                             std::to_string(kMaxKeyList));
    }
    if (!HasKind(value, key->kind)) {
      return InvalidArgument(name + " must be " + KindName(key->kind) + " (at most " + std::to_string(kMaxKeyText) +
                             " characters, " + std::to_string(kMaxKeyList) + " items)");
    }
  }
  for (const auto& key : definition.keys) {
    if (key.required && !spec.keys().contains(key.name)) {
      return InvalidArgument("a " + definition.type + " analysis needs " + key.name + " (" + key.help + ")");
    }
  }
  return absl::OkStatus();
}

}  // namespace

Status ValidateAnalysis(const AnalysisDefinition& definition, const AnalysisSpec& spec) {
  RETURN_IF_ERROR(CheckKeys(definition, spec));
  if (definition.validate != nullptr) RETURN_IF_ERROR(definition.validate(spec));
  if (spec.Has("where")) {
    auto where = table::ParseExpression(spec.String("where"), "where");
    if (!where.ok()) return where.status();
  }
  return absl::OkStatus();
}

const std::vector<const AnalysisDefinition*>& AllAnalyses() {
  static const std::vector<const AnalysisDefinition*> all = {
      &CountDefinition(),          &CrosstabDefinition(), &SummaryDefinition(),       &GlmDefinition(),
      &KaplanMeierDefinition(),    &LogRankDefinition(),  &CoxDefinition(),           &RatesDefinition(),
      &LifeTableDefinition(),      &GwasDefinition(),     &DistinctCountDefinition(), &PsiDefinition(),
      &PhenotypeMatchDefinition(),
  };
  return all;
}

const AnalysisDefinition* FindAnalysis(const std::string& type) {
  for (const AnalysisDefinition* definition : AllAnalyses()) {
    if (definition->type == type) return definition;
  }
  return nullptr;
}

}  // namespace medfed::analysis
