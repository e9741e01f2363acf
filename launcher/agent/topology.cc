#include "launcher/agent/topology.h"

#include <hwloc.h>
#include <stdlib.h>
#include <string.h>

#include <vector>

namespace zmpi::launcher::agent {

namespace {

// hwloc plugins (file names without .so) that only discover I/O devices or read XML with libxml2.
constexpr const char* kUnneededHwlocPlugins =
    "hwloc_xml_libxml,hwloc_pci,hwloc_opencl,hwloc_gl,hwloc_cuda,hwloc_nvml,hwloc_rsmi,"
    "hwloc_levelzero";

std::string ListString(hwloc_const_bitmap_t set) {
  char* text = nullptr;
  if (hwloc_bitmap_list_asprintf(&text, set) < 0 || text == nullptr) return "?";
  std::string out(text);
  free(text);
  return out;
}

}  // namespace

Topology::~Topology() {
  if (topology_ != nullptr) hwloc_topology_destroy(topology_);
}

Status Topology::Load() {
  // hwloc dlopens every plugin it finds at the first init: libxml2 with ICU, OpenCL, GL with
  // the X11 libraries, libpciaccess. A launcher needs none of them (the Linux backend and the
  // XML exporter libpmix uses are built in); not loading them saves ~3-5 ms per job. hwloc
  // reads the variable during that init only; a value the user set wins, and ours is removed
  // again so that ranks do not inherit it. (No other thread runs yet: setenv is safe here.)
  const bool set_here = getenv("HWLOC_PLUGINS_BLACKLIST") == nullptr;
  if (set_here) setenv("HWLOC_PLUGINS_BLACKLIST", kUnneededHwlocPlugins, 1);
  int init_rc = hwloc_topology_init(&topology_);
  if (set_here) unsetenv("HWLOC_PLUGINS_BLACKLIST");
  if (init_rc != 0) return Error(Code::kOther, "hwloc_topology_init failed");
  // Cores and PUs are all a launcher needs: skip PCI/GPU discovery and the x86 CPUID pass (it
  // migrates this process over every PU), which cost ~100 ms per job on small VMs.
  hwloc_topology_set_io_types_filter(topology_, HWLOC_TYPE_FILTER_KEEP_NONE);
  hwloc_topology_set_components(topology_, HWLOC_TOPOLOGY_COMPONENTS_FLAG_BLACKLIST, "x86");
  if (hwloc_topology_load(topology_) != 0) {
    return Error(Code::kOther, "hwloc_topology_load: %s", strerror(errno));
  }
  // Without INCLUDE_DISALLOWED, hwloc drops cores outside our allowed cpuset.
  core_count_ = hwloc_get_nbobjs_by_type(topology_, HWLOC_OBJ_CORE);
  if (core_count_ <= 0) {  // some VMs expose PUs only
    core_count_ = hwloc_get_nbobjs_by_type(topology_, HWLOC_OBJ_PU);
  }
  if (core_count_ <= 0) return Error(Code::kOther, "hwloc found no cores");
  return Offer(core_count_);
}

Status Topology::Offer(int cores) {
  hwloc_bitmap_t set = hwloc_bitmap_alloc();
  hwloc_obj_type_t type =
      hwloc_get_nbobjs_by_type(topology_, HWLOC_OBJ_CORE) > 0 ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
  for (int i = 0; i < cores && i < core_count_; ++i) {
    hwloc_obj_t obj = hwloc_get_obj_by_type(topology_, type, static_cast<unsigned>(i));
    if (obj != nullptr) hwloc_bitmap_or(set, set, obj->cpuset);
  }
  hwloc_bitmap_and(set, set, hwloc_topology_get_allowed_cpuset(topology_));
  offered_.reset();
  bool fits = true;  // hwloc's PU numbers are the OS's CPU numbers
  for (int cpu = hwloc_bitmap_first(set); cpu >= 0; cpu = hwloc_bitmap_next(set, cpu)) {
    if (cpu < platform::kMaxCpus)
      offered_.set(static_cast<size_t>(cpu));
    else
      fits = false;
  }
  offered_list_ = ListString(set);
  bool empty = hwloc_bitmap_iszero(set);
  hwloc_bitmap_free(set);
  if (!fits || empty) return Error(Code::kOther, "cannot make the cpu set of %d cores", cores);
  return OkStatus();
}

Status Topology::BindToCore(pid_t pid, int core) {
  hwloc_obj_t obj = hwloc_get_obj_by_type(topology_, HWLOC_OBJ_CORE, core);
  if (obj == nullptr) obj = hwloc_get_obj_by_type(topology_, HWLOC_OBJ_PU, core);
  if (obj == nullptr) return Error(Code::kArg, "no core %d on this host", core);
  // The OS call where the platform layer has one (hwloc has no binding back end on Haiku,
  // and the portable build must bind the way it would there); hwloc's own otherwise.
  if (platform::CpuBindingCall() != nullptr) {
    platform::CpuSet cpus;
    for (int cpu = hwloc_bitmap_first(obj->cpuset); cpu >= 0;
         cpu = hwloc_bitmap_next(obj->cpuset, cpu)) {
      if (cpu >= platform::kMaxCpus)
        return Error(Code::kOther, "cpu %d of core %d is beyond %d", cpu, core, platform::kMaxCpus);
      cpus.set(static_cast<size_t>(cpu));
    }
    Status s = platform::BindToCpus(pid, cpus);
    if (!s.ok())
      return Error(Code::kOther, "binding pid %d to core %d: %s", static_cast<int>(pid), core,
                   s.message().c_str());
    return OkStatus();
  }
  if (hwloc_set_proc_cpubind(topology_, pid, obj->cpuset, HWLOC_CPUBIND_PROCESS) != 0) {
    return Error(Code::kOther, "binding pid %d to core %d: %s", static_cast<int>(pid), core,
                 strerror(errno));
  }
  return OkStatus();
}

StatusOr<std::string> Topology::DescribeBinding(pid_t pid) {
  hwloc_bitmap_t set = hwloc_bitmap_alloc();
  if (platform::CpuBindingCall() != nullptr) {  // as BindToCore binds
    StatusOr<platform::CpuSet> cpus = platform::CpuAffinity(pid);
    if (!cpus.ok()) {
      hwloc_bitmap_free(set);
      return Error(Code::kOther, "reading the binding of pid %d: %s", static_cast<int>(pid),
                   cpus.status().message().c_str());
    }
    for (int cpu = 0; cpu < platform::kMaxCpus; ++cpu) {
      if (cpus->test(static_cast<size_t>(cpu))) hwloc_bitmap_set(set, static_cast<unsigned>(cpu));
    }
  } else if (hwloc_get_proc_cpubind(topology_, pid, set, HWLOC_CPUBIND_PROCESS) != 0) {
    int err = errno;
    hwloc_bitmap_free(set);
    return Error(Code::kOther, "reading the binding of pid %d: %s", static_cast<int>(pid),
                 strerror(err));
  }
  hwloc_const_bitmap_t allowed = hwloc_topology_get_allowed_cpuset(topology_);
  std::string cpus = ListString(set);
  std::string out;
  if (hwloc_bitmap_isincluded(allowed, set)) {
    out = "unbound [cpus " + cpus + "]";
  } else {
    hwloc_bitmap_t cores = hwloc_bitmap_alloc();
    hwloc_obj_type_t type =
        hwloc_get_nbobjs_by_type(topology_, HWLOC_OBJ_CORE) > 0 ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
    for (hwloc_obj_t obj = hwloc_get_next_obj_by_type(topology_, type, nullptr); obj != nullptr;
         obj = hwloc_get_next_obj_by_type(topology_, type, obj)) {
      if (hwloc_bitmap_intersects(obj->cpuset, set)) hwloc_bitmap_set(cores, obj->logical_index);
    }
    out = std::string(hwloc_bitmap_weight(cores) == 1 ? "core " : "cores ") + ListString(cores) +
          " [cpus " + cpus + "]";
    hwloc_bitmap_free(cores);
  }
  hwloc_bitmap_free(set);
  return out;
}

}  // namespace zmpi::launcher::agent
