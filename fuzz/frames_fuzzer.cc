// The network's frame decoder, as the hub and a site run it on what arrives on a stream: each
// chunk (length-prefixed, 2 bytes) is parsed as a Frame and handed to a FrameAssembler with a
// 64 KiB limit; whole messages are parsed as the other side's message, and a researcher's
// Submission is parsed and validated as the hub does before touching it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "medfed/net/framing.h"
#include "medfed/net/submission.h"
#include "medfed/v1/network.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  medfed::net::FrameAssembler at_hub(64 << 10), at_site(64 << 10);
  size_t offset = 0;
  while (offset + 2 <= size) {
    const size_t length = std::min<size_t>(size - offset - 2, data[offset] | (data[offset + 1] << 8));
    offset += 2;
    medfed::v1::Frame frame;
    if (frame.ParseFromArray(data + offset, static_cast<int>(length))) {
      medfed::v1::SiteToHub from_site;
      (void)at_hub.Add(frame, from_site);
      medfed::v1::HubToSite from_hub;
      (void)at_site.Add(frame, from_hub);
    }
    offset += length;
  }
  medfed::v1::Submission submission;
  if (submission.ParseFromArray(data, static_cast<int>(size))) {
    (void)medfed::net::AnalysesOf(submission);
    (void)medfed::net::DescribeSubmission(submission);
  }
  return 0;
}
