// Bootstrap::Create: which launcher started us, from the environment it left.
#include <cstdlib>

#include "mpi/bootstrap/backends.h"

namespace zmpi::core {
namespace {

bool StartedByPmixLauncher() {
  return getenv("PMIX_NAMESPACE") || getenv("PMIX_SERVER_URI4") || getenv("PMIX_SERVER_URI3") ||
         getenv("PMIX_SERVER_URI2") || getenv("PMIX_SERVER_URI21") || getenv("PMIX_SERVER_URI41");
}

}  // namespace

StatusOr<std::unique_ptr<Bootstrap>> Bootstrap::Create() {
  if (!StartedByPmixLauncher()) return bootstrap::CreateSingleton();
  return bootstrap::CreatePmix();
}

}  // namespace zmpi::core
