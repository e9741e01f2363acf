// Window objects: creation, freeing, name and info. (The data-moving operations are another
// part of zmpi; error handlers and attributes of windows live in errhandler.cc and attr.cc.)
#include <cstring>
#include <memory>
#include <string>

#include "mpi/abi/entry.h"
#include "mpi/core/objects.h"
#include "mpi/core/win_ops.h"

using zmpi::Code;
using zmpi::Status;
using zmpi::core::Comm;
using zmpi::core::Info;
using zmpi::core::Objects;
using zmpi::core::Win;

namespace {

Status CheckSize(MPI_Aint size) {
  return size >= 0 ? Status() : zmpi::Error(Code::kSize, "negative window size %ld", size);
}

Status CheckDispUnit(int disp_unit) {
  return disp_unit > 0
             ? Status()
             : zmpi::Error(Code::kDisp, "displacement unit %d is not positive", disp_unit);
}

// MPI_INFO_NULL is no hints (nullptr); anything else must be a live info.
Status CheckInfo(MPI_Info handle, const Info** info) {
  *info = nullptr;
  if (handle == MPI_INFO_NULL) return Status();
  *info = Objects::Get().FindInfo(handle);
  return *info != nullptr ? Status() : zmpi::Error(Code::kInfo, "invalid info handle 0x%x", handle);
}

Status NullArg(const void* p, const char* what) {
  return p != nullptr ? Status() : zmpi::Error(Code::kArg, "null %s", what);
}

}  // namespace

ZMPI_API int PMPI_Win_create(void* base, MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm,
                             MPI_Win* win) {
  ZMPI_ENTER("MPI_Win_create");
  Comm* c = nullptr;
  const Info* in = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Win_create", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Win_create", CheckSize(size));
  ZMPI_CHECK_ARG(c, "MPI_Win_create", CheckDispUnit(disp_unit));
  ZMPI_CHECK_ARG(c, "MPI_Win_create", CheckInfo(info, &in));
  ZMPI_CHECK_ARG(c, "MPI_Win_create", NullArg(win, "window pointer"));
  if (base == nullptr && size > 0) {
    return zmpi::abi::Report(c, "MPI_Win_create",
                             zmpi::Error(Code::kArg, "null base with size %ld", size));
  }
  zmpi::StatusOr<Win*> w = zmpi::core::CreateWin(*c, base, size, disp_unit, in);
  if (!w.ok()) return zmpi::abi::Report(c, "MPI_Win_create", w.status());
  *win = (*w)->handle();
  return MPI_SUCCESS;
}

// `baseptr` is a void** in disguise: the window's memory is stored through it.
ZMPI_API int PMPI_Win_allocate(MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm,
                               void* baseptr, MPI_Win* win) {
  ZMPI_ENTER("MPI_Win_allocate");
  Comm* c = nullptr;
  const Info* in = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Win_allocate", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Win_allocate", CheckSize(size));
  ZMPI_CHECK_ARG(c, "MPI_Win_allocate", CheckDispUnit(disp_unit));
  ZMPI_CHECK_ARG(c, "MPI_Win_allocate", CheckInfo(info, &in));
  ZMPI_CHECK_ARG(c, "MPI_Win_allocate", NullArg(baseptr, "baseptr"));
  ZMPI_CHECK_ARG(c, "MPI_Win_allocate", NullArg(win, "window pointer"));
  zmpi::StatusOr<Win*> w = zmpi::core::AllocateWin(*c, size, disp_unit, in);
  if (!w.ok()) return zmpi::abi::Report(c, "MPI_Win_allocate", w.status());
  *static_cast<void**>(baseptr) = (*w)->base();
  *win = (*w)->handle();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Win_create_dynamic(MPI_Info info, MPI_Comm comm, MPI_Win* win) {
  ZMPI_ENTER("MPI_Win_create_dynamic");
  Comm* c = nullptr;
  const Info* in = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Win_create_dynamic", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Win_create_dynamic", CheckInfo(info, &in));
  ZMPI_CHECK_ARG(c, "MPI_Win_create_dynamic", NullArg(win, "window pointer"));
  zmpi::StatusOr<Win*> w = zmpi::core::CreateDynamicWin(*c, in);
  if (!w.ok()) return zmpi::abi::Report(c, "MPI_Win_create_dynamic", w.status());
  *win = (*w)->handle();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Win_attach(MPI_Win win, void* base, MPI_Aint size) {
  ZMPI_ENTER("MPI_Win_attach");
  Win* w = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Win_attach", zmpi::abi::CheckWin(win, &w));
  ZMPI_CHECK_WIN_ARG(w, "MPI_Win_attach", w->Attach(base, size));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Win_detach(MPI_Win win, const void* base) {
  ZMPI_ENTER("MPI_Win_detach");
  Win* w = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Win_detach", zmpi::abi::CheckWin(win, &w));
  ZMPI_CHECK_WIN_ARG(w, "MPI_Win_detach", w->Detach(base));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Win_free(MPI_Win* win) {
  ZMPI_ENTER("MPI_Win_free");
  ZMPI_CHECK_ARG(nullptr, "MPI_Win_free", NullArg(win, "window pointer"));
  Win* w = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Win_free", zmpi::abi::CheckWin(*win, &w));
  ZMPI_CHECK_WIN_ARG(w, "MPI_Win_free", zmpi::core::FreeWin(w));
  *win = MPI_WIN_NULL;
  return MPI_SUCCESS;
}

// Names longer than MPI_MAX_OBJECT_NAME - 1 characters are truncated.
ZMPI_API int PMPI_Win_set_name(MPI_Win win, const char* win_name) {
  ZMPI_ENTER("MPI_Win_set_name");
  Win* w = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Win_set_name", zmpi::abi::CheckWin(win, &w));
  ZMPI_CHECK_WIN_ARG(w, "MPI_Win_set_name", NullArg(win_name, "name"));
  w->set_name(std::string(win_name, strnlen(win_name, MPI_MAX_OBJECT_NAME - 1)));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Win_get_name(MPI_Win win, char* win_name, int* resultlen) {
  ZMPI_ENTER("MPI_Win_get_name");
  Win* w = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Win_get_name", zmpi::abi::CheckWin(win, &w));
  ZMPI_CHECK_WIN_ARG(w, "MPI_Win_get_name", NullArg(win_name, "name buffer"));
  ZMPI_CHECK_WIN_ARG(w, "MPI_Win_get_name", NullArg(resultlen, "resultlen pointer"));
  memcpy(win_name, w->name().c_str(), w->name().size() + 1);
  *resultlen = static_cast<int>(w->name().size());
  return MPI_SUCCESS;
}

// The group of the processes that created the window (a new group handle each call).
ZMPI_API int PMPI_Win_get_group(MPI_Win win, MPI_Group* group) {
  ZMPI_ENTER("MPI_Win_get_group");
  Win* w = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Win_get_group", zmpi::abi::CheckWin(win, &w));
  ZMPI_CHECK_WIN_ARG(w, "MPI_Win_get_group", NullArg(group, "group pointer"));
  *group = zmpi::core::Runtime::Get()->groups().Add(
      std::make_unique<zmpi::core::Group>(w->comm().local_world_ranks()));
  return MPI_SUCCESS;
}

// The hints are kept as given; MPI_Win_get_info returns a new info with them.
ZMPI_API int PMPI_Win_set_info(MPI_Win win, MPI_Info info) {
  ZMPI_ENTER("MPI_Win_set_info");
  Win* w = nullptr;
  const Info* in = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Win_set_info", zmpi::abi::CheckWin(win, &w));
  ZMPI_CHECK_WIN_ARG(w, "MPI_Win_set_info", CheckInfo(info, &in));
  if (in != nullptr) {
    Info merged = w->info();
    for (const auto& [key, value] : in->entries()) merged.Set(key, value);
    w->set_info(merged);
  }
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Win_get_info(MPI_Win win, MPI_Info* info_used) {
  ZMPI_ENTER("MPI_Win_get_info");
  Win* w = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Win_get_info", zmpi::abi::CheckWin(win, &w));
  ZMPI_CHECK_WIN_ARG(w, "MPI_Win_get_info", NullArg(info_used, "info pointer"));
  *info_used = Objects::Get().infos().Add(std::make_unique<Info>(w->info()));
  return MPI_SUCCESS;
}

#include "mpi/abi/win_aliases.inc"
