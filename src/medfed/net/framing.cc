#include "medfed/net/framing.h"

namespace medfed::net {

std::vector<v1::Frame> SplitIntoFrames(const google::protobuf::MessageLite& message, uint64_t message_id) {
  const std::string bytes = message.SerializeAsString();
  std::vector<v1::Frame> frames;
  size_t offset = 0;
  uint32_t index = 0;
  do {
    const size_t length = std::min(kFrameBytes, bytes.size() - offset);
    v1::Frame frame;
    frame.set_message_id(message_id);
    frame.set_index(index++);
    frame.set_chunk(bytes.substr(offset, length));
    offset += length;
    frame.set_last(offset >= bytes.size());
    frames.push_back(std::move(frame));
  } while (offset < bytes.size());
  return frames;
}

StatusOr<bool> FrameAssembler::Add(const v1::Frame& frame, google::protobuf::MessageLite& message) {
  if (!in_message_) {
    if (frame.index() != 0) {
      return InvalidArgument("frame " + std::to_string(frame.index()) + " of message " +
                             std::to_string(frame.message_id()) + " arrived without its first frame");
    }
    in_message_ = true;
    message_id_ = frame.message_id();
    next_index_ = 0;
    buffer_.clear();
  }
  if (frame.message_id() != message_id_ || frame.index() != next_index_) {
    in_message_ = false;
    return InvalidArgument("frames out of sequence (message " + std::to_string(frame.message_id()) + " frame " +
                           std::to_string(frame.index()) + ", expected message " + std::to_string(message_id_) +
                           " frame " + std::to_string(next_index_) + ")");
  }
  if (buffer_.size() + frame.chunk().size() > max_message_bytes_) {
    in_message_ = false;
    buffer_.clear();
    buffer_.shrink_to_fit();
    return ResourceExhausted("message " + std::to_string(frame.message_id()) + " exceeds the limit of " +
                             std::to_string(max_message_bytes_ >> 20) + " MiB; refused");
  }
  buffer_ += frame.chunk();
  ++next_index_;
  if (!frame.last()) return false;
  in_message_ = false;
  const bool parsed = message.ParseFromString(buffer_);
  buffer_.clear();
  if (!parsed) return InvalidArgument("message " + std::to_string(frame.message_id()) + " is not a valid protobuf");
  return true;
}

}  // namespace medfed::net
