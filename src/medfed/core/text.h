// Small string utilities and number formatting shared by every module.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace medfed {

std::string_view TrimWhitespace(std::string_view text);
std::vector<std::string> SplitString(std::string_view text, char separator);
std::string JoinStrings(const std::vector<std::string>& parts, std::string_view separator);
bool StartsWith(std::string_view text, std::string_view prefix);
bool EndsWith(std::string_view text, std::string_view suffix);
std::string ToLowerAscii(std::string_view text);

// `value` with `digits` significant digits, trailing zeros removed, as R prints a number
// ("0.3225", "1.2e-05", "911"). NaN prints as "NA", infinities as "Inf"/"-Inf".
std::string FormatSignificant(double value, int digits);

// A p-value as R's format.pval does for summary tables: "< 2e-16" below machine precision.
std::string FormatPValue(double p_value);

// Shortest text that reads back to exactly `value` (round-trip), used in files and TSVs.
std::string FormatRoundTrip(double value);

// Quotes `text` for an error message: "\"value\"", with control characters escaped and long
// values shortened.
std::string QuoteForMessage(std::string_view text);

// The name in `names` closest to `word` by edit distance (Levenshtein, on bytes), if it is close
// enough to be a likely typo (at most a third of the word's length, and at least one edit
// allowed); empty otherwise. For "did you mean ...?" in messages.
std::string NearestName(std::string_view word, const std::vector<std::string>& names);

}  // namespace medfed
