#include "mpi/core/attributes.h"

#include <memory>

namespace zmpi::core {
namespace {

constexpr int kSuccess = 0;  // MPI_SUCCESS, what callbacks return when they succeed

Status CallbackError(const char* which, int keyval, int code) {
  return Status(static_cast<Code>(code), std::string(which) + " callback of keyval " +
                                             std::to_string(keyval) + " returned " +
                                             std::to_string(code));
}

}  // namespace

int AttributeStore::CreateKeyval(HandleKind kind, AttrCopyFunction copy, AttrDeleteFunction del,
                                 void* extra_state) {
  return keyvals_.Add(std::make_unique<Keyval>(kind, copy, del, extra_state));
}

Status AttributeStore::FindKeyval(HandleKind kind, int handle, Keyval** keyval) const {
  Keyval* k = keyvals_.Find(handle);
  if (k == nullptr) {
    return Error(Code::kKeyval, "invalid keyval 0x%x", static_cast<unsigned>(handle));
  }
  if (k->kind_ != kind) {
    return Error(Code::kKeyval, "keyval 0x%x belongs to another kind of object",
                 static_cast<unsigned>(handle));
  }
  *keyval = k;
  return OkStatus();
}

void AttributeStore::ReleaseKeyval(int handle) {
  Keyval* k = keyvals_.Find(handle);
  if (k != nullptr && --k->refs_ == 0) keyvals_.Remove(handle);
}

Status AttributeStore::FreeKeyval(HandleKind kind, int keyval) {
  Keyval* k = nullptr;
  ZMPI_RETURN_IF_ERROR(FindKeyval(kind, keyval, &k));
  // Freeing again a keyval that attributes still keep alive (a delete callback freeing its
  // own keyval, a saved copy of the handle) is accepted and changes nothing: the user's
  // reference went with the first free.
  if (k->user_freed_) return OkStatus();
  k->user_freed_ = true;
  ReleaseKeyval(keyval);
  return OkStatus();
}

Status AttributeStore::Set(HandleKind kind, int object, int keyval, void* value) {
  Keyval* k = nullptr;
  ZMPI_RETURN_IF_ERROR(FindKeyval(kind, keyval, &k));
  const Key key{kind, object};
  if (Attribute* old = FindAttribute(key, keyval)) {
    // Replacing: the old value's delete callback runs first; if it fails, nothing changes.
    if (k->delete_ != nullptr) {
      int rc = k->delete_(object, keyval, old->value, k->extra_state_);
      if (rc != kSuccess) return CallbackError("delete", keyval, rc);
    }
    // The callback may have changed the list: look the attribute up again.
    if (Attribute* again = FindAttribute(key, keyval)) {
      again->value = value;
      return OkStatus();
    }
  }
  attributes_[key].push_back({keyval, value});
  ++k->refs_;
  return OkStatus();
}

AttributeStore::Attribute* AttributeStore::FindAttribute(const Key& key, int keyval) {
  auto it = attributes_.find(key);
  if (it == attributes_.end()) return nullptr;
  for (Attribute& a : it->second) {
    if (a.keyval == keyval) return &a;
  }
  return nullptr;
}

Status AttributeStore::Get(HandleKind kind, int object, int keyval, void** value,
                           bool* found) const {
  Keyval* k = nullptr;
  ZMPI_RETURN_IF_ERROR(FindKeyval(kind, keyval, &k));
  *found = false;
  auto it = attributes_.find({kind, object});
  if (it == attributes_.end()) return OkStatus();
  for (const Attribute& a : it->second) {
    if (a.keyval == keyval) {
      *value = a.value;
      *found = true;
      break;
    }
  }
  return OkStatus();
}

Status AttributeStore::Remove(const Key& key, int keyval) {
  Attribute* a = FindAttribute(key, keyval);
  if (a == nullptr) return OkStatus();
  Keyval* k = keyvals_.Find(keyval);  // alive while the attribute holds it
  if (k->delete_ != nullptr) {
    // The attribute stays while its delete callback runs (the callback may read it); if the
    // callback fails, it stays set, as MPI asks.
    int rc = k->delete_(key.second, keyval, a->value, k->extra_state_);
    if (rc != kSuccess) return CallbackError("delete", keyval, rc);
  }
  auto it = attributes_.find(key);
  if (it == attributes_.end()) return OkStatus();
  std::vector<Attribute>& list = it->second;
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].keyval == keyval) {
      list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
      ReleaseKeyval(keyval);
      break;
    }
  }
  if (list.empty()) attributes_.erase(it);
  return OkStatus();
}

Status AttributeStore::Delete(HandleKind kind, int object, int keyval) {
  Keyval* k = nullptr;
  ZMPI_RETURN_IF_ERROR(FindKeyval(kind, keyval, &k));
  return Remove({kind, object}, keyval);
}

Status AttributeStore::Copy(HandleKind kind, int from, int to) {
  auto it = attributes_.find({kind, from});
  if (it == attributes_.end()) return OkStatus();
  // A snapshot: callbacks may set or delete attributes while we walk.
  std::vector<Attribute> source = it->second;
  for (const Attribute& a : source) {
    Keyval* k = keyvals_.Find(a.keyval);
    if (k == nullptr || k->copy_ == nullptr) continue;  // MPI_*_NULL_COPY_FN: not copied
    void* out = nullptr;
    int flag = 0;
    int rc = k->copy_(from, a.keyval, k->extra_state_, a.value, &out, &flag);
    if (rc != kSuccess) {
      DeleteAll(kind, to).IgnoreError();
      return CallbackError("copy", a.keyval, rc);
    }
    if (!flag) continue;
    if (Attribute* existing = FindAttribute({kind, to}, a.keyval)) {
      existing->value = out;
    } else {
      attributes_[{kind, to}].push_back({a.keyval, out});
      ++k->refs_;
    }
  }
  return OkStatus();
}

void AttributeStore::Move(HandleKind kind, int from, int to) {
  auto it = attributes_.find({kind, from});
  if (it == attributes_.end()) return;
  std::vector<Attribute> list = std::move(it->second);
  attributes_.erase(it);
  attributes_[{kind, to}] = std::move(list);
}

void AttributeStore::Discard(HandleKind kind, int object) {
  auto it = attributes_.find({kind, object});
  if (it == attributes_.end()) return;
  std::vector<Attribute> list = std::move(it->second);
  attributes_.erase(it);
  for (const Attribute& a : list) ReleaseKeyval(a.keyval);
}

Status AttributeStore::DeleteAll(HandleKind kind, int object) {
  const Key key{kind, object};
  for (;;) {
    auto it = attributes_.find(key);
    if (it == attributes_.end() || it->second.empty()) break;
    ZMPI_RETURN_IF_ERROR(Remove(key, it->second.back().keyval));
  }
  attributes_.erase(key);
  return OkStatus();
}

size_t AttributeStore::attribute_count(HandleKind kind, int object) const {
  auto it = attributes_.find({kind, object});
  return it == attributes_.end() ? 0 : it->second.size();
}

}  // namespace zmpi::core
