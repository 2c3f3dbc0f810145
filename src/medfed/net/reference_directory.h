// A daemon's reference directory (`references = "DIR"` in hub.toml or site.toml): the files an
// operator placed there — an ontology, an expected-survival table — served by their SHA-256 to
// the studies that name them so ("sha256:HEX", analysis/engine/reference_data.h). A study never
// names a path here: it names content, and the daemon decides which of its files that is.
//
// Every regular file under DIR (recursively, at most kMaxReferenceFileBytes each) is hashed when
// the daemon starts. A hash not found triggers one new scan, so a file the operator adds after a
// refusal is found without a restart (at most one scan per five seconds, so that studies naming
// unknown hashes cannot keep the daemon hashing); a file is hashed again whenever it is served, so a file
// edited since the scan is never served under its old hash. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "medfed/analysis/engine/reference_data.h"
#include "medfed/core/status.h"

namespace medfed::net {

class ReferenceDirectory : public std::enable_shared_from_this<ReferenceDirectory> {
 public:
  // Scans `directory`, which must exist. `rescan_interval`: the least time between scans.
  static StatusOr<std::shared_ptr<ReferenceDirectory>> Open(
      const std::string& directory, std::chrono::milliseconds rescan_interval = std::chrono::seconds(5));

  const std::string& directory() const { return directory_; }
  size_t size() const;
  // The content with this SHA-256, nullopt when no file has it.
  StatusOr<std::optional<std::string>> Read(const std::string& sha256);
  // Read, as ReferenceData's lookup (keeps this directory alive).
  analysis::ReferenceData::Lookup Lookup();

 private:
  ReferenceDirectory(std::string directory, std::chrono::milliseconds rescan_interval)
      : directory_(std::move(directory)), rescan_interval_(rescan_interval) {}
  Status Scan();

  const std::string directory_;
  const std::chrono::milliseconds rescan_interval_;
  mutable absl::Mutex mutex_;
  std::map<std::string, std::string> paths_ ABSL_GUARDED_BY(mutex_);  // sha256 -> file
  std::chrono::steady_clock::time_point scanned_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace medfed::net
