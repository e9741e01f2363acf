#include "mpi/core/datatype_ctor.h"

#include <utility>

#include "mpi/core/datatype_table.h"
#include "mpi/core/object_attributes.h"
#include "mpi/core/runtime.h"
#include "mpi/datatype/type.h"

namespace zmpi::core {
namespace {

using datatype::Contents;
using datatype::Piece;
using datatype::Type;
using datatype::TypeRef;

DatatypeTable& Table() { return Runtime::Get()->datatypes(); }

MPI_Datatype Name(TypeRef t, Contents contents) {
  t->contents() = std::move(contents);
  return Table().Add(std::move(t));
}

// The counts of a constructor go to `ints` (C int forms) or `counts` (_c forms).
void PutCount(Contents& c, bool large, int64_t v) { (large ? c.counts : c.ints).push_back(v); }
void PutCounts(Contents& c, bool large, const Int64s& v) {
  auto& to = large ? c.counts : c.ints;
  to.insert(to.end(), v.begin(), v.end());
}

Status CheckBlocklens(const Int64s& blocklens) {
  for (size_t i = 0; i < blocklens.size(); ++i) {
    if (blocklens[i] < 0) {
      return Error(Code::kArg, "blocklength[%zu] = %lld is negative", i,
                   static_cast<long long>(blocklens[i]));
    }
  }
  return OkStatus();
}

}  // namespace

StatusOr<MPI_Datatype> TypeContiguous(int64_t count, MPI_Datatype old, bool large) {
  TypeRef o = Table().TypeOf(old);
  TypeRef t = Type::Compose({o}, {{0, count, 0}}, 1, 0, false);
  Contents c;
  c.combiner = MPI_COMBINER_CONTIGUOUS;
  PutCount(c, large, count);
  c.types.push_back(o);
  return Name(std::move(t), std::move(c));
}

StatusOr<MPI_Datatype> TypeVector(int64_t count, int64_t blocklen, int64_t stride, bool bytes,
                                  MPI_Datatype old, bool large) {
  if (blocklen < 0) return Error(Code::kArg, "negative blocklength %lld", (long long)blocklen);
  TypeRef o = Table().TypeOf(old);
  int64_t step = bytes ? stride : stride * o->extent();
  TypeRef t = Type::Compose({o}, {{0, blocklen, 0}}, count, step, false);
  Contents c;
  c.combiner = bytes ? MPI_COMBINER_HVECTOR : MPI_COMBINER_VECTOR;
  PutCount(c, large, count);
  PutCount(c, large, blocklen);
  if (bytes)
    c.aints.push_back(stride);
  else
    PutCount(c, large, stride);
  c.types.push_back(o);
  return Name(std::move(t), std::move(c));
}

StatusOr<MPI_Datatype> TypeIndexed(int combiner, const Int64s& blocklens, const Int64s& disps,
                                   MPI_Datatype old, bool large) {
  ZMPI_RETURN_IF_ERROR(CheckBlocklens(blocklens));
  const bool block =
      combiner == MPI_COMBINER_INDEXED_BLOCK || combiner == MPI_COMBINER_HINDEXED_BLOCK;
  const bool bytes = combiner == MPI_COMBINER_HINDEXED || combiner == MPI_COMBINER_HINDEXED_BLOCK;
  TypeRef o = Table().TypeOf(old);
  std::vector<Piece> pieces;
  pieces.reserve(disps.size());
  for (size_t i = 0; i < disps.size(); ++i) {
    int64_t bl = block ? blocklens[0] : blocklens[i];
    pieces.push_back({0, bl, bytes ? disps[i] : disps[i] * o->extent()});
  }
  TypeRef t = Type::Compose({o}, std::move(pieces), 1, 0, false);
  Contents c;
  c.combiner = combiner;
  PutCount(c, large, static_cast<int64_t>(disps.size()));
  PutCounts(c, large, blocklens);
  if (bytes)
    c.aints = disps;
  else
    PutCounts(c, large, disps);
  c.types.push_back(o);
  return Name(std::move(t), std::move(c));
}

StatusOr<MPI_Datatype> TypeStruct(const Int64s& blocklens, const Int64s& disps,
                                  const std::vector<MPI_Datatype>& olds, bool large) {
  ZMPI_RETURN_IF_ERROR(CheckBlocklens(blocklens));
  std::vector<TypeRef> children;
  std::vector<Piece> pieces;
  for (size_t i = 0; i < olds.size(); ++i) {
    children.push_back(Table().TypeOf(olds[i]));
    pieces.push_back({static_cast<int>(i), blocklens[i], disps[i]});
  }
  Contents c;
  c.combiner = MPI_COMBINER_STRUCT;
  PutCount(c, large, static_cast<int64_t>(olds.size()));
  PutCounts(c, large, blocklens);
  c.aints = disps;
  c.types = children;
  TypeRef t = Type::Compose(std::move(children), std::move(pieces), 1, 0, true);
  return Name(std::move(t), std::move(c));
}

StatusOr<MPI_Datatype> TypeSubarray(const Int64s& sizes, const Int64s& subsizes,
                                    const Int64s& starts, int order, MPI_Datatype old, bool large) {
  if (order != MPI_ORDER_C && order != MPI_ORDER_FORTRAN) {
    return Error(Code::kArg, "order %d is neither MPI_ORDER_C nor MPI_ORDER_FORTRAN", order);
  }
  std::vector<std::vector<std::pair<int64_t, int64_t>>> blocks(sizes.size());
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] <= 0 || subsizes[d] < 0 || subsizes[d] > sizes[d] || starts[d] < 0 ||
        starts[d] + subsizes[d] > sizes[d]) {
      return Error(Code::kArg, "dimension %zu: size %lld, subsize %lld, start %lld", d,
                   (long long)sizes[d], (long long)subsizes[d], (long long)starts[d]);
    }
    blocks[d].push_back({starts[d], subsizes[d]});
  }
  TypeRef o = Table().TypeOf(old);
  TypeRef t = Type::Grid(o, sizes, blocks, order == MPI_ORDER_C);
  Contents c;
  c.combiner = MPI_COMBINER_SUBARRAY;
  c.ints.push_back(static_cast<int64_t>(sizes.size()));
  PutCounts(c, large, sizes);
  PutCounts(c, large, subsizes);
  PutCounts(c, large, starts);
  c.ints.push_back(order);
  c.types.push_back(o);
  return Name(std::move(t), std::move(c));
}

StatusOr<MPI_Datatype> TypeDarray(int size, int rank, const Int64s& gsizes,
                                  const std::vector<int>& distribs, const std::vector<int>& dargs,
                                  const std::vector<int>& psizes, int order, MPI_Datatype old,
                                  bool large) {
  if (size <= 0) return Error(Code::kArg, "size %d must be positive", size);
  if (rank < 0 || rank >= size) return Error(Code::kRank, "rank %d not in [0, %d)", rank, size);
  if (order != MPI_ORDER_C && order != MPI_ORDER_FORTRAN) {
    return Error(Code::kArg, "order %d is neither MPI_ORDER_C nor MPI_ORDER_FORTRAN", order);
  }
  const size_t n = gsizes.size();
  int64_t grid = 1;
  for (size_t d = 0; d < n; ++d) {
    if (psizes[d] <= 0) return Error(Code::kArg, "psizes[%zu] = %d", d, psizes[d]);
    grid *= psizes[d];
  }
  if (grid != size) {
    return Error(Code::kArg, "the process grid has %lld processes, not size %d", (long long)grid,
                 size);
  }
  // Coordinates of `rank` in the grid: always row-major (MPI-4.1 section 5.1.4).
  std::vector<int64_t> coord(n);
  for (size_t k = n, r = static_cast<size_t>(rank); k-- > 0;) {
    coord[k] = static_cast<int64_t>(r % static_cast<size_t>(psizes[k]));
    r /= static_cast<size_t>(psizes[k]);
  }
  std::vector<std::vector<std::pair<int64_t, int64_t>>> blocks(n);
  for (size_t d = 0; d < n; ++d) {
    const int64_t g = gsizes[d], p = psizes[d];
    if (g <= 0) return Error(Code::kArg, "gsizes[%zu] = %lld", d, (long long)g);
    const int darg = dargs[d];
    switch (distribs[d]) {
      case MPI_DISTRIBUTE_NONE:
        if (p != 1)
          return Error(Code::kArg, "MPI_DISTRIBUTE_NONE over %lld processes", (long long)p);
        blocks[d].push_back({0, g});
        break;
      case MPI_DISTRIBUTE_BLOCK: {
        if (darg != MPI_DISTRIBUTE_DFLT_DARG && darg <= 0) {
          return Error(Code::kArg, "darg %d of dimension %zu", darg, d);
        }
        int64_t b = darg == MPI_DISTRIBUTE_DFLT_DARG ? (g + p - 1) / p : darg;
        if (b * p < g) {
          return Error(Code::kArg, "block %lld x %lld processes < %lld elements", (long long)b,
                       (long long)p, (long long)g);
        }
        int64_t first = coord[d] * b, last = std::min(g, first + b);
        if (last > first) blocks[d].push_back({first, last - first});
        break;
      }
      case MPI_DISTRIBUTE_CYCLIC: {
        if (darg != MPI_DISTRIBUTE_DFLT_DARG && darg <= 0) {
          return Error(Code::kArg, "darg %d of dimension %zu", darg, d);
        }
        int64_t b = darg == MPI_DISTRIBUTE_DFLT_DARG ? 1 : darg;
        for (int64_t first = coord[d] * b; first < g; first += p * b) {
          blocks[d].push_back({first, std::min(b, g - first)});
        }
        break;
      }
      default:
        return Error(Code::kArg, "distribution %d of dimension %zu", distribs[d], d);
    }
  }
  TypeRef o = Table().TypeOf(old);
  TypeRef t = Type::Grid(o, gsizes, blocks, order == MPI_ORDER_C);
  Contents c;
  c.combiner = MPI_COMBINER_DARRAY;
  c.ints = {size, rank, static_cast<int64_t>(n)};
  PutCounts(c, large, gsizes);
  c.ints.insert(c.ints.end(), distribs.begin(), distribs.end());
  c.ints.insert(c.ints.end(), dargs.begin(), dargs.end());
  c.ints.insert(c.ints.end(), psizes.begin(), psizes.end());
  c.ints.push_back(order);
  c.types.push_back(o);
  return Name(std::move(t), std::move(c));
}

StatusOr<MPI_Datatype> TypeResized(MPI_Datatype old, int64_t lb, int64_t extent, bool large) {
  TypeRef o = Table().TypeOf(old);
  TypeRef t = Type::Resized(o, lb, extent);
  Contents c;
  c.combiner = MPI_COMBINER_RESIZED;
  (large ? c.counts : c.aints) = {lb, extent};
  c.types.push_back(o);
  return Name(std::move(t), std::move(c));
}

StatusOr<MPI_Datatype> TypeDup(MPI_Datatype old) {
  TypeRef o = Table().TypeOf(old);
  TypeRef t = Type::Compose({o}, {{0, 1, 0}}, 1, 0, false);
  if (o->committed()) t->Commit();  // a duplicate of a committed type is committed
  Contents c;
  c.combiner = MPI_COMBINER_DUP;
  c.types.push_back(o);
  const MPI_Datatype dup = Name(std::move(t), std::move(c));
  Status copied = CopyAttributes(HandleKind::kDatatype, old, dup);
  if (!copied.ok()) {
    DeleteAttributes(HandleKind::kDatatype, dup).IgnoreError();  // those copied so far
    Table().Free(dup).IgnoreError();
    return copied;
  }
  return dup;
}

Status TypeFree(MPI_Datatype handle) {
  ZMPI_RETURN_IF_ERROR(Table().CheckFreeable(handle));
  ZMPI_RETURN_IF_ERROR(DeleteAttributes(HandleKind::kDatatype, handle));
  return Table().Free(handle);
}

StatusOr<MPI_Datatype> TypeF90(int combiner, int p, int r) {
  DatatypeTable& table = Table();
  if (MPI_Datatype h = table.FindF90(combiner, p, r); h != MPI_DATATYPE_NULL) return h;
  MPI_Datatype basic = MPI_DATATYPE_NULL;
  if (combiner == MPI_COMBINER_F90_INTEGER) {
    if (r == MPI_UNDEFINED || r <= 2)
      basic = MPI_INTEGER1;
    else if (r <= 4)
      basic = MPI_INTEGER2;
    else if (r <= 9)
      basic = MPI_INTEGER4;
    else if (r <= 18)
      basic = MPI_INTEGER8;
  } else {
    const bool complex = combiner == MPI_COMBINER_F90_COMPLEX;
    const int pp = p == MPI_UNDEFINED ? 0 : p, rr = r == MPI_UNDEFINED ? 0 : r;
    if (pp <= 6 && rr <= 37)
      basic = complex ? MPI_COMPLEX8 : MPI_REAL4;
    else if (pp <= 15 && rr <= 307)
      basic = complex ? MPI_COMPLEX16 : MPI_REAL8;
    else if (pp <= 18 && rr <= 4931)
      basic = complex ? MPI_COMPLEX32 : MPI_REAL16;
  }
  if (basic == MPI_DATATYPE_NULL) {
    return Error(Code::kArg, "no predefined type has precision %d and range %d", p, r);
  }
  TypeRef o = table.TypeOf(basic);
  TypeRef t = Type::Compose({o}, {{0, 1, 0}}, 1, 0, false);
  t->Commit();
  Contents c;
  c.combiner = combiner;
  if (combiner == MPI_COMBINER_F90_INTEGER)
    c.ints = {r};
  else
    c.ints = {p, r};
  t->contents() = std::move(c);
  MPI_Datatype h = table.Add(std::move(t), true);
  table.AddF90(combiner, p, r, h);
  return h;
}

}  // namespace zmpi::core
