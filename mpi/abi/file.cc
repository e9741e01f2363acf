// MPI_File open/close/delete, sizes, sync, access mode, group, hints, atomicity and the file
// pointers (MPI-4.1 §14.2, §14.4.3-4, §14.6.1). Checks in the standard's order, then mpi/io.
#include <cstring>
#include <memory>
#include <string>

#include "mpi/abi/file_args.h"
#include "mpi/coll/coll.h"
#include "mpi/core/comm_ops.h"
#include "mpi/core/group.h"
#include "mpi/core/runtime.h"
#include "mpi/io/access.h"
#include "mpi/io/placement.h"

namespace {

using zmpi::Code;
using zmpi::Status;
using zmpi::StatusOr;
using zmpi::abi::CheckFile;
using zmpi::abi::ReportOnFile;
using zmpi::core::Info;
using zmpi::core::Objects;
using zmpi::io::File;

Status CheckOut(const void* p, const char* what) {
  return p != nullptr ? zmpi::OkStatus() : zmpi::Error(Code::kArg, "null %s", what);
}

Status CheckInfoHandle(MPI_Info handle, Info** info) {
  *info = nullptr;
  if (handle == MPI_INFO_NULL) return zmpi::OkStatus();
  *info = Objects::Get().FindInfo(handle);
  if (*info != nullptr) return zmpi::OkStatus();
  return zmpi::Error(Code::kInfo, "invalid info handle 0x%x", handle);
}

// One of RDONLY, RDWR, WRONLY; RDONLY excludes CREATE and EXCL; RDWR excludes SEQUENTIAL.
Status CheckAmode(int amode) {
  const int known = MPI_MODE_CREATE | MPI_MODE_RDONLY | MPI_MODE_WRONLY | MPI_MODE_RDWR |
                    MPI_MODE_DELETE_ON_CLOSE | MPI_MODE_UNIQUE_OPEN | MPI_MODE_EXCL |
                    MPI_MODE_APPEND | MPI_MODE_SEQUENTIAL;
  if (amode & ~known) return zmpi::Error(Code::kAmode, "unknown bits in amode 0x%x", amode);
  int access = (amode & MPI_MODE_RDONLY ? 1 : 0) + (amode & MPI_MODE_WRONLY ? 1 : 0) +
               (amode & MPI_MODE_RDWR ? 1 : 0);
  if (access != 1) {
    return zmpi::Error(Code::kAmode,
                       "amode must have exactly one of MPI_MODE_RDONLY, MPI_MODE_RDWR and "
                       "MPI_MODE_WRONLY");
  }
  if ((amode & MPI_MODE_RDONLY) && (amode & (MPI_MODE_CREATE | MPI_MODE_EXCL))) {
    return zmpi::Error(Code::kAmode, "MPI_MODE_RDONLY with MPI_MODE_CREATE or MPI_MODE_EXCL");
  }
  if ((amode & MPI_MODE_RDWR) && (amode & MPI_MODE_SEQUENTIAL)) {
    return zmpi::Error(Code::kAmode, "MPI_MODE_RDWR with MPI_MODE_SEQUENTIAL");
  }
  return zmpi::OkStatus();
}

// ROMIO-style file system prefixes ("ufs:/path", "nfs:...") name the same POSIX file.
std::string StripPrefix(const char* filename) {
  static const char* const kPrefixes[] = {
      "ufs:", "nfs:", "file:", "lustre:", "gpfs:", "pvfs2:", "xfs:"};
  for (const char* p : kPrefixes) {
    size_t n = strlen(p);
    if (strncmp(filename, p, n) == 0) return std::string(filename + n);
  }
  return filename;
}

// A collective whose outcome rank 0 decides: every rank returns rank 0's status class.
Status FromRoot(zmpi::core::Comm& comm, const Status& at_root) {
  int code = comm.rank() == 0 ? static_cast<int>(at_root.code()) : 0;
  ZMPI_RETURN_IF_ERROR(zmpi::coll::Bcast(comm, &code, sizeof code, 0));
  if (comm.rank() == 0) return at_root;
  if (code == 0) return zmpi::OkStatus();
  return zmpi::Error(static_cast<Code>(code), "the operation failed on rank 0 of the file");
}

}  // namespace

ZMPI_API int PMPI_File_open(MPI_Comm comm, const char* filename, int amode, MPI_Info info,
                            MPI_File* fh) {
  ZMPI_ENTER("MPI_File_open");
  const char* fn = "MPI_File_open";
  zmpi::core::Comm* c = nullptr;
  Info* i = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, fn, zmpi::abi::CheckComm(comm, &c));
  if (c->is_inter()) {
    return ReportOnFile(nullptr, fn,
                        zmpi::Error(Code::kComm, "MPI_File_open on an intercommunicator"));
  }
  ZMPI_CHECK_FILE_ARG(nullptr, fn, CheckOut(filename, "filename"));
  ZMPI_CHECK_FILE_ARG(nullptr, fn, CheckAmode(amode));
  ZMPI_CHECK_FILE_ARG(nullptr, fn, CheckInfoHandle(info, &i));
  ZMPI_CHECK_FILE_ARG(nullptr, fn, CheckOut(fh, "file handle pointer"));
  StatusOr<File*> f = File::Open(*c, StripPrefix(filename), amode, i);
  ZMPI_CHECK_FILE_ARG(nullptr, fn, f.status());
  *fh = (*f)->handle();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_File_close(MPI_File* fh) {
  ZMPI_ENTER("MPI_File_close");
  File* f = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, "MPI_File_close", CheckOut(fh, "file handle pointer"));
  ZMPI_CHECK_FILE_ARG(nullptr, "MPI_File_close", CheckFile(*fh, &f));
  MPI_Errhandler handler = f->errhandler();
  Objects::Get().RetainErrhandler(handler);
  MPI_File handle = *fh;
  Status s = File::Close(f);
  *fh = MPI_FILE_NULL;
  int rc = s.ok() ? MPI_SUCCESS : zmpi::abi::ReportFile(handle, handler, "MPI_File_close", s);
  Objects::Get().ReleaseErrhandler(handler);
  return rc;
}

ZMPI_API int PMPI_File_delete(const char* filename, MPI_Info info) {
  ZMPI_ENTER("MPI_File_delete");
  Info* i = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, "MPI_File_delete", CheckOut(filename, "filename"));
  ZMPI_CHECK_FILE_ARG(nullptr, "MPI_File_delete", CheckInfoHandle(info, &i));
  ZMPI_CHECK_FILE_ARG(nullptr, "MPI_File_delete", zmpi::io::RemoveFile(StripPrefix(filename), i));
  return MPI_SUCCESS;
}

namespace {

// MPI_File_set_size and MPI_File_preallocate: the same checks, then rank 0 changes the file
// (`change` is the Store call) and every rank returns its result.
int ResizeOnRoot(MPI_File fh, MPI_Offset size, const char* fn,
                 Status (zmpi::io::Store::*change)(int64_t)) {
  File* f = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, fn, CheckFile(fh, &f));
  if (size < 0) {
    return ReportOnFile(f, fn, zmpi::Error(Code::kArg, "negative size %ld", (long)size));
  }
  if (f->amode() & MPI_MODE_SEQUENTIAL) {
    return ReportOnFile(
        f, fn, zmpi::Error(Code::kUnsupported, "%s on a file opened MPI_MODE_SEQUENTIAL", fn));
  }
  if (f->amode() & MPI_MODE_RDONLY) {
    return ReportOnFile(f, fn, zmpi::Error(Code::kReadOnly, "the file is opened read-only"));
  }
  Status s = f->comm().rank() == 0 ? (f->store().*change)(size) : zmpi::OkStatus();
  ZMPI_CHECK_FILE_ARG(f, fn, FromRoot(f->comm(), s));
  return MPI_SUCCESS;
}

}  // namespace

ZMPI_API int PMPI_File_set_size(MPI_File fh, MPI_Offset size) {
  ZMPI_ENTER("MPI_File_set_size");
  return ResizeOnRoot(fh, size, "MPI_File_set_size", &zmpi::io::Store::Resize);
}

ZMPI_API int PMPI_File_preallocate(MPI_File fh, MPI_Offset size) {
  ZMPI_ENTER("MPI_File_preallocate");
  return ResizeOnRoot(fh, size, "MPI_File_preallocate", &zmpi::io::Store::Preallocate);
}

ZMPI_API int PMPI_File_get_size(MPI_File fh, MPI_Offset* size) {
  ZMPI_ENTER("MPI_File_get_size");
  File* f = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, "MPI_File_get_size", CheckFile(fh, &f));
  ZMPI_CHECK_FILE_ARG(f, "MPI_File_get_size", CheckOut(size, "size pointer"));
  StatusOr<int64_t> n = f->store().Size();
  ZMPI_CHECK_FILE_ARG(f, "MPI_File_get_size", n.status());
  *size = *n;
  return MPI_SUCCESS;
}

// Collective: every rank's data reach storage, and the barrier orders them before what any
// rank does after (the sync-barrier-sync rule of §14.6.1). A read-only file syncs too: its
// readers use it to see other openers' writes.
ZMPI_API int PMPI_File_sync(MPI_File fh) {
  ZMPI_ENTER("MPI_File_sync");
  File* f = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, "MPI_File_sync", CheckFile(fh, &f));
  Status s = f->store().Sync();
  Status b = zmpi::core::BarrierAll(f->comm());
  ZMPI_CHECK_FILE_ARG(f, "MPI_File_sync", s.ok() ? b : s);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_File_get_amode(MPI_File fh, int* amode) {
  ZMPI_ENTER("MPI_File_get_amode");
  File* f = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, "MPI_File_get_amode", CheckFile(fh, &f));
  ZMPI_CHECK_FILE_ARG(f, "MPI_File_get_amode", CheckOut(amode, "amode pointer"));
  *amode = f->amode();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_File_get_group(MPI_File fh, MPI_Group* group) {
  ZMPI_ENTER("MPI_File_get_group");
  File* f = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, "MPI_File_get_group", CheckFile(fh, &f));
  ZMPI_CHECK_FILE_ARG(f, "MPI_File_get_group", CheckOut(group, "group pointer"));
  *group = zmpi::core::Runtime::Get()->groups().Add(
      std::make_unique<zmpi::core::Group>(f->comm().world_ranks()));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_File_get_info(MPI_File fh, MPI_Info* info_used) {
  ZMPI_ENTER("MPI_File_get_info");
  File* f = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, "MPI_File_get_info", CheckFile(fh, &f));
  ZMPI_CHECK_FILE_ARG(f, "MPI_File_get_info", CheckOut(info_used, "info pointer"));
  *info_used = Objects::Get().infos().Add(std::make_unique<Info>(f->hints()));
  return MPI_SUCCESS;
}

// Hints are merged into those in use; none changes how zmpi accesses the file yet.
ZMPI_API int PMPI_File_set_info(MPI_File fh, MPI_Info info) {
  ZMPI_ENTER("MPI_File_set_info");
  File* f = nullptr;
  Info* i = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, "MPI_File_set_info", CheckFile(fh, &f));
  ZMPI_CHECK_FILE_ARG(f, "MPI_File_set_info", CheckInfoHandle(info, &i));
  if (i != nullptr) {
    for (const auto& [key, value] : i->entries()) f->hints().Set(key, value);
  }
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_File_set_atomicity(MPI_File fh, int flag) {
  ZMPI_ENTER("MPI_File_set_atomicity");
  File* f = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, "MPI_File_set_atomicity", CheckFile(fh, &f));
  // Collective: accesses begun before the call are not affected by it on any rank.
  ZMPI_CHECK_FILE_ARG(f, "MPI_File_set_atomicity", zmpi::core::BarrierAll(f->comm()));
  f->set_atomic(flag != 0);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_File_get_atomicity(MPI_File fh, int* flag) {
  ZMPI_ENTER("MPI_File_get_atomicity");
  File* f = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, "MPI_File_get_atomicity", CheckFile(fh, &f));
  ZMPI_CHECK_FILE_ARG(f, "MPI_File_get_atomicity", CheckOut(flag, "flag pointer"));
  *flag = f->atomic() ? 1 : 0;
  return MPI_SUCCESS;
}

namespace {

Status NoIndividualPointer(File& f) {
  if (!(f.amode() & MPI_MODE_SEQUENTIAL)) return zmpi::OkStatus();
  return zmpi::Error(Code::kUnsupported,
                     "a file opened MPI_MODE_SEQUENTIAL has no individual file pointer");
}

}  // namespace

ZMPI_API int PMPI_File_seek(MPI_File fh, MPI_Offset offset, int whence) {
  ZMPI_ENTER("MPI_File_seek");
  File* f = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, "MPI_File_seek", CheckFile(fh, &f));
  ZMPI_CHECK_FILE_ARG(f, "MPI_File_seek", NoIndividualPointer(*f));
  StatusOr<int64_t> target = zmpi::io::SeekTarget(*f, offset, whence, f->pointer());
  ZMPI_CHECK_FILE_ARG(f, "MPI_File_seek", target.status());
  f->set_pointer(*target);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_File_get_position(MPI_File fh, MPI_Offset* offset) {
  ZMPI_ENTER("MPI_File_get_position");
  File* f = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, "MPI_File_get_position", CheckFile(fh, &f));
  ZMPI_CHECK_FILE_ARG(f, "MPI_File_get_position", NoIndividualPointer(*f));
  ZMPI_CHECK_FILE_ARG(f, "MPI_File_get_position", CheckOut(offset, "offset pointer"));
  *offset = f->pointer();
  return MPI_SUCCESS;
}

// Collective: rank 0 moves the shared pointer once every rank reached the call, and nobody
// leaves before it moved.
ZMPI_API int PMPI_File_seek_shared(MPI_File fh, MPI_Offset offset, int whence) {
  ZMPI_ENTER("MPI_File_seek_shared");
  const char* fn = "MPI_File_seek_shared";
  File* f = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, fn, CheckFile(fh, &f));
  ZMPI_CHECK_FILE_ARG(f, fn, zmpi::core::BarrierAll(f->comm()));
  Status s;
  if (f->comm().rank() == 0) {
    StatusOr<int64_t> current = f->store().FetchAddShared(0);
    s = current.status();
    if (s.ok()) {
      StatusOr<int64_t> target = zmpi::io::SeekTarget(*f, offset, whence, *current);
      s = target.status();
      if (s.ok()) s = f->store().SetShared(*target);
    }
  }
  ZMPI_CHECK_FILE_ARG(f, fn, FromRoot(f->comm(), s));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_File_get_position_shared(MPI_File fh, MPI_Offset* offset) {
  ZMPI_ENTER("MPI_File_get_position_shared");
  File* f = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, "MPI_File_get_position_shared", CheckFile(fh, &f));
  ZMPI_CHECK_FILE_ARG(f, "MPI_File_get_position_shared", CheckOut(offset, "offset pointer"));
  StatusOr<int64_t> current = f->store().FetchAddShared(0);
  ZMPI_CHECK_FILE_ARG(f, "MPI_File_get_position_shared", current.status());
  *offset = *current;
  return MPI_SUCCESS;
}

#include "mpi/abi/file_aliases.inc"
