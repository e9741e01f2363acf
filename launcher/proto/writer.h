// Appends little-endian fields to a byte string (message_format.h encodings).
#ifndef ZMPI_LAUNCHER_PROTO_WRITER_H_
#define ZMPI_LAUNCHER_PROTO_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace zmpi::launcher::proto {

// Writing never fails: limits are the encoder's job (messages.cc checks them with ZMPI_CHECK
// only for sizes a caller controls and returns Status for the rest).
class Writer final {
 public:
  explicit Writer(std::string* out) : out_(out) {}
  void U8(uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void U16(uint16_t v);
  void U32(uint32_t v);
  void U64(uint64_t v);
  void I32(int32_t v) { U32(static_cast<uint32_t>(v)); }
  void Bytes(const void* data, size_t size);
  // u32 length, then the bytes.
  void Str(const std::string& s);

 private:
  std::string* out_;
};

}  // namespace zmpi::launcher::proto

#endif  // ZMPI_LAUNCHER_PROTO_WRITER_H_
