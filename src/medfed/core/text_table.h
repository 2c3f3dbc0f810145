// Aligned plain-text tables for the human-readable output of `medfed run`.
#pragma once

#include <string>
#include <vector>

namespace medfed {

class TextTable {
 public:
  enum class Align { kLeft, kRight };

  explicit TextTable(std::vector<std::string> header, std::vector<Align> alignment = {});
  void AddRow(std::vector<std::string> cells);
  // Renders with two spaces between columns and a rule under the header, each line indented.
  std::string Render(int indent = 2) const;

 private:
  std::vector<std::string> header_;
  std::vector<Align> alignment_;
  std::vector<std::vector<std::string>> rows_;
};

// Display width of UTF-8 text in a terminal: East Asian wide characters count as two columns.
size_t DisplayWidth(const std::string& text);

}  // namespace medfed
