// Topology: this host's cores as hwloc sees them (only the cpuset this process may use), and
// binding of other processes to them. The only place hwloc is called.
//
// Not thread-safe; owned by the event loop. Binding targets a pid that has not yet run user code
// (the spawner holds the child before exec), so the rank starts on its core.
#ifndef ZMPI_LAUNCHER_AGENT_TOPOLOGY_H_
#define ZMPI_LAUNCHER_AGENT_TOPOLOGY_H_

#include <sys/types.h>

#include <string>

#include "common/platform/platform.h"
#include "common/status.h"

struct hwloc_topology;

namespace zmpi::launcher::agent {

class Topology {
 public:
  Topology() = default;
  ~Topology();
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  Status Load();
  // Cores with at least one allowed PU.
  int core_count() const { return core_count_; }
  // Binds `pid` (single-threaded: held before exec) to the PUs of logical core `core`, with
  // the platform layer's call where it has one (platform::BindToCpus), else with hwloc's.
  Status BindToCore(pid_t pid, int core);
  // What the kernel says `pid` is bound to: "core 0 [cpus 0-1]", "cores 0-3 [cpus 0-3]",
  // "unbound [cpus 0-3]" when it may run on every allowed core.
  StatusOr<std::string> DescribeBinding(pid_t pid);
  // The owner's offer (zrund --cores): the first `cores` cores (logical order), whose PUs are
  // the only CPUs a rank may run on. Before any call, the offer is every allowed core.
  Status Offer(int cores);
  const platform::CpuSet& offered_cpus() const { return offered_; }
  // "0-3": the offered CPUs, as a list.
  const std::string& offered_list() const { return offered_list_; }
  // The loaded hwloc topology, to hand to libpmix so it does not discover the machine again.
  hwloc_topology* hwloc_handle() const { return topology_; }

 private:
  hwloc_topology* topology_ = nullptr;
  int core_count_ = 0;
  platform::CpuSet offered_;
  std::string offered_list_;
};

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_TOPOLOGY_H_
