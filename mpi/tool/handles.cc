#include "mpi/tool/handles.h"

#include <algorithm>

#include "mpi/tool/errors.h"
#include "mpi/tool/pvars.h"

namespace zmpi::tool {
namespace {

// The one piece of process-wide state of the tool interface (see handles.h for why it is
// not part of the Runtime).
struct ToolState {
  int init_count = 0;
  std::vector<std::unique_ptr<CvarHandle>> cvar_handles;
  std::vector<std::unique_ptr<PvarSession>> sessions;
};

ToolState& State() {
  static ToolState* state = new ToolState();
  return *state;
}

template <typename T>
T* FindIn(const std::vector<std::unique_ptr<T>>& v, const void* p) {
  for (const auto& e : v) {
    if (e.get() == p) return e.get();
  }
  return nullptr;
}

template <typename T>
void EraseFrom(std::vector<std::unique_ptr<T>>& v, const T* p) {
  v.erase(std::remove_if(v.begin(), v.end(), [p](const auto& e) { return e.get() == p; }), v.end());
}

uint64_t Now(PvarHandle* h) {
  bool gone = false;
  uint64_t v = PvarValue(h->index, h->comm, &gone);
  if (gone) return h->last;
  h->last = v;
  return v;
}

}  // namespace

void Initialize() { ++State().init_count; }

Status Finalize() {
  ToolState& s = State();
  if (s.init_count == 0) {
    return Error(kNotInitialized, "MPI_T_finalize without MPI_T_init_thread");
  }
  if (--s.init_count == 0) {
    s.cvar_handles.clear();
    s.sessions.clear();
  }
  return OkStatus();
}

bool Initialized() { return State().init_count > 0; }

CvarHandle* AllocCvarHandle(int index) {
  State().cvar_handles.push_back(std::make_unique<CvarHandle>(CvarHandle{index}));
  return State().cvar_handles.back().get();
}

CvarHandle* FindCvarHandle(MPI_T_cvar_handle handle) {
  if (handle == MPI_T_CVAR_HANDLE_NULL) return nullptr;
  return FindIn(State().cvar_handles, handle);
}

void FreeCvarHandle(CvarHandle* handle) { EraseFrom(State().cvar_handles, handle); }

PvarSession* CreateSession() {
  State().sessions.push_back(std::make_unique<PvarSession>());
  return State().sessions.back().get();
}

PvarSession* FindSession(MPI_T_pvar_session session) {
  if (session == MPI_T_PVAR_SESSION_NULL) return nullptr;
  return FindIn(State().sessions, session);
}

void FreeSession(PvarSession* session) { EraseFrom(State().sessions, session); }

PvarHandle* AllocPvarHandle(PvarSession* session, int index, MPI_Comm comm) {
  auto h = std::make_unique<PvarHandle>();
  h->session = session;
  h->index = index;
  h->comm = comm;
  h->base = Now(h.get());
  h->running = Pvar(index).continuous;
  session->handles.push_back(std::move(h));
  return session->handles.back().get();
}

PvarHandle* FindPvarHandle(PvarSession* session, MPI_T_pvar_handle handle) {
  if (handle == MPI_T_PVAR_HANDLE_NULL) return nullptr;  // ALL_HANDLES is never a live one
  return FindIn(session->handles, handle);
}

void FreePvarHandle(PvarHandle* handle) { EraseFrom(handle->session->handles, handle); }

Status StartHandle(PvarHandle* h) {
  if (Pvar(h->index).continuous) {
    return Error(kPvarNoStartStop, "%s is continuous", Pvar(h->index).name);
  }
  if (!h->running) {
    h->base = Now(h);
    h->running = true;
  }
  return OkStatus();
}

Status StopHandle(PvarHandle* h) {
  if (Pvar(h->index).continuous) {
    return Error(kPvarNoStartStop, "%s is continuous", Pvar(h->index).name);
  }
  if (h->running) {
    h->accumulated += Now(h) - h->base;
    h->running = false;
  }
  return OkStatus();
}

// A continuous variable reads the library's state itself; a counter what the handle counted.
uint64_t ReadHandle(PvarHandle* h) {
  if (Pvar(h->index).continuous) return Now(h);
  return h->accumulated + (h->running ? Now(h) - h->base : 0);
}

Status WriteHandle(PvarHandle* h, uint64_t value) {
  if (Pvar(h->index).readonly) {
    return Error(kPvarNoWrite, "%s is read-only", Pvar(h->index).name);
  }
  h->accumulated = value;
  if (h->running) h->base = Now(h);
  return OkStatus();
}

Status ResetHandle(PvarHandle* h) { return WriteHandle(h, 0); }

}  // namespace zmpi::tool
