#include "medfed/net/framing.h"

#include "gtest/gtest.h"

namespace medfed::net {
namespace {

v1::SiteToHub BigResponse(size_t bytes) {
  v1::SiteToHub message;
  message.mutable_response()->set_site("hospital-a");
  message.mutable_response()->mutable_round()->mutable_contribution()->set_masked(std::string(bytes, '\x5a'));
  return message;
}

TEST(FramingTest, LargeMessagesTravelInFramesAndArriveWhole) {
  const v1::SiteToHub original = BigResponse(3 * kFrameBytes + 17);
  auto frames = SplitIntoFrames(original, 7);
  ASSERT_EQ(frames.size(), 4u);
  for (const auto& frame : frames) EXPECT_LE(frame.chunk().size(), kFrameBytes);
  EXPECT_TRUE(frames.back().last());
  FrameAssembler assembler(64u << 20);
  v1::SiteToHub received;
  for (size_t i = 0; i < frames.size(); ++i) {
    auto complete = assembler.Add(frames[i], received);
    ASSERT_TRUE(complete.ok()) << complete.status();
    EXPECT_EQ(*complete, i + 1 == frames.size());
  }
  EXPECT_EQ(received.response().round().contribution().masked(), original.response().round().contribution().masked());
  // An empty message is one frame.
  EXPECT_EQ(SplitIntoFrames(v1::SiteToHub(), 1).size(), 1u);
}

TEST(FramingTest, OversizedOutOfSequenceAndMalformedMessagesAreRefused) {
  FrameAssembler small(2 * kFrameBytes);
  v1::SiteToHub received;
  auto frames = SplitIntoFrames(BigResponse(3 * kFrameBytes), 1);
  Status refused = absl::OkStatus();
  for (const auto& frame : frames) {
    auto complete = small.Add(frame, received);
    if (!complete.ok()) {
      refused = complete.status();
      break;
    }
  }
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(std::string(refused.message()).find("exceeds the limit"), std::string::npos);

  FrameAssembler assembler(64u << 20);
  auto two = SplitIntoFrames(BigResponse(kFrameBytes + 10), 2);
  EXPECT_FALSE(assembler.Add(two[1], received).ok());  // second frame first
  ASSERT_TRUE(assembler.Add(two[0], received).ok());
  v1::Frame stray = two[1];
  stray.set_message_id(3);
  EXPECT_FALSE(assembler.Add(stray, received).ok());  // a frame of another message

  v1::Frame garbage;
  garbage.set_message_id(9);
  garbage.set_chunk("\xff\xff\xff\xff not a protobuf");
  garbage.set_last(true);
  auto parsed = FrameAssembler(1024).Add(garbage, received);
  EXPECT_FALSE(parsed.ok());
  EXPECT_NE(std::string(parsed.status().message()).find("not a valid protobuf"), std::string::npos);
}

}  // namespace
}  // namespace medfed::net
