// README.md and docs/ stand alone: every relative link names a file in the repository (never a
// path outside it, such as the design notes beside the project), and every #anchor names a
// heading of the file it points to (GitHub's slugs).
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// GitHub's heading anchor: lower case, spaces to hyphens, punctuation dropped (ASCII, and the
// typographic dashes, quotes and CJK punctuation these docs use).
std::string Slug(const std::string& heading) {
  static const std::vector<std::string> dropped = {"–", "—", "‘", "’", "“", "”", "，", "。", "：", "（", "）", "、"};
  std::string slug;
  for (size_t i = 0; i < heading.size();) {
    bool skipped = false;
    for (const auto& mark : dropped) {
      if (heading.compare(i, mark.size(), mark) == 0) {
        i += mark.size();
        skipped = true;
        break;
      }
    }
    if (skipped) continue;
    const unsigned char c = static_cast<unsigned char>(heading[i++]);
    if (c >= 0x80 || std::isalnum(c) || c == '-' || c == '_') {
      slug += static_cast<char>(c >= 0x80 ? c : std::tolower(c));
    } else if (c == ' ') {
      slug += '-';
    }
  }
  return slug;
}

std::set<std::string> Anchors(const std::string& markdown) {
  std::set<std::string> anchors;
  std::istringstream lines(markdown);
  std::string line;
  bool fenced = false;
  while (std::getline(lines, line)) {
    if (line.rfind("```", 0) == 0) fenced = !fenced;
    if (fenced || line.empty() || line[0] != '#') continue;
    const size_t text = line.find_first_not_of('#');
    if (text == std::string::npos || line[text] != ' ') continue;
    anchors.insert(Slug(line.substr(text + 1)));
  }
  return anchors;
}

TEST(DocsLinks, EveryRelativeLinkNamesAFileAndHeadingInTheRepository) {
  const fs::path root = fs::weakly_canonical(MEDFED_SOURCE_DIR);
  std::vector<fs::path> pages = {root / "README.md"};
  for (const auto& entry : fs::recursive_directory_iterator(root / "docs")) {
    if (entry.is_regular_file() && entry.path().extension() == ".md") pages.push_back(entry.path());
  }
  size_t checked = 0;
  for (const auto& page : pages) {
    const std::string text = Read(page);
    bool fenced = false;
    std::istringstream lines(text);
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
      ++number;
      if (line.rfind("```", 0) == 0) fenced = !fenced;
      if (fenced) continue;
      for (size_t at = line.find("]("); at != std::string::npos; at = line.find("](", at + 2)) {
        const size_t end = line.find(')', at + 2);
        if (end == std::string::npos) break;
        const std::string target = line.substr(at + 2, end - at - 2);
        if (target.empty() || target.find("://") != std::string::npos || target.rfind("mailto:", 0) == 0) continue;
        const std::string where = fs::relative(page, root).string() + ":" + std::to_string(number) + ": " + target;
        const size_t hash = target.find('#');
        const std::string file = target.substr(0, hash);
        const fs::path resolved = file.empty() ? page : fs::weakly_canonical(page.parent_path() / file);
        ++checked;
        const std::string inside = fs::relative(resolved, root).string();
        EXPECT_FALSE(inside.rfind("..", 0) == 0) << where << " points outside the repository";
        EXPECT_TRUE(fs::exists(resolved)) << where << " names no file";
        if (hash != std::string::npos && fs::is_regular_file(resolved) && resolved.extension() == ".md") {
          EXPECT_TRUE(Anchors(Read(resolved)).count(target.substr(hash + 1))) << where << " names no heading";
        }
      }
    }
  }
  EXPECT_GT(checked, 50u);  // the scan found the links
}

}  // namespace
