#include "medfed/core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace medfed {
namespace {

std::atomic<bool> g_progress_enabled{true};

std::string FormatSeconds(double seconds) {
  char buffer[32];
  if (seconds < 60) {
    std::snprintf(buffer, sizeof(buffer), "%.0fs", seconds);
  } else if (seconds < 3600) {
    std::snprintf(buffer, sizeof(buffer), "%dm%02ds", static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%dh%02dm", static_cast<int>(seconds) / 3600,
                  (static_cast<int>(seconds) / 60) % 60);
  }
  return buffer;
}

}  // namespace

void Progress::SetEnabled(bool enabled) { g_progress_enabled = enabled; }

Progress::Progress(std::string label, uint64_t total, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_),
      terminal_(::isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() { Finish(); }

void Progress::Advance(uint64_t amount) {
  done_.fetch_add(amount, std::memory_order_relaxed);
  MaybeDraw(false);
}

void Progress::SetDone(uint64_t done) {
  done_.store(done, std::memory_order_relaxed);
  MaybeDraw(false);
}

void Progress::Finish() {
  MaybeDraw(true);
  absl::MutexLock lock(&draw_mutex_);
  finished_ = true;
}

bool Progress::Due(std::chrono::steady_clock::time_point now, bool final_line) {
  if (finished_) return false;
  const double since_draw = std::chrono::duration<double>(now - last_draw_).count();
  const double interval = terminal_ ? 0.2 : 5.0;
  if (!final_line && shown_ && since_draw < interval) return false;
  last_draw_ = now;
  shown_ = true;
  return true;
}

void Progress::MaybeDraw(bool final_line) {
  if (!g_progress_enabled) return;
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - start_).count();
  if (elapsed < 1.0 && !shown_) return;  // quick work stays silent
  if (final_line && !shown_) return;
  // Whoever holds the lock is drawing this moment's line already: the others skip theirs.
  if (!draw_mutex_.TryLock()) return;
  if (Due(now, final_line)) Draw(elapsed, final_line);
  draw_mutex_.Unlock();
}

void Progress::Draw(double elapsed, bool final_line) {
  uint64_t done = done_.load(std::memory_order_relaxed);
  double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  char line[256];
  if (total_ > 0) {
    double fraction = static_cast<double>(done) / static_cast<double>(total_);
    double left = rate > 0 ? static_cast<double>(total_ - std::min(done, total_)) / rate : 0;
    std::snprintf(line, sizeof(line), "%s: %llu/%llu %s (%.0f%%), %.0f/s, %s elapsed, %s left", label_.c_str(),
                  static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_), unit_.c_str(),
                  100.0 * fraction, rate, FormatSeconds(elapsed).c_str(), FormatSeconds(left).c_str());
  } else {
    std::snprintf(line, sizeof(line), "%s: %llu %s, %.0f/s, %s elapsed", label_.c_str(),
                  static_cast<unsigned long long>(done), unit_.c_str(), rate, FormatSeconds(elapsed).c_str());
  }
  if (terminal_) {
    std::fprintf(stderr, "\r\033[K%s%s", line, final_line ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", line);
  }
  std::fflush(stderr);
}

}  // namespace medfed
