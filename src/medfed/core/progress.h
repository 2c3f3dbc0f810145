// Progress reporting on stderr for work that can take more than a second. Silent for work
// that finishes quickly; on a terminal it redraws one line, elsewhere it prints a line every
// few seconds. Thread-safe: Advance() may be called from worker threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace medfed {

class Progress {
 public:
  // `total` = 0 means unknown (no percentage or time left is shown).
  Progress(std::string label, uint64_t total, std::string unit = "");
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Advance(uint64_t amount = 1);
  void SetDone(uint64_t done);
  // Prints the final line (if anything was shown) and stops reporting.
  void Finish();

  // Globally silences progress output (tests, --quiet).
  static void SetEnabled(bool enabled);

 private:
  void MaybeDraw(bool final_line);

  std::string label_;
  std::string unit_;
  uint64_t total_;
  std::atomic<uint64_t> done_{0};
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  std::mutex draw_mutex_;
  bool shown_ = false;
  bool finished_ = false;
  bool terminal_;
};

}  // namespace medfed
