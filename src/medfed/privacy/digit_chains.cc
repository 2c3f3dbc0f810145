#include "medfed/privacy/digit_chains.h"

#include <cctype>

namespace medfed::privacy {
namespace {

constexpr size_t kMaxGroupDigits = 24;
constexpr size_t kMaxGroups = 12;
// A run of Chinese numerals counts as digits only from this length on (a phone number); shorter
// runs are ordinary words (一二三, 二〇二三年).
constexpr size_t kMinChineseNumeralRun = 7;

struct CodePoint {
  char32_t value;
  size_t begin, end;
};

std::vector<CodePoint> Decode(std::string_view text) {
  std::vector<CodePoint> points;
  for (size_t i = 0; i < text.size();) {
    const size_t begin = i;
    const auto lead = static_cast<unsigned char>(text[i]);
    const int length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    if (length == 0 || i + static_cast<size_t>(length) > text.size()) {
      points.push_back({0xFFFD, begin, ++i});
      continue;
    }
    char32_t code = length == 1 ? lead : (lead & (0x7F >> length));
    for (int k = 1; k < length; ++k) code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    i += static_cast<size_t>(length);
    points.push_back({code, begin, i});
  }
  return points;
}

// '0'..'9' for an ASCII or full-width digit, 0 otherwise.
char WidthDigit(char32_t c) {
  if (c >= '0' && c <= '9') return static_cast<char>(c);
  if (c >= 0xFF10 && c <= 0xFF19) return static_cast<char>('0' + (c - 0xFF10));
  return 0;
}

char ChineseNumeral(char32_t c) {
  switch (c) {
    case U'〇':
    case U'零':
      return '0';
    case U'一':
    case U'幺':
      return '1';
    case U'二':
      return '2';
    case U'三':
      return '3';
    case U'四':
      return '4';
    case U'五':
      return '5';
    case U'六':
      return '6';
    case U'七':
      return '7';
    case U'八':
      return '8';
    case U'九':
      return '9';
  }
  return 0;
}

bool IsSpace(char32_t c) { return c == ' ' || c == '\t' || c == 0xA0 || c == 0x3000; }

// A separator that is not a space: hyphens and dashes (ASCII, Unicode, full-width), dots, slash.
bool IsMark(char32_t c) {
  return c == '-' || c == '.' || c == '/' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFF0D ||
         c == 0xFF0E || c == 0xFF0F || c == 0x30FB || c == 0xB7;
}

bool IsOpen(char32_t c) { return c == '(' || c == 0xFF08; }
bool IsClose(char32_t c) { return c == ')' || c == 0xFF09; }
bool IsX(char32_t c) { return c == 'X' || c == 'x' || c == 0xFF38 || c == 0xFF58; }

}  // namespace

std::vector<DigitChain> FindDigitChains(std::string_view text) {
  const std::vector<CodePoint> points = Decode(text);
  const size_t count = points.size();
  // The digit value of each code point: width digits always, Chinese numerals in long runs.
  std::vector<char> digit(count, 0);
  for (size_t i = 0; i < count; ++i) digit[i] = WidthDigit(points[i].value);
  for (size_t i = 0; i < count;) {
    size_t end = i;
    while (end < count && ChineseNumeral(points[end].value)) ++end;
    if (end - i >= kMinChineseNumeralRun) {
      for (size_t k = i; k < end; ++k) digit[k] = ChineseNumeral(points[k].value);
    }
    i = end > i ? end : i + 1;
  }

  std::vector<DigitChain> chains;
  DigitChain chain;
  auto flush = [&] {
    if (!chain.groups.empty()) chains.push_back(std::move(chain));
    chain = DigitChain();
  };
  size_t i = 0;
  while (i < count) {
    // An optional opening parenthesis, then a group.
    size_t start = i;
    bool parenthesised = false;
    if (IsOpen(points[i].value) && i + 1 < count && digit[i + 1]) {
      parenthesised = true;
      ++start;
    }
    if (!digit[start]) {
      flush();
      ++i;
      continue;
    }
    DigitGroup group;
    group.begin = points[parenthesised ? start - 1 : start].begin;
    size_t k = start;
    while (k < count && digit[k] && group.digits.size() < kMaxGroupDigits) group.digits.push_back(digit[k++]);
    // A resident ID's check character X ends a group (not the x of "3x daily").
    const bool letter_after =
        k + 1 < count && points[k + 1].value < 0x80 && std::isalpha(static_cast<int>(points[k + 1].value));
    if (k < count && IsX(points[k].value) && !letter_after) {
      group.digits.push_back('X');
      ++k;
    }
    group.end = points[k - 1].end;
    if (parenthesised) {
      if (k < count && IsClose(points[k].value)) {
        group.parenthesised = true;
        group.end = points[k].end;
        ++k;
      } else {
        group.begin = points[start].begin;  // a stray "(": not part of the number
      }
    }
    chain.groups.push_back(std::move(group));
    // The chain goes on across one separator (spaces, at most one mark among them) or directly
    // after a closing parenthesis.
    size_t next = k;
    int marks = 0, spaces = 0;
    while (next < count && (IsSpace(points[next].value) || IsMark(points[next].value)) && marks <= 1 && spaces <= 2) {
      (IsMark(points[next].value) ? marks : spaces)++;
      ++next;
    }
    const bool continues = next < count && marks <= 1 && spaces <= 2 &&
                           (digit[next] || (IsOpen(points[next].value) && next + 1 < count && digit[next + 1])) &&
                           (next > k || chain.groups.back().parenthesised);
    if (!continues || chain.groups.size() >= kMaxGroups) flush();
    i = next > k && continues ? next : k;
  }
  flush();
  return chains;
}

std::string NormalizeDigitText(std::string_view text) {
  std::string out;
  for (const CodePoint& point : Decode(text)) {
    const char c = WidthDigit(point.value);
    if (c) {
      out.push_back(c);
    } else if (point.value == 0xFF08) {
      out.push_back('(');
    } else if (point.value == 0xFF09) {
      out.push_back(')');
    } else if (point.value == 0xFF0D || (point.value >= 0x2010 && point.value <= 0x2015) || point.value == 0x2212) {
      out.push_back('-');
    } else if (point.value == 0xFF0B) {
      out.push_back('+');
    } else if (point.value == 0x3000 || point.value == 0xA0) {
      out.push_back(' ');
    } else if (point.value == 0xFF38 || point.value == 0xFF58) {
      out.push_back('X');
    } else {
      out.append(text.substr(point.begin, point.end - point.begin));
    }
  }
  return out;
}

}  // namespace medfed::privacy
