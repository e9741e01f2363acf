// A datatype object of the engine: predefined leaves and derived types built over them.
//
// A derived type is a tree: `pieces` (blocklen copies of a child, one child extent apart, at a
// byte displacement), the whole repeated `repeat` times `stride` bytes apart. Every MPI
// constructor is one such node (subarray and darray a short chain of them under a resize).
// Bounds, size and element counts are known at construction; Commit() compiles the tree once
// into the flat Layout that protocols walk.
//
// Bounds follow MPI's lb/ub markers (MPI-4.1 5.1.7; MPI-1's MPI_LB and MPI_UB): a type's lb is
// the lowest lb marker of its type map if it has one, else its lowest data displacement; its
// ub the highest ub marker if it has one, else the highest data end (struct: plus the
// alignment padding). MPI_Type_create_resized erases the old markers and places new ones, so
// a resized type's bounds are markers too; markers propagate through every constructor
// (`lb_marked_`/`ub_marked_`), so a struct of a resized type and other data keeps the resized
// type's bounds, as the standard (and Open MPI) say. MPICH 4.0.2 lets the other data widen
// them; docs/datatypes.md.
//
// Types are reference counted (TypeRef): the handle that names a type holds one reference, a
// parent type one per child, a pending operation one, so freeing a handle never invalidates a
// type in use. Not thread-safe (the runtime serializes MPI calls).
#ifndef ZMPI_MPI_DATATYPE_TYPE_H_
#define ZMPI_MPI_DATATYPE_TYPE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "mpi/datatype/layout.h"

namespace zmpi::datatype {

class Type;

// An owning reference to a Type (intrusive count).
class TypeRef {
 public:
  TypeRef() = default;
  explicit TypeRef(Type* t);
  TypeRef(const TypeRef& o);
  TypeRef(TypeRef&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
  TypeRef& operator=(TypeRef o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~TypeRef();
  Type* get() const { return p_; }
  Type* operator->() const { return p_; }
  Type& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }

 private:
  Type* p_ = nullptr;
};

// Blocklen copies of children[child], one child extent apart, starting at disp bytes.
struct Piece {
  int child;
  int64_t blocklen;
  int64_t disp;
};

// The arguments of the constructor call, as MPI_Type_get_contents returns them.
struct Contents {
  int combiner = 0;  // MPI_COMBINER_*
  std::vector<int64_t> ints;
  std::vector<int64_t> aints;
  std::vector<int64_t> counts;  // large counts (the _c constructors)
  std::vector<TypeRef> types;
};

class Type {
 public:
  Type(const Type&) = delete;
  Type& operator=(const Type&) = delete;

  // A predefined type: its handle, size and alignment; `second` is the offset of the index in
  // a value-index pair (MPI_DOUBLE_INT...) and 0 otherwise; `external` its external32 size.
  static TypeRef Named(int handle, int64_t size, int64_t align, int64_t second, int64_t external);
  // A predefined value-index pair (MPI_DOUBLE_INT...) as MPI defines it: its size is the value's
  // plus the index's bytes (12 for MPI_DOUBLE_INT), its extent the C struct's (16); the value
  // lies at 0, the index at `index_offset` (padding between them and after the index is not
  // data). Two basic elements; a partial element is the value alone.
  static TypeRef Pair(int handle, int64_t value_size, int64_t index_offset, int64_t index_size,
                      int64_t extent, int64_t align, int64_t external);
  // The MPI-1 bound markers MPI_LB (upper false) and MPI_UB: no data, no elements; a marker at
  // displacement 0 for that bound and nothing for the other one.
  static TypeRef Marker(int handle, bool upper);
  // A derived node (see the file comment). `pad` rounds the extent up to the alignment of the
  // children (what MPI_Type_create_struct does).
  static TypeRef Compose(std::vector<TypeRef> children, std::vector<Piece> pieces, int64_t repeat,
                         int64_t stride, bool pad);
  // The same type map with new bounds (lb and ub markers replacing the old ones).
  static TypeRef Resized(TypeRef child, int64_t lb, int64_t extent);
  // The type map of blocks of an n-d array of `child` with dimensions `sizes` (row-major when
  // c_order, else column-major): blocks[d] lists (first index, length) of the indices kept in
  // dimension d. Bounds are those of the whole array (lb 0, extent prod(sizes) * extent).
  // Used by subarray and darray.
  static TypeRef Grid(TypeRef child, const std::vector<int64_t>& sizes,
                      const std::vector<std::vector<std::pair<int64_t, int64_t>>>& blocks,
                      bool c_order);

  // Compiles the flat form (once); children need not be committed.
  void Commit();
  bool committed() const { return committed_; }
  const Layout& layout() const { return layout_; }
  // True once committed when one element is `size` bytes at true_lb and extent == size.
  bool contiguous() const { return committed_ && layout_.contiguous() && extent() == size_; }

  int64_t size() const { return size_; }
  int64_t lb() const { return lb_; }
  int64_t ub() const { return ub_; }
  int64_t extent() const { return ub_ - lb_; }
  int64_t true_lb() const { return true_lb_; }
  int64_t true_extent() const { return true_ub_ - true_lb_; }
  // The bound comes from an lb (ub) marker: MPI_LB/MPI_UB or a resize, here or in a child.
  bool lb_marked() const { return lb_marked_; }
  bool ub_marked() const { return ub_marked_; }
  int64_t align() const { return align_; }
  // Basic elements in one element (a value-index pair counts 2).
  int64_t elements() const { return elements_; }
  // external32 bytes of one element.
  int64_t external_size() const { return external_; }
  // The predefined handle every basic element has, or 0 when they differ.
  int base() const { return base_; }
  // For a predefined leaf: its handle (0 for derived types).
  int leaf() const { return leaf_; }

  // Basic elements wholly inside the first `bytes` packed bytes of a message of this type, or
  // -1 when `bytes` ends inside a basic element.
  int64_t ElementsIn(int64_t bytes) const;
  // Packed bytes that hold the first `elements` basic elements.
  int64_t BytesFor(int64_t elements) const;
  // Calls fn(leaf type, n) for the basic elements of `count` elements in type-map order
  // (runs of n of the same predefined leaf).
  template <typename Fn>
  void ForEachLeaf(int64_t count, Fn&& fn) const;

  Contents& contents() { return contents_; }
  const Contents& contents() const { return contents_; }
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }

 private:
  friend class TypeRef;
  Type() = default;
  void ComputeBounds(bool pad);

  int refs_ = 0;
  int leaf_ = 0;
  int base_ = 0;
  bool committed_ = false;
  bool compiled_ = false;
  int64_t size_ = 0, lb_ = 0, ub_ = 0, true_lb_ = 0, true_ub_ = 0;
  int64_t align_ = 1, elements_ = 0, external_ = 0, second_ = 0;
  int64_t index_offset_ = 0;  // a pair leaf: where its index lies (second_: its packed offset)
  bool bounds_set_ = false;   // Resized: lb_/ub_ given, not computed
  bool lb_marked_ = false, ub_marked_ = false;
  // The type map has something that places this bound (false: only the other bound's
  // markers, as in MPI_UB for the lower bound); a parent then takes nothing from it.
  bool has_lb_ = true, has_ub_ = true;
  std::vector<TypeRef> children_;
  std::vector<Piece> pieces_;
  int64_t repeat_ = 1, stride_ = 0;
  Layout layout_;
  Contents contents_;
  std::string name_;
};

template <typename Fn>
void Type::ForEachLeaf(int64_t count, Fn&& fn) const {
  if (leaf_ != 0) {
    if (count > 0 && size_ > 0) fn(*this, count);  // markers hold no data
    return;
  }
  for (int64_t c = 0; c < count * repeat_; ++c) {
    for (const Piece& p : pieces_) children_[p.child]->ForEachLeaf(p.blocklen, fn);
  }
}

}  // namespace zmpi::datatype

#endif  // ZMPI_MPI_DATATYPE_TYPE_H_
