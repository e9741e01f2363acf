#include "mpi/core/session.h"

#include <strings.h>

#include "mpi/core/objects.h"
#include "mpi/core/runtime.h"

namespace zmpi::core {

Session::Session(MPI_Errhandler errhandler, Info info)
    : errhandler_(errhandler), info_(std::move(info)) {
  Objects::Get().RetainErrhandler(errhandler_);
}

Session::~Session() { Objects::Get().ReleaseErrhandler(errhandler_); }

void Session::set_errhandler(MPI_Errhandler e) {
  Objects::Get().RetainErrhandler(e);
  Objects::Get().ReleaseErrhandler(errhandler_);
  errhandler_ = e;
}

const std::vector<std::string>& Session::PsetNames() {
  static const std::vector<std::string> names{"mpi://WORLD", "mpi://SELF"};
  return names;
}

StatusOr<std::vector<int>> Session::PsetMembers(const std::string& name) {
  Runtime& rt = *Runtime::Get();
  if (strcasecmp(name.c_str(), "mpi://WORLD") == 0) {
    std::vector<int> all(rt.world_size());
    for (int i = 0; i < rt.world_size(); ++i) all[i] = i;
    return all;
  }
  if (strcasecmp(name.c_str(), "mpi://SELF") == 0) return std::vector<int>{rt.world_rank()};
  return Error(Code::kArg, "unknown process set \"%s\"", name.c_str());
}

}  // namespace zmpi::core
