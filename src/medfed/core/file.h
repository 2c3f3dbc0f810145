// File access: whole-file reads, read-only memory maps for large inputs, and atomic writes
// (temporary file in the same directory, fsync, rename) so that a crash never leaves a
// half-written result on disk.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "medfed/core/status.h"

namespace medfed {

StatusOr<std::string> ReadFileToString(const std::string& path);
// As above, but a file longer than `max_bytes` is an error (ResourceExhausted) naming the file
// and the limit; at most max_bytes + 1 bytes are read.
StatusOr<std::string> ReadFileToString(const std::string& path, size_t max_bytes);

// Writes `contents` to `path` atomically: readers see the old file or the new one, never a
// partial one. Creates missing parent directories. `mode` is applied before the rename.
Status WriteFileAtomically(const std::string& path, std::string_view contents, int mode = 0644);

// A read-only, private memory map of a whole file. Empty files map to an empty view.
class MappedFile {
 public:
  static StatusOr<MappedFile> Open(const std::string& path);
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view view() const { return {data_, size_}; }
  const char* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

  // Tells the kernel we will read sequentially (readahead), or a range soon.
  void AdviseSequential() const;
  void AdviseWillNeed(size_t offset, size_t length) const;

 private:
  MappedFile() = default;
  std::string path_;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// Joins a relative path onto the directory of `base_file`; absolute paths are returned as is.
std::string ResolveRelativeTo(const std::string& base_file, const std::string& path);

bool FileExists(const std::string& path);
Status MakeDirectories(const std::string& path);

}  // namespace medfed
