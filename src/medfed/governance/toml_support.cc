#include "medfed/governance/toml_support.h"

#include <sstream>

namespace medfed {

std::string Where(const std::string& source, const toml::value& value) {
  return source + ":" + std::to_string(value.location().line());
}

StatusOr<double> NumberSetting(const std::string& source, const std::string& key, const toml::value& value,
                               double minimum) {
  double number;
  if (value.is_integer()) {
    number = static_cast<double>(value.as_integer());
  } else if (value.is_floating()) {
    number = value.as_floating();
  } else {
    return InvalidArgument(Where(source, value) + ": " + key + " must be a number");
  }
  if (number < minimum) {
    return InvalidArgument(Where(source, value) + ": " + key + " must be at least " + std::to_string(static_cast<int>(minimum)));
  }
  return number;
}

StatusOr<toml::value> ParseToml(const std::string& text, const std::string& source) {
  try {
    std::istringstream stream(text);
    return toml::parse(stream, source);
  } catch (const std::exception& error) {
    return InvalidArgument(std::string(error.what()));
  }
}

}  // namespace medfed
