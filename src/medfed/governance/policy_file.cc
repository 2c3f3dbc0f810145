#include "medfed/governance/policy_file.h"

#include <sstream>
#include <toml.hpp>

#include "medfed/core/file.h"

namespace medfed {
namespace {

std::string Where(const std::string& source, const toml::value& value) {
  return source + ":" + std::to_string(value.location().line());
}

StatusOr<double> NumberSetting(const std::string& source, const std::string& key,
                               const toml::value& value, double minimum) {
  double number;
  if (value.is_integer()) {
    number = static_cast<double>(value.as_integer());
  } else if (value.is_floating()) {
    number = value.as_floating();
  } else {
    return InvalidArgument(Where(source, value) + ": " + key + " must be a number");
  }
  if (number < minimum) {
    return InvalidArgument(Where(source, value) + ": " + key + " must be at least " +
                           std::to_string(static_cast<int>(minimum)));
  }
  return number;
}

}  // namespace

StatusOr<DisclosurePolicy> ParsePolicy(const std::string& text, const std::string& source) {
  toml::value document;
  try {
    std::istringstream stream(text);
    document = toml::parse(stream, source);
  } catch (const std::exception& error) {
    return InvalidArgument(std::string(error.what()));
  }
  DisclosurePolicy policy;
  for (const auto& [section, value] : document.as_table()) {
    if (section != "disclosure") {
      return InvalidArgument(Where(source, value) + ": unknown section [" + section +
                             "] in the site policy; known: [disclosure]");
    }
    if (!value.is_table()) {
      return InvalidArgument(Where(source, value) + ": [disclosure] must be a table");
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
      } else {
        return InvalidArgument(Where(source, setting) + ": unknown key \"" + key +
                               "\" in [disclosure]; known: min_rows, min_cell_count, "
                               "glm_max_parameter_fraction, rate_min_count, min_events, "
                               "time_resolution");
      }
    }
  }
  return policy;
}

StatusOr<DisclosurePolicy> LoadPolicyFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  return ParsePolicy(text, path);
}

}  // namespace medfed
