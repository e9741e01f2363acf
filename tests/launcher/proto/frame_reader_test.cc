// FrameReader's size limit: before the handshake a peer without the key can make the reader
// hold no more than kMaxPreAuthFrame bytes (16 MiB pre-auth frames took
// an agent from 8 MB to 571 MB over 32 connections).
#include "launcher/proto/frame_reader.h"

#include <gtest/gtest.h>

#include <string>

#include "launcher/proto/messages.h"

namespace zmpi::launcher::proto {
namespace {

// A valid header announcing a FenceRelease payload of `length` bytes (no payload).
std::string FenceHeader(uint32_t length) {
  std::string frame = EncodeFrame(MessageType::kFenceRelease, std::string(16, 'x'), 0, nullptr);
  std::string header = frame.substr(0, kHeaderSize);
  for (int i = 0; i < 4; ++i) header[8 + i] = static_cast<char>((length >> (8 * i)) & 0xff);
  return header;
}

TEST(FrameReader, StartsWithThePreAuthLimit) {
  FrameReader reader;
  EXPECT_EQ(reader.max_frame(), kMaxPreAuthFrame);
  EXPECT_LT(kMaxPreAuthFrame, 8u << 10);
  EXPECT_EQ(reader.room(), kMaxPreAuthFrame);
}

TEST(FrameReader, RefusesALargeFrameBeforeAuthenticationFromItsHeader) {
  FrameReader reader;
  std::string header = FenceHeader(16u << 20);
  reader.Append(header.data(), header.size());
  Frame frame;
  StatusOr<bool> got = reader.Next(&frame);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("before authentication"), std::string::npos)
      << got.status().message();
  // The stream stays refused.
  EXPECT_FALSE(reader.Next(&frame).ok());
}

TEST(FrameReader, RoomShrinksToZeroAtTheLimit) {
  FrameReader reader;
  std::string junk(kMaxPreAuthFrame - 10, 'a');
  reader.Append(junk.data(), junk.size());
  EXPECT_EQ(reader.room(), 10u);
  reader.Append(junk.data(), 10);
  EXPECT_EQ(reader.room(), 0u);
}

TEST(FrameReader, HandshakeAndErrorFramesFitBeforeAuthentication) {
  FrameReader reader;
  Hello hello;
  hello.client_name = std::string(kMaxName, 'c');
  hello.cluster_id = "ab";
  std::string bytes = EncodeFrame(MessageType::kHello, *hello.Encode(), 0, nullptr);
  ErrorMessage error;
  error.code = 1;
  error.reason = std::string(kMaxReason, 'r');
  bytes += EncodeFrame(MessageType::kError, *error.Encode(), 0, nullptr);
  reader.Append(bytes.data(), bytes.size());
  Frame frame;
  ASSERT_TRUE(*reader.Next(&frame));
  EXPECT_EQ(frame.type(), MessageType::kHello);
  ASSERT_TRUE(*reader.Next(&frame));
  EXPECT_EQ(frame.type(), MessageType::kError);
  EXPECT_FALSE(*reader.Next(&frame));
}

TEST(FrameReader, AfterAuthenticationFullSizeFramesPass) {
  FrameReader reader;
  reader.set_max_frame(kMaxFrame);
  std::string payload(1u << 20, 'z');
  std::string bytes = EncodeFrame(MessageType::kFenceRelease, payload, 0, nullptr);
  reader.Append(bytes.data(), bytes.size());
  Frame frame;
  ASSERT_TRUE(*reader.Next(&frame));
  EXPECT_EQ(frame.payload.size(), payload.size());
}

}  // namespace
}  // namespace zmpi::launcher::proto
