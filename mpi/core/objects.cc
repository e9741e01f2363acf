#include "mpi/core/objects.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <climits>

#include "mpi/include/mpi.h"

namespace zmpi::core {
namespace {

void FillEnvInfo(Info& info) {
  char path[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (n > 0) info.Set("command", std::string(path, static_cast<size_t>(n)));
  utsname u{};
  if (uname(&u) == 0) {
    info.Set("host", u.nodename);
    info.Set("arch", u.machine);
  }
  if (getcwd(path, sizeof(path)) != nullptr) info.Set("wdir", path);
}

}  // namespace

Objects& Objects::Get() {
  static Objects* objects = new Objects();  // never destroyed: usable until exit
  return *objects;
}

Info* Objects::FindInfo(int handle) {
  if (handle == MPI_INFO_ENV) {
    if (!env_info_filled_) {
      FillEnvInfo(env_info_);
      env_info_filled_ = true;
    }
    return &env_info_;
  }
  return infos_.Find(handle);
}

}  // namespace zmpi::core
