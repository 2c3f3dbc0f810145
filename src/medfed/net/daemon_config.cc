#include "medfed/net/daemon_config.h"

#include <sstream>
#include <toml.hpp>

#include "medfed/core/file.h"
#include "medfed/governance/toml_support.h"

namespace medfed::net {
namespace {

StatusOr<toml::value> ParseTomlFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  return governance::ParseToml(text, path);
}

// The one section a daemon's file has.
StatusOr<toml::value> Section(const std::string& path, const toml::value& document, const std::string& name) {
  for (const auto& [section, value] : document.as_table()) {
    if (section != name) {
      return InvalidArgument(governance::Where(path, value) + ": unknown section [" + section + "]; the file has [" +
                             name + "]");
    }
  }
  if (!document.contains(name) || !document.at(name).is_table()) {
    return InvalidArgument(path + ": needs a [" + name + "] section");
  }
  return document.at(name);
}

StatusOr<std::string> Text(const std::string& path, const std::string& key, const toml::value& value) {
  if (!value.is_string()) return InvalidArgument(governance::Where(path, value) + ": " + key + " must be a string");
  return value.as_string();
}

StatusOr<int> Whole(const std::string& path, const std::string& key, const toml::value& value, int minimum) {
  if (!value.is_integer() || value.as_integer() < minimum) {
    return InvalidArgument(governance::Where(path, value) + ": " + key + " must be a whole number of at least " +
                           std::to_string(minimum));
  }
  return static_cast<int>(value.as_integer());
}

Status Require(const std::string& path, const std::string& section, const std::string& key, const std::string& value) {
  if (value.empty()) return InvalidArgument(path + ": [" + section + "] needs " + key);
  return absl::OkStatus();
}

}  // namespace

StatusOr<HubConfig> LoadHubConfig(const std::string& path) {
  ASSIGN_OR_RETURN(toml::value document, ParseTomlFile(path));
  ASSIGN_OR_RETURN(toml::value section, Section(path, document, "hub"));
  HubConfig config;
  config.path = path;
  for (const auto& [key, value] : section.as_table()) {
    if (key == "listen") {
      ASSIGN_OR_RETURN(config.listen, Text(path, key, value));
    } else if (key == "identity") {
      ASSIGN_OR_RETURN(std::string text, Text(path, key, value));
      config.identity = ResolveRelativeTo(path, text);
    } else if (key == "state" || key == "references") {
      ASSIGN_OR_RETURN(std::string text, Text(path, key, value));
      (key == "state" ? config.state : config.references) = ResolveRelativeTo(path, text);
    } else if (key == "round_timeout_seconds") {
      ASSIGN_OR_RETURN(config.round_timeout_seconds, Whole(path, key, value, 1));
    } else if (key == "max_message_mb") {
      ASSIGN_OR_RETURN(config.max_message_mb, Whole(path, key, value, 1));
    } else if (key == "max_concurrent_studies") {
      ASSIGN_OR_RETURN(config.max_concurrent_studies, Whole(path, key, value, 1));
    } else {
      return InvalidArgument(governance::Where(path, value) + ": unknown key \"" + key +
                             "\" in [hub]; known: listen, identity, state, references, round_timeout_seconds, "
                             "max_message_mb, max_concurrent_studies");
    }
  }
  RETURN_IF_ERROR(Require(path, "hub", "identity", config.identity));
  RETURN_IF_ERROR(Require(path, "hub", "state", config.state));
  return config;
}

StatusOr<SiteDaemonConfig> LoadSiteConfig(const std::string& path) {
  ASSIGN_OR_RETURN(toml::value document, ParseTomlFile(path));
  ASSIGN_OR_RETURN(toml::value section, Section(path, document, "site"));
  SiteDaemonConfig config;
  config.path = path;
  for (const auto& [key, value] : section.as_table()) {
    if (key == "name") {
      ASSIGN_OR_RETURN(config.name, Text(path, key, value));
    } else if (key == "hub") {
      ASSIGN_OR_RETURN(config.hub, Text(path, key, value));
    } else if (key == "identity" || key == "state" || key == "policy" || key == "references") {
      ASSIGN_OR_RETURN(std::string text, Text(path, key, value));
      (key == "identity" ? config.identity
       : key == "state"  ? config.state
       : key == "policy" ? config.policy
                         : config.references) = ResolveRelativeTo(path, text);
    } else if (key == "tables" || key == "genotypes") {
      if (!value.is_table())
        return InvalidArgument(governance::Where(path, value) + ": " + key + " must be a table of paths");
      for (const auto& [name, file] : value.as_table()) {
        ASSIGN_OR_RETURN(std::string text, Text(path, key + "." + name, file));
        (key == "tables" ? config.tables : config.genotypes)[name] = ResolveRelativeTo(path, text);
      }
    } else if (key == "diagnoses") {
      if (!value.is_table()) {
        return InvalidArgument(governance::Where(path, value) +
                               ": diagnoses must be a table of column names (diagnoses.patients = \"disease\")");
      }
      for (const auto& [name, column] : value.as_table()) {
        ASSIGN_OR_RETURN(config.diagnoses[name], Text(path, key + "." + name, column));
      }
    } else if (key == "contact") {
      ASSIGN_OR_RETURN(config.contact, Text(path, key, value));
    } else if (key == "max_message_mb") {
      ASSIGN_OR_RETURN(config.max_message_mb, Whole(path, key, value, 1));
    } else {
      return InvalidArgument(governance::Where(path, value) + ": unknown key \"" + key +
                             "\" in [site]; known: name, hub, identity, state, policy, tables, genotypes, "
                             "references, max_message_mb, contact, diagnoses");
    }
  }
  RETURN_IF_ERROR(Require(path, "site", "name", config.name));
  RETURN_IF_ERROR(Require(path, "site", "hub", config.hub));
  RETURN_IF_ERROR(Require(path, "site", "identity", config.identity));
  RETURN_IF_ERROR(Require(path, "site", "state", config.state));
  for (const auto& [table, column] : config.diagnoses) {
    if (!config.tables.count(table)) {
      return InvalidArgument(path + ": diagnoses." + table + " names a table the site does not have (tables." + table +
                             ")");
    }
  }
  return config;
}

}  // namespace medfed::net
