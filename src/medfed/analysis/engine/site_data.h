// The data a site holds: named tables (CSV files) and genotype sets, loaded on first use and
// then shared by every analysis of every session. Thread-safe.
//
// A table's file may be replaced while the site daemon runs (a new export). Every use checks the
// file's identity (device, inode, size, modification and change times); when it changed, the
// table is read again and its SHA-256 compared, and the site logs what changed. A file that can
// no longer be read is an error: the site never answers from the old copy. A session keeps the
// copy it started with, so one study sees one version of the data.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "medfed/analysis/engine/table_scan.h"
#include "medfed/core/status.h"
#include "medfed/table/table.h"

namespace medfed::analysis {

class SiteData {
 public:
  SiteData(std::string site, std::map<std::string, std::string> table_paths,
           std::map<std::string, std::string> genotype_paths = {});

  const std::string& site() const { return site_; }
  const std::map<std::string, std::string>& table_paths() const { return table_paths_; }
  const std::map<std::string, std::string>& genotype_paths() const { return genotype_paths_; }
  // The site's private state directory (mode 0700: release history, keys), "" when it has none.
  // Set once, before the first session.
  const std::string& state_directory() const { return state_directory_; }
  void set_state_directory(std::string directory) { state_directory_ = std::move(directory); }

  // The table named `name` in the study file; NotFound names the site and the tables it has.
  StatusOr<std::shared_ptr<const table::Table>> GetTable(const std::string& name);
  // The GB/T 39725 grade of every column of table `name`: from the data officer's scan file
  // beside the CSV (FILE.csv.scan.json, the JSON of `medfed scan FILE.csv --json`) when there is
  // one, else from scanning the table once.
  StatusOr<std::shared_ptr<const TableGrades>> GetTableGrades(const std::string& name);
  // The SHA-256 of the table file `source` as last read ("" before it is read): what identifies
  // one version of the table's rows.
  std::string DigestOfSource(const std::string& source);
  // The genotype prefix or VCF path for `name`.
  StatusOr<std::string> GenotypePath(const std::string& name) const;

 private:
  std::string site_;
  std::string state_directory_;
  std::map<std::string, std::string> table_paths_;
  std::map<std::string, std::string> genotype_paths_;
  // What identifies a file's contents on disk without reading it.
  struct FileStamp {
    uint64_t device = 0, inode = 0, size = 0;
    int64_t modified_ns = 0, changed_ns = 0;
    bool operator==(const FileStamp&) const = default;
  };
  struct LoadedTable {
    std::shared_ptr<const table::Table> table;
    FileStamp stamp;
    std::string sha256;
  };
  static StatusOr<FileStamp> StampOf(const std::string& path);

  absl::Mutex mutex_;
  std::map<std::string, LoadedTable> loaded_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, std::shared_ptr<const TableGrades>> grades_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace medfed::analysis
