// What researchers following a study see: its events so far and whether it has ended. The hub
// publishes to it; each Submit or Watch call reads it from the start and waits for more.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "medfed/v1/network.pb.h"

namespace medfed::net {

class StudyChannel {
 public:
  void Publish(v1::StudyEvent event);
  // Marks the end (results, failure or denial are in the store).
  void Finish();
  // Events from index `next` on, waiting up to `wait` for some; `finished` says the study ended.
  std::vector<v1::StudyEvent> Read(size_t& next, std::chrono::milliseconds wait, bool& finished);

 private:
  absl::Mutex mutex_;
  std::vector<v1::StudyEvent> events_ ABSL_GUARDED_BY(mutex_);
  bool finished_ ABSL_GUARDED_BY(mutex_) = false;
};

class StudyBoard {
 public:
  // The channel of a study, created empty if it has none yet.
  std::shared_ptr<StudyChannel> Channel(const std::string& study_id, bool* created = nullptr);

 private:
  absl::Mutex mutex_;
  std::map<std::string, std::shared_ptr<StudyChannel>> channels_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace medfed::net
