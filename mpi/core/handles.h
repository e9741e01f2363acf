// MPI handles of user-created objects, on the MPICH ABI's handle encoding, and the table that
// maps them to objects.
//
// A handle is 32 bits: bits 30-31 say how it is stored (01 builtin, 10 direct, 11 indirect),
// bits 26-29 the object kind, the rest an index. Predefined objects (MPI_COMM_WORLD, MPI_INT,
// MPI_SUM, ...) are builtin or direct handles with MPICH's values (mpi.h). Objects created at
// run time get indirect handles (0xc0000000 | kind << 26 | slot), so they never collide with a
// predefined one, and the kind bits let a wrong kind of handle (a group passed as a
// communicator) be told from a stale one.
#ifndef ZMPI_MPI_CORE_HANDLES_H_
#define ZMPI_MPI_CORE_HANDLES_H_

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace zmpi::core {

// MPICH's object kinds (bits 26-29 of a handle).
enum class HandleKind : uint32_t {
  kComm = 0x1,
  kGroup = 0x2,
  kDatatype = 0x3,
  kFile = 0x4,
  kErrhandler = 0x5,
  kOp = 0x6,
  kInfo = 0x7,
  kWin = 0x8,
  kKeyval = 0x9,
  kAttr = 0xa,
  kRequest = 0xb,
  kGrequestClass = 0xd,
  kSession = 0xe,
};

inline constexpr uint32_t kHandleIndirect = 0xc0000000u;
inline constexpr uint32_t kHandleIndexMask = 0x03ffffffu;

inline constexpr HandleKind KindOfHandle(uint32_t handle) {
  return static_cast<HandleKind>((handle >> 26) & 0xfu);
}
inline constexpr uint32_t IndirectHandle(HandleKind kind, uint32_t index) {
  return kHandleIndirect | (static_cast<uint32_t>(kind) << 26) | index;
}

// Owns the objects of one kind created at run time and names each by an indirect handle.
// Slots are reused after Remove. Not thread-safe (the caller serializes, like the rest of the
// runtime).
template <typename T, HandleKind kKind>
class HandleTable {
 public:
  HandleTable() = default;
  HandleTable(const HandleTable&) = delete;
  HandleTable& operator=(const HandleTable&) = delete;

  // Stores `object` and returns its handle.
  int Add(std::unique_ptr<T> object) {
    uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
      slots_[index] = std::move(object);
    } else {
      index = static_cast<uint32_t>(slots_.size());
      slots_.push_back(std::move(object));
    }
    return static_cast<int>(IndirectHandle(kKind, index));
  }
  // The object named by `handle`, or nullptr (another kind, never created, or removed).
  T* Find(int handle) const {
    uint32_t h = static_cast<uint32_t>(handle);
    if ((h & ~kHandleIndexMask) != IndirectHandle(kKind, 0)) return nullptr;
    uint32_t index = h & kHandleIndexMask;
    return index < slots_.size() ? slots_[index].get() : nullptr;
  }
  // Destroys the object; false if the handle names none.
  bool Remove(int handle) {
    if (Find(handle) == nullptr) return false;
    uint32_t index = static_cast<uint32_t>(handle) & kHandleIndexMask;
    slots_[index].reset();
    free_.push_back(index);
    return true;
  }
  // Takes the object out without destroying it (for reference-counted objects whose last
  // user goes away later); nullptr if the handle names none.
  std::unique_ptr<T> Release(int handle) {
    if (Find(handle) == nullptr) return nullptr;
    uint32_t index = static_cast<uint32_t>(handle) & kHandleIndexMask;
    free_.push_back(index);
    return std::move(slots_[index]);
  }
  size_t live() const { return slots_.size() - free_.size(); }

 private:
  std::vector<std::unique_ptr<T>> slots_;
  std::vector<uint32_t> free_;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_HANDLES_H_
