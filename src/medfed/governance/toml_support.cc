#include "medfed/governance/toml_support.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "medfed/core/utf8.h"

namespace medfed::governance {

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
    return InvalidArgument(Where(source, value) + ": " + key + " must be at least " +
                           std::to_string(static_cast<int>(minimum)));
  }
  return number;
}

namespace {

// "source:LINE" for the byte at `offset`.
std::string LineOf(const std::string& text, size_t offset, const std::string& source) {
  return source + ":" + std::to_string(1 + std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

// Scans TOML text for nesting without parsing it. Each open bracket or brace remembers how many
// levels its key had added (`a.b.c = [` adds three), so the running total is the depth of the
// value being written.
class TomlNestingScanner {
 public:
  TomlNestingScanner(const std::string& text, const std::string& source) : text_(text), source_(source) {}

  Status Scan() {
    const size_t n = text_.size();
    size_t i = 0;
    bool at_line_start = true;
    while (i < n) {
      const char c = text_[i];
      if (c == '\n') {
        ++line_;
        if (open_.empty()) {
          key_dots_ = 0;
          in_key_ = true;
        }
        at_line_start = true;
        ++i;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r') {
        ++i;
        continue;
      }
      if (c == '#') {
        while (i < n && text_[i] != '\n') ++i;
        continue;
      }
      if (c == '"' || c == '\'') {
        RETURN_IF_ERROR(SkipString(i));
        at_line_start = false;
        continue;
      }
      if (at_line_start && open_.empty() && c == '[') {
        // A table header [a.b] or [[a.b]]: its dotted levels are the base for the keys below.
        size_t end = i;
        while (end < n && text_[end] == '[') ++end;
        base_ = 0;
        size_t k = end;
        while (k < n && text_[k] != '\n' && text_[k] != ']') {
          if (text_[k] == '"' || text_[k] == '\'') {
            RETURN_IF_ERROR(SkipString(k));
            continue;
          }
          if (text_[k] == '.') ++base_;
          ++k;
        }
        base_ += 1 + (end - i);
        RETURN_IF_ERROR(Check(base_));
        i = k;
        at_line_start = false;
        in_key_ = false;
        continue;
      }
      at_line_start = false;
      if (c == '[' || c == '{') {
        open_.push_back({c, key_dots_ + 1});
        nesting_ += key_dots_ + 1;
        key_dots_ = 0;
        in_key_ = c == '{';
        RETURN_IF_ERROR(Check(base_ + nesting_));
      } else if (c == ']' || c == '}') {
        if (!open_.empty()) {
          nesting_ -= open_.back().levels;
          open_.pop_back();
        }
        key_dots_ = 0;
        in_key_ = false;
      } else if (c == '=') {
        in_key_ = false;
      } else if (c == ',') {
        key_dots_ = 0;
        in_key_ = !open_.empty() && open_.back().bracket == '{';
      } else if (c == '.' && in_key_) {
        ++key_dots_;
        RETURN_IF_ERROR(Check(base_ + nesting_ + key_dots_));
      }
      ++i;
    }
    return absl::OkStatus();
  }

 private:
  struct Open {
    char bracket;
    int levels;
  };

  Status Check(int depth) const {
    if (depth <= kMaxTomlNesting) return absl::OkStatus();
    return InvalidArgument(source_ + ":" + std::to_string(line_) + ": nested more than " +
                           std::to_string(kMaxTomlNesting) +
                           " levels deep (arrays, inline tables and dotted keys); medfed's files "
                           "need a few levels, so this file is refused");
  }

  // Moves `i` past the string that starts there: "..." with escapes, '...', and the
  // triple-quoted multi-line forms. An unterminated string ends the scan (toml11 reports it).
  Status SkipString(size_t& i) {
    const char quote = text_[i];
    const bool triple = text_.compare(i, 3, std::string(3, quote)) == 0;
    i += triple ? 3 : 1;
    while (i < text_.size()) {
      const char c = text_[i];
      if (c == '\n') {
        if (!triple) return absl::OkStatus();
        ++line_;
      }
      if (quote == '"' && c == '\\') {
        i += 2;
        continue;
      }
      if (c == quote) {
        if (!triple) {
          ++i;
          return absl::OkStatus();
        }
        if (text_.compare(i, 3, std::string(3, quote)) == 0) {
          i += 3;
          while (i < text_.size() && text_[i] == quote) ++i;  // up to two quotes end the content
          return absl::OkStatus();
        }
      }
      ++i;
    }
    return absl::OkStatus();
  }

  const std::string& text_;
  const std::string& source_;
  size_t line_ = 1;
  std::vector<Open> open_;
  int nesting_ = 0;
  int base_ = 0;
  int key_dots_ = 0;
  bool in_key_ = true;
};

}  // namespace

Status CheckTomlLimits(const std::string& text, const std::string& source) {
  if (text.size() > kMaxTomlBytes) {
    return InvalidArgument(source + ": " + std::to_string(text.size()) + " bytes; the limit for a TOML file is " +
                           std::to_string(kMaxTomlBytes));
  }
  // TOML is UTF-8 without control characters other than tab, LF and CR (TOML 1.0, "Spec").
  // toml11 3.7 reads past its buffer on some malformed strings with invalid bytes (found by
  // fuzz/study_toml_fuzzer.cc), so such text never reaches it.
  if (size_t bad = FindInvalidUtf8(text); bad != std::string::npos) {
    return InvalidArgument(LineOf(text, bad, source) + ": invalid UTF-8; save the file as UTF-8");
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      return InvalidArgument(LineOf(text, i, source) + ": control character " + std::to_string(c) +
                             " is not allowed in TOML");
    }
  }
  TomlNestingScanner scanner(text, source);
  return scanner.Scan();
}

StatusOr<toml::value> ParseToml(const std::string& text, const std::string& source) {
  RETURN_IF_ERROR(CheckTomlLimits(text, source));
  try {
    std::istringstream stream(text);
    return toml::parse(stream, source);
  } catch (const std::exception& error) {
    return InvalidArgument(std::string(error.what()));
  }
}

}  // namespace medfed::governance
