// Info objects. MPI-4 allows every MPI_Info_* call before MPI_Init and after MPI_Finalize,
// so none of them starts with ZMPI_ENTER; the objects live in core::Objects.
#include <cstring>
#include <memory>
#include <string>

#include "mpi/abi/entry.h"
#include "mpi/core/objects.h"

using zmpi::Code;
using zmpi::Status;
using zmpi::core::Info;
using zmpi::core::Objects;

namespace {

Status CheckInfo(MPI_Info handle, Info** info) {
  *info = handle == MPI_INFO_NULL ? nullptr : Objects::Get().FindInfo(handle);
  if (*info != nullptr) return Status();
  return zmpi::Error(Code::kInfo, "invalid info handle 0x%x", handle);
}

// Keys are 1..MPI_MAX_INFO_KEY characters (MPI_ERR_INFO_KEY otherwise).
Status CheckKey(const char* key) {
  if (key == nullptr) return zmpi::Error(Code::kInfoKey, "null info key");
  size_t n = strlen(key);
  if (n == 0) return zmpi::Error(Code::kInfoKey, "empty info key");
  if (n > MPI_MAX_INFO_KEY) {
    return zmpi::Error(Code::kInfoKey, "info key of %zu characters (at most %d)", n,
                       MPI_MAX_INFO_KEY);
  }
  return Status();
}

Status CheckValue(const char* value) {
  if (value == nullptr) return zmpi::Error(Code::kInfoValue, "null info value");
  size_t n = strlen(value);
  if (n > MPI_MAX_INFO_VAL) {
    return zmpi::Error(Code::kInfoValue, "info value of %zu characters (at most %d)", n,
                       MPI_MAX_INFO_VAL);
  }
  return Status();
}

Status CheckArg(const void* p, const char* what) {
  return p != nullptr ? Status() : zmpi::Error(Code::kArg, "null %s", what);
}

Status NotModifiable(MPI_Info handle) {
  return handle == MPI_INFO_ENV ? zmpi::Error(Code::kInfo, "MPI_INFO_ENV is read-only") : Status();
}

// Copies at most `room` - 1 characters of `text` and a terminating NUL.
void CopyOut(const std::string& text, char* out, size_t room) {
  if (room == 0) return;
  size_t n = text.size() < room - 1 ? text.size() : room - 1;
  memcpy(out, text.data(), n);
  out[n] = '\0';
}

}  // namespace

#define INFO_CHECK(function, expr) ZMPI_CHECK_ARG(nullptr, function, expr)

ZMPI_API int PMPI_Info_create(MPI_Info* info) {
  ZMPI_ENTER_ANYTIME();
  INFO_CHECK("MPI_Info_create", CheckArg(info, "info pointer"));
  *info = Objects::Get().infos().Add(std::make_unique<Info>());
  return MPI_SUCCESS;
}

// The environment's info (MPI_INFO_ENV's keys); argv, when given, replaces "command" and
// "argv" with the caller's view of them.
ZMPI_API int PMPI_Info_create_env(int argc, char* argv[], MPI_Info* info) {
  ZMPI_ENTER_ANYTIME();
  INFO_CHECK("MPI_Info_create_env", CheckArg(info, "info pointer"));
  auto copy = std::make_unique<Info>(*Objects::Get().FindInfo(MPI_INFO_ENV));
  if (argv != nullptr && argc > 0 && argv[0] != nullptr) {
    copy->Set("command", argv[0]);
    std::string args;
    for (int i = 1; i < argc && argv[i] != nullptr; ++i) {
      if (i > 1) args += ' ';
      args += argv[i];
    }
    if (!args.empty()) {
      copy->Set("argv", args);
    } else {
      copy->Delete("argv");
    }
  }
  *info = Objects::Get().infos().Add(std::move(copy));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Info_dup(MPI_Info info, MPI_Info* newinfo) {
  ZMPI_ENTER_ANYTIME();
  Info* in = nullptr;
  INFO_CHECK("MPI_Info_dup", CheckInfo(info, &in));
  INFO_CHECK("MPI_Info_dup", CheckArg(newinfo, "newinfo pointer"));
  *newinfo = Objects::Get().infos().Add(std::make_unique<Info>(*in));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Info_free(MPI_Info* info) {
  ZMPI_ENTER_ANYTIME();
  Info* in = nullptr;
  INFO_CHECK("MPI_Info_free", CheckArg(info, "info pointer"));
  INFO_CHECK("MPI_Info_free", CheckInfo(*info, &in));
  INFO_CHECK("MPI_Info_free", NotModifiable(*info));
  Objects::Get().infos().Remove(*info);
  *info = MPI_INFO_NULL;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Info_set(MPI_Info info, const char* key, const char* value) {
  ZMPI_ENTER_ANYTIME();
  Info* in = nullptr;
  INFO_CHECK("MPI_Info_set", CheckInfo(info, &in));
  INFO_CHECK("MPI_Info_set", NotModifiable(info));
  INFO_CHECK("MPI_Info_set", CheckKey(key));
  INFO_CHECK("MPI_Info_set", CheckValue(value));
  in->Set(key, value);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Info_delete(MPI_Info info, const char* key) {
  ZMPI_ENTER_ANYTIME();
  Info* in = nullptr;
  INFO_CHECK("MPI_Info_delete", CheckInfo(info, &in));
  INFO_CHECK("MPI_Info_delete", NotModifiable(info));
  INFO_CHECK("MPI_Info_delete", CheckKey(key));
  if (!in->Delete(key)) {
    return zmpi::abi::Report(nullptr, "MPI_Info_delete",
                             zmpi::Error(Code::kInfoNokey, "no info key \"%s\"", key));
  }
  return MPI_SUCCESS;
}

// `value` has room for valuelen + 1 characters; a longer value is truncated.
ZMPI_API int PMPI_Info_get(MPI_Info info, const char* key, int valuelen, char* value, int* flag) {
  ZMPI_ENTER_ANYTIME();
  Info* in = nullptr;
  INFO_CHECK("MPI_Info_get", CheckInfo(info, &in));
  INFO_CHECK("MPI_Info_get", CheckKey(key));
  if (valuelen < 0) {
    return zmpi::abi::Report(nullptr, "MPI_Info_get",
                             zmpi::Error(Code::kArg, "negative valuelen %d", valuelen));
  }
  INFO_CHECK("MPI_Info_get", CheckArg(flag, "flag pointer"));
  const std::string* v = in->Get(key);
  *flag = v != nullptr;
  if (v != nullptr) {
    INFO_CHECK("MPI_Info_get", CheckArg(value, "value buffer"));
    CopyOut(*v, value, static_cast<size_t>(valuelen) + 1);
  }
  return MPI_SUCCESS;
}

// MPI-4: *buflen is the buffer's size in and the value's size with its NUL out.
ZMPI_API int PMPI_Info_get_string(MPI_Info info, const char* key, int* buflen, char* value,
                                  int* flag) {
  ZMPI_ENTER_ANYTIME();
  Info* in = nullptr;
  INFO_CHECK("MPI_Info_get_string", CheckInfo(info, &in));
  INFO_CHECK("MPI_Info_get_string", CheckKey(key));
  INFO_CHECK("MPI_Info_get_string", CheckArg(buflen, "buflen pointer"));
  if (*buflen < 0) {
    return zmpi::abi::Report(nullptr, "MPI_Info_get_string",
                             zmpi::Error(Code::kArg, "negative buflen %d", *buflen));
  }
  INFO_CHECK("MPI_Info_get_string", CheckArg(flag, "flag pointer"));
  const std::string* v = in->Get(key);
  *flag = v != nullptr;
  if (v == nullptr) return MPI_SUCCESS;
  if (*buflen > 0) {
    INFO_CHECK("MPI_Info_get_string", CheckArg(value, "value buffer"));
    CopyOut(*v, value, static_cast<size_t>(*buflen));
  }
  *buflen = static_cast<int>(v->size()) + 1;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Info_get_valuelen(MPI_Info info, const char* key, int* valuelen, int* flag) {
  ZMPI_ENTER_ANYTIME();
  Info* in = nullptr;
  INFO_CHECK("MPI_Info_get_valuelen", CheckInfo(info, &in));
  INFO_CHECK("MPI_Info_get_valuelen", CheckKey(key));
  INFO_CHECK("MPI_Info_get_valuelen", CheckArg(valuelen, "valuelen pointer"));
  INFO_CHECK("MPI_Info_get_valuelen", CheckArg(flag, "flag pointer"));
  const std::string* v = in->Get(key);
  *flag = v != nullptr;
  if (v != nullptr) *valuelen = static_cast<int>(v->size());
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Info_get_nkeys(MPI_Info info, int* nkeys) {
  ZMPI_ENTER_ANYTIME();
  Info* in = nullptr;
  INFO_CHECK("MPI_Info_get_nkeys", CheckInfo(info, &in));
  INFO_CHECK("MPI_Info_get_nkeys", CheckArg(nkeys, "nkeys pointer"));
  *nkeys = in->size();
  return MPI_SUCCESS;
}

// `key` has room for MPI_MAX_INFO_KEY + 1 characters.
ZMPI_API int PMPI_Info_get_nthkey(MPI_Info info, int n, char* key) {
  ZMPI_ENTER_ANYTIME();
  Info* in = nullptr;
  INFO_CHECK("MPI_Info_get_nthkey", CheckInfo(info, &in));
  if (n < 0 || n >= in->size()) {
    return zmpi::abi::Report(
        nullptr, "MPI_Info_get_nthkey",
        zmpi::Error(Code::kArg, "key number %d is not in [0, %d)", n, in->size()));
  }
  INFO_CHECK("MPI_Info_get_nthkey", CheckArg(key, "key buffer"));
  CopyOut(in->Key(n), key, MPI_MAX_INFO_KEY + 1);
  return MPI_SUCCESS;
}

#include "mpi/abi/info_aliases.inc"
