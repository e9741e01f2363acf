#include "mpi/io/file.h"

#include <utility>

#include "mpi/core/comm_ops.h"
#include "mpi/core/objects.h"
#include "mpi/core/runtime.h"
#include "mpi/io/access.h"
#include "mpi/io/io_state.h"
#include "mpi/io/placement.h"

namespace zmpi::io {

StatusOr<File*> File::Open(core::Comm& comm, const std::string& path, int amode,
                           const core::Info* info) {
  core::Info none;
  ZMPI_ASSIGN_OR_RETURN(core::Comm * dup, core::DupComm(comm, &none));
  StatusOr<std::unique_ptr<Store>> store = OpenStore(*dup, path, amode, info);
  if (!store.ok()) {
    core::FreeComm(dup);
    return store.status();
  }
  File* f = new File();
  f->comm_ = dup;
  f->store_ = std::move(*store);
  f->path_ = path;
  f->amode_ = amode;
  if (info != nullptr) f->hints_ = *info;
  f->errhandler_ = core::Objects::Get().default_file_errhandler();
  core::Objects::Get().RetainErrhandler(f->errhandler_);
  core::DatatypeTable& types = core::Runtime::Get()->datatypes();
  f->view_ = View(0, types.TypeOf(MPI_BYTE), types.TypeOf(MPI_BYTE));
  f->datarep_ = IoState::Get().FindDatarep("native");
  IoState::Get().AddFile(f);
  if (amode & MPI_MODE_APPEND) {
    // Both pointers start at the end of the file (the default view counts bytes).
    StatusOr<int64_t> size = f->store_->Size();
    Status s = size.status();
    if (s.ok()) {
      f->pointer_ = *size;
      if (dup->rank() == 0) s = f->store_->SetShared(*size);
    }
    Status b = core::BarrierAll(*dup);
    if (s.ok()) s = std::move(b);
    if (!s.ok()) {
      Close(f).IgnoreError();
      return s;
    }
  }
  return f;
}

Status File::Close(File* f) {
  IoState::Get().RemoveFile(f);
  Status s = CloseStore(*f->comm_, std::move(f->store_), f->path_, f->amode_);
  core::Objects::Get().ReleaseErrhandler(f->errhandler_);
  Status freed = core::FreeCommAndAttributes(f->comm_);
  if (!freed.ok()) core::FreeComm(f->comm_);
  f->comm_ = nullptr;
  delete f;
  return s;
}

File::~File() {
  if (store_) store_->Close().IgnoreError();
}

void File::set_errhandler(MPI_Errhandler handler) {
  core::Objects::Get().RetainErrhandler(handler);
  core::Objects::Get().ReleaseErrhandler(errhandler_);
  errhandler_ = handler;
}

void File::set_split(std::unique_ptr<SplitCollective> split) { split_ = std::move(split); }

Status File::SetView(int64_t disp, MPI_Datatype etype, MPI_Datatype filetype, const Datarep* rep) {
  core::DatatypeTable& types = core::Runtime::Get()->datatypes();
  view_ = View(disp, types.TypeOf(etype), types.TypeOf(filetype));
  etype_handle_ = etype;
  filetype_handle_ = filetype;
  datarep_ = rep;
  pointer_ = 0;
  Status s;
  if (comm_->rank() == 0) s = store_->SetShared(0);
  Status b = core::BarrierAll(*comm_);
  return s.ok() ? b : s;
}

}  // namespace zmpi::io
