#include "medfed/federation/study_file.h"

#include <filesystem>
#include <set>
#include <sstream>
#include <toml.hpp>

#include "medfed/analysis/engine/registry.h"
#include "medfed/core/file.h"
#include "medfed/core/text.h"
#include "medfed/crypto/dropout_tolerant_masking.h"
#include "medfed/crypto/sodium.h"
#include "medfed/governance/toml_support.h"

namespace medfed::federation {
namespace {

class StudyParser {
 public:
  StudyParser(std::string path) : path_(std::move(path)) {}

  StatusOr<StudyFile> Parse(const std::string& text) {
    auto parsed = governance::ParseToml(text, path_);
    if (!parsed.ok()) {
      return InvalidArgument(std::string(parsed.status().message()) +
                             "\n(the study file is not valid TOML; see docs/study-file.md)");
    }
    const toml::value document = *std::move(parsed);
    StudyFile study;
    study.path = path_;
    for (const auto& [key, value] : document.as_table()) {
      if (key != "study" && key != "sites" && key != "analyses") {
        return Error(value,
                     "unknown top-level key \"" + key + "\"; a study file has [study], [[sites]] and [[analyses]]");
      }
    }
    if (!document.contains("study") || !document.at("study").is_table()) {
      return InvalidArgument(path_ + ": missing [study] section with name = \"...\"");
    }
    const toml::value& header = document.at("study");
    for (const auto& [key, value] : header.as_table()) {
      if (key != "name" && key != "description" && key != "on_dropout" && key != "dropout_threshold") {
        return Error(value,
                     "unknown key \"" + key + "\" in [study]; known: name, description, on_dropout, dropout_threshold");
      }
    }
    ASSIGN_OR_RETURN(study.name, RequiredString(header, "name", "[study]"));
    if (header.contains("on_dropout")) {
      const toml::value& value = header.at("on_dropout");
      if (!value.is_string() || (value.as_string() != "abort" && value.as_string() != "continue")) {
        return Error(value,
                     "on_dropout must be \"abort\" (a site that stops answering stops the study) or "
                     "\"continue\" (the study carries on without it; docs/study-file.md)");
      }
      study.on_dropout = value.as_string();
    }

    if (!document.contains("sites") || !document.at("sites").is_array() || document.at("sites").as_array().empty()) {
      return InvalidArgument(path_ + ": no [[sites]]; list at least one site with name and tables");
    }
    std::set<std::string> site_names;
    for (const auto& entry : document.at("sites").as_array()) {
      ASSIGN_OR_RETURN(SiteConfig site, ParseSite(entry));
      if (!site_names.insert(site.name).second) {
        return Error(entry, "site \"" + site.name + "\" is listed twice");
      }
      study.sites.push_back(std::move(site));
    }

    if (!document.contains("analyses") || !document.at("analyses").is_array() ||
        document.at("analyses").as_array().empty()) {
      return InvalidArgument(path_ + ": no [[analyses]]; add at least one, e.g. type = \"count\"");
    }
    std::set<std::string> ids;
    size_t position = 0;
    for (const auto& entry : document.at("analyses").as_array()) {
      ++position;
      ASSIGN_OR_RETURN(analysis::AnalysisSpec spec, ParseAnalysis(entry, position));
      if (!ids.insert(spec.id()).second) {
        return Error(entry, "analysis id \"" + spec.id() + "\" is used twice; ids must be unique");
      }
      study.analyses.push_back(std::move(spec));
    }
    if (header.contains("dropout_threshold")) {
      const toml::value& value = header.at("dropout_threshold");
      const auto sites = static_cast<int64_t>(study.sites.size());
      const int64_t majority = crypto::MinimumDropoutThreshold(static_cast<int>(sites));
      if (study.on_dropout != "continue") {
        return Error(value, "dropout_threshold applies only with on_dropout = \"continue\"");
      }
      if (!value.is_integer() || value.as_integer() < majority || value.as_integer() > sites) {
        return Error(value, "dropout_threshold must be a whole number from " + std::to_string(majority) +
                                " (a majority of the " + std::to_string(sites) + " sites) to " + std::to_string(sites) +
                                "; leave it out for two thirds");
      }
      study.dropout_threshold = static_cast<int>(value.as_integer());
    }
    study.references = std::move(references_);
    return study;
  }

 private:
  Status Error(const toml::value& value, const std::string& message) const {
    return InvalidArgument(path_ + ":" + std::to_string(value.location().line()) + ": " + message);
  }

  StatusOr<std::string> RequiredString(const toml::value& table, const std::string& key,
                                       const std::string& where) const {
    if (!table.contains(key)) {
      return Error(table, where + " needs " + key + " = \"...\"");
    }
    const toml::value& value = table.at(key);
    if (!value.is_string()) return Error(value, key + " must be a string");
    return std::string(value.as_string());
  }

  StatusOr<std::map<std::string, std::string>> PathTable(const toml::value& value, const std::string& key) const {
    if (!value.is_table()) {
      return Error(value, key + " must map names to files, e.g. " + key + ".colon = \"colon.csv\"");
    }
    std::map<std::string, std::string> paths;
    for (const auto& [name, file] : value.as_table()) {
      if (!file.is_string()) return Error(file, key + "." + name + " must be a file path string");
      paths[name] = ResolveRelativeTo(path_, file.as_string());
    }
    return paths;
  }

  StatusOr<SiteConfig> ParseSite(const toml::value& entry) const {
    if (!entry.is_table()) return Error(entry, "each [[sites]] entry must be a table");
    SiteConfig site;
    ASSIGN_OR_RETURN(site.name, RequiredString(entry, "name", "[[sites]]"));
    for (const auto& [key, value] : entry.as_table()) {
      if (key == "name") continue;
      if (key == "tables") {
        ASSIGN_OR_RETURN(site.tables, PathTable(value, "tables"));
      } else if (key == "genotypes") {
        ASSIGN_OR_RETURN(site.genotypes, PathTable(value, "genotypes"));
      } else if (key == "policy") {
        if (!value.is_string()) return Error(value, "policy must be a file path string");
        site.policy_path = ResolveRelativeTo(path_, value.as_string());
      } else if (key == "address") {
        if (!value.is_string()) return Error(value, "address must be \"host:port\"");
        site.address = value.as_string();
      } else if (key == "state") {
        if (!value.is_string()) return Error(value, "state must be a directory path string");
        site.state_directory = ResolveRelativeTo(path_, value.as_string());
      } else {
        return Error(value, "unknown key \"" + key + "\" in [[sites]] \"" + site.name +
                                "\"; known: name, tables, genotypes, policy, address, state");
      }
    }
    return site;
  }

  // A reference key: "sha256:HEX" as it is, or a file's path, read (bounded), hashed and carried.
  StatusOr<analysis::Json> Reference(const toml::value& value, const analysis::KeySpec& key) {
    if (!value.is_string()) {
      return Error(value, key.name + R"( must be a file's path or "sha256:" and the file's 64-hex-digit SHA-256)");
    }
    const std::string text = value.as_string();
    if (auto digest = analysis::ReferenceDigest(text)) return analysis::Json(analysis::ReferenceKeyValue(*digest));
    if (text.rfind("sha256:", 0) == 0) {
      return Error(value, key.name + " = \"" + text.substr(0, 80) +
                              R"(" is not "sha256:" and 64 hex digits (a SHA-256, as sha256sum prints it))");
    }
    auto carried = CarryReferenceFile(ResolveRelativeTo(path_, text), references_);
    if (!carried.ok()) return Error(value, key.name + ": " + std::string(carried.status().message()));
    return analysis::Json(*std::move(carried));
  }

  StatusOr<analysis::Json> ToJson(const toml::value& value, const analysis::KeySpec& key) {
    auto kind_error = [&](const std::string& expected) { return Error(value, key.name + " must be " + expected); };
    switch (key.kind) {
      case analysis::KeyKind::kString:
        if (!value.is_string()) return kind_error("a string");
        return analysis::Json(std::string(value.as_string()));
      case analysis::KeyKind::kReference:
        return Reference(value, key);
      case analysis::KeyKind::kBoolean:
        if (!value.is_boolean()) return kind_error("true or false");
        return analysis::Json(value.as_boolean());
      case analysis::KeyKind::kNumber:
        if (value.is_integer()) return analysis::Json(static_cast<double>(value.as_integer()));
        if (value.is_floating()) return analysis::Json(value.as_floating());
        return kind_error("a number");
      case analysis::KeyKind::kStringList: {
        if (value.is_string()) return analysis::Json::array({std::string(value.as_string())});
        if (!value.is_array()) return kind_error(R"(a list of strings, e.g. ["age", "nodes"])");
        analysis::Json list = analysis::Json::array();
        for (const auto& item : value.as_array()) {
          if (!item.is_string()) return kind_error("a list of strings");
          list.push_back(std::string(item.as_string()));
        }
        return list;
      }
      case analysis::KeyKind::kNumberList: {
        if (!value.is_array()) return kind_error("a list of numbers, e.g. [365, 730]");
        analysis::Json list = analysis::Json::array();
        for (const auto& item : value.as_array()) {
          if (item.is_integer()) {
            list.push_back(static_cast<double>(item.as_integer()));
          } else if (item.is_floating()) {
            list.push_back(item.as_floating());
          } else {
            return kind_error("a list of numbers");
          }
        }
        return list;
      }
      case analysis::KeyKind::kTable: {
        if (!value.is_table()) return kind_error("a table of numbers, e.g. { epsilon = 1.0, delta = 1e-6 }");
        analysis::Json table = analysis::Json::object();
        for (const auto& [name, item] : value.as_table()) {
          if (item.is_integer()) {
            table[name] = static_cast<double>(item.as_integer());
          } else if (item.is_floating()) {
            table[name] = item.as_floating();
          } else if (item.is_array()) {
            analysis::KeySpec list_key{key.name + "." + name, analysis::KeyKind::kNumberList, false, ""};
            ASSIGN_OR_RETURN(table[name], ToJson(item, list_key));
          } else {
            return Error(item, key.name + "." + name + " must be a number or a list of numbers");
          }
        }
        return table;
      }
    }
    return kind_error("a value");
  }

  StatusOr<analysis::AnalysisSpec> ParseAnalysis(const toml::value& entry, size_t position) {
    if (!entry.is_table()) return Error(entry, "each [[analyses]] entry must be a table");
    ASSIGN_OR_RETURN(std::string type, RequiredString(entry, "type", "[[analyses]]"));
    const analysis::AnalysisDefinition* definition = analysis::FindAnalysis(type);
    if (definition == nullptr) {
      std::vector<std::string> known;
      for (const auto* known_definition : analysis::AllAnalyses()) known.push_back(known_definition->type);
      return Error(entry.at("type"),
                   "unknown analysis type \"" + type + "\"; known types: " + JoinStrings(known, ", "));
    }
    std::string id = std::to_string(position);
    if (entry.contains("id")) {
      if (!entry.at("id").is_string()) return Error(entry.at("id"), "id must be a string");
      id = entry.at("id").as_string();
    }
    analysis::Json keys = analysis::Json::object();
    std::vector<std::string> allowed = {"id", "type"};
    for (const auto& key : definition->keys) allowed.push_back(key.name);
    for (const auto& [name, value] : entry.as_table()) {
      if (name == "id" || name == "type") continue;
      const analysis::KeySpec* key = nullptr;
      for (const auto& candidate : definition->keys) {
        if (candidate.name == name) key = &candidate;
      }
      if (key == nullptr && name == "privacy") {
        return Error(value, std::string(analysis::DifferentialPrivacyUnavailable(type).message()));
      }
      if (key == nullptr) {
        return Error(
            value, "unknown key \"" + name + "\" for a " + type + " analysis; allowed: " + JoinStrings(allowed, ", "));
      }
      ASSIGN_OR_RETURN(keys[name], ToJson(value, *key));
    }
    for (const auto& key : definition->keys) {
      if (key.required && !keys.contains(key.name)) {
        return Error(entry, "analysis \"" + id + "\" (" + type + ") needs " + key.name + " (" + key.help + ")");
      }
    }
    analysis::AnalysisSpec spec(id, type, std::move(keys));
    Status valid = analysis::ValidateAnalysis(*definition, spec);
    if (!valid.ok()) return Error(entry, spec.Describe() + ": " + std::string(valid.message()));
    return spec;
  }

  std::string path_;
  std::vector<analysis::ReferenceFile> references_;
};

}  // namespace

StatusOr<StudyFile> ParseStudyFile(const std::string& text, const std::string& path) {
  StudyParser parser(path);
  return parser.Parse(text);
}

StatusOr<std::string> CarryReferenceFile(const std::string& path, std::vector<analysis::ReferenceFile>& references) {
  std::error_code error;
  if (std::filesystem::exists(path, error) && !std::filesystem::is_regular_file(path, error)) {
    return InvalidArgument(path + " is not a regular file");  // a FIFO, a device
  }
  ASSIGN_OR_RETURN(std::string content, ReadFileToString(path, analysis::kMaxReferenceFileBytes));
  const std::string digest = crypto::Sha256Hex(content);
  bool known = false;
  for (const auto& file : references) known = known || file.sha256 == digest;
  if (!known) {
    references.push_back({std::filesystem::path(path).filename().string(), digest,
                          std::make_shared<const std::string>(std::move(content))});
  }
  return analysis::ReferenceKeyValue(digest);
}

StatusOr<StudyFile> LoadStudyFile(const std::string& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) {
    return NotFound("cannot read study file " + path + ": " + std::string(text.status().message()));
  }
  return ParseStudyFile(*text, path);
}

}  // namespace medfed::federation
