#include "medfed/net/reference_directory.h"

#include <filesystem>

#include "medfed/core/file.h"
#include "medfed/core/log.h"
#include "medfed/crypto/sodium.h"

namespace medfed::net {

StatusOr<std::shared_ptr<ReferenceDirectory>> ReferenceDirectory::Open(const std::string& directory,
                                                                       std::chrono::milliseconds rescan_interval) {
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error)) {
    return NotFound("reference directory " + directory +
                    " does not exist; create it (and place the reference files there) or remove `references` from "
                    "the configuration");
  }
  std::shared_ptr<ReferenceDirectory> opened(new ReferenceDirectory(directory, rescan_interval));
  RETURN_IF_ERROR(opened->Scan());
  return opened;
}

Status ReferenceDirectory::Scan() {
  std::map<std::string, std::string> paths;
  std::error_code error;
  auto entries = std::filesystem::recursive_directory_iterator(
      directory_, std::filesystem::directory_options::skip_permission_denied, error);
  if (error) return NotFound("cannot read reference directory " + directory_ + ": " + error.message());
  for (const auto& entry : entries) {
    std::error_code kind;
    if (!entry.is_regular_file(kind)) continue;
    const std::string path = entry.path().string();
    auto content = ReadFileToString(path, analysis::kMaxReferenceFileBytes);
    if (!content.ok()) {
      LogLine("references", "skipped " + path + ": " + std::string(content.status().message()));
      continue;
    }
    paths.emplace(crypto::Sha256Hex(*content), path);
  }
  absl::MutexLock lock(&mutex_);
  paths_ = std::move(paths);
  scanned_ = std::chrono::steady_clock::now();
  return absl::OkStatus();
}

size_t ReferenceDirectory::size() const {
  absl::MutexLock lock(&mutex_);
  return paths_.size();
}

StatusOr<std::optional<std::string>> ReferenceDirectory::Read(const std::string& sha256) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::string path;
    bool may_scan = false;
    {
      absl::MutexLock lock(&mutex_);
      if (auto found = paths_.find(sha256); found != paths_.end()) path = found->second;
      may_scan = std::chrono::steady_clock::now() - scanned_ >= rescan_interval_;
    }
    if (!path.empty()) {
      auto content = ReadFileToString(path, analysis::kMaxReferenceFileBytes);
      if (content.ok() && crypto::Sha256Hex(*content) == sha256) return std::optional<std::string>(*std::move(content));
      LogLine("references", path + " changed or went away since it was indexed; not served");
    }
    if (attempt > 0 || !may_scan) break;
    RETURN_IF_ERROR(Scan());
  }
  return std::optional<std::string>();
}

analysis::ReferenceData::Lookup ReferenceDirectory::Lookup() {
  return [self = shared_from_this()](const std::string& sha256) { return self->Read(sha256); };
}

}  // namespace medfed::net
