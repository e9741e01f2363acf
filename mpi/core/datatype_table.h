// The runtime's derived datatypes: each handle (0xcc000000 | slot) names an engine Type and the
// core::Datatype the protocols read. Also the engine's leaf objects for predefined types, names
// given to predefined types, and the cached MPI_Type_create_f90_* types.
//
// A handle holds one reference to its Type; freeing the handle drops it, so a type still used
// by a pending operation or a parent type stays alive. Slots of freed handles are reused. Not
// thread-safe (the runtime serializes).
#ifndef ZMPI_MPI_CORE_DATATYPE_TABLE_H_
#define ZMPI_MPI_CORE_DATATYPE_TABLE_H_

#include <map>
#include <string>
#include <tuple>
#include <unordered_map>

#include "common/status.h"
#include "mpi/core/datatype.h"
#include "mpi/core/handles.h"
#include "mpi/datatype/type.h"
#include "mpi/include/mpi.h"

namespace zmpi::core {

class DatatypeTable {
 public:
  DatatypeTable() = default;
  DatatypeTable(const DatatypeTable&) = delete;
  DatatypeTable& operator=(const DatatypeTable&) = delete;

  // The derived type named by `handle`, or nullptr.
  const Datatype* Find(MPI_Datatype handle) const;
  // The engine object of any valid handle (a predefined type's leaf is made on first use);
  // empty if the handle names no type.
  datatype::TypeRef TypeOf(MPI_Datatype handle);
  // Names `type` by a new handle. A permanent handle (f90 types) cannot be freed.
  MPI_Datatype Add(datatype::TypeRef type, bool permanent = false);
  // The handle MPI_Type_get_contents returns for a constituent type: a predefined type's own,
  // else a new handle to the same object (the caller frees it).
  MPI_Datatype HandleFor(const datatype::TypeRef& type);
  // MPI_Type_free: kType for predefined, permanent or unknown handles.
  Status Free(MPI_Datatype handle);
  // What Free would say before it removes anything: OK for a user-created type.
  Status CheckFreeable(MPI_Datatype handle) const;
  // MPI_Type_commit (compiles the flat form once).
  Status Commit(MPI_Datatype handle);
  // Names of any type (predefined ones can be renamed too). NameOf is "" if never set.
  void SetName(MPI_Datatype handle, std::string name);
  std::string NameOf(MPI_Datatype handle) const;
  // True for handles made by Add(..., true).
  bool IsPermanent(MPI_Datatype handle) const;
  // The f90 type cached for (combiner, p, r), or MPI_DATATYPE_NULL.
  MPI_Datatype FindF90(int combiner, int p, int r) const;
  void AddF90(int combiner, int p, int r, MPI_Datatype handle);
  size_t live() const { return table_.live(); }

 private:
  struct Entry {
    Datatype desc;
    datatype::TypeRef type;
    bool permanent = false;
  };
  static void Describe(Entry& e);

  HandleTable<Entry, HandleKind::kDatatype> table_;
  std::unordered_map<int, datatype::TypeRef> leaves_;
  std::unordered_map<int, std::string> predefined_names_;
  std::map<std::tuple<int, int, int>, MPI_Datatype> f90_;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_DATATYPE_TABLE_H_
