#include "medfed/core/file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

namespace medfed {
namespace {

std::string ErrnoText() { return std::strerror(errno); }

}  // namespace

StatusOr<std::string> ReadFileToString(const std::string& path) {
  return ReadFileToString(path, std::string::npos - 1);
}

StatusOr<std::string> ReadFileToString(const std::string& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NotFound(path + ": cannot open: " + ErrnoText());
  std::string contents;
  char buffer[1 << 16];
  while (true) {
    ssize_t got = ::read(fd, buffer, sizeof(buffer));
    if (got < 0) {
      if (errno == EINTR) continue;
      std::string error = path + ": read failed: " + ErrnoText();
      ::close(fd);
      return DataLoss(error);
    }
    if (got == 0) break;
    contents.append(buffer, static_cast<size_t>(got));
    if (contents.size() > max_bytes) {
      ::close(fd);
      return ResourceExhausted(path + " is larger than " + std::to_string(max_bytes >> 20) + " MiB (" +
                               std::to_string(max_bytes) + " bytes), the limit for this file");
    }
  }
  ::close(fd);
  return contents;
}

Status WriteFileAtomically(const std::string& path, std::string_view contents, int mode) {
  std::filesystem::path target(path);
  if (target.has_parent_path()) {
    RETURN_IF_ERROR(MakeDirectories(target.parent_path().string()));
  }
  std::random_device entropy;
  std::string temporary = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(entropy());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return PermissionDenied(path + ": cannot create temporary file: " + ErrnoText());
  size_t written = 0;
  while (written < contents.size()) {
    ssize_t put = ::write(fd, contents.data() + written, contents.size() - written);
    if (put < 0) {
      if (errno == EINTR) continue;
      std::string error = path + ": write failed: " + ErrnoText();
      ::close(fd);
      ::unlink(temporary.c_str());
      return DataLoss(error);
    }
    written += static_cast<size_t>(put);
  }
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0 || ::fsync(fd) != 0) {
    std::string error = path + ": cannot finish writing: " + ErrnoText();
    ::close(fd);
    ::unlink(temporary.c_str());
    return DataLoss(error);
  }
  ::close(fd);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    std::string error = path + ": cannot rename temporary file into place: " + ErrnoText();
    ::unlink(temporary.c_str());
    return DataLoss(error);
  }
  return absl::OkStatus();
}

StatusOr<MappedFile> MappedFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NotFound(path + ": cannot open: " + ErrnoText());
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    std::string error = path + ": cannot stat: " + ErrnoText();
    ::close(fd);
    return DataLoss(error);
  }
  if (S_ISDIR(info.st_mode)) {
    ::close(fd);
    return InvalidArgument(path + ": is a directory, expected a file");
  }
  MappedFile file;
  file.path_ = path;
  file.size_ = static_cast<size_t>(info.st_size);
  if (file.size_ > 0) {
    void* address = ::mmap(nullptr, file.size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (address == MAP_FAILED) {
      std::string error = path + ": cannot memory-map: " + ErrnoText();
      ::close(fd);
      return DataLoss(error);
    }
    file.data_ = static_cast<const char*>(address);
  }
  ::close(fd);
  return file;
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : path_(std::move(other.path_)), data_(other.data_), size_(other.size_) {
  other.data_ = nullptr;
  other.size_ = 0;
}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
    path_ = std::move(other.path_);
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
}

void MappedFile::AdviseSequential() const {
  if (data_ != nullptr) ::madvise(const_cast<char*>(data_), size_, MADV_SEQUENTIAL);
}

void MappedFile::AdviseWillNeed(size_t offset, size_t length) const {
  if (data_ == nullptr || offset >= size_) return;
  const auto page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  size_t start = offset / page * page;
  size_t end = std::min(size_, offset + length);
  ::madvise(const_cast<char*>(data_) + start, end - start, MADV_WILLNEED);
}

std::string ResolveRelativeTo(const std::string& base_file, const std::string& path) {
  std::filesystem::path relative(path);
  if (relative.is_absolute()) return path;
  std::filesystem::path base = std::filesystem::path(base_file).parent_path();
  return (base / relative).lexically_normal().string();
}

bool FileExists(const std::string& path) {
  std::error_code error;
  return std::filesystem::exists(path, error);
}

Status MakeDirectories(const std::string& path) {
  if (path.empty()) return absl::OkStatus();
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) return PermissionDenied(path + ": cannot create directory: " + error.message());
  return absl::OkStatus();
}

}  // namespace medfed
