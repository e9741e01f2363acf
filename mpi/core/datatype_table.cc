#include "mpi/core/datatype_table.h"

#include <algorithm>
#include <memory>

#include "mpi/datatype/external32.h"

namespace zmpi::core {
namespace {

// Offset of the index in a value-index pair (and the pair's alignment); 0 for other types.
int64_t PairSecond(MPI_Datatype h) {
  switch (h) {
    case MPI_FLOAT_INT:
    case MPI_SHORT_INT:
    case MPI_2INT:
    case MPI_2INTEGER:
    case MPI_2REAL:
      return 4;
    case MPI_DOUBLE_INT:
    case MPI_LONG_INT:
    case MPI_2DOUBLE_PRECISION:
      return 8;
    case MPI_LONG_DOUBLE_INT:
      return static_cast<int64_t>(sizeof(long double));
    default:
      return 0;
  }
}

datatype::TypeRef MakeLeaf(const Datatype& t) {
  if (t.handle == MPI_LB || t.handle == MPI_UB) {
    return datatype::Type::Marker(t.handle, t.handle == MPI_UB);
  }
  const int64_t size = static_cast<int64_t>(t.size);
  int64_t second = PairSecond(t.handle);
  int64_t align = second > 0 ? second : t.kind == BaseKind::kComplex ? size / 2 : size;
  align = std::clamp<int64_t>(align, 1, 16);
  if (second > 0) {
    // The row says MPI's size (value + index), the C struct's extent, and where the index
    // ends (true extent).
    const int64_t index_size = static_cast<int64_t>(t.true_extent) - second;
    return datatype::Type::Pair(t.handle, size - index_size, second, index_size,
                                static_cast<int64_t>(t.extent), align,
                                datatype::External32Size(t.handle));
  }
  return datatype::Type::Named(t.handle, size, align, second, datatype::External32Size(t.handle));
}

}  // namespace

void DatatypeTable::Describe(Entry& e) {
  const datatype::Type& t = *e.type;
  Datatype& d = e.desc;
  d.name = t.name().c_str();
  d.size = static_cast<size_t>(t.size());
  d.extent = static_cast<size_t>(t.extent());
  const Datatype* base = t.base() != 0 ? FindPredefinedDatatype(t.base()) : nullptr;
  d.kind = base ? base->kind : BaseKind::kOther;
  d.lb = static_cast<ptrdiff_t>(t.lb());
  d.true_lb = static_cast<ptrdiff_t>(t.true_lb());
  d.true_extent = static_cast<size_t>(t.true_extent());
  d.contiguous = t.contiguous();
  d.committed = t.committed();
  d.base = base ? base->handle : MPI_DATATYPE_NULL;
  d.type = e.type.get();
}

const Datatype* DatatypeTable::Find(MPI_Datatype handle) const {
  const Entry* e = table_.Find(handle);
  return e ? &e->desc : nullptr;
}

datatype::TypeRef DatatypeTable::TypeOf(MPI_Datatype handle) {
  if (const Entry* e = table_.Find(handle)) return e->type;
  const Datatype* t = FindPredefinedDatatype(handle);
  if (t == nullptr) return datatype::TypeRef();
  datatype::TypeRef& leaf = leaves_[handle];
  if (!leaf) {
    leaf = MakeLeaf(*t);
    leaf->Commit();
  }
  return leaf;
}

MPI_Datatype DatatypeTable::Add(datatype::TypeRef type, bool permanent) {
  auto e = std::make_unique<Entry>();
  e->type = std::move(type);
  e->permanent = permanent;
  Entry* raw = e.get();
  MPI_Datatype h = table_.Add(std::move(e));
  raw->desc.handle = h;
  Describe(*raw);
  return h;
}

MPI_Datatype DatatypeTable::HandleFor(const datatype::TypeRef& type) {
  if (type->leaf() != 0) return type->leaf();
  return Add(type);
}

Status DatatypeTable::CheckFreeable(MPI_Datatype handle) const {
  const Entry* e = table_.Find(handle);
  if (e == nullptr) {
    if (FindPredefinedDatatype(handle) != nullptr) {
      return Error(Code::kType, "predefined datatype 0x%x cannot be freed", handle);
    }
    return Error(Code::kType, "invalid datatype 0x%x", handle);
  }
  if (e->permanent) return Error(Code::kType, "datatype 0x%x is predefined (f90)", handle);
  return OkStatus();
}

Status DatatypeTable::Free(MPI_Datatype handle) {
  ZMPI_RETURN_IF_ERROR(CheckFreeable(handle));
  table_.Remove(handle);
  return OkStatus();
}

Status DatatypeTable::Commit(MPI_Datatype handle) {
  Entry* e = table_.Find(handle);
  if (e == nullptr) {
    if (FindPredefinedDatatype(handle) != nullptr) return OkStatus();
    return Error(Code::kType, "invalid datatype 0x%x", handle);
  }
  e->type->Commit();
  Describe(*e);
  return OkStatus();
}

void DatatypeTable::SetName(MPI_Datatype handle, std::string name) {
  if (Entry* e = table_.Find(handle)) {
    e->type->set_name(std::move(name));
    Describe(*e);
    return;
  }
  predefined_names_[handle] = std::move(name);
}

std::string DatatypeTable::NameOf(MPI_Datatype handle) const {
  if (const Entry* e = table_.Find(handle)) return e->type->name();
  auto it = predefined_names_.find(handle);
  if (it != predefined_names_.end()) return it->second;
  const Datatype* t = FindPredefinedDatatype(handle);
  return t ? t->name : "";
}

bool DatatypeTable::IsPermanent(MPI_Datatype handle) const {
  const Entry* e = table_.Find(handle);
  return e != nullptr && e->permanent;
}

MPI_Datatype DatatypeTable::FindF90(int combiner, int p, int r) const {
  auto it = f90_.find({combiner, p, r});
  return it == f90_.end() ? MPI_DATATYPE_NULL : it->second;
}

void DatatypeTable::AddF90(int combiner, int p, int r, MPI_Datatype handle) {
  f90_[{combiner, p, r}] = handle;
}

}  // namespace zmpi::core
