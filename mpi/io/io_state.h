// MPI-IO's per-runtime state: the open files (so a bad MPI_File is refused, not followed) and
// the data representations (the predefined ones and those of MPI_Register_datarep). Lives in
// the Runtime's io() slot, created on first use, gone at MPI_Finalize.
#ifndef ZMPI_MPI_IO_IO_STATE_H_
#define ZMPI_MPI_IO_IO_STATE_H_

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/status.h"
#include "mpi/core/runtime.h"
#include "mpi/io/datarep.h"
#include "mpi/io/file.h"

namespace zmpi::io {

class IoState final : public core::Runtime::Extension {
 public:
  static IoState& Get();
  ~IoState() override;

  void AddFile(File* file) { files_.insert(file); }
  void RemoveFile(File* file) { files_.erase(file); }
  // The open file of a handle, or nullptr.
  File* FindFile(MPI_File handle) const;

  // "native", "internal", "external32" or a registered one; nullptr if unknown.
  const Datarep* FindDatarep(const std::string& name) const;
  // kDupDatarep when the name is taken.
  Status AddDatarep(Datarep rep);

 private:
  IoState();
  std::unordered_set<File*> files_;
  std::vector<std::unique_ptr<Datarep>> reps_;
};

}  // namespace zmpi::io

#endif  // ZMPI_MPI_IO_IO_STATE_H_
