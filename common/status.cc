#include "common/status.h"

#include <cstdarg>
#include <cstdio>

namespace zmpi {
namespace {

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
    {Code::kNoMem, "MPI_ERR_NO_MEM", "out of memory"},
    {Code::kUnsupported, "MPI_ERR_UNSUPPORTED_OPERATION", "operation not supported"},
    {Code::kProcAborted, "MPI_ERR_PROC_ABORTED", "peer process aborted or died"},
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
