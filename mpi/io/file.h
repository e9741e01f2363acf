// An open file (MPI_File): its own communicator (a dup of the one it was opened on), the
// access mode, the Store that holds its bytes for this rank, the view, the individual file
// pointer, atomicity, hints and error handler. MPI_File handles are pointers to File objects
// (the MPICH ABI makes MPI_File a pointer); the registry (io_state.h) tells live ones apart.
// Not thread-safe: the runtime serializes MPI calls.
#ifndef ZMPI_MPI_IO_FILE_H_
#define ZMPI_MPI_IO_FILE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/core/info.h"
#include "mpi/include/mpi.h"
#include "mpi/io/collective.h"
#include "mpi/io/datarep.h"
#include "mpi/io/store.h"
#include "mpi/io/view.h"

namespace zmpi::io {

// A split collective begun and not yet ended (MPI_File_*_begin): its access runs in
// `access`, the buffer and the memory bytes to report at _end.
struct SplitCollective;

class File {
 public:
  // Opens `path` collectively over `comm` (MPI_File_open without its argument checks).
  static StatusOr<File*> Open(core::Comm& comm, const std::string& path, int amode,
                              const core::Info* info);
  // MPI_File_close: collective; destroys the file.
  static Status Close(File* file);

  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File();

  MPI_File handle() { return reinterpret_cast<MPI_File>(this); }
  core::Comm& comm() { return *comm_; }
  Store& store() { return *store_; }
  const std::string& path() const { return path_; }
  int amode() const { return amode_; }
  bool atomic() const { return atomic_; }
  void set_atomic(bool atomic) { atomic_ = atomic; }
  // Hints in use (MPI_File_get_info returns a copy).
  core::Info& hints() { return hints_; }
  MPI_Errhandler errhandler() const { return errhandler_; }
  void set_errhandler(MPI_Errhandler handler);

  // The view and the handles MPI_File_get_view returns (the view keeps the types alive).
  const View& view() const { return view_; }
  const Datarep& datarep() const { return *datarep_; }
  MPI_Datatype etype_handle() const { return etype_handle_; }
  MPI_Datatype filetype_handle() const { return filetype_handle_; }
  // MPI_File_set_view without its argument checks (collective; resets both pointers).
  Status SetView(int64_t disp, MPI_Datatype etype, MPI_Datatype filetype, const Datarep* rep);

  // The individual file pointer, in etypes of the current view.
  int64_t pointer() const { return pointer_; }
  void set_pointer(int64_t etypes) { pointer_ = etypes; }

  SplitCollective* split() { return split_.get(); }
  void set_split(std::unique_ptr<SplitCollective> split);

 private:
  File() = default;

  core::Comm* comm_ = nullptr;
  std::unique_ptr<Store> store_;
  std::string path_;
  int amode_ = 0;
  bool atomic_ = false;
  core::Info hints_;
  MPI_Errhandler errhandler_ = MPI_ERRORS_RETURN;
  View view_;
  const Datarep* datarep_ = nullptr;
  MPI_Datatype etype_handle_ = MPI_BYTE;
  MPI_Datatype filetype_handle_ = MPI_BYTE;
  int64_t pointer_ = 0;
  std::unique_ptr<SplitCollective> split_;
};

}  // namespace zmpi::io

#endif  // ZMPI_MPI_IO_FILE_H_
