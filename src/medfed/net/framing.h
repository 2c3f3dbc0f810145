// Messages on a site's stream travel as frames (network.proto's Frame) of at most
// kFrameBytes, so a GWAS block of several megabytes fits gRPC's per-message limit, and the
// receiver caps what it reassembles: a message over its limit is refused, not buffered.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "google/protobuf/message_lite.h"
#include "medfed/core/status.h"
#include "medfed/v1/network.pb.h"

namespace medfed::net {

inline constexpr size_t kFrameBytes = 1 << 20;
// gRPC's per-message limit on every channel: a frame, or a researcher's whole submission, which
// may carry up to analysis::kMaxCarriedReferenceBytes of reference data (an ontology, an
// encrypted query) besides its analyses.
inline constexpr int kGrpcMessageBytes = 32 << 20;

// The frames of one message.
std::vector<v1::Frame> SplitIntoFrames(const google::protobuf::MessageLite& message, uint64_t message_id);

class FrameAssembler {
 public:
  explicit FrameAssembler(size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

  // Adds a frame; returns the whole message once its last frame arrives (into `message`),
  // false while more frames are expected, an error for a frame out of sequence, a message over
  // the limit, or bytes that do not parse.
  StatusOr<bool> Add(const v1::Frame& frame, google::protobuf::MessageLite& message);

 private:
  size_t max_message_bytes_;
  uint64_t message_id_ = 0;
  uint32_t next_index_ = 0;
  bool in_message_ = false;
  std::string buffer_;
};

}  // namespace medfed::net
