// Reads little-endian fields from untrusted bytes (message_format.h encodings). Every read
// checks the remaining size first; every string and list read takes its limit. After the
// first failure all reads fail, so a decoder may check once at the end (Finish()).
#ifndef ZMPI_LAUNCHER_PROTO_READER_H_
#define ZMPI_LAUNCHER_PROTO_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace zmpi::launcher::proto {

class Reader final {
 public:
  // `what` names the message in error reasons ("Launch").
  Reader(const uint8_t* data, size_t size, const char* what)
      : data_(data), size_(size), what_(what) {}

  uint8_t U8(const char* field);
  uint16_t U16(const char* field);
  uint32_t U32(const char* field);
  uint64_t U64(const char* field);
  int32_t I32(const char* field) { return static_cast<int32_t>(U32(field)); }
  // Exactly `size` bytes into `out`.
  void Bytes(const char* field, void* out, size_t size);
  // u32 length <= max, then the bytes.
  std::string Str(const char* field, uint32_t max);
  // A u32 element count <= max; also fails if the remaining bytes cannot hold `count`
  // elements of at least `min_element_size` bytes (so no huge reserve() on a lie).
  uint32_t Count(const char* field, uint32_t max, size_t min_element_size);
  // Fails the reader with a reason of the caller's (e.g. a value out of range).
  void Fail(const char* field, const char* problem);

  bool ok() const { return status_.ok(); }
  size_t remaining() const { return size_ - pos_; }
  // OK if every read succeeded and nothing is left over.
  Status Finish();

 private:
  bool Take(const char* field, size_t n);

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  const char* what_;
  Status status_;
};

}  // namespace zmpi::launcher::proto

#endif  // ZMPI_LAUNCHER_PROTO_READER_H_
