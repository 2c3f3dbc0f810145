#include "medfed/core/secret_file.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "medfed/core/file.h"

namespace medfed {

namespace fs = std::filesystem;

Status MakePrivateDirectory(const std::string& path) {
  // Each missing component is made and then set to 0700 explicitly: mkdir's mode is masked by
  // the umask, chmod's is not.
  std::vector<fs::path> missing;
  std::error_code error;
  for (fs::path p = fs::absolute(fs::path(path), error).lexically_normal(); !p.empty() && !fs::exists(p, error);
       p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  std::reverse(missing.begin(), missing.end());  // outermost first
  for (const auto& directory : missing) {
    if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
      return PermissionDenied("cannot create directory " + directory.string() + ": " + std::strerror(errno));
    }
    if (::chmod(directory.c_str(), 0700) != 0) {
      return PermissionDenied("cannot set mode 0700 on " + directory.string() + ": " + std::strerror(errno));
    }
  }
  if (!fs::is_directory(path, error)) return InvalidArgument(path + " exists and is not a directory");
  return absl::OkStatus();
}

Status WriteSecretFile(const std::string& path, std::string_view contents) {
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) RETURN_IF_ERROR(MakePrivateDirectory(parent.string()));
  return WriteFileAtomically(path, contents, 0600);
}

StatusOr<std::string> ReadSecretFile(const std::string& path, const std::string& what, size_t min_bytes,
                                     KeyFormat format) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return NotFound(what + " " + path + ": " + std::strerror(errno));
  if (!S_ISREG(info.st_mode)) return InvalidArgument(what + " " + path + " is not a regular file");
  if ((info.st_mode & 077) != 0) {
    return PermissionDenied(what + " " + path + " can be read or written by group or others (mode " +
                            [&] {
                              char mode[8];
                              std::snprintf(mode, sizeof mode, "%04o", info.st_mode & 07777);
                              return std::string(mode);
                            }() +
                            "); run `chmod 600 " + path + "`, and make a new key if others may have read it");
  }
  ASSIGN_OR_RETURN(std::string key, ReadFileToString(path));
  while (format == KeyFormat::kText && !key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  if (key.size() < min_bytes) {
    return InvalidArgument(what + " " + path + " holds " + std::to_string(key.size()) + " bytes; it needs at least " +
                           std::to_string(min_bytes));
  }
  if (!key.empty() && std::all_of(key.begin(), key.end(), [&](char c) { return c == key.front(); })) {
    return InvalidArgument(what + " " + path + " is degenerate (every byte is " +
                           (key.front() == '\0' ? std::string("zero") : "'" + std::string(1, key.front()) + "'") +
                           "); make a new random key");
  }
  return key;
}

}  // namespace medfed
