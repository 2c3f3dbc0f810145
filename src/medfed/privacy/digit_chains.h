// Numbers as people write them in notes: digits in groups with separators between them
// ("138 1234 5678", "0571-8765 4321", "6222.0212.3456.7890"), in full-width forms
// ("１３８１２３４５６７８"), with an international prefix ("+86 138..."), an area code in
// parentheses ("(0571) 87654321", "（０５７１）８７６５４３２１") or Chinese numerals
// ("一三八一二三四五六七八"). A chain is a maximal sequence of digit groups joined by at most
// one separator each (spaces around a dash count as one); identifier detectors then validate
// candidate spans of whole groups, so a phone written next to another number is still found.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace medfed::privacy {

struct DigitGroup {
  std::string digits;  // ASCII 0-9, and X at the end when one follows (a resident ID's check character)
  size_t begin = 0;    // byte offsets of the group in the text
  size_t end = 0;
  bool parenthesised = false;  // written as (0571) or （0571）
};

struct DigitChain {
  std::vector<DigitGroup> groups;
};

// Every chain in `text`, in order. Groups are at most 24 digits; a chain at most 12 groups.
std::vector<DigitChain> FindDigitChains(std::string_view text);

// The value with full-width and Chinese-numeral digits made ASCII and full-width separators made
// ASCII ("（０５７１）８７６５－４３２１" -> "(0571)8765-4321"); other characters unchanged.
std::string NormalizeDigitText(std::string_view text);

}  // namespace medfed::privacy
