#include "mpi/core/error_codes.h"

#include <climits>

namespace zmpi::core {

const ErrorCodes::Entry* ErrorCodes::FindUser(int code) const {
  auto it = user_.find(code);
  return it == user_.end() ? nullptr : &it->second;
}

void ErrorCodes::UpdateLastUsed() {
  last_used_ = user_.empty() ? kLastPredefinedCode : user_.rbegin()->first;
}

StatusOr<int> ErrorCodes::AddClass() {
  if (next_ == INT_MAX) return Error(Code::kNoMem, "no error classes left");
  int value = next_++;
  user_[value] = Entry{value, ""};
  UpdateLastUsed();
  return value;
}

StatusOr<int> ErrorCodes::AddCode(int error_class) {
  bool predefined = error_class >= 0 && error_class <= kLastPredefinedClass;
  const Entry* e = FindUser(error_class);
  if (!predefined && (e == nullptr || e->error_class != error_class)) {
    return Error(Code::kArg, "%d is not an error class", error_class);
  }
  if (next_ == INT_MAX) return Error(Code::kNoMem, "no error codes left");
  int value = next_++;
  user_[value] = Entry{error_class, ""};
  UpdateLastUsed();
  return value;
}

Status ErrorCodes::SetString(int code, const std::string& text) {
  auto it = user_.find(code);
  if (it == user_.end()) {
    return Error(Code::kArg, "error code %d is predefined or was never added", code);
  }
  it->second.text = text;
  return OkStatus();
}

Status ErrorCodes::RemoveClass(int error_class) {
  auto it = user_.find(error_class);
  if (it == user_.end() || it->second.error_class != error_class) {
    return Error(Code::kArg, "%d is not a user-defined error class", error_class);
  }
  for (const auto& [value, entry] : user_) {
    if (value != error_class && entry.error_class == error_class) {
      return Error(Code::kArg, "error class %d still has code %d", error_class, value);
    }
  }
  user_.erase(it);
  UpdateLastUsed();
  return OkStatus();
}

Status ErrorCodes::RemoveCode(int code) {
  auto it = user_.find(code);
  if (it == user_.end() || it->second.error_class == code) {
    return Error(Code::kArg, "%d is not a user-defined error code", code);
  }
  user_.erase(it);
  UpdateLastUsed();
  return OkStatus();
}

Status ErrorCodes::RemoveString(int code) {
  auto it = user_.find(code);
  if (it == user_.end()) return Error(Code::kArg, "%d is not a user-defined error code", code);
  it->second.text.clear();
  return OkStatus();
}

StatusOr<int> ErrorCodes::ClassOf(int code) const {
  if (code >= 0 && code <= kLastPredefinedClass) return code;
  if (const Entry* e = FindUser(code)) return e->error_class;
  return Error(Code::kArg, "invalid error code %d", code);
}

StatusOr<std::string> ErrorCodes::Text(int code) const {
  if (code >= 0 && code <= kLastPredefinedClass) {
    Code c = static_cast<Code>(code);
    return std::string(CodeName(c)) + ": " + CodeText(c);
  }
  const Entry* e = FindUser(code);
  if (e == nullptr) return Error(Code::kArg, "invalid error code %d", code);
  return e->text;
}

}  // namespace zmpi::core
