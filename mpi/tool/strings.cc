#include "mpi/tool/strings.h"

#include <cstring>

namespace zmpi::tool {

void PutString(const char* text, char* out, int* len) {
  if (len == nullptr) return;
  const int needed = static_cast<int>(strlen(text)) + 1;
  if (out == nullptr || *len <= 0) {
    *len = needed;
    return;
  }
  const int stored = needed < *len ? needed : *len;
  memcpy(out, text, static_cast<size_t>(stored - 1));
  out[stored - 1] = '\0';
  *len = stored;
}

}  // namespace zmpi::tool
