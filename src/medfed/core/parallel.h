// Data parallelism over the machine's cores (two on the reference machines).
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace medfed {

inline int HardwareThreads() {
  unsigned count = std::thread::hardware_concurrency();
  return count == 0 ? 1 : static_cast<int>(count);
}

// Calls body(begin, end) on contiguous chunks of [0, count) from up to `threads` threads
// (the calling thread takes the first chunk). Returns when all chunks are done.
inline void ParallelFor(size_t count, int threads, const std::function<void(size_t begin, size_t end)>& body) {
  if (count == 0) return;
  size_t workers = std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(threads), count));
  if (workers == 1) {
    body(0, count);
    return;
  }
  std::vector<std::thread> pool;
  size_t chunk = (count + workers - 1) / workers;
  for (size_t w = 1; w < workers; ++w) {
    size_t begin = w * chunk;
    size_t end = std::min(count, begin + chunk);
    if (begin >= end) break;
    pool.emplace_back([&body, begin, end] { body(begin, end); });
  }
  body(0, std::min(count, chunk));
  for (auto& thread : pool) thread.join();
}

}  // namespace medfed
