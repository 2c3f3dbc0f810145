#include "medfed/core/staged_directory.h"

#include <fcntl.h>
#include <unistd.h>
#include <cstdio>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace medfed {

namespace fs = std::filesystem;

StatusOr<StagedDirectory> StagedDirectory::Begin(const std::string& target) {
  fs::path path = fs::path(target).lexically_normal();
  if (path.has_filename() == false) path = path.parent_path();  // "out/" -> "out"
  std::error_code error;
  if (fs::exists(path, error)) {
    if (!fs::is_directory(path, error)) {
      return FailedPrecondition(target + " exists and is not a directory; give a directory for the results");
    }
    if (!fs::is_empty(path, error) && !fs::exists(path / "results.json", error)) {
      return FailedPrecondition(target +
                                " holds files that are not medfed results (no results.json); "
                                "give a new or empty directory, since the results replace its contents");
    }
  }
  const fs::path parent = fs::absolute(path, error).parent_path();
  fs::create_directories(parent, error);
  if (error) return PermissionDenied("cannot create " + parent.string() + ": " + error.message());
  const std::string stage = (parent / (path.filename().string() + ".partial." + std::to_string(::getpid()))).string();
  fs::remove_all(stage, error);  // left over by an earlier process with the same pid
  fs::create_directory(stage, error);
  if (error) return PermissionDenied("cannot create " + stage + ": " + error.message());
  return StagedDirectory(fs::absolute(path).string(), stage);
}

StagedDirectory::StagedDirectory(StagedDirectory&& other) noexcept
    : target_(std::move(other.target_)), stage_(std::move(other.stage_)), active_(other.active_) {
  other.active_ = false;
}

StagedDirectory::~StagedDirectory() {
  if (!active_) return;
  std::error_code ignored;
  fs::remove_all(stage_, ignored);
}

Status StagedDirectory::Commit() {
  if (!active_) return FailedPrecondition("the results directory was already committed");
  std::error_code error;
  if (!fs::exists(target_, error)) {
    if (::rename(stage_.c_str(), target_.c_str()) != 0) {
      return PermissionDenied("cannot move the results into " + target_ + ": " + std::strerror(errno));
    }
    active_ = false;
    return absl::OkStatus();
  }
  // Swap old and new in one step; the old results end up at the stage's path and are removed.
  if (::renameat2(AT_FDCWD, stage_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) != 0) {
    if (errno != EINVAL && errno != ENOSYS) {
      return PermissionDenied("cannot replace " + target_ + ": " + std::strerror(errno));
    }
    // A file system without RENAME_EXCHANGE: move the old results aside first.
    const std::string aside = stage_ + ".old";
    if (::rename(target_.c_str(), aside.c_str()) != 0 || ::rename(stage_.c_str(), target_.c_str()) != 0) {
      return PermissionDenied("cannot replace " + target_ + ": " + std::strerror(errno));
    }
    fs::remove_all(aside, error);
    active_ = false;
    return absl::OkStatus();
  }
  fs::remove_all(stage_, error);  // now the old results
  active_ = false;
  return absl::OkStatus();
}

}  // namespace medfed
