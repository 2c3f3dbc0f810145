#include "medfed/core/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "absl/synchronization/mutex.h"

namespace medfed {

void LogLine(const std::string& component, const std::string& message) {
  static absl::Mutex mutex(absl::kConstInit);
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto milliseconds =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &utc);
  absl::MutexLock lock(&mutex);
  std::fprintf(stderr, "%s.%03dZ %s: %s\n", stamp, static_cast<int>(milliseconds), component.c_str(), message.c_str());
  std::fflush(stderr);
}

}  // namespace medfed
