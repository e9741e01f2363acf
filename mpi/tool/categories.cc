#include "mpi/tool/categories.h"

#include <cstring>
#include <string>

#include "mpi/tool/cvars.h"
#include "mpi/tool/pvars.h"

namespace zmpi::tool {
namespace {

// Variables go to categories by name, so the tables of cvars.cc and pvars.cc stay the only
// place that orders them.
std::vector<int> CvarsNamed(std::initializer_list<const char*> names) {
  std::vector<int> out;
  for (const char* n : names) {
    int i = FindCvar(n);
    if (i >= 0) out.push_back(i);
  }
  return out;
}

std::vector<int> PvarsWithPrefix(std::initializer_list<const char*> prefixes) {
  std::vector<int> out;
  for (int i = 0; i < PvarCount(); ++i) {
    for (const char* p : prefixes) {
      if (strncmp(Pvar(i).name, p, strlen(p)) == 0) {
        out.push_back(i);
        break;
      }
    }
  }
  return out;
}

const std::vector<CategoryInfo>& Table() {
  static const std::vector<CategoryInfo>* table = new std::vector<CategoryInfo>{
      {"zmpi",
       "everything zmpi offers through the tool information interface",
       {},
       {},
       {1, 2, 3, 4}},
      {"zmpi_p2p",
       "point-to-point protocols and matching: eager/rendezvous threshold, unexpected-message "
       "budget, queues",
       CvarsNamed({"ZMPI_EAGER_LIMIT", "ZMPI_UNEXPECTED_LIMIT", "ZMPI_SPIN_COUNT"}),
       PvarsWithPrefix({"zmpi_rendezvous", "zmpi_shared_reads", "zmpi_unexpected", "zmpi_posted",
                        "zmpi_wait"}),
       {}},
      {"zmpi_transports",
       "the transports (shared memory, libfabric, loopback): choice, geometry, single copy, "
       "traffic",
       CvarsNamed({"ZMPI_TRANSPORT", "ZMPI_SINGLE_COPY", "ZMPI_SINGLE_COPY_MIN",
                   "ZMPI_SHM_RING_SLOTS", "ZMPI_SHM_SLOT_SIZE", "ZMPI_SHM_ASSIST_MIN",
                   "ZMPI_OFI_PROVIDER", "ZMPI_OFI_IFACE", "ZMPI_OFI_BULK_CHUNK"}),
       PvarsWithPrefix({"zmpi_shm_", "zmpi_ofi_", "zmpi_self_"}),
       {}},
      {"zmpi_collectives",
       "collective operations",
       {},
       PvarsWithPrefix({"zmpi_collective", "zmpi_comm_collective"}),
       {}},
      {"zmpi_runtime",
       "start-up and diagnostics",
       CvarsNamed({"ZMPI_LOG_LEVEL", "ZMPI_PMI"}),
       {},
       {}},
  };
  return *table;
}

}  // namespace

int CategoryCount() { return static_cast<int>(Table().size()); }
const CategoryInfo& Category(int index) { return Table()[index]; }

int FindCategory(const char* name) {
  for (int i = 0; i < CategoryCount(); ++i) {
    if (strcmp(Table()[i].name, name) == 0) return i;
  }
  return -1;
}

}  // namespace zmpi::tool
