#include "mpi/datatype/type.h"

#include <algorithm>
#include <utility>

namespace zmpi::datatype {

TypeRef::TypeRef(Type* t) : p_(t) {
  if (p_) ++p_->refs_;
}
TypeRef::TypeRef(const TypeRef& o) : p_(o.p_) {
  if (p_) ++p_->refs_;
}
TypeRef::~TypeRef() {
  if (p_ && --p_->refs_ == 0) delete p_;
}

TypeRef Type::Named(int handle, int64_t size, int64_t align, int64_t second, int64_t external) {
  TypeRef t(new Type());
  t->leaf_ = handle;
  t->base_ = handle;
  t->size_ = size;
  t->ub_ = size;
  t->true_ub_ = size;
  t->align_ = align > 0 ? align : 1;
  t->second_ = second;
  t->elements_ = second > 0 ? 2 : 1;
  t->external_ = external;
  t->contents_.combiner = 1;  // MPI_COMBINER_NAMED
  return t;
}

TypeRef Type::Pair(int handle, int64_t value_size, int64_t index_offset, int64_t index_size,
                   int64_t extent, int64_t align, int64_t external) {
  TypeRef t = Named(handle, value_size + index_size, align, value_size, external);
  t->index_offset_ = index_offset;
  t->true_ub_ = index_offset + index_size;
  t->ub_ = extent;
  return t;
}

TypeRef Type::Marker(int handle, bool upper) {
  TypeRef t = Named(handle, 0, 1, 0, 0);
  t->elements_ = 0;
  t->ub_ = t->true_ub_ = 0;
  (upper ? t->ub_marked_ : t->lb_marked_) = true;
  (upper ? t->has_lb_ : t->has_ub_) = false;
  return t;
}

TypeRef Type::Compose(std::vector<TypeRef> children, std::vector<Piece> pieces, int64_t repeat,
                      int64_t stride, bool pad) {
  TypeRef t(new Type());
  t->children_ = std::move(children);
  t->pieces_ = std::move(pieces);
  t->repeat_ = repeat;
  t->stride_ = stride;
  t->ComputeBounds(pad);
  return t;
}

TypeRef Type::Resized(TypeRef child, int64_t lb, int64_t extent) {
  TypeRef t = Compose({std::move(child)}, {{0, 1, 0}}, 1, 0, false);
  t->lb_ = lb;
  t->ub_ = lb + extent;
  t->bounds_set_ = true;
  t->lb_marked_ = t->ub_marked_ = true;
  t->has_lb_ = t->has_ub_ = true;
  return t;
}

// Each dimension, innermost first, becomes a node whose pieces are the kept blocks of that
// dimension over the node below, resized so one step of the child is one step of the
// dimension.
TypeRef Type::Grid(TypeRef child, const std::vector<int64_t>& sizes,
                   const std::vector<std::vector<std::pair<int64_t, int64_t>>>& blocks,
                   bool c_order) {
  const int64_t n = static_cast<int64_t>(sizes.size());
  const int64_t elem = child->extent();
  int64_t step = elem;  // bytes between consecutive indices of the current dimension
  TypeRef t = std::move(child);
  for (int64_t k = 0; k < n; ++k) {
    size_t d = static_cast<size_t>(c_order ? n - 1 - k : k);
    TypeRef unit = Resized(t, 0, step);
    std::vector<Piece> pieces;
    for (const auto& [first, len] : blocks[d]) pieces.push_back({0, len, first * step});
    t = Compose({unit}, std::move(pieces), 1, 0, false);
    step *= sizes[d];
  }
  return Resized(t, 0, step);
}

// One bound over the pieces: the extreme marker if any child has one, else the extreme of
// the children that place it (markers of the other bound place nothing).
namespace {
struct Bound {
  bool marked = false, any = false;
  int64_t at = 0;
  void Take(int64_t v, bool is_marker, bool lower) {
    if (is_marker && !marked) {  // the first marker replaces unmarked candidates
      marked = true;
      any = false;
    }
    if (marked && !is_marker) return;
    at = !any ? v : lower ? std::min(at, v) : std::max(at, v);
    any = true;
  }
};
}  // namespace

void Type::ComputeBounds(bool pad) {
  int64_t size = 0, elements = 0, external = 0;
  bool any = false, any_data = false;
  Bound lo, hi;
  int64_t tlo = 0, thi = 0;
  int base = -1;
  for (const Piece& p : pieces_) {
    const Type& c = *children_[p.child];
    align_ = std::max(align_, c.align_);
    if (c.leaf_ == 0 || c.size_ > 0) {  // a marker has no base type
      if (base == -1)
        base = c.base_;
      else if (base != c.base_)
        base = 0;
    }
    if (p.blocklen <= 0) continue;
    any = true;
    size += p.blocklen * c.size_;
    elements += p.blocklen * c.elements_;
    external += p.blocklen * c.external_;
    const int64_t ext = c.extent();
    const int64_t spread_lo = std::min<int64_t>(0, (p.blocklen - 1) * ext);
    const int64_t spread_hi = std::max<int64_t>(0, (p.blocklen - 1) * ext);
    if (c.has_lb_) lo.Take(p.disp + c.lb_ + spread_lo, c.lb_marked_, true);
    if (c.has_ub_) hi.Take(p.disp + c.ub_ + spread_hi, c.ub_marked_, false);
    if (c.size_ > 0) {
      int64_t tl = p.disp + c.true_lb_ + spread_lo, th = p.disp + c.true_ub_ + spread_hi;
      tlo = any_data ? std::min(tlo, tl) : tl;
      thi = any_data ? std::max(thi, th) : th;
      any_data = true;
    }
  }
  base_ = base < 0 ? 0 : base;
  if (repeat_ <= 0) {
    any = any_data = false;
    lo = hi = Bound();
    size = elements = external = 0;
  } else {
    const int64_t rlo = std::min<int64_t>(0, (repeat_ - 1) * stride_);
    const int64_t rhi = std::max<int64_t>(0, (repeat_ - 1) * stride_);
    lo.at += rlo;
    hi.at += rhi;
    tlo += rlo;
    thi += rhi;
  }
  size_ = size * std::max<int64_t>(repeat_, 0);
  elements_ = elements * std::max<int64_t>(repeat_, 0);
  external_ = external * std::max<int64_t>(repeat_, 0);
  // A type of nothing (no pieces, zero blocklengths or count) places both bounds at 0, as
  // before markers existed; one of only ub (lb) markers places no lb (ub).
  has_lb_ = lo.any || !any;
  has_ub_ = hi.any || !any;
  lb_marked_ = lo.marked;
  ub_marked_ = hi.marked;
  lb_ = lo.any ? lo.at : 0;
  ub_ = hi.any ? hi.at : 0;
  true_lb_ = any_data ? tlo : 0;
  true_ub_ = any_data ? thi : 0;
  // MPI's epsilon: only a struct, and only when no ub marker fixes the upper bound.
  if (pad && hi.any && !hi.marked && align_ > 1) {
    int64_t rem = (ub_ - lb_) % align_;
    if (rem < 0) rem += align_;
    if (rem != 0) ub_ += align_ - rem;
  }
}

void Type::Commit() {
  committed_ = true;
  if (compiled_) return;
  compiled_ = true;
  if (leaf_ != 0) {
    if (second_ > 0 && index_offset_ > second_) {  // a pair with padding after the value
      layout_.Append(Run{0, second_});
      layout_.Append(Run{index_offset_, size_ - second_});
    } else {
      layout_.Append(Run{0, size_});
    }
    layout_.Finish();
    return;
  }
  Layout one;
  for (const Piece& p : pieces_) {
    Type& c = *children_[p.child];
    if (!c.compiled_) {
      bool was = c.committed_;
      c.Commit();
      c.committed_ = was;  // compiled for us; still uncommitted for the user
    }
    one.AppendRepeated(c.layout_, p.blocklen, c.extent(), p.disp);
  }
  if (repeat_ == 1) {
    layout_ = std::move(one);
  } else {
    layout_.AppendRepeated(one, repeat_, stride_, 0);
  }
  layout_.Finish();
}

int64_t Type::ElementsIn(int64_t bytes) const {
  if (bytes <= 0) return 0;
  if (size_ == 0) return 0;
  int64_t n = bytes / size_, rem = bytes % size_;
  int64_t e = n * elements_;
  if (rem == 0) return e;
  if (leaf_ != 0) {
    if (second_ > 0 && rem == second_) return e + 1;
    return -1;
  }
  const int64_t per_rep = size_ / repeat_;
  const int64_t e_rep = elements_ / repeat_;
  e += rem / per_rep * e_rep;
  rem %= per_rep;
  for (const Piece& p : pieces_) {
    if (rem == 0) break;
    const Type& c = *children_[p.child];
    int64_t psize = p.blocklen * c.size_;
    if (p.blocklen <= 0 || psize == 0) continue;
    if (rem >= psize) {
      e += p.blocklen * c.elements_;
      rem -= psize;
      continue;
    }
    int64_t part = c.ElementsIn(rem);
    return part < 0 ? -1 : e + part;
  }
  return rem == 0 ? e : -1;
}

int64_t Type::BytesFor(int64_t elements) const {
  if (elements <= 0 || elements_ == 0) return 0;
  int64_t n = elements / elements_, rem = elements % elements_;
  int64_t b = n * size_;
  if (rem == 0) return b;
  if (leaf_ != 0) return b + second_;  // rem == 1 of a pair
  const int64_t per_rep = size_ / repeat_;
  const int64_t e_rep = elements_ / repeat_;
  b += rem / e_rep * per_rep;
  rem %= e_rep;
  for (const Piece& p : pieces_) {
    if (rem == 0) break;
    const Type& c = *children_[p.child];
    int64_t pe = p.blocklen * c.elements_;
    if (p.blocklen <= 0 || pe == 0) continue;
    if (rem >= pe) {
      b += p.blocklen * c.size_;
      rem -= pe;
      continue;
    }
    return b + c.BytesFor(rem);
  }
  return b;
}

}  // namespace zmpi::datatype
