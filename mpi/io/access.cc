#include "mpi/io/access.h"

#include <utility>

#include "mpi/coll/coll.h"
#include "mpi/core/coll_request.h"
#include "mpi/core/derived_op.h"
#include "mpi/core/p2p.h"
#include "mpi/core/runtime.h"

namespace zmpi::io {
namespace {

// The data of an access in the file's form, in bytes of the stream.
StatusOr<int64_t> StreamBytes(File& file, const AccessArgs& args) {
  datatype::TypeRef type = core::Runtime::Get()->datatypes().TypeOf(args.type->handle);
  ZMPI_ASSIGN_OR_RETURN(int64_t bytes, FileBytes(file.datarep(), *type, args.count));
  if (bytes > 0 && file.view().filetype()->size() == 0) {
    return Error(Code::kIo, "the view's filetype has no data: only empty accesses are possible");
  }
  if (bytes % file.view().etype_size() != 0) {
    return Error(Code::kType,
                 "the access is %lld bytes in the file, not a whole number of etypes of %lld "
                 "bytes",
                 static_cast<long long>(bytes), static_cast<long long>(file.view().etype_size()));
  }
  return bytes;
}

// Where the access starts in the stream (bytes), taking shared-pointer room as needed.
// Ordered accesses are collective: ranks take consecutive room in rank order.
StatusOr<int64_t> StartPosition(File& file, const AccessArgs& args, int64_t bytes) {
  const int64_t esize = file.view().etype_size();
  const int64_t etypes = bytes / esize;
  switch (args.position) {
    case Position::kExplicit:
      return args.offset * esize;
    case Position::kIndividual:
      return file.pointer() * esize;
    case Position::kShared: {
      ZMPI_ASSIGN_OR_RETURN(int64_t old, file.store().FetchAddShared(etypes));
      return old * esize;
    }
    case Position::kOrdered:
      break;
  }
  core::Comm& comm = file.comm();
  std::vector<int64_t> all(static_cast<size_t>(comm.size()));
  ZMPI_RETURN_IF_ERROR(coll::Allgather(comm, &etypes, all.data(), sizeof(int64_t)));
  int64_t before = 0, total = 0;
  for (int r = 0; r < comm.size(); ++r) {
    if (r < comm.rank()) before += all[r];
    total += all[r];
  }
  struct {
    int64_t base;
    int32_t code;
  } start = {0, 0};
  if (comm.rank() == 0) {
    StatusOr<int64_t> old = file.store().FetchAddShared(total);
    if (old.ok()) start.base = *old;
    start.code = static_cast<int32_t>(old.status().code());
  }
  ZMPI_RETURN_IF_ERROR(coll::Bcast(comm, &start, sizeof start, 0));
  if (start.code != 0) {
    return Error(static_cast<Code>(start.code), "the shared file pointer failed on rank 0");
  }
  return (start.base + before) * esize;
}

// Moves the bytes of `t` independently; the stream bytes done.
StatusOr<int64_t> MoveIndependent(File& file, Transfer& t, bool read) {
  if (read) return ReadPieces(file, t.pieces());
  ZMPI_RETURN_IF_ERROR(WritePieces(file, t.pieces()));
  return t.stream_bytes();
}

// The request of a non-blocking access: the data move at start (independent forms) or as
// the collective access advances; completion reports the memory bytes in the status.
class IoRequestExt final : public core::CollectiveExt {
 public:
  IoRequestExt(File& file, std::unique_ptr<Transfer> transfer, bool read, bool collective)
      : file_(file), transfer_(std::move(transfer)), read_(read), collective_(collective) {}
  void set_request(core::Request* r) { request_ = r; }

  bool Advance(Status* error) override {
    int64_t done = 0;
    if (collective_) {
      if (!access_) {
        access_ = read_ ? StartReadAll(file_, transfer_->pieces())
                        : StartWriteAll(file_, transfer_->pieces());
      }
      if (!access_->Advance(error)) return false;
      if (!error->ok()) return true;
      done = access_->bytes();
    } else {
      StatusOr<int64_t> moved = MoveIndependent(file_, *transfer_, read_);
      if (!moved.ok()) {
        *error = moved.status();
        return true;
      }
      done = *moved;
    }
    StatusOr<int64_t> bytes = transfer_->Finish(done);
    if (!bytes.ok()) {
      *error = bytes.status();
    } else {
      request_->status_bytes = static_cast<size_t>(*bytes);
    }
    return true;
  }
  void Rewind() override {}
  void FailDeadPeers() override {
    if (access_) access_->FailDeadPeers();
  }

 private:
  File& file_;
  std::unique_ptr<Transfer> transfer_;
  std::unique_ptr<CollectiveAccess> access_;
  core::Request* request_ = nullptr;
  bool read_;
  bool collective_;
};

Status Drive(CollectiveAccess& access) {
  Status error;
  core::ProgressLoop loop;
  while (!access.Advance(&error)) {
    loop.Turn();
    if (loop.Every(1.0)) access.FailDeadPeers();
  }
  return error;
}

}  // namespace

StatusOr<std::unique_ptr<Transfer>> Transfer::Prepare(File& file, const AccessArgs& args,
                                                      int64_t pos) {
  std::unique_ptr<Transfer> t(new Transfer());
  t->file_ = &file;
  t->args_ = args;
  t->type_ = core::Runtime::Get()->datatypes().TypeOf(args.type->handle);
  const Datarep& rep = file.datarep();
  ZMPI_ASSIGN_OR_RETURN(t->stream_bytes_, FileBytes(rep, *t->type_, args.count));
  if (t->stream_bytes_ == 0) return t;
  std::byte* mem;
  if (rep.identity() && args.type->contiguous) {
    mem = static_cast<std::byte*>(args.buf) + args.type->true_lb;
  } else {
    t->staging_.reset(new std::byte[static_cast<size_t>(t->stream_bytes_)]);
    mem = t->staging_.get();
    if (!args.read) ZMPI_RETURN_IF_ERROR(Encode(rep, args.buf, args.count, *args.type, mem));
  }
  int64_t at = 0;
  file.view().Map(pos, t->stream_bytes_, [&](int64_t off, int64_t len) {
    t->pieces_.push_back(Piece{off, len, mem + at});
    at += len;
  });
  return t;
}

StatusOr<int64_t> Transfer::Finish(int64_t done) {
  const core::Datatype& type = *args_.type;
  if (!args_.read) return args_.count * static_cast<int64_t>(type.size);
  if (done > stream_bytes_) done = stream_bytes_;
  const Datarep& rep = file_->datarep();
  if (rep.identity()) {
    if (staging_) core::UnpackTyped(staging_.get(), done, args_.buf, args_.count, type);
    return done;
  }
  // Another representation: whole elements only.
  const int64_t per = args_.count > 0 ? stream_bytes_ / args_.count : 0;
  const int64_t whole = per > 0 ? done / per : 0;
  if (whole > 0) ZMPI_RETURN_IF_ERROR(Decode(rep, staging_.get(), whole, type, args_.buf));
  return whole * static_cast<int64_t>(type.size);
}

Status CheckAccess(File& file, const AccessArgs& args) {
  if (args.read && (file.amode() & MPI_MODE_WRONLY)) {
    return Error(Code::kAccess, "read from a file opened with MPI_MODE_WRONLY");
  }
  if (!args.read && (file.amode() & MPI_MODE_RDONLY)) {
    return Error(Code::kReadOnly, "write to a file opened with MPI_MODE_RDONLY");
  }
  if ((file.amode() & MPI_MODE_SEQUENTIAL) &&
      (args.position == Position::kExplicit || args.position == Position::kIndividual)) {
    return Error(Code::kUnsupported,
                 "explicit offsets and individual file pointers are not allowed on a file "
                 "opened with MPI_MODE_SEQUENTIAL");
  }
  return OkStatus();
}

StatusOr<int64_t> Access(File& file, const AccessArgs& args) {
  ZMPI_ASSIGN_OR_RETURN(int64_t bytes, StreamBytes(file, args));
  ZMPI_ASSIGN_OR_RETURN(int64_t pos, StartPosition(file, args, bytes));
  ZMPI_ASSIGN_OR_RETURN(std::unique_ptr<Transfer> t, Transfer::Prepare(file, args, pos));
  int64_t done = 0;
  if (args.collective) {
    if (args.read) {
      ZMPI_ASSIGN_OR_RETURN(done, ReadAll(file, t->pieces()));
    } else {
      ZMPI_RETURN_IF_ERROR(WriteAll(file, t->pieces()));
      done = bytes;
    }
  } else {
    ZMPI_ASSIGN_OR_RETURN(done, MoveIndependent(file, *t, args.read));
  }
  if (args.position == Position::kIndividual) {
    file.set_pointer(file.pointer() + done / file.view().etype_size());
  }
  return t->Finish(done);
}

StatusOr<core::Request*> StartAccess(File& file, const AccessArgs& args) {
  ZMPI_ASSIGN_OR_RETURN(int64_t bytes, StreamBytes(file, args));
  ZMPI_ASSIGN_OR_RETURN(int64_t pos, StartPosition(file, args, bytes));
  ZMPI_ASSIGN_OR_RETURN(std::unique_ptr<Transfer> t, Transfer::Prepare(file, args, pos));
  // The pointer moves past the whole request at once (MPI-4.1 §14.4.3).
  if (args.position == Position::kIndividual) {
    file.set_pointer(file.pointer() + bytes / file.view().etype_size());
  }
  auto ext = std::make_unique<IoRequestExt>(file, std::move(t), args.read, args.collective);
  IoRequestExt* e = ext.get();
  core::Request* r = core::NewCollective(file.comm(), std::move(ext), false);
  e->set_request(r);
  core::StartCollective(r);
  return r;
}

Status BeginSplit(File& file, const AccessArgs& args) {
  if (file.split() != nullptr) {
    return Error(Code::kIo,
                 "a split collective is already active on this file (only one at a time)");
  }
  ZMPI_ASSIGN_OR_RETURN(int64_t bytes, StreamBytes(file, args));
  ZMPI_ASSIGN_OR_RETURN(int64_t pos, StartPosition(file, args, bytes));
  auto split = std::make_unique<SplitCollective>();
  ZMPI_ASSIGN_OR_RETURN(split->transfer, Transfer::Prepare(file, args, pos));
  if (args.position == Position::kIndividual) {
    file.set_pointer(file.pointer() + bytes / file.view().etype_size());
  }
  split->access = args.read ? StartReadAll(file, split->transfer->pieces())
                            : StartWriteAll(file, split->transfer->pieces());
  split->buf = args.buf;
  split->read = args.read;
  split->position = args.position;
  file.set_split(std::move(split));
  return OkStatus();
}

StatusOr<int64_t> EndSplit(File& file, const void* buf, bool read, Position position) {
  SplitCollective* split = file.split();
  if (split == nullptr || split->read != read || split->position != position) {
    return Error(Code::kIo, "no matching split collective _begin is active on this file");
  }
  if (split->buf != buf) {
    return Error(Code::kBuffer, "the buffer of _end is not the one given to _begin");
  }
  Status s = Drive(*split->access);
  StatusOr<int64_t> bytes = s;
  if (s.ok()) bytes = split->transfer->Finish(split->access->bytes());
  file.set_split(nullptr);
  return bytes;
}

StatusOr<int64_t> EndInEtypes(File& file) {
  ZMPI_ASSIGN_OR_RETURN(int64_t size, file.store().Size());
  return file.view().StreamBytesBefore(size) / file.view().etype_size();
}

StatusOr<int64_t> SeekTarget(File& file, int64_t offset, int whence, int64_t current) {
  int64_t target = 0;
  switch (whence) {
    case MPI_SEEK_SET:
      target = offset;
      break;
    case MPI_SEEK_CUR:
      target = current + offset;
      break;
    case MPI_SEEK_END: {
      ZMPI_ASSIGN_OR_RETURN(int64_t end, EndInEtypes(file));
      target = end + offset;
      break;
    }
    default:
      return Error(Code::kArg, "whence %d is not MPI_SEEK_SET, MPI_SEEK_CUR or MPI_SEEK_END",
                   whence);
  }
  if (target < 0) {
    return Error(Code::kArg, "seek to a negative position (%lld etypes)",
                 static_cast<long long>(target));
  }
  return target;
}

}  // namespace zmpi::io
