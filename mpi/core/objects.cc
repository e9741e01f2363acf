#include "mpi/core/objects.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <climits>
#include <memory>

#include "common/platform/platform.h"
#include "mpi/core/runtime.h"
#include "mpi/core/threads.h"
#include "mpi/include/mpi.h"

namespace zmpi::core {
namespace {

void FillEnvInfo(Info& info) {
  StatusOr<std::string> command = platform::ExecutablePath();
  if (command.ok()) info.Set("command", command.value());
  utsname u{};
  if (uname(&u) == 0) {
    info.Set("host", u.nodename);
    info.Set("arch", u.machine);
  }
  char path[PATH_MAX];
  if (getcwd(path, sizeof(path)) != nullptr) info.Set("wdir", path);
  // argv: the arguments after the command, space-separated, as the launcher gave them.
  std::string args;
  for (const std::string& a : platform::CommandLineArguments()) {
    if (!args.empty()) args += ' ';
    args += a;
  }
  if (!args.empty()) info.Set("argv", args);
}

// MPI_INFO_ENV's "thread_level": the level the world model was granted (MPI_Init_thread), or
// MULTIPLE once any initialization turned the library lock on; before MPI_Init, the level a
// plain MPI_Init grants.
void SetEnvThreadLevel(Info& info) {
  static constexpr const char* kNames[] = {"MPI_THREAD_SINGLE", "MPI_THREAD_FUNNELED",
                                           "MPI_THREAD_SERIALIZED", "MPI_THREAD_MULTIPLE"};
  int level = MPI_THREAD_SINGLE;
  if (Runtime::world_state() != LibraryState::kNotInitialized) level = Threads::world_level();
  if (Threads::enabled()) level = MPI_THREAD_MULTIPLE;
  if (level < MPI_THREAD_SINGLE || level > MPI_THREAD_MULTIPLE) level = MPI_THREAD_SINGLE;
  info.Set("thread_level", kNames[level]);
}

}  // namespace

Objects::Objects() : default_file_errhandler_(MPI_ERRORS_RETURN) {}

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
    SetEnvThreadLevel(env_info_);
    return &env_info_;
  }
  return infos_.Find(handle);
}

bool Objects::IsPredefinedErrhandler(int handle) {
  return handle == MPI_ERRORS_ARE_FATAL || handle == MPI_ERRORS_RETURN ||
         handle == MPI_ERRORS_ABORT;
}

int Objects::AddErrhandler(ErrhandlerKind kind, Errhandler::Function function) {
  return errhandlers_.Add(std::make_unique<Errhandler>(kind, function));
}

bool Objects::ErrhandlerFits(int handle, ErrhandlerKind kind) const {
  if (IsPredefinedErrhandler(handle)) return true;
  const Errhandler* e = errhandlers_.Find(handle);
  return e != nullptr && e->kind() == kind;
}

void Objects::RetainErrhandler(int handle) {
  if (Errhandler* e = errhandlers_.Find(handle)) e->Retain();
}

void Objects::ReleaseErrhandler(int handle) {
  Errhandler* e = errhandlers_.Find(handle);
  if (e != nullptr && e->Release()) errhandlers_.Remove(handle);
}

void Objects::set_default_file_errhandler(int handle) {
  RetainErrhandler(handle);
  ReleaseErrhandler(default_file_errhandler_);
  default_file_errhandler_ = handle;
}

int Objects::FileToFortran(void* file) {
  if (file == nullptr) return 0;
  for (size_t i = 0; i < fortran_files_.size(); ++i) {
    if (fortran_files_[i] == file) return static_cast<int>(i + 1);
  }
  fortran_files_.push_back(file);
  return static_cast<int>(fortran_files_.size());
}

void* Objects::FileFromFortran(int value) const {
  if (value <= 0 || static_cast<size_t>(value) > fortran_files_.size()) return nullptr;
  return fortran_files_[value - 1];
}

}  // namespace zmpi::core
