#include "medfed/governance/deid_policy_file.h"

#include "medfed/core/file.h"
#include "medfed/core/text.h"
#include "medfed/governance/toml_support.h"

namespace medfed::governance {
namespace {

constexpr privacy::IdentifierKind kAllKinds[] = {
    privacy::IdentifierKind::kResidentId, privacy::IdentifierKind::kMobilePhone,
    privacy::IdentifierKind::kLandline,   privacy::IdentifierKind::kEmail,
    privacy::IdentifierKind::kBankCard,   privacy::IdentifierKind::kPassport,
    privacy::IdentifierKind::kIpAddress,  privacy::IdentifierKind::kChineseName,
    privacy::IdentifierKind::kAddress,    privacy::IdentifierKind::kMedicalRecordNumber,
    privacy::IdentifierKind::kUniqueCode, privacy::IdentifierKind::kDate,
    privacy::IdentifierKind::kAge,        privacy::IdentifierKind::kSex,
    privacy::IdentifierKind::kPostalCode, privacy::IdentifierKind::kRegion,
    privacy::IdentifierKind::kEthnicity,  privacy::IdentifierKind::kOccupation,
    privacy::IdentifierKind::kDiagnosis,  privacy::IdentifierKind::kSpecialDisease};

std::string KindNames() {
  std::string names;
  for (privacy::IdentifierKind kind : kAllKinds)
    names += (names.empty() ? "" : ", ") + std::string(privacy::IdentifierKindName(kind));
  return names;
}

// A hierarchy file: value,level1,level2,... per line.
StatusOr<privacy::GeneralizationHierarchy> LoadHierarchy(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  std::map<std::string, std::vector<std::string>> rows;
  size_t width = 0, line_number = 0;
  for (const std::string& raw_line : SplitString(text, '\n')) {
    ++line_number;
    const std::string_view line = TrimWhitespace(raw_line);
    if (line.empty()) continue;
    std::vector<std::string> fields = SplitString(line, line.find(';') != std::string_view::npos ? ';' : ',');
    for (auto& field : fields) field = std::string(TrimWhitespace(field));
    if (fields.size() < 2) {
      return InvalidArgument(path + ":" + std::to_string(line_number) +
                             ": a hierarchy line needs the value and at least one generalization (value,level1,...)");
    }
    if (width == 0) width = fields.size();
    if (fields.size() != width) {
      return InvalidArgument(path + ":" + std::to_string(line_number) + ": " + std::to_string(fields.size()) +
                             " fields, but the first line has " + std::to_string(width) +
                             "; every value needs the same number of levels");
    }
    const std::string value = fields[0];
    fields.erase(fields.begin());
    if (!rows.emplace(value, fields).second) {
      return InvalidArgument(path + ":" + std::to_string(line_number) + ": the value " + QuoteForMessage(value) +
                             " appears twice");
    }
  }
  if (rows.empty()) return InvalidArgument(path + ": the hierarchy file is empty");
  return privacy::MappingHierarchy(path, std::move(rows));
}

StatusOr<privacy::DeidRule> ParseRule(const std::string& source, const std::string& key, const toml::value& value,
                                      std::string* hierarchy) {
  privacy::DeidRule rule;
  std::string action;
  if (value.is_string()) {
    action = value.as_string();
  } else if (value.is_table()) {
    for (const auto& [field, setting] : value.as_table()) {
      if (!setting.is_string())
        return InvalidArgument(Where(source, setting) + ": " + key + "." + field + " must be text in quotes");
      if (field == "action") {
        action = setting.as_string();
      } else if (field == "level") {
        rule.level = setting.as_string();
      } else if (field == "coarsest") {
        rule.coarsest = setting.as_string();
      } else if (field == "hierarchy" && hierarchy != nullptr) {
        *hierarchy = setting.as_string();
      } else {
        return InvalidArgument(Where(source, setting) + ": unknown field \"" + field + "\" for " + key +
                               "; known: action, level, coarsest" + (hierarchy != nullptr ? ", hierarchy" : ""));
      }
    }
  } else {
    return InvalidArgument(Where(source, value) + ": " + key +
                           R"( must be an action in quotes or { action = "generalize", level = "..." })");
  }
  const std::optional<privacy::DeidAction> parsed = privacy::ParseDeidAction(action);
  if (!parsed) {
    return InvalidArgument(Where(source, value) + ": " + key + ": unknown action " + QuoteForMessage(action) +
                           "; known: keep, drop, pseudonym, generalize, mask");
  }
  rule.action = *parsed;
  if ((!rule.level.empty() || !rule.coarsest.empty()) && rule.action != privacy::DeidAction::kGeneralize) {
    return InvalidArgument(Where(source, value) + ": " + key +
                           ": a level or coarsest level only applies to action \"generalize\"");
  }
  return rule;
}

}  // namespace

StatusOr<privacy::DeidPolicy> ParseDeidPolicy(const std::string& text, const std::string& source) {
  ASSIGN_OR_RETURN(toml::value document, ParseToml(text, source));
  privacy::DeidPolicy policy = privacy::DeidPolicy::Default();
  for (const auto& [key, value] : document.as_table()) {
    if (key == "k") {
      ASSIGN_OR_RETURN(double k, NumberSetting(source, key, value, 1));
      policy.k = static_cast<uint64_t>(k);
    } else if (key == "suppression_limit") {
      ASSIGN_OR_RETURN(double limit, NumberSetting(source, key, value, 0));
      if (limit > 1)
        return InvalidArgument(Where(source, value) + ": suppression_limit is a fraction of rows, at most 1");
      policy.suppression_limit = limit;
    } else if (key == "kinds" && value.is_table()) {
      for (const auto& [kind_name, setting] : value.as_table()) {
        const privacy::IdentifierKind* kind = nullptr;
        for (const privacy::IdentifierKind& candidate : kAllKinds) {
          if (kind_name == privacy::IdentifierKindName(candidate)) kind = &candidate;
        }
        if (kind == nullptr) {
          return InvalidArgument(Where(source, setting) + ": unknown kind \"" + kind_name +
                                 "\" in [kinds]; known: " + KindNames());
        }
        ASSIGN_OR_RETURN(policy.kinds[*kind], ParseRule(source, "kinds." + kind_name, setting, nullptr));
      }
    } else if (key == "columns" && value.is_table()) {
      for (const auto& [column, setting] : value.as_table()) {
        std::string hierarchy;
        ASSIGN_OR_RETURN(policy.columns[column], ParseRule(source, "columns." + column, setting, &hierarchy));
        if (!hierarchy.empty()) {
          ASSIGN_OR_RETURN(privacy::GeneralizationHierarchy loaded,
                           LoadHierarchy(ResolveRelativeTo(source, hierarchy)));
          policy.hierarchies.insert_or_assign(column, std::move(loaded));
        }
      }
    } else {
      return InvalidArgument(Where(source, value) + ": unknown setting \"" + key +
                             "\" in the de-identification policy; known: k, suppression_limit, [kinds], [columns]");
    }
  }
  return policy;
}

StatusOr<privacy::DeidPolicy> LoadDeidPolicyFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  return ParseDeidPolicy(text, path);
}

}  // namespace medfed::governance
