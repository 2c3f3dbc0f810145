#include "medfed/analysis/engine/site_data.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "medfed/core/file.h"
#include "medfed/core/log.h"
#include "medfed/core/text.h"
#include "medfed/crypto/sodium.h"
#include "medfed/table/csv_reader.h"

namespace medfed::analysis {

SiteData::SiteData(std::string site, std::map<std::string, std::string> table_paths,
                   std::map<std::string, std::string> genotype_paths)
    : site_(std::move(site)), table_paths_(std::move(table_paths)), genotype_paths_(std::move(genotype_paths)) {}

StatusOr<std::shared_ptr<const table::Table>> SiteData::GetTable(const std::string& name) {
  auto path = table_paths_.find(name);
  if (path == table_paths_.end()) {
    std::vector<std::string> names;
    for (const auto& [table, file] : table_paths_) names.push_back(table);
    return NotFound(
        "site " + site_ + " has no table " + QuoteForMessage(name) +
        (names.empty() ? std::string("; it lists no tables") : "; its tables are: " + JoinStrings(names, ", ")) +
        " (add tables." + name + " = \"file.csv\" to its [[sites]] entry)");
  }
  absl::MutexLock lock(&mutex_);
  auto stamp = StampOf(path->second);
  if (!stamp.ok()) {
    if (loaded_.count(name)) {
      return NotFound("site " + site_ + ": table " + name + "'s file " + path->second + " is gone since it was read (" +
                      MessageOf(stamp.status()) +
                      "); the site answers nothing from the old copy until the file is back");
    }
    return NotFound("site " + site_ + ": cannot read table " + name + " (" + MessageOf(stamp.status()) + ")");
  }
  auto cached = loaded_.find(name);
  if (cached != loaded_.end() && cached->second.stamp == *stamp) return cached->second.table;
  // Read (again): the mapping keeps the bytes of this version, and the hash tells a real change
  // from a touched file.
  auto bytes = MappedFile::Open(path->second);
  if (!bytes.ok()) return Annotate(bytes.status(), "site " + site_ + ": ");
  const std::string sha256 = crypto::Sha256Hex(bytes->view());
  if (cached != loaded_.end() && cached->second.sha256 == sha256) {
    cached->second.stamp = *stamp;
    return cached->second.table;
  }
  auto table = table::ReadCsv(path->second);
  if (!table.ok()) {
    if (cached != loaded_.end()) {
      return Annotate(table.status(), "site " + site_ + ": table " + name +
                                          " changed on disk and the new file cannot be read; the site answers "
                                          "nothing from the old copy: ");
    }
    return Annotate(table.status(), "site " + site_ + ": ");
  }
  if (cached != loaded_.end()) {
    LogLine("site " + site_, "table " + name + " changed on disk (" + path->second + ": " +
                                 std::to_string(cached->second.stamp.size) + " -> " + std::to_string(stamp->size) +
                                 " bytes, sha256 " + cached->second.sha256.substr(0, 12) + " -> " +
                                 sha256.substr(0, 12) + "); reloaded, studies from now on use the new data");
    grades_.erase(name);
  }
  LoadedTable loaded{std::make_shared<const table::Table>(*std::move(table)), *stamp, sha256};
  loaded_[name] = loaded;
  return loaded.table;
}

StatusOr<SiteData::FileStamp> SiteData::StampOf(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return NotFound(path + ": " + std::strerror(errno));
  FileStamp stamp;
  stamp.device = static_cast<uint64_t>(info.st_dev);
  stamp.inode = static_cast<uint64_t>(info.st_ino);
  stamp.size = static_cast<uint64_t>(info.st_size);
  stamp.modified_ns = static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
  stamp.changed_ns = static_cast<int64_t>(info.st_ctim.tv_sec) * 1000000000 + info.st_ctim.tv_nsec;
  return stamp;
}

StatusOr<std::shared_ptr<const TableGrades>> SiteData::GetTableGrades(const std::string& name) {
  ASSIGN_OR_RETURN(std::shared_ptr<const table::Table> table, GetTable(name));
  absl::MutexLock lock(&mutex_);
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
    return NotFound("site " + site_ + " has no genotypes named " + QuoteForMessage(name) + " (add genotypes." + name +
                    " = \"prefix\" to its [[sites]] entry)");
  }
  return found->second;
}

std::string SiteData::DigestOfSource(const std::string& source) {
  absl::MutexLock lock(&mutex_);
  for (const auto& [name, loaded] : loaded_) {
    if (loaded.table->source() == source) return loaded.sha256;
  }
  return "";
}

}  // namespace medfed::analysis
