// The ZMPI_* configuration table. Every variable is one row of kConfigRows (name, type,
// default, doc); Config reads them once from the environment into immutable typed fields.
// `zrun --help-env` prints the table; an unknown ZMPI_ name gets a "did you mean".
#ifndef ZMPI_COMMON_CONFIG_H_
#define ZMPI_COMMON_CONFIG_H_

#include <cstddef>
#include <string>
#include <vector>

#include "common/log.h"
#include "common/status.h"

namespace zmpi {

struct ConfigRow {
  const char* name;
  const char* type;  // "size", "int", "bool", "string", "level"
  const char* default_value;
  const char* doc;
};

extern const ConfigRow kConfigRows[];
extern const size_t kConfigRowCount;

// Which transport carries messages between ranks on the same host. kOfi and kTcp: that
// network transport for every peer. kMixed is for tests: same-parity ranks of a host use shm,
// the others the network transport, so one job exercises both (and MPI_ANY_SOURCE across them).
enum class TransportChoice { kAuto, kShm, kOfi, kTcp, kMixed };
// Which network transport reaches other hosts: kAuto = ofi where the build has libfabric.
enum class NetChoice { kAuto, kOfi, kTcp };

struct Config {
  LogLevel log_level = LogLevel::kWarn;
  TransportChoice transport = TransportChoice::kAuto;
  NetChoice net = NetChoice::kAuto;
  std::string ofi_provider;
  std::string ofi_iface;
  size_t ofi_bulk_chunk = 0;  // 0: never cut (only at the provider's message limit)
  size_t eager_limit = 0;
  size_t unexpected_limit = 0;
  size_t shm_ring_slots = 0;
  size_t shm_slot_size = 0;
  bool single_copy = true;
  size_t single_copy_min = 0;
  size_t shm_assist_min = 0;
  int spin_count = 0;
  bool oversub_wait_sleeps = false;  // ZMPI_OVERSUB_WAIT=sleep
  int net_block_after_us = -1;  // < 0: a waiting network-only rank never blocks
  // Messages for unknown ZMPI_ names and unparsable values, to be logged once.
  std::vector<std::string> warnings;

  // Reads the process environment. Never fails: bad values keep the default and add a warning.
  static Config FromEnvironment();
  // The same, then `overrides` (NAME=VALUE, later ones win): values set by a tool through
  // MPI_T before the library started.
  static Config FromEnvironment(const std::vector<std::string>& overrides);
  // Same, from an explicit NAME=VALUE list (for tests).
  static Config FromList(const std::vector<std::string>& env);
};

// Parses "64k", "8M", "1G", "123" into bytes.
bool ParseSize(const std::string& text, size_t* out);
// Prints the table (name, type, default, doc) to `out`, as --help-env shows it.
std::string FormatConfigHelp();
// Closest known ZMPI_ name to `name` (edit distance), or "" if none is close.
std::string SuggestConfigName(const std::string& name);

}  // namespace zmpi

#endif  // ZMPI_COMMON_CONFIG_H_
