#include "common/status.h"

#include <cstdarg>
#include <cstdio>

namespace zmpi {
namespace {

// The tool information interface's classes (MPI_T_ERR_*, 59-74 and 78) have no names in
// Code (mpi/tool/errors.h names them); MPI_Error_class and MPI_Error_string know them here.
constexpr Code ToolClass(int value) { return static_cast<Code>(value); }

struct CodeRow {
  Code code;
  const char* name;
  const char* text;
};

constexpr CodeRow kCodes[] = {
    {Code::kOk, "MPI_SUCCESS", "no error"},
    {Code::kBuffer, "MPI_ERR_BUFFER", "invalid buffer pointer"},
    {Code::kCount, "MPI_ERR_COUNT", "invalid count argument"},
    {Code::kType, "MPI_ERR_TYPE", "invalid datatype"},
    {Code::kTag, "MPI_ERR_TAG", "invalid tag"},
    {Code::kComm, "MPI_ERR_COMM", "invalid communicator"},
    {Code::kRank, "MPI_ERR_RANK", "invalid rank"},
    {Code::kRoot, "MPI_ERR_ROOT", "invalid root"},
    {Code::kGroup, "MPI_ERR_GROUP", "invalid group"},
    {Code::kOp, "MPI_ERR_OP", "invalid reduction operation"},
    {Code::kTopology, "MPI_ERR_TOPOLOGY", "invalid topology"},
    {Code::kDims, "MPI_ERR_DIMS", "invalid dimension argument"},
    {Code::kArg, "MPI_ERR_ARG", "invalid argument"},
    {Code::kUnknown, "MPI_ERR_UNKNOWN", "unknown error"},
    {Code::kTruncate, "MPI_ERR_TRUNCATE", "message truncated on receive"},
    {Code::kOther, "MPI_ERR_OTHER", "other error"},
    {Code::kIntern, "MPI_ERR_INTERN", "internal error"},
    {Code::kInStatus, "MPI_ERR_IN_STATUS", "error code is in status"},
    {Code::kPending, "MPI_ERR_PENDING", "request pending"},
    {Code::kRequest, "MPI_ERR_REQUEST", "invalid request"},
    {Code::kAccess, "MPI_ERR_ACCESS", "permission denied"},
    {Code::kAmode, "MPI_ERR_AMODE", "invalid file access mode"},
    {Code::kBadFile, "MPI_ERR_BAD_FILE", "invalid file name"},
    {Code::kConversion, "MPI_ERR_CONVERSION", "data conversion failed"},
    {Code::kDupDatarep, "MPI_ERR_DUP_DATAREP", "data representation already defined"},
    {Code::kFileExists, "MPI_ERR_FILE_EXISTS", "file exists"},
    {Code::kFileInUse, "MPI_ERR_FILE_IN_USE", "file in use"},
    {Code::kFile, "MPI_ERR_FILE", "invalid file handle"},
    {Code::kInfo, "MPI_ERR_INFO", "invalid info object"},
    {Code::kInfoKey, "MPI_ERR_INFO_KEY", "invalid info key"},
    {Code::kInfoValue, "MPI_ERR_INFO_VALUE", "invalid info value"},
    {Code::kInfoNokey, "MPI_ERR_INFO_NOKEY", "info key not found"},
    {Code::kIo, "MPI_ERR_IO", "I/O error"},
    {Code::kName, "MPI_ERR_NAME", "invalid service name"},
    {Code::kNoMem, "MPI_ERR_NO_MEM", "out of memory"},
    {Code::kNotSame, "MPI_ERR_NOT_SAME", "collective arguments differ between processes"},
    {Code::kNoSpace, "MPI_ERR_NO_SPACE", "no space left"},
    {Code::kNoSuchFile, "MPI_ERR_NO_SUCH_FILE", "no such file"},
    {Code::kPort, "MPI_ERR_PORT", "invalid port name"},
    {Code::kQuota, "MPI_ERR_QUOTA", "quota exceeded"},
    {Code::kReadOnly, "MPI_ERR_READ_ONLY", "read-only file or file system"},
    {Code::kService, "MPI_ERR_SERVICE", "invalid service"},
    {Code::kSpawn, "MPI_ERR_SPAWN", "spawn failed"},
    {Code::kUnsupportedDatarep, "MPI_ERR_UNSUPPORTED_DATAREP", "unsupported data representation"},
    {Code::kUnsupported, "MPI_ERR_UNSUPPORTED_OPERATION", "operation not supported"},
    {Code::kWin, "MPI_ERR_WIN", "invalid window"},
    {Code::kBase, "MPI_ERR_BASE", "invalid base address"},
    {Code::kLocktype, "MPI_ERR_LOCKTYPE", "invalid lock type"},
    {Code::kKeyval, "MPI_ERR_KEYVAL", "invalid attribute key"},
    {Code::kRmaConflict, "MPI_ERR_RMA_CONFLICT", "conflicting accesses to a window"},
    {Code::kRmaSync, "MPI_ERR_RMA_SYNC", "wrong synchronization of RMA calls"},
    {Code::kSize, "MPI_ERR_SIZE", "invalid size"},
    {Code::kDisp, "MPI_ERR_DISP", "invalid displacement"},
    {Code::kAssert, "MPI_ERR_ASSERT", "invalid assert"},
    {Code::kRmaRange, "MPI_ERR_RMA_RANGE", "target memory outside the window"},
    {Code::kRmaAttach, "MPI_ERR_RMA_ATTACH", "memory cannot be attached"},
    {Code::kRmaShared, "MPI_ERR_RMA_SHARED", "memory cannot be shared"},
    {Code::kRmaFlavor, "MPI_ERR_RMA_FLAVOR", "wrong window flavor"},
    {ToolClass(59), "MPI_T_ERR_MEMORY", "out of memory (tool interface)"},
    {ToolClass(60), "MPI_T_ERR_NOT_INITIALIZED", "tool interface not initialized"},
    {ToolClass(61), "MPI_T_ERR_CANNOT_INIT", "tool interface cannot be initialized now"},
    {ToolClass(62), "MPI_T_ERR_INVALID_INDEX", "invalid variable, category, enum item, event or source index"},
    {ToolClass(63), "MPI_T_ERR_INVALID_ITEM", "invalid item index (deprecated class)"},
    {ToolClass(64), "MPI_T_ERR_INVALID_HANDLE", "invalid tool interface handle"},
    {ToolClass(65), "MPI_T_ERR_OUT_OF_HANDLES", "no more tool interface handles"},
    {ToolClass(66), "MPI_T_ERR_OUT_OF_SESSIONS", "no more performance variable sessions"},
    {ToolClass(67), "MPI_T_ERR_INVALID_SESSION", "invalid performance variable session"},
    {ToolClass(68), "MPI_T_ERR_CVAR_SET_NOT_NOW", "control variable cannot be set now"},
    {ToolClass(69), "MPI_T_ERR_CVAR_SET_NEVER", "control variable cannot be set until the end of the execution"},
    {ToolClass(70), "MPI_T_ERR_PVAR_NO_STARTSTOP", "performance variable cannot be started or stopped"},
    {ToolClass(71), "MPI_T_ERR_PVAR_NO_WRITE", "performance variable cannot be written or reset"},
    {ToolClass(72), "MPI_T_ERR_PVAR_NO_ATOMIC", "performance variable cannot be read and reset atomically"},
    {ToolClass(73), "MPI_T_ERR_INVALID_NAME", "no variable, category or event has this name"},
    {ToolClass(74), "MPI_T_ERR_INVALID", "invalid use of the tool interface"},
    {Code::kSession, "MPI_ERR_SESSION", "invalid session"},
    {Code::kProcAborted, "MPI_ERR_PROC_ABORTED", "peer process aborted or died"},
    {Code::kValueTooLarge, "MPI_ERR_VALUE_TOO_LARGE", "value too large for the output argument"},
    {ToolClass(78), "MPI_T_ERR_NOT_SUPPORTED", "not supported by the tool interface"},
};

const CodeRow* Find(Code code) {
  for (const CodeRow& row : kCodes) {
    if (row.code == code) return &row;
  }
  return nullptr;
}

const std::string& EmptyString() {
  static const std::string* empty = new std::string();
  return *empty;
}

}  // namespace

const char* CodeName(Code code) {
  const CodeRow* row = Find(code);
  return row ? row->name : "MPI_ERR_UNKNOWN";
}

const char* CodeText(Code code) {
  const CodeRow* row = Find(code);
  return row ? row->text : "unknown error class";
}

Status::Status(Code code, std::string message) {
  if (code != Code::kOk) state_.reset(new State{code, std::move(message)});
}

Status::Status(const Status& other)
    : state_(other.state_ ? new State(*other.state_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  state_.reset(other.state_ ? new State(*other.state_) : nullptr);
  return *this;
}

const std::string& Status::message() const {
  return state_ ? state_->message : EmptyString();
}

std::string Status::ToString() const {
  if (ok()) return "MPI_SUCCESS";
  std::string out = CodeName(state_->code);
  if (!state_->message.empty()) out += ": " + state_->message;
  return out;
}

Status Error(Code code, const char* format, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, format);
  vsnprintf(buf, sizeof(buf), format, ap);
  va_end(ap);
  return Status(code, buf);
}

}  // namespace zmpi
