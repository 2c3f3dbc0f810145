// Shared helpers for the TOML files a site keeps (its policy, its de-identification policy):
// errors name the file and line.
#pragma once

#include <string>
#include <toml.hpp>

#include "medfed/core/status.h"

namespace medfed {

// "policy.toml:12", for error messages about `value`.
std::string Where(const std::string& source, const toml::value& value);
// A number (integer or float) of at least `minimum`.
StatusOr<double> NumberSetting(const std::string& source, const std::string& key, const toml::value& value,
                               double minimum);
// Parses TOML text; a syntax error names the file and line.
StatusOr<toml::value> ParseToml(const std::string& text, const std::string& source);

}  // namespace medfed
