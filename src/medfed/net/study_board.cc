#include "medfed/net/study_board.h"

namespace medfed::net {

void StudyChannel::Publish(v1::StudyEvent event) {
  std::lock_guard<std::mutex> lock(mutex_);
  events_.push_back(std::move(event));
  changed_.notify_all();
}

void StudyChannel::Finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  finished_ = true;
  changed_.notify_all();
}

std::vector<v1::StudyEvent> StudyChannel::Read(size_t& next, std::chrono::milliseconds wait, bool& finished) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait_for(lock, wait, [&] { return events_.size() > next || finished_; });
  std::vector<v1::StudyEvent> fresh(events_.begin() + static_cast<long>(std::min(next, events_.size())), events_.end());
  next = events_.size();
  finished = finished_;
  return fresh;
}

std::shared_ptr<StudyChannel> StudyBoard::Channel(const std::string& study_id, bool* created) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = channels_[study_id];
  if (created != nullptr) *created = !slot;
  if (!slot) slot = std::make_shared<StudyChannel>();
  return slot;
}

}  // namespace medfed::net
