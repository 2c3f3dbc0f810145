// A results directory that appears whole or not at all. Files are written into a fresh sibling
// directory (TARGET.partial.PID); Commit() swaps it into place with one atomic rename
// (renameat2 RENAME_EXCHANGE when TARGET exists), and an uncommitted stage is removed, so a
// study that fails leaves the old results as they were and no partial files behind.
#pragma once

#include <string>

#include "medfed/core/status.h"

namespace medfed {

class StagedDirectory {
 public:
  // Refuses a TARGET that exists, is not empty and holds no results.json: replacing it would
  // delete files that are not medfed's.
  static StatusOr<StagedDirectory> Begin(const std::string& target);
  StagedDirectory(StagedDirectory&& other) noexcept;
  StagedDirectory& operator=(StagedDirectory&&) = delete;
  StagedDirectory(const StagedDirectory&) = delete;
  StagedDirectory& operator=(const StagedDirectory&) = delete;
  ~StagedDirectory();

  const std::string& path() const { return stage_; }  // write here
  const std::string& target() const { return target_; }
  Status Commit();

 private:
  StagedDirectory(std::string target, std::string stage) : target_(std::move(target)), stage_(std::move(stage)) {}
  std::string target_;
  std::string stage_;
  bool active_ = true;
};

}  // namespace medfed
