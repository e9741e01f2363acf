#include "launcher/proto/reader.h"

#include <cstring>

namespace zmpi::launcher::proto {

bool Reader::Take(const char* field, size_t n) {
  if (!status_.ok()) return false;
  if (n > size_ - pos_) {
    status_ = Error(Code::kTruncate, "%s.%s: needs %zu bytes, %zu left", what_, field, n,
                    size_ - pos_);
    return false;
  }
  return true;
}

void Reader::Fail(const char* field, const char* problem) {
  if (status_.ok()) status_ = Error(Code::kArg, "%s.%s: %s", what_, field, problem);
}

uint8_t Reader::U8(const char* field) {
  if (!Take(field, 1)) return 0;
  return data_[pos_++];
}

uint16_t Reader::U16(const char* field) {
  if (!Take(field, 2)) return 0;
  uint16_t v = static_cast<uint16_t>(data_[pos_] | (data_[pos_ + 1] << 8));
  pos_ += 2;
  return v;
}

uint32_t Reader::U32(const char* field) {
  if (!Take(field, 4)) return 0;
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | data_[pos_ + i];
  pos_ += 4;
  return v;
}

uint64_t Reader::U64(const char* field) {
  if (!Take(field, 8)) return 0;
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | data_[pos_ + i];
  pos_ += 8;
  return v;
}

void Reader::Bytes(const char* field, void* out, size_t size) {
  if (!Take(field, size)) {
    std::memset(out, 0, size);
    return;
  }
  std::memcpy(out, data_ + pos_, size);
  pos_ += size;
}

std::string Reader::Str(const char* field, uint32_t max) {
  uint32_t len = U32(field);
  if (!status_.ok()) return {};
  if (len > max) {
    status_ = Error(Code::kArg, "%s.%s: length %u exceeds limit %u", what_, field, len, max);
    return {};
  }
  if (!Take(field, len)) return {};
  std::string s(reinterpret_cast<const char*>(data_ + pos_), len);
  pos_ += len;
  return s;
}

uint32_t Reader::Count(const char* field, uint32_t max, size_t min_element_size) {
  uint32_t count = U32(field);
  if (!status_.ok()) return 0;
  if (count > max) {
    status_ = Error(Code::kArg, "%s.%s: count %u exceeds limit %u", what_, field, count, max);
    return 0;
  }
  if (min_element_size > 0 && count > remaining() / min_element_size) {
    status_ = Error(Code::kTruncate, "%s.%s: %u elements cannot fit in %zu bytes", what_, field,
                    count, remaining());
    return 0;
  }
  return count;
}

Status Reader::Finish() {
  if (status_.ok() && pos_ != size_) {
    return Error(Code::kArg, "%s: %zu trailing bytes", what_, size_ - pos_);
  }
  return status_;
}

}  // namespace zmpi::launcher::proto
