// Status and StatusOr: the error channel of every core and transport function.
// Codes are the MPI error classes, so a Status maps to an MPI error code with no table.
#ifndef ZMPI_COMMON_STATUS_H_
#define ZMPI_COMMON_STATUS_H_

#include <memory>
#include <string>
#include <utility>

namespace zmpi {

// Values equal MPI error classes of the MPICH ABI (mpi.h).
enum class Code : int {
  kOk = 0,
  kBuffer = 1,
  kCount = 2,
  kType = 3,
  kTag = 4,
  kComm = 5,
  kRank = 6,
  kRoot = 7,
  kGroup = 8,
  kOp = 9,
  kTopology = 10,
  kDims = 11,
  kArg = 12,
  kUnknown = 13,
  kTruncate = 14,
  kOther = 15,
  kIntern = 16,
  kInStatus = 17,
  kPending = 18,
  kRequest = 19,
  kAccess = 20,
  kAmode = 21,
  kBadFile = 22,
  kConversion = 23,
  kDupDatarep = 24,
  kFileExists = 25,
  kFileInUse = 26,
  kFile = 27,
  kInfo = 28,
  kInfoKey = 29,
  kInfoValue = 30,
  kInfoNokey = 31,
  kIo = 32,
  kName = 33,
  kNoMem = 34,
  kNotSame = 35,
  kNoSpace = 36,
  kNoSuchFile = 37,
  kPort = 38,
  kQuota = 39,
  kReadOnly = 40,
  kService = 41,
  kSpawn = 42,
  kUnsupportedDatarep = 43,
  kUnsupported = 44,
  kWin = 45,
  kBase = 46,
  kLocktype = 47,
  kKeyval = 48,
  kRmaConflict = 49,
  kRmaSync = 50,
  kSize = 51,
  kDisp = 52,
  kAssert = 53,
  kRmaRange = 55,
  kRmaAttach = 56,
  kRmaShared = 57,
  kRmaFlavor = 58,
  kSession = 75,
  kProcAborted = 76,
  kValueTooLarge = 77,
};

// Human-readable name of an error class ("MPI_ERR_TRUNCATE").
const char* CodeName(Code code);
// One-line description of an error class, as MPI_Error_string prints it.
const char* CodeText(Code code);

// A success or an error class with a detail message. OK costs one null pointer.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message);
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  bool ok() const { return state_ == nullptr; }
  Code code() const { return state_ ? state_->code : Code::kOk; }
  const std::string& message() const;
  // "MPI_ERR_TRUNCATE: message of 100 bytes does not fit in 10".
  std::string ToString() const;
  void IgnoreError() const {}

 private:
  struct State {
    Code code;
    std::string message;
  };
  std::unique_ptr<State> state_;
};

inline Status OkStatus() { return Status(); }
Status Error(Code code, const char* format, ...) __attribute__((format(printf, 2, 3)));

// A value or an error Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)), has_value_(true) {}  // NOLINT
  StatusOr(Status status) : status_(std::move(status)) {}            // NOLINT
  bool ok() const { return has_value_; }
  const Status& status() const { return status_; }
  T& value() { return value_; }
  const T& value() const { return value_; }
  T& operator*() { return value_; }
  T* operator->() { return &value_; }

 private:
  Status status_;
  T value_{};
  bool has_value_ = false;
};

}  // namespace zmpi

#define ZMPI_STATUS_CONCAT_INNER(a, b) a##b
#define ZMPI_STATUS_CONCAT(a, b) ZMPI_STATUS_CONCAT_INNER(a, b)

#define ZMPI_RETURN_IF_ERROR(expr)            \
  do {                                        \
    ::zmpi::Status zmpi_status_ = (expr);     \
    if (!zmpi_status_.ok()) return zmpi_status_; \
  } while (0)

#define ZMPI_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp.value())

#define ZMPI_ASSIGN_OR_RETURN(lhs, expr) \
  ZMPI_ASSIGN_OR_RETURN_IMPL(ZMPI_STATUS_CONCAT(zmpi_or_, __LINE__), lhs, expr)

#endif  // ZMPI_COMMON_STATUS_H_
