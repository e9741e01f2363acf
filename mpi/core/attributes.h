// The attribute store: keyvals (MPI_{Comm,Type,Win}_create_keyval) and the attributes set
// with them, keyed by (object kind, handle). Keyed by handle rather than kept in the objects,
// so attributes work on predefined objects (MPI_COMM_WORLD, MPI_INT) and on every object
// kind without each object knowing about them.
//
// Callbacks: the copy callback runs for each attribute when an object is duplicated (Copy),
// the delete callback when an attribute goes (Delete, DeleteAll, or Set over an existing
// value). Callbacks may call MPI (even this store, on the same object): the store never
// holds an iterator across a callback. A keyval is reference counted: the user's handle and
// each attribute set with it, so MPI_*_free_keyval while attributes use it leaves it working
// until they go (as in MPICH, the old handle still reads, sets and deletes attributes in the
// meantime, and freeing it again is accepted).
//
// Predefined keyvals (MPI_TAG_UB, MPI_WIN_BASE, ...) are not in the store; see
// object_attributes.h. Not thread-safe (callers serialize, as for the rest of the runtime).
#ifndef ZMPI_MPI_CORE_ATTRIBUTES_H_
#define ZMPI_MPI_CORE_ATTRIBUTES_H_

#include <map>
#include <utility>
#include <vector>

#include "common/status.h"
#include "mpi/core/handles.h"

namespace zmpi::core {

// The C callback types of every object kind are these (handles are int on the MPICH ABI).
using AttrCopyFunction = int (*)(int object, int keyval, void* extra_state, void* value_in,
                                 void* value_out, int* flag);
using AttrDeleteFunction = int (*)(int object, int keyval, void* value, void* extra_state);

class Keyval {
 public:
  Keyval(HandleKind kind, AttrCopyFunction copy, AttrDeleteFunction del, void* extra_state)
      : kind_(kind), copy_(copy), delete_(del), extra_state_(extra_state) {}
  HandleKind kind() const { return kind_; }
  AttrCopyFunction copy() const { return copy_; }
  AttrDeleteFunction del() const { return delete_; }
  void* extra_state() const { return extra_state_; }

 private:
  friend class AttributeStore;
  HandleKind kind_;
  AttrCopyFunction copy_;
  AttrDeleteFunction delete_;
  void* extra_state_;
  int refs_ = 1;             // the user's handle + one per attribute
  bool user_freed_ = false;  // the handle is no longer valid for new use
};

class AttributeStore {
 public:
  AttributeStore() = default;
  AttributeStore(const AttributeStore&) = delete;
  AttributeStore& operator=(const AttributeStore&) = delete;

  int CreateKeyval(HandleKind kind, AttrCopyFunction copy, AttrDeleteFunction del,
                   void* extra_state);
  // MPI_ERR_KEYVAL for a handle that is not a live keyval of `kind`.
  Status FreeKeyval(HandleKind kind, int keyval);

  // Sets (or replaces, after running the old value's delete callback) an attribute.
  Status Set(HandleKind kind, int object, int keyval, void* value);
  // `*found` false when the object has no attribute for the keyval.
  Status Get(HandleKind kind, int object, int keyval, void** value, bool* found) const;
  // Runs the delete callback and removes the attribute; ok when there is none.
  Status Delete(HandleKind kind, int object, int keyval);
  // Copies `from`'s attributes to `to` through their copy callbacks (in the order they were
  // set). On a callback's error the attributes already copied to `to` are deleted.
  Status Copy(HandleKind kind, int from, int to);
  // Gives `from`'s attributes to `to` (which has none) as they are: no callback runs. For
  // attributes copied ahead of time onto a placeholder handle (MPI_Comm_idup copies when
  // called, the communicator's handle exists only at completion).
  void Move(HandleKind kind, int from, int to);
  // Drops every attribute of the object without running delete callbacks (a placeholder
  // whose object never came to be, found during progress, where no user code may run).
  void Discard(HandleKind kind, int object);
  // Deletes every attribute of the object, the last set first. Stops at the first delete
  // callback that fails (the rest stay) and returns its error.
  Status DeleteAll(HandleKind kind, int object);

  size_t live_keyvals() const { return keyvals_.live(); }
  size_t attribute_count(HandleKind kind, int object) const;

 private:
  using Key = std::pair<HandleKind, int>;
  struct Attribute {
    int keyval;
    void* value;
  };
  // The live keyval of `kind` named by `handle`, or MPI_ERR_KEYVAL.
  Status FindKeyval(HandleKind kind, int handle, Keyval** keyval) const;
  void ReleaseKeyval(int handle);
  Attribute* FindAttribute(const Key& key, int keyval);
  // Removes the attribute and runs its delete callback.
  Status Remove(const Key& key, int keyval);

  HandleTable<Keyval, HandleKind::kKeyval> keyvals_;
  std::map<Key, std::vector<Attribute>> attributes_;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_ATTRIBUTES_H_
