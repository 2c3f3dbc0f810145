// Shared helpers for the TOML files a site keeps (its policy, its de-identification policy):
// errors name the file and line.
#pragma once

#include <string>
#include <toml.hpp>

#include "medfed/core/status.h"

namespace medfed::governance {

// "policy.toml:12", for error messages about `value`.
std::string Where(const std::string& source, const toml::value& value);
// A number (integer or float) of at least `minimum`.
StatusOr<double> NumberSetting(const std::string& source, const std::string& key, const toml::value& value,
                               double minimum);
// Limits on a TOML file medfed reads (study, policy, daemon config). toml11 parses arrays and
// inline tables recursively and frees nested tables recursively, so nesting is checked before
// toml11 sees the text (docs/threat-model.md).
inline constexpr size_t kMaxTomlBytes = 4u << 20;
inline constexpr int kMaxTomlNesting = 32;  // brackets, braces and dotted-key levels

// Refuses text over kMaxTomlBytes or nested deeper than kMaxTomlNesting, naming the file and
// line; strings and comments are skipped, so brackets inside them do not count.
Status CheckTomlLimits(const std::string& text, const std::string& source);

// Parses TOML text after CheckTomlLimits; a syntax error names the file and line.
StatusOr<toml::value> ParseToml(const std::string& text, const std::string& source);

}  // namespace medfed::governance
