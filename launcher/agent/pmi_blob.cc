#include "launcher/agent/pmi_blob.h"

#include <vector>

namespace zmpi::launcher::agent {
namespace {

void Put(std::string* out, const std::string& item) {
  *out += std::to_string(item.size());
  *out += ':';
  *out += item;
}

// Reads one "<length>:<bytes>" at *pos.
bool Take(const std::string& blob, size_t* pos, std::string* item) {
  size_t colon = blob.find(':', *pos);
  if (colon == std::string::npos || colon == *pos || colon - *pos > 9) return false;
  size_t len = 0;
  for (size_t i = *pos; i < colon; ++i) {
    if (blob[i] < '0' || blob[i] > '9') return false;
    len = len * 10 + static_cast<size_t>(blob[i] - '0');
  }
  if (len > blob.size() - colon - 1) return false;
  item->assign(blob, colon + 1, len);
  *pos = colon + 1 + len;
  return true;
}

}  // namespace

std::string EncodePmiBlob(const std::map<std::string, std::string>& puts) {
  std::string out;
  for (const auto& [key, value] : puts) {
    Put(&out, key);
    Put(&out, value);
  }
  return out;
}

Status DecodePmiBlob(const std::string& blob, std::map<std::string, std::string>* kvs) {
  std::vector<std::pair<std::string, std::string>> records;
  size_t pos = 0;
  while (pos < blob.size()) {
    std::string key, value;
    if (!Take(blob, &pos, &key) || !Take(blob, &pos, &value)) {
      return Error(Code::kOther, "PMI fence data are malformed at byte %zu of %zu", pos,
                   blob.size());
    }
    records.emplace_back(std::move(key), std::move(value));
  }
  for (auto& [key, value] : records) (*kvs)[key] = std::move(value);
  return OkStatus();
}

}  // namespace zmpi::launcher::agent
