#include "mpi/tool/cvars.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/log.h"
#include "mpi/core/runtime.h"
#include "mpi/tool/errors.h"

namespace zmpi::tool {
namespace {

using core::Runtime;

constexpr EnumItem kTransportItems[] = {
    {static_cast<int>(TransportChoice::kAuto), "auto"},
    {static_cast<int>(TransportChoice::kShm), "shm"},
    {static_cast<int>(TransportChoice::kOfi), "ofi"},
    {static_cast<int>(TransportChoice::kTcp), "tcp"},
    {static_cast<int>(TransportChoice::kMixed), "mixed"},
};
constexpr Enum kTransportEnum = {
    "zmpi_transport", kTransportItems,
    static_cast<int>(sizeof(kTransportItems) / sizeof(kTransportItems[0]))};

constexpr EnumItem kLogLevelItems[] = {
    {0, "error"}, {1, "warn"}, {2, "info"}, {3, "debug"}, {4, "trace"},
};
constexpr Enum kLogLevelEnum = {"zmpi_log_level", kLogLevelItems, 5};

constexpr int kStringCount = 256;  // a string variable's buffer, null included

// The rows, in index order. `id` below names them in code.
enum Id {
  kEagerLimit,
  kUnexpectedLimit,
  kSingleCopy,
  kSingleCopyMin,
  kSpinCount,
  kLogLevel,
  kTransport,
  kOfiProvider,
  kOfiIface,
  kOfiBulkChunk,
  kShmRingSlots,
  kShmSlotSize,
  kShmAssistMin,
  kPmi,
  kCount
};

constexpr int kTuner = MPI_T_VERBOSITY_TUNER_BASIC;
constexpr int kUser = MPI_T_VERBOSITY_USER_BASIC;
constexpr ValueType kSize = ValueType::kUnsignedLongLong;

const CvarInfo kCvars[kCount] = {
    {"ZMPI_EAGER_LIMIT",
     "largest message sent eagerly (bytes), capped by each transport's frame; larger ones use "
     "rendezvous. Writable at any time: sends started afterwards use it",
     kTuner, kSize, nullptr, MPI_T_SCOPE_LOCAL, 1},
    {"ZMPI_UNEXPECTED_LIMIT",
     "bytes of unexpected eager messages buffered before senders are held back; writable at "
     "any time",
     kTuner, kSize, nullptr, MPI_T_SCOPE_LOCAL, 1},
    {"ZMPI_SINGLE_COPY",
     "nonzero: large messages within a host are read with one copy (process_vm_readv) when "
     "the transport allows it; 0: they stream through the shared-memory ring. Writable at any "
     "time: rendezvous receives matched afterwards use it",
     kTuner, ValueType::kInt, nullptr, MPI_T_SCOPE_LOCAL, 1},
    {"ZMPI_SINGLE_COPY_MIN", "smallest message (bytes) read with single copy; writable at any time",
     kTuner, kSize, nullptr, MPI_T_SCOPE_LOCAL, 1},
    {"ZMPI_SPIN_COUNT",
     "idle progress polls before a waiting rank starts yielding the CPU; writable at any time",
     kTuner, ValueType::kInt, nullptr, MPI_T_SCOPE_LOCAL, 1},
    {"ZMPI_LOG_LEVEL",
     "log level: 0 error, 1 warn, 2 info, 3 debug, 4 trace (above 4: trace, below 0: error); "
     "writable at any time",
     kUser, ValueType::kInt, &kLogLevelEnum, MPI_T_SCOPE_LOCAL, 1},
    {"ZMPI_TRANSPORT",
     "transport between ranks on one host (auto, shm, ofi, tcp, mixed); set by the environment "
     "before the library starts",
     kUser, ValueType::kInt, &kTransportEnum, MPI_T_SCOPE_READONLY, 1},
    {"ZMPI_OFI_PROVIDER", "libfabric providers between hosts, tried in order (environment)", kUser,
     ValueType::kChar, nullptr, MPI_T_SCOPE_READONLY, kStringCount},
    {"ZMPI_OFI_IFACE", "network interface for libfabric (environment, set by the launcher)", kUser,
     ValueType::kChar, nullptr, MPI_T_SCOPE_READONLY, kStringCount},
    {"ZMPI_OFI_BULK_CHUNK", "piece size (bytes) for large messages between hosts (environment)",
     kTuner, kSize, nullptr, MPI_T_SCOPE_READONLY, 1},
    {"ZMPI_SHM_RING_SLOTS", "slots in the largest shared-memory ring (environment)", kTuner,
     ValueType::kInt, nullptr, MPI_T_SCOPE_READONLY, 1},
    {"ZMPI_SHM_SLOT_SIZE", "bytes per shared-memory ring slot (environment)", kTuner, kSize,
     nullptr, MPI_T_SCOPE_READONLY, 1},
    {"ZMPI_SHM_ASSIST_MIN",
     "smallest single-copy read (bytes) the sending rank helps to copy (environment)", kTuner,
     kSize, nullptr, MPI_T_SCOPE_READONLY, 1},
    {"ZMPI_PMI", "PMI version under Hydra's mpiexec or srun --mpi=pmi2 (environment)", kUser,
     ValueType::kChar, nullptr, MPI_T_SCOPE_READONLY, kStringCount},
};

constexpr const char* kLogLevelNames[] = {"error", "warn", "info", "debug", "trace"};

// The switch and the log level read back what was last written (MPI_T_cvar_write then read
// gives the same value) although the library uses a normalized form (nonzero, a clamped
// level). Process-wide: the interface outlives every runtime.
struct Written {
  bool set = false;
  int value = 0;
};
Written written[kCount];

bool Running() {
  return Runtime::state() == core::LibraryState::kInitialized && Runtime::Get() != nullptr;
}

// The settings in effect: the running library's, or what the next start would read.
Config Current() {
  if (Running()) return Runtime::Get()->config();
  return Config::FromEnvironment(Runtime::tool_settings());
}

std::string StringValue(int id, const Config& c) {
  switch (id) {
    case kOfiProvider:
      return c.ofi_provider;
    case kOfiIface:
      return c.ofi_iface;
    case kPmi: {
      const char* v = getenv("ZMPI_PMI");
      return v != nullptr ? v : "auto";
    }
  }
  return "";
}

unsigned long long SizeValue(int id, const Config& c) {
  switch (id) {
    case kEagerLimit:
      return c.eager_limit;
    case kUnexpectedLimit:
      return c.unexpected_limit;
    case kSingleCopyMin:
      return c.single_copy_min;
    case kOfiBulkChunk:
      return c.ofi_bulk_chunk;
    case kShmSlotSize:
      return c.shm_slot_size;
    case kShmAssistMin:
      return c.shm_assist_min;
  }
  return 0;
}

int IntValue(int id, const Config& c) {
  if (written[id].set) return written[id].value;
  switch (id) {
    case kSingleCopy:
      return c.single_copy ? 1 : 0;
    case kSpinCount:
      return Running() ? Runtime::Get()->spin_count() : c.spin_count;
    case kLogLevel:
      return static_cast<int>(c.log_level);
    case kTransport:
      return static_cast<int>(c.transport);
    case kShmRingSlots:
      return static_cast<int>(c.shm_ring_slots);
  }
  return 0;
}

// Keeps NAME=VALUE for every later start (later entries win, so older ones may go).
void Remember(const char* name, const std::string& value) {
  std::vector<std::string>& settings = Runtime::tool_settings();
  const std::string prefix = std::string(name) + "=";
  settings.erase(std::remove_if(settings.begin(), settings.end(),
                                [&](const std::string& s) { return s.rfind(prefix, 0) == 0; }),
                 settings.end());
  settings.push_back(prefix + value);
}

void WriteSize(int id, unsigned long long v) {
  Remember(kCvars[id].name, std::to_string(v));
  if (!Running()) return;
  Runtime* rt = Runtime::Get();
  Config& c = rt->mutable_config();
  const size_t bytes = static_cast<size_t>(v);
  switch (id) {
    case kEagerLimit:
      c.eager_limit = bytes;
      rt->engine().SetEagerLimit(bytes);
      break;
    case kUnexpectedLimit:
      c.unexpected_limit = bytes;
      break;
    case kSingleCopyMin:
      c.single_copy_min = bytes;
      break;
  }
}

void WriteInt(int id, int v) {
  if (id == kSingleCopy || id == kLogLevel) written[id] = Written{true, v};
  const bool on = v != 0;
  const int level = std::clamp(v, 0, 4);
  switch (id) {
    case kSingleCopy:
      Remember(kCvars[id].name, on ? "1" : "0");
      if (Running()) Runtime::Get()->mutable_config().single_copy = on;
      break;
    case kSpinCount:
      Remember(kCvars[id].name, std::to_string(std::max(v, 0)));
      if (Running()) Runtime::Get()->set_spin_count(v);
      break;
    case kLogLevel:
      Remember(kCvars[id].name, kLogLevelNames[level]);
      SetLogLevel(static_cast<LogLevel>(level));
      if (Running()) Runtime::Get()->mutable_config().log_level = static_cast<LogLevel>(level);
      break;
  }
}

}  // namespace

const Enum* FindEnum(MPI_T_enum handle) {
  for (const Enum* e : {&kTransportEnum, &kLogLevelEnum}) {
    if (EnumHandle(e) == handle) return e;
  }
  return nullptr;
}

int CvarCount() { return kCount; }
const CvarInfo& Cvar(int index) { return kCvars[index]; }

int FindCvar(const char* name) {
  for (int i = 0; i < kCount; ++i) {
    if (strcmp(kCvars[i].name, name) == 0) return i;
  }
  return -1;
}

MPI_Datatype DatatypeOf(ValueType type) {
  switch (type) {
    case ValueType::kInt:
      return MPI_INT;
    case ValueType::kUnsignedLongLong:
      return MPI_UNSIGNED_LONG_LONG;
    case ValueType::kChar:
      return MPI_CHAR;
  }
  return MPI_DATATYPE_NULL;
}

void ReadCvar(int index, void* buf) {
  const Config c = Current();
  const CvarInfo& info = kCvars[index];
  switch (info.type) {
    case ValueType::kInt:
      *static_cast<int*>(buf) = IntValue(index, c);
      break;
    case ValueType::kUnsignedLongLong:
      *static_cast<unsigned long long*>(buf) = SizeValue(index, c);
      break;
    case ValueType::kChar: {
      std::string v = StringValue(index, c);
      const size_t n = std::min(v.size(), static_cast<size_t>(info.count - 1));
      memcpy(buf, v.data(), n);
      static_cast<char*>(buf)[n] = '\0';
      break;
    }
  }
}

Status WriteCvar(int index, const void* buf) {
  const CvarInfo& info = kCvars[index];
  if (info.scope == MPI_T_SCOPE_READONLY || info.scope == MPI_T_SCOPE_CONSTANT) {
    return Error(kCvarSetNever, "%s is read-only (set it in the environment)", info.name);
  }
  if (info.type == ValueType::kInt) {
    WriteInt(index, *static_cast<const int*>(buf));
  } else {
    WriteSize(index, *static_cast<const unsigned long long*>(buf));
  }
  return OkStatus();
}

}  // namespace zmpi::tool
