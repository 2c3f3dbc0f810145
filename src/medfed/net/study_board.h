// What researchers following a study see: its events so far and whether it has ended. The hub
// publishes to it; each Submit or Watch call reads it from the start and waits for more.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

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
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<v1::StudyEvent> events_;
  bool finished_ = false;
};

class StudyBoard {
 public:
  // The channel of a study, created empty if it has none yet.
  std::shared_ptr<StudyChannel> Channel(const std::string& study_id, bool* created = nullptr);

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<StudyChannel>> channels_;
};

}  // namespace medfed::net
