// Progress reporting on stderr for work that can take more than a second. Silent for work
// that finishes quickly; on a terminal it redraws one line, elsewhere it prints a line every
// few seconds. Thread-safe: Advance() may be called from worker threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

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
  // Whether this moment's line is drawn (at most every 0.2 s on a terminal, 5 s in a log).
  bool Due(std::chrono::steady_clock::time_point now, bool final_line) ABSL_EXCLUSIVE_LOCKS_REQUIRED(draw_mutex_);
  void Draw(double elapsed, bool final_line) ABSL_EXCLUSIVE_LOCKS_REQUIRED(draw_mutex_);

  std::string label_;
  std::string unit_;
  uint64_t total_;
  std::atomic<uint64_t> done_{0};
  std::chrono::steady_clock::time_point start_;
  absl::Mutex draw_mutex_;
  std::chrono::steady_clock::time_point last_draw_ ABSL_GUARDED_BY(draw_mutex_);
  std::atomic<bool> shown_{false};  // read before trying the lock
  bool finished_ ABSL_GUARDED_BY(draw_mutex_) = false;
  bool terminal_;
};

}  // namespace medfed
