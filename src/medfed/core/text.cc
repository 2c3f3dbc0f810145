#include "medfed/core/text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace medfed {

std::string_view TrimWhitespace(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && (text[begin] == ' ' || text[begin] == '\t' || text[begin] == '\r' || text[begin] == '\n')) {
    ++begin;
  }
  while (end > begin &&
         (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\r' || text[end - 1] == '\n')) {
    --end;
  }
  return text.substr(begin, end - begin);
}

std::vector<std::string> SplitString(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t position = text.find(separator, start);
    if (position == std::string_view::npos) {
      parts.emplace_back(text.substr(start));
      return parts;
    }
    parts.emplace_back(text.substr(start, position - start));
    start = position + 1;
  }
}

std::string JoinStrings(const std::vector<std::string>& parts, std::string_view separator) {
  std::string joined;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) joined.append(separator);
    joined.append(parts[i]);
  }
  return joined;
}

bool StartsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string ToLowerAscii(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

std::string FormatSignificant(double value, int digits) {
  if (std::isnan(value)) return "NA";
  if (std::isinf(value)) return value > 0 ? "Inf" : "-Inf";
  if (value == 0) return "0";
  char buffer[64];
  double magnitude = std::fabs(value);
  if (magnitude >= 1e15 || magnitude < 1e-4) {
    std::snprintf(buffer, sizeof(buffer), "%.*e", digits - 1, value);
    std::string text(buffer);
    // Strip trailing zeros of the mantissa: 1.200e-05 -> 1.2e-05.
    size_t exponent = text.find('e');
    std::string mantissa = text.substr(0, exponent);
    if (mantissa.find('.') != std::string::npos) {
      while (mantissa.back() == '0') mantissa.pop_back();
      if (mantissa.back() == '.') mantissa.pop_back();
    }
    return mantissa + text.substr(exponent);
  }
  int integer_digits = static_cast<int>(std::floor(std::log10(magnitude))) + 1;
  int decimals = std::max(0, digits - integer_digits);
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  std::string text(buffer);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (text == "-0") return "0";
  return text;
}

std::string FormatPValue(double p_value) {
  if (std::isnan(p_value)) return "NA";
  const double epsilon = std::numeric_limits<double>::epsilon();
  if (p_value < epsilon) return "< 2e-16";
  return FormatSignificant(p_value, 3);
}

std::string FormatRoundTrip(double value) {
  if (std::isnan(value)) return "NA";
  if (std::isinf(value)) return value > 0 ? "Inf" : "-Inf";
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

std::string QuoteForMessage(std::string_view text) {
  constexpr size_t kMaxShown = 60;
  std::string quoted = "\"";
  size_t shown = 0;
  for (char c : text) {
    if (shown == kMaxShown) {
      quoted += "...";
      break;
    }
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (byte < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof(escape), "\\x%02x", byte);
      quoted += escape;
    } else {
      quoted += c;
    }
    ++shown;
  }
  quoted += '"';
  return quoted;
}

std::string NearestName(std::string_view word, const std::vector<std::string>& names) {
  // Optimal string alignment distance (Levenshtein plus adjacent transpositions, Damerau 1964):
  // "rnu" is one edit from "run". Words past 64 bytes are no typo of a name.
  if (word.empty() || word.size() > 64) return "";
  const size_t allowed = std::max<size_t>(1, word.size() / 3);
  std::string nearest;
  size_t best = allowed + 1;
  for (const std::string& name : names) {
    if (name.size() > 64) continue;
    std::vector<std::vector<size_t>> d(word.size() + 1, std::vector<size_t>(name.size() + 1));
    for (size_t i = 0; i <= word.size(); ++i) d[i][0] = i;
    for (size_t j = 0; j <= name.size(); ++j) d[0][j] = j;
    for (size_t i = 1; i <= word.size(); ++i) {
      for (size_t j = 1; j <= name.size(); ++j) {
        const size_t cost = word[i - 1] == name[j - 1] ? 0 : 1;
        d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
        if (i > 1 && j > 1 && word[i - 1] == name[j - 2] && word[i - 2] == name[j - 1]) {
          d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    if (d[word.size()][name.size()] < best) {
      best = d[word.size()][name.size()];
      nearest = name;
    }
  }
  return nearest;
}

}  // namespace medfed
