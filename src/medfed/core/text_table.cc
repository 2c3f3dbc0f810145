#include "medfed/core/text_table.h"

#include <algorithm>

namespace medfed {

size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    auto lead = static_cast<unsigned char>(text[i]);
    uint32_t code_point = lead;
    size_t length = 1;
    if (lead >= 0xF0) {
      length = 4;
      code_point = lead & 0x07;
    } else if (lead >= 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
    } else if (lead >= 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
    }
    for (size_t k = 1; k < length && i + k < text.size(); ++k) {
      code_point = (code_point << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    // CJK ideographs, Hangul, full-width forms: two columns.
    bool wide = (code_point >= 0x1100 && code_point <= 0x115F) || (code_point >= 0x2E80 && code_point <= 0xA4CF) ||
                (code_point >= 0xAC00 && code_point <= 0xD7A3) || (code_point >= 0xF900 && code_point <= 0xFAFF) ||
                (code_point >= 0xFF00 && code_point <= 0xFF60) || (code_point >= 0xFFE0 && code_point <= 0xFFE6);
    width += wide ? 2 : 1;
    i += length;
  }
  return width;
}

TextTable::TextTable(std::vector<std::string> header, std::vector<Align> alignment)
    : header_(std::move(header)), alignment_(std::move(alignment)) {
  alignment_.resize(header_.size(), Align::kRight);
}

void TextTable::AddRow(std::vector<std::string> cells) {
  cells.resize(header_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::Render(int indent) const {
  std::vector<size_t> widths(header_.size(), 0);
  for (size_t c = 0; c < header_.size(); ++c) widths[c] = DisplayWidth(header_[c]);
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  auto render_line = [&](const std::vector<std::string>& cells) {
    std::string line(static_cast<size_t>(indent), ' ');
    for (size_t c = 0; c < cells.size(); ++c) {
      size_t padding = widths[c] - DisplayWidth(cells[c]);
      if (c > 0) line += "  ";
      if (alignment_[c] == Align::kRight) line.append(padding, ' ');
      line += cells[c];
      if (alignment_[c] == Align::kLeft && c + 1 < cells.size()) line.append(padding, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
  };
  std::string out = render_line(header_);
  size_t total = 0;
  for (size_t c = 0; c < widths.size(); ++c) total += widths[c] + (c > 0 ? 2 : 0);
  out += std::string(static_cast<size_t>(indent), ' ') + std::string(total, '-') + "\n";
  for (const auto& row : rows_) out += render_line(row);
  return out;
}

}  // namespace medfed
