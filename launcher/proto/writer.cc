#include "launcher/proto/writer.h"

#include "common/check.h"

namespace zmpi::launcher::proto {

void Writer::U16(uint16_t v) {
  for (int i = 0; i < 2; ++i) U8(static_cast<uint8_t>(v >> (8 * i)));
}

void Writer::U32(uint32_t v) {
  for (int i = 0; i < 4; ++i) U8(static_cast<uint8_t>(v >> (8 * i)));
}

void Writer::U64(uint64_t v) {
  for (int i = 0; i < 8; ++i) U8(static_cast<uint8_t>(v >> (8 * i)));
}

void Writer::Bytes(const void* data, size_t size) {
  out_->append(static_cast<const char*>(data), size);
}

void Writer::Str(const std::string& s) {
  ZMPI_CHECK_LE(s.size(), size_t{UINT32_MAX});
  U32(static_cast<uint32_t>(s.size()));
  Bytes(s.data(), s.size());
}

}  // namespace zmpi::launcher::proto
