#include "medfed/analysis/site_data.h"

#include "medfed/core/file.h"
#include "medfed/core/text.h"
#include "medfed/table/csv_reader.h"

namespace medfed {

SiteData::SiteData(std::string site, std::map<std::string, std::string> table_paths,
                   std::map<std::string, std::string> genotype_paths)
    : site_(std::move(site)),
      table_paths_(std::move(table_paths)),
      genotype_paths_(std::move(genotype_paths)) {}

StatusOr<std::shared_ptr<const Table>> SiteData::GetTable(const std::string& name) {
  auto path = table_paths_.find(name);
  if (path == table_paths_.end()) {
    std::vector<std::string> names;
    for (const auto& [table, file] : table_paths_) names.push_back(table);
    return NotFound("site " + site_ + " has no table " + QuoteForMessage(name) +
                    (names.empty() ? std::string("; it lists no tables")
                                   : "; its tables are: " + JoinStrings(names, ", ")) +
                    " (add tables." + name + " = \"file.csv\" to its [[sites]] entry)");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto cached = loaded_.find(name);
  if (cached != loaded_.end()) return cached->second;
  auto table = ReadCsv(path->second);
  if (!table.ok()) return Annotate(table.status(), "site " + site_ + ": ");
  auto shared = std::make_shared<const Table>(*std::move(table));
  loaded_.emplace(name, shared);
  return shared;
}

StatusOr<std::shared_ptr<const TableGrades>> SiteData::GetTableGrades(const std::string& name) {
  ASSIGN_OR_RETURN(std::shared_ptr<const Table> table, GetTable(name));
  std::lock_guard<std::mutex> lock(mutex_);
  auto cached = grades_.find(name);
  if (cached != grades_.end()) return cached->second;
  const std::string scan_file = table_paths_.at(name) + ".scan.json";
  TableGrades grades;
  if (FileExists(scan_file)) {
    auto loaded = LoadScanFile(scan_file);
    if (!loaded.ok()) return Annotate(loaded.status(), "site " + site_ + ": ");
    grades = *std::move(loaded);
  } else {
    grades = GradesOfTable(*table);
  }
  auto shared = std::make_shared<const TableGrades>(std::move(grades));
  grades_.emplace(name, shared);
  return shared;
}

StatusOr<std::string> SiteData::GenotypePath(const std::string& name) const {
  auto found = genotype_paths_.find(name);
  if (found == genotype_paths_.end()) {
    return NotFound("site " + site_ + " has no genotypes named " + QuoteForMessage(name) +
                    " (add genotypes." + name + " = \"prefix\" to its [[sites]] entry)");
  }
  return found->second;
}

}  // namespace medfed
