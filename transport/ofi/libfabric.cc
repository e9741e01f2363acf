#include "transport/ofi/libfabric.h"

#include <dlfcn.h>

#include <atomic>
#include <string>

#include "common/check.h"
#include "transport/ofi/endpoint.h"

namespace zmpi::transport::ofi {
namespace {

constexpr const char* kLibrary = "libfabric.so.1";

FabricApi api;
// Set by every caller of LoadFabricApi, the background loader's thread included.
std::atomic<bool> loaded{false};
std::string load_error;

// The symbol versions the headers' declarations correspond to (what a direct link against
// Debian 12's libfabric 1.17 binds).
template <typename Fn>
bool Resolve(void* handle, const char* name, const char* version, Fn* out) {
  void* symbol = dlvsym(handle, name, version);
  if (symbol == nullptr) {
    load_error = std::string(kLibrary) + " has no " + name + "@" + version;
    return false;
  }
  *out = reinterpret_cast<Fn>(symbol);
  return true;
}

bool Load() {
  void* handle = dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    load_error = why ? why : kLibrary;
    return false;
  }
  // Never closed: its dependencies' constructors are the expensive part, paid once.
  return Resolve(handle, "fi_getinfo", "FABRIC_1.3", &api.getinfo) &&
         Resolve(handle, "fi_freeinfo", "FABRIC_1.3", &api.freeinfo) &&
         Resolve(handle, "fi_dupinfo", "FABRIC_1.3", &api.dupinfo) &&
         Resolve(handle, "fi_fabric", "FABRIC_1.1", &api.fabric) &&
         Resolve(handle, "fi_strerror", "FABRIC_1.0", &api.strerror);
}

}  // namespace

StatusOr<const FabricApi*> LoadFabricApi() {
  static const bool ok = Load();  // once; a second caller waits for the first
  loaded.store(ok, std::memory_order_release);
  if (!ok) return Error(Code::kUnsupported, "ofi: cannot load libfabric: %s", load_error.c_str());
  return &api;
}

std::thread LoadLibraryInBackground() {
  return std::thread([] { (void)LoadFabricApi(); });
}

const FabricApi& Fi() {
  ZMPI_CHECK(loaded.load(std::memory_order_acquire));
  return api;
}

}  // namespace zmpi::transport::ofi
