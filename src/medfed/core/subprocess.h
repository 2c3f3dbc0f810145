// Child processes for the network demo and the multi-process tests: start a program with its
// output appended to a log file, and stop it (SIGTERM, then SIGKILL after a grace period).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "medfed/core/status.h"

namespace medfed {

class Subprocess {
 public:
  // argv[0] is the program path; stdout and stderr go to `log_path` (appended).
  static StatusOr<Subprocess> Start(const std::vector<std::string>& argv, const std::string& log_path);
  Subprocess() = default;
  Subprocess(Subprocess&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess() { Stop(std::chrono::seconds(5)); }

  pid_t pid() const { return pid_; }
  bool running();
  // SIGTERM, wait up to `grace`, then SIGKILL. Returns the exit status (or -signal).
  int Stop(std::chrono::milliseconds grace);
  // Waits for the program to end by itself; SIGKILL after `timeout`. Returns as Stop.
  int Wait(std::chrono::milliseconds timeout);
  void Kill();  // SIGKILL now, as a crash would

 private:
  explicit Subprocess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
};

// The running program's own path (/proc/self/exe).
std::string SelfExecutable();

}  // namespace medfed
