#include "medfed/governance/policy_file.h"

#include <set>
#include <sstream>
#include <toml.hpp>

#include "medfed/core/file.h"
#include "medfed/governance/toml_support.h"

namespace medfed::governance {
namespace {

StatusOr<std::set<std::string>> NameList(const std::string& source, const std::string& key, const toml::value& value) {
  if (!value.is_array()) return InvalidArgument(Where(source, value) + ": " + key + " must be a list of names");
  std::set<std::string> names;
  for (const auto& item : value.as_array()) {
    if (!item.is_string()) return InvalidArgument(Where(source, item) + ": " + key + " must list names in quotes");
    names.insert(item.as_string());
  }
  return names;
}

Status ParseAccess(const std::string& source, const toml::value& section, privacy::AccessPolicy& access) {
  for (const auto& [key, setting] : section.as_table()) {
    if (key == "researchers") {
      ASSIGN_OR_RETURN(access.researchers, NameList(source, key, setting));
    } else if (key == "analyses") {
      ASSIGN_OR_RETURN(access.analyses, NameList(source, key, setting));
    } else if (key == "tables") {
      ASSIGN_OR_RETURN(access.tables, NameList(source, key, setting));
    } else if (key == "columns") {
      if (!setting.is_table()) {
        return InvalidArgument(Where(source, setting) + R"(: columns must be a table: columns.TABLE = ["a", "b"])");
      }
      for (const auto& [table, list] : setting.as_table()) {
        ASSIGN_OR_RETURN(access.columns[table], NameList(source, "columns." + table, list));
      }
    } else if (key == "approval") {
      if (!setting.is_string() || (setting.as_string() != "manual" && setting.as_string() != "automatic")) {
        return InvalidArgument(Where(source, setting) + R"(: approval must be "manual" or "automatic")");
      }
      access.manual_approval = setting.as_string() == "manual";
    } else if (key == "max_grade") {
      if (!setting.is_integer() || setting.as_integer() < 1 || setting.as_integer() > 5) {
        return InvalidArgument(Where(source, setting) +
                               ": max_grade must be a whole number from 1 to 5 (GB/T 39725 grades)");
      }
      access.max_grade = static_cast<int>(setting.as_integer());
    } else {
      return InvalidArgument(Where(source, setting) + ": unknown key \"" + key +
                             "\" in [access]; known: researchers, analyses, tables, columns, approval, max_grade");
    }
  }
  return absl::OkStatus();
}

// [privacy]: the budget each researcher may spend here, as (epsilon, delta).
Status ParsePrivacyBudget(const std::string& source, const toml::value& section, privacy::PrivacyTarget& budget) {
  for (const auto& [key, setting] : section.as_table()) {
    if (key == "epsilon") {
      ASSIGN_OR_RETURN(budget.epsilon, NumberSetting(source, key, setting, 0));
    } else if (key == "delta") {
      ASSIGN_OR_RETURN(budget.delta, NumberSetting(source, key, setting, 0));
    } else {
      return InvalidArgument(Where(source, setting) + ": unknown key \"" + key +
                             "\" in [privacy]; known: epsilon, delta (each researcher's budget at this site)");
    }
  }
  Status valid = privacy::ValidatePrivacyTarget(budget);
  if (!valid.ok())
    return InvalidArgument(Where(source, section) + ": [privacy] budget: " + std::string(valid.message()));
  return absl::OkStatus();
}

}  // namespace

StatusOr<privacy::SitePolicy> ParsePolicy(const std::string& text, const std::string& source) {
  ASSIGN_OR_RETURN(toml::value document, ParseToml(text, source));
  privacy::SitePolicy site_policy;
  privacy::DisclosurePolicy& policy = site_policy.disclosure;
  for (const auto& [section, value] : document.as_table()) {
    if (section != "disclosure" && section != "access" && section != "privacy") {
      return InvalidArgument(Where(source, value) + ": unknown section [" + section +
                             "] in the site policy; known: [disclosure], [access], [privacy]");
    }
    if (!value.is_table()) {
      return InvalidArgument(Where(source, value) + ": [" + section + "] must be a table");
    }
    if (section == "access") {
      RETURN_IF_ERROR(ParseAccess(source, value, site_policy.access));
      continue;
    }
    if (section == "privacy") {
      RETURN_IF_ERROR(ParsePrivacyBudget(source, value, site_policy.privacy_budget));
      continue;
    }
    for (const auto& [key, setting] : value.as_table()) {
      if (key == "min_rows") {
        ASSIGN_OR_RETURN(double v, NumberSetting(source, key, setting, 1));
        policy.min_rows = static_cast<int>(v);
      } else if (key == "min_cell_count") {
        ASSIGN_OR_RETURN(double v, NumberSetting(source, key, setting, 1));
        policy.min_cell_count = static_cast<int>(v);
      } else if (key == "glm_max_parameter_fraction") {
        ASSIGN_OR_RETURN(double v, NumberSetting(source, key, setting, 0));
        policy.glm_max_parameter_fraction = v;
      } else if (key == "rate_min_count") {
        ASSIGN_OR_RETURN(double v, NumberSetting(source, key, setting, 1));
        policy.rate_min_count = static_cast<int>(v);
      } else if (key == "min_events") {
        ASSIGN_OR_RETURN(double v, NumberSetting(source, key, setting, 0));
        policy.min_events = static_cast<int>(v);
      } else if (key == "time_resolution") {
        ASSIGN_OR_RETURN(double v, NumberSetting(source, key, setting, 0));
        policy.time_resolution = v;
      } else if (key == "dominance_n") {
        ASSIGN_OR_RETURN(double v, NumberSetting(source, key, setting, 0));
        policy.dominance.n = static_cast<int>(v);
      } else if (key == "dominance_k") {
        ASSIGN_OR_RETURN(double v, NumberSetting(source, key, setting, 0));
        if (!(v > 0 && v <= 1)) {
          return InvalidArgument(Where(source, setting) +
                                 ": dominance_k is a fraction of the total, above 0 and at most 1 (0.85 is 85%)");
        }
        policy.dominance.k = v;
      } else {
        return InvalidArgument(Where(source, setting) + ": unknown key \"" + key +
                               "\" in [disclosure]; known: min_rows, min_cell_count, "
                               "glm_max_parameter_fraction, rate_min_count, min_events, "
                               "time_resolution, dominance_n, dominance_k");
      }
    }
  }
  return site_policy;
}

StatusOr<privacy::SitePolicy> LoadPolicyFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  return ParsePolicy(text, path);
}

}  // namespace medfed::governance
