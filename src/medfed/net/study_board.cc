#include "medfed/net/study_board.h"

namespace medfed::net {

void StudyChannel::Publish(v1::StudyEvent event) {
  absl::MutexLock lock(&mutex_);
  events_.push_back(std::move(event));
}

void StudyChannel::Finish() {
  absl::MutexLock lock(&mutex_);
  finished_ = true;
}

std::vector<v1::StudyEvent> StudyChannel::Read(size_t& next, std::chrono::milliseconds wait, bool& finished) {
  absl::MutexLock lock(&mutex_);
  // Evaluated under the lock by Await; the analysis cannot see that, hence the assertion.
  auto news = [&] {
    mutex_.AssertHeld();
    return events_.size() > next || finished_;
  };
  mutex_.AwaitWithTimeout(absl::Condition(&news), absl::FromChrono(wait));
  std::vector<v1::StudyEvent> fresh(events_.begin() + static_cast<long>(std::min(next, events_.size())), events_.end());
  next = events_.size();
  finished = finished_;
  return fresh;
}

std::shared_ptr<StudyChannel> StudyBoard::Channel(const std::string& study_id, bool* created) {
  absl::MutexLock lock(&mutex_);
  auto& slot = channels_[study_id];
  if (created != nullptr) *created = !slot;
  if (!slot) slot = std::make_shared<StudyChannel>();
  return slot;
}

}  // namespace medfed::net
