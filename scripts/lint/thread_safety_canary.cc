// scripts/lint.sh compiles this file with -Wthread-safety and expects the one error below: it
// proves the analysis is live (absl's annotations expand, the flag reaches the compiler), so a
// clean lint run means the annotations were checked, not that nothing was looked at.
#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

class Counter {
 public:
  void Increment() { ++count_; }  // the deliberate error: count_ written without mutex_

 private:
  absl::Mutex mutex_;
  int count_ ABSL_GUARDED_BY(mutex_) = 0;
};

int main() {
  Counter counter;
  counter.Increment();
  return 0;
}
