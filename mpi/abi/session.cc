// MPI-4 sessions (MPI-4.1 §11.3) and the constructions without a parent communicator:
// MPI_Group_from_session_pset, MPI_Comm_create_from_group, MPI_Intercomm_create_from_groups;
// the buffers of sessions for buffered sends (MPI_Session_attach_buffer & co., MPI-4.1 §3.6).
// Errors of a session call go to the session's error handler; an invalid session handle
// has none, so it goes to MPI_COMM_WORLD's when the world model is initialized and is
// returned otherwise.
#include "mpi/core/session.h"

#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstring>
#include <memory>

#include "common/contract.h"
#include "mpi/abi/entry.h"
#include "mpi/core/bsend.h"
#include "mpi/core/comm_ops.h"
#include "mpi/core/intercomm_ops.h"
#include "mpi/core/objects.h"
#include "mpi/core/request.h"

using zmpi::Code;
using zmpi::Status;
using zmpi::StatusOr;
using zmpi::core::Group;
using zmpi::core::Info;
using zmpi::core::LibraryState;
using zmpi::core::Objects;
using zmpi::core::Runtime;
using zmpi::core::Session;

namespace {

constexpr const char* kThreadLevelNames[] = {"MPI_THREAD_SINGLE", "MPI_THREAD_FUNNELED",
                                             "MPI_THREAD_SERIALIZED", "MPI_THREAD_MULTIPLE"};

// MPI-4.1 §11.3.1: the "thread_level" hint asks for a level (by its name); without it the
// session gets MPI_THREAD_SINGLE, or MPI_THREAD_MULTIPLE once the process runs with the library
// lock on (granted to the world or another session: every call is thread-safe then, as in
// MPICH, where a session under a MULTIPLE world reports MULTIPLE). The level granted (at most
// MULTIPLE, which turns the library lock on) is what MPI_Session_get_info reports as
// "mpi_thread_support_level" and as "thread_level". While the world model or another session
// runs the library without the lock, MULTIPLE is answered with SERIALIZED (Threads::Grant:
// other threads may be inside unlocked calls); `running` says whether one does.
int GrantThreadLevel(const Info& hints, bool running) {
  int required = zmpi::core::Threads::enabled() ? MPI_THREAD_MULTIPLE : MPI_THREAD_SINGLE;
  if (const std::string* v = hints.Get("thread_level")) {
    for (int level = MPI_THREAD_SINGLE; level <= MPI_THREAD_MULTIPLE; ++level) {
      if (*v == kThreadLevelNames[level]) required = level;
    }
  }
  return zmpi::core::Threads::Grant(required, running);
}

bool KnownErrhandler(MPI_Errhandler e) {
  return Objects::Get().ErrhandlerFits(e, zmpi::core::ErrhandlerKind::kSession);
}

int ReportSession(Session* s, MPI_Session handle, const char* function, const Status& status) {
  if (status.ok()) return MPI_SUCCESS;
  if (s == nullptr) {
    if (Runtime::world_state() == LibraryState::kInitialized) {
      return zmpi::abi::Report(nullptr, function, status);
    }
    return static_cast<int>(status.code());
  }
  return zmpi::abi::ReportSession(handle, s->errhandler(), function, status);
}

Status CheckSession(MPI_Session handle, Session** s) {
  *s = Objects::Get().sessions().Find(handle);
  if (*s != nullptr) return zmpi::OkStatus();
  return zmpi::Error(Code::kSession, "invalid session handle 0x%x", handle);
}

Status CheckOut(const void* p, const char* what) {
  return p != nullptr ? zmpi::OkStatus() : zmpi::Error(Code::kArg, "null %s", what);
}

Status CheckInfo(MPI_Info handle, Info** info) {
  *info = nullptr;
  if (handle == MPI_INFO_NULL) return zmpi::OkStatus();
  *info = Objects::Get().FindInfo(handle);
  if (*info != nullptr) return zmpi::OkStatus();
  return zmpi::Error(Code::kInfo, "invalid info handle 0x%x", handle);
}

Status CheckErrhandler(MPI_Errhandler e) {
  if (KnownErrhandler(e)) return zmpi::OkStatus();
  return zmpi::Error(Code::kArg, "invalid error handler 0x%x", e);
}

Status CheckGroup(MPI_Group handle, Group** group) {
  *group = Runtime::Get()->FindGroup(handle);
  if (*group != nullptr) return zmpi::OkStatus();
  return zmpi::Error(Code::kGroup, "invalid group handle 0x%x", handle);
}

Status CheckStringTag(const char* tag) {
  if (tag == nullptr) return zmpi::Error(Code::kArg, "null string tag");
  if (strnlen(tag, MPI_MAX_STRINGTAG_LEN) >= MPI_MAX_STRINGTAG_LEN) {
    return zmpi::Error(Code::kArg, "string tag longer than MPI_MAX_STRINGTAG_LEN");
  }
  return zmpi::OkStatus();
}

// Errors of the constructions without a parent go to the error handler the caller gave for
// the new communicator when it returns errors, else to MPI_COMM_WORLD's.
int ReportWith(MPI_Errhandler e, const char* function, const Status& status) {
  if (status.ok()) return MPI_SUCCESS;
  if (e == MPI_ERRORS_RETURN) return static_cast<int>(status.code());
  return zmpi::abi::Report(nullptr, function, status);
}

#define ZMPI_SESSION_CHECK(s, h, fn, expr)                            \
  do {                                                                \
    ::zmpi::Status zmpi_s_ = (expr);                                  \
    if (!zmpi_s_.ok()) return ReportSession((s), (h), (fn), zmpi_s_); \
  } while (0)

#define ZMPI_WITH_CHECK(e, fn, expr)                          \
  do {                                                        \
    ::zmpi::Status zmpi_s_ = (expr);                          \
    if (!zmpi_s_.ok()) return ReportWith((e), (fn), zmpi_s_); \
  } while (0)

}  // namespace

ZMPI_API int PMPI_Session_init(MPI_Info info, MPI_Errhandler errhandler, MPI_Session* session) {
  ZMPI_ENTER_ANYTIME();
  const char* fn = "MPI_Session_init";
  Info* i = nullptr;
  ZMPI_SESSION_CHECK(nullptr, MPI_SESSION_NULL, fn, CheckInfo(info, &i));
  ZMPI_SESSION_CHECK(nullptr, MPI_SESSION_NULL, fn, CheckErrhandler(errhandler));
  ZMPI_SESSION_CHECK(nullptr, MPI_SESSION_NULL, fn, CheckOut(session, "session"));
  const bool running = Runtime::state() == LibraryState::kInitialized;
  Status s = Runtime::OpenSession();
  if (!s.ok()) {
    // Without a runtime no communicator exists: the error is fatal, with one clear line.
    fprintf(stderr, "zmpi: %s: %s\n", fn, s.ToString().c_str());
    fflush(stderr);
    _exit(zmpi::contract::kFatalErrorExitCode);
  }
  Info hints = i ? *i : Info();
  const char* level = kThreadLevelNames[GrantThreadLevel(hints, running)];
  hints.Set("mpi_thread_support_level", level);
  hints.Set("thread_level", level);
  *session = Objects::Get().sessions().Add(std::make_unique<Session>(errhandler, hints));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Session_finalize(MPI_Session* session) {
  ZMPI_ENTER_ANYTIME();
  const char* fn = "MPI_Session_finalize";
  Session* s = nullptr;
  ZMPI_SESSION_CHECK(nullptr, MPI_SESSION_NULL, fn, CheckOut(session, "session"));
  ZMPI_SESSION_CHECK(nullptr, *session, fn, CheckSession(*session, &s));
  MPI_Session handle = *session;
  if (s->bsend_buffer() != nullptr) {
    // A buffer the program left attached: its messages leave first (as a detach would).
    void* buffer = nullptr;
    size_t bytes = 0;
    Runtime::Get()->bsend().DetachFromSession(*s, &buffer, &bytes);
  }
  Status st = Runtime::CloseSession();
  if (!st.ok()) return ReportSession(s, handle, fn, st);
  Objects::Get().sessions().Remove(handle);
  *session = MPI_SESSION_NULL;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Session_get_num_psets(MPI_Session session, MPI_Info info, int* npset_names) {
  ZMPI_ENTER_ANYTIME();
  const char* fn = "MPI_Session_get_num_psets";
  Session* s = nullptr;
  Info* i = nullptr;
  ZMPI_SESSION_CHECK(nullptr, session, fn, CheckSession(session, &s));
  ZMPI_SESSION_CHECK(s, session, fn, CheckInfo(info, &i));
  ZMPI_SESSION_CHECK(s, session, fn, CheckOut(npset_names, "npset_names"));
  *npset_names = static_cast<int>(Session::PsetNames().size());
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Session_get_nth_pset(MPI_Session session, MPI_Info info, int n, int* pset_len,
                                       char* pset_name) {
  ZMPI_ENTER_ANYTIME();
  const char* fn = "MPI_Session_get_nth_pset";
  Session* s = nullptr;
  Info* i = nullptr;
  ZMPI_SESSION_CHECK(nullptr, session, fn, CheckSession(session, &s));
  ZMPI_SESSION_CHECK(s, session, fn, CheckInfo(info, &i));
  const auto& names = Session::PsetNames();
  if (n < 0 || n >= static_cast<int>(names.size())) {
    return ReportSession(
        s, session, fn,
        zmpi::Error(Code::kArg, "process set %d is not in [0, %zu)", n, names.size()));
  }
  ZMPI_SESSION_CHECK(s, session, fn, CheckOut(pset_len, "pset_len"));
  const std::string& name = names[n];
  // pset_len 0 asks for the length (with the terminating null); otherwise at most
  // pset_len - 1 characters and the null are copied.
  if (*pset_len == 0) {
    *pset_len = static_cast<int>(name.size()) + 1;
    return MPI_SUCCESS;
  }
  ZMPI_SESSION_CHECK(s, session, fn, CheckOut(pset_name, "pset_name"));
  size_t copy = std::min(name.size(), static_cast<size_t>(*pset_len - 1));
  memcpy(pset_name, name.data(), copy);
  pset_name[copy] = '\0';
  *pset_len = static_cast<int>(name.size()) + 1;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Session_get_info(MPI_Session session, MPI_Info* info_used) {
  ZMPI_ENTER_ANYTIME();
  const char* fn = "MPI_Session_get_info";
  Session* s = nullptr;
  ZMPI_SESSION_CHECK(nullptr, session, fn, CheckSession(session, &s));
  ZMPI_SESSION_CHECK(s, session, fn, CheckOut(info_used, "info_used"));
  *info_used = Objects::Get().infos().Add(std::make_unique<Info>(s->info()));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Session_get_pset_info(MPI_Session session, const char* pset_name,
                                        MPI_Info* info) {
  ZMPI_ENTER_ANYTIME();
  const char* fn = "MPI_Session_get_pset_info";
  Session* s = nullptr;
  ZMPI_SESSION_CHECK(nullptr, session, fn, CheckSession(session, &s));
  ZMPI_SESSION_CHECK(s, session, fn, CheckOut(pset_name, "pset_name"));
  ZMPI_SESSION_CHECK(s, session, fn, CheckOut(info, "info"));
  StatusOr<std::vector<int>> members = Session::PsetMembers(pset_name);
  if (!members.ok()) return ReportSession(s, session, fn, members.status());
  auto out = std::make_unique<Info>();
  out->Set("mpi_size", std::to_string(members->size()));
  *info = Objects::Get().infos().Add(std::move(out));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Group_from_session_pset(MPI_Session session, const char* pset_name,
                                          MPI_Group* newgroup) {
  ZMPI_ENTER_ANYTIME();
  const char* fn = "MPI_Group_from_session_pset";
  Session* s = nullptr;
  ZMPI_SESSION_CHECK(nullptr, session, fn, CheckSession(session, &s));
  ZMPI_SESSION_CHECK(s, session, fn, CheckOut(pset_name, "pset_name"));
  ZMPI_SESSION_CHECK(s, session, fn, CheckOut(newgroup, "newgroup"));
  StatusOr<std::vector<int>> members = Session::PsetMembers(pset_name);
  if (!members.ok()) return ReportSession(s, session, fn, members.status());
  auto g = std::make_unique<Group>(std::move(*members));
  g->set_session(session);  // communicators made from it derive from this session
  *newgroup = Runtime::Get()->groups().Add(std::move(g));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_create_from_group(MPI_Group group, const char* stringtag, MPI_Info info,
                                         MPI_Errhandler errhandler, MPI_Comm* newcomm) {
  ZMPI_ENTER("MPI_Comm_create_from_group");
  const char* fn = "MPI_Comm_create_from_group";
  Group* g = nullptr;
  Info* i = nullptr;
  ZMPI_WITH_CHECK(errhandler, fn, CheckGroup(group, &g));
  ZMPI_WITH_CHECK(errhandler, fn, CheckStringTag(stringtag));
  ZMPI_WITH_CHECK(errhandler, fn, CheckInfo(info, &i));
  ZMPI_WITH_CHECK(errhandler, fn, CheckErrhandler(errhandler));
  ZMPI_WITH_CHECK(errhandler, fn, CheckOut(newcomm, "newcomm"));
  StatusOr<zmpi::core::Comm*> c = zmpi::core::CreateCommFromGroup(*g, stringtag, errhandler, i);
  if (!c.ok()) return ReportWith(errhandler, fn, c.status());
  *newcomm = (*c)->handle();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Intercomm_create_from_groups(MPI_Group local_group, int local_leader,
                                               MPI_Group remote_group, int remote_leader,
                                               const char* stringtag, MPI_Info info,
                                               MPI_Errhandler errhandler, MPI_Comm* newintercomm) {
  ZMPI_ENTER("MPI_Intercomm_create_from_groups");
  const char* fn = "MPI_Intercomm_create_from_groups";
  Group *lg = nullptr, *rg = nullptr;
  Info* i = nullptr;
  ZMPI_WITH_CHECK(errhandler, fn, CheckGroup(local_group, &lg));
  if (local_leader < 0 || local_leader >= lg->size()) {
    return ReportWith(errhandler, fn, zmpi::Error(Code::kRank, "local leader %d", local_leader));
  }
  ZMPI_WITH_CHECK(errhandler, fn, CheckGroup(remote_group, &rg));
  if (remote_leader < 0 || remote_leader >= rg->size()) {
    return ReportWith(errhandler, fn, zmpi::Error(Code::kRank, "remote leader %d", remote_leader));
  }
  ZMPI_WITH_CHECK(errhandler, fn, CheckStringTag(stringtag));
  ZMPI_WITH_CHECK(errhandler, fn, CheckInfo(info, &i));
  ZMPI_WITH_CHECK(errhandler, fn, CheckErrhandler(errhandler));
  ZMPI_WITH_CHECK(errhandler, fn, CheckOut(newintercomm, "newintercomm"));
  StatusOr<zmpi::core::Comm*> c = zmpi::core::IntercommFromGroups(
      *lg, local_leader, *rg, remote_leader, stringtag, errhandler, i);
  if (!c.ok()) return ReportWith(errhandler, fn, c.status());
  *newintercomm = (*c)->handle();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Session_set_errhandler(MPI_Session session, MPI_Errhandler errhandler) {
  ZMPI_ENTER_ANYTIME();
  const char* fn = "MPI_Session_set_errhandler";
  Session* s = nullptr;
  ZMPI_SESSION_CHECK(nullptr, session, fn, CheckSession(session, &s));
  ZMPI_SESSION_CHECK(s, session, fn, CheckErrhandler(errhandler));
  s->set_errhandler(errhandler);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Session_get_errhandler(MPI_Session session, MPI_Errhandler* errhandler) {
  ZMPI_ENTER_ANYTIME();
  const char* fn = "MPI_Session_get_errhandler";
  Session* s = nullptr;
  ZMPI_SESSION_CHECK(nullptr, session, fn, CheckSession(session, &s));
  ZMPI_SESSION_CHECK(s, session, fn, CheckOut(errhandler, "errhandler"));
  *errhandler = s->errhandler();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Session_call_errhandler(MPI_Session session, int errorcode) {
  ZMPI_ENTER_ANYTIME();
  const char* fn = "MPI_Session_call_errhandler";
  Session* s = nullptr;
  ZMPI_SESSION_CHECK(nullptr, session, fn, CheckSession(session, &s));
  ReportSession(s, session, fn,
                zmpi::Status(static_cast<Code>(errorcode), "raised by the application"));
  return MPI_SUCCESS;
}

// ---- buffers for buffered sends on the session's communicators ----

namespace {

template <typename Size>
int SessionAttach(const char* fn, MPI_Session session, void* buffer, Size size) {
  Session* s = nullptr;
  ZMPI_SESSION_CHECK(nullptr, session, fn, CheckSession(session, &s));
  if (buffer == MPI_BUFFER_AUTOMATIC) size = 0;  // the size is ignored
  if (size < 0) {
    return ReportSession(
        s, session, fn,
        zmpi::Error(Code::kArg, "negative buffer size %lld", static_cast<long long>(size)));
  }
  if (buffer == nullptr && size > 0) {
    return ReportSession(s, session, fn, zmpi::Error(Code::kBuffer, "null buffer"));
  }
  return ReportSession(
      s, session, fn,
      Runtime::Get()->bsend().AttachToSession(*s, buffer, static_cast<size_t>(size)));
}

// Detaches the session's buffer into *buffer_addr and *bytes; MPI_SUCCESS or the error code.
int SessionDetach(const char* fn, MPI_Session session, void* buffer_addr, const void* size,
                  size_t* bytes) {
  Session* s = nullptr;
  ZMPI_SESSION_CHECK(nullptr, session, fn, CheckSession(session, &s));
  ZMPI_SESSION_CHECK(s, session, fn, CheckOut(buffer_addr, "buffer address"));
  ZMPI_SESSION_CHECK(s, session, fn, CheckOut(size, "size"));
  Runtime::Get()->bsend().DetachFromSession(*s, static_cast<void**>(buffer_addr), bytes);
  return MPI_SUCCESS;
}

}  // namespace

ZMPI_API int PMPI_Session_attach_buffer(MPI_Session session, void* buffer, int size) {
  ZMPI_ENTER("MPI_Session_attach_buffer");
  return SessionAttach("MPI_Session_attach_buffer", session, buffer, size);
}

ZMPI_API int PMPI_Session_attach_buffer_c(MPI_Session session, void* buffer, MPI_Count size) {
  ZMPI_ENTER("MPI_Session_attach_buffer_c");
  return SessionAttach("MPI_Session_attach_buffer_c", session, buffer, size);
}

// buffer_addr is a void** in disguise (the standard's C binding).
ZMPI_API int PMPI_Session_detach_buffer(MPI_Session session, void* buffer_addr, int* size) {
  ZMPI_ENTER("MPI_Session_detach_buffer");
  size_t bytes = 0;
  int rc = SessionDetach("MPI_Session_detach_buffer", session, buffer_addr, size, &bytes);
  if (rc == MPI_SUCCESS) *size = bytes > INT_MAX ? INT_MAX : static_cast<int>(bytes);
  return rc;
}

ZMPI_API int PMPI_Session_detach_buffer_c(MPI_Session session, void* buffer_addr, MPI_Count* size) {
  ZMPI_ENTER("MPI_Session_detach_buffer_c");
  size_t bytes = 0;
  int rc = SessionDetach("MPI_Session_detach_buffer_c", session, buffer_addr, size, &bytes);
  if (rc == MPI_SUCCESS) *size = static_cast<MPI_Count>(bytes);
  return rc;
}

// Flushes the buffer that buffered sends on the session's communicators without a buffer of
// their own use: the session's, or the process's if it has none (as MPI_Comm_flush_buffer).
ZMPI_API int PMPI_Session_flush_buffer(MPI_Session session) {
  ZMPI_ENTER("MPI_Session_flush_buffer");
  const char* fn = "MPI_Session_flush_buffer";
  Session* s = nullptr;
  ZMPI_SESSION_CHECK(nullptr, session, fn, CheckSession(session, &s));
  Runtime::Get()->bsend().ForSession(session).Flush();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Session_iflush_buffer(MPI_Session session, MPI_Request* request) {
  ZMPI_ENTER("MPI_Session_iflush_buffer");
  const char* fn = "MPI_Session_iflush_buffer";
  Session* s = nullptr;
  ZMPI_SESSION_CHECK(nullptr, session, fn, CheckSession(session, &s));
  ZMPI_SESSION_CHECK(s, session, fn, CheckOut(request, "request"));
  *request =
      zmpi::core::RequestPool::ToHandle(Runtime::Get()->bsend().ForSession(session).Iflush());
  return MPI_SUCCESS;
}

#include "mpi/abi/session_aliases.inc"
