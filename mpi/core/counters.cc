#include "mpi/core/counters.h"

#include <cstring>

namespace zmpi::core {

Counters counters;

TransportCounters* CountersOf(const char* endpoint_name) {
  TransportSlot slot = TransportSlot::kSelf;
  if (strcmp(endpoint_name, "shm") == 0)
    slot = TransportSlot::kShm;
  else if (strcmp(endpoint_name, "ofi") == 0)
    slot = TransportSlot::kOfi;
  return &counters.transport[static_cast<int>(slot)];
}

}  // namespace zmpi::core
