#include "launcher/agent/pmix_server.h"

#include <fcntl.h>
#include <pmix.h>
#include <pmix_server.h>
#include <string.h>
#include <unistd.h>

#include <chrono>

#include "common/log.h"
#include "launcher/agent/op_waiter.h"

namespace zmpi::launcher::agent {

namespace {

// The one server of this process, for libpmix's callbacks (set by Init, cleared on destruction).
PmixServer* g_server = nullptr;

void SetProc(pmix_proc_t* proc, const std::string& nspace, int rank) {
  PMIX_PROC_CONSTRUCT(proc);
  snprintf(proc->nspace, sizeof(proc->nspace), "%s", nspace.c_str());
  proc->rank = static_cast<pmix_rank_t>(rank);
}

Status PmixError(const char* what, pmix_status_t rc) {
  return Error(Code::kOther, "%s: %s", what, PMIx_Error_string(rc));
}

// ---- module callbacks: run on libpmix's thread, queue an event, return at once ----

pmix_status_t OnClientConnected(const pmix_proc_t* proc, void*, pmix_op_cbfunc_t cbfunc,
                                void* cbdata) {
  WireupEvent e;
  e.kind = WireupEvent::Kind::kConnected;
  e.nspace = proc->nspace;
  e.rank = static_cast<int>(proc->rank);
  e.callback = reinterpret_cast<void*>(cbfunc);
  e.cbdata = cbdata;
  g_server->Post(std::move(e));
  return PMIX_SUCCESS;
}

pmix_status_t OnClientFinalized(const pmix_proc_t* proc, void*, pmix_op_cbfunc_t cbfunc,
                                void* cbdata) {
  WireupEvent e;
  e.kind = WireupEvent::Kind::kFinalized;
  e.nspace = proc->nspace;
  e.rank = static_cast<int>(proc->rank);
  e.callback = reinterpret_cast<void*>(cbfunc);
  e.cbdata = cbdata;
  g_server->Post(std::move(e));
  return PMIX_SUCCESS;
}

pmix_status_t OnAbort(const pmix_proc_t* proc, void*, int status, const char msg[], pmix_proc_t*,
                      size_t, pmix_op_cbfunc_t cbfunc, void* cbdata) {
  WireupEvent e;
  e.kind = WireupEvent::Kind::kAbort;
  e.nspace = proc->nspace;
  e.rank = static_cast<int>(proc->rank);
  e.status = status;
  e.message = msg ? msg : "";
  e.callback = reinterpret_cast<void*>(cbfunc);
  e.cbdata = cbdata;
  g_server->Post(std::move(e));
  return PMIX_SUCCESS;
}

pmix_status_t OnFence(const pmix_proc_t procs[], size_t nprocs, const pmix_info_t[], size_t,
                      char* data, size_t ndata, pmix_modex_cbfunc_t cbfunc, void* cbdata) {
  WireupEvent e;
  e.kind = WireupEvent::Kind::kFence;
  e.nspace = nprocs > 0 ? procs[0].nspace : "";
  if (data != nullptr && ndata > 0) e.data.assign(data, ndata);  // libpmix keeps ownership
  e.callback = reinterpret_cast<void*>(cbfunc);
  e.cbdata = cbdata;
  g_server->Post(std::move(e));
  return PMIX_SUCCESS;
}

void ReleaseFenceData(void* cbdata) { delete static_cast<std::string*>(cbdata); }

// ---- registration data ----

void Add(void* list, const char* key, const void* value, pmix_data_type_t type) {
  PMIx_Info_list_add(list, key, value, type);
}

// Adds one PMIX_PROC_DATA entry (an array of per-rank keys) for `slot`.
void AddProcData(void* job_list, const JobPlan& plan, const RankSlot& slot) {
  void* list = PMIx_Info_list_start();
  pmix_rank_t rank = slot.rank;
  uint16_t local_rank = static_cast<uint16_t>(slot.local_rank);
  uint32_t node_id = static_cast<uint32_t>(slot.host);
  uint32_t appnum = 0;
  Add(list, PMIX_RANK, &rank, PMIX_PROC_RANK);
  Add(list, PMIX_GLOBAL_RANK, &rank, PMIX_PROC_RANK);
  Add(list, PMIX_APPNUM, &appnum, PMIX_UINT32);
  Add(list, PMIX_LOCAL_RANK, &local_rank, PMIX_UINT16);
  Add(list, PMIX_NODE_RANK, &local_rank, PMIX_UINT16);
  Add(list, PMIX_NODEID, &node_id, PMIX_UINT32);
  Add(list, PMIX_HOSTNAME, plan.hosts()[slot.host].name.c_str(), PMIX_STRING);
  pmix_data_array_t array;
  PMIx_Info_list_convert(list, &array);
  Add(job_list, PMIX_PROC_DATA, &array, PMIX_DATA_ARRAY);
  PMIx_Data_array_destruct(&array);
  PMIx_Info_list_release(list);
}

// Job-level keys plus every rank's PMIX_PROC_DATA, as seen from host `job.host`.
void* BuildJobInfo(const JobInfo& job, const JobPlan& plan) {
  void* list = PMIx_Info_list_start();
  std::vector<RankSlot> local = plan.RanksOn(job.host);
  uint32_t size = static_cast<uint32_t>(plan.size());
  uint32_t local_size = static_cast<uint32_t>(local.size());
  uint32_t num_nodes = static_cast<uint32_t>(plan.hosts().size());
  uint32_t node_id = static_cast<uint32_t>(job.host);
  uint32_t zero = 0;
  pmix_rank_t local_leader = local.empty() ? 0 : local.front().rank;
  std::string peers = plan.LocalPeers(job.host);
  Add(list, PMIX_UNIV_SIZE, &size, PMIX_UINT32);
  Add(list, PMIX_JOB_SIZE, &size, PMIX_UINT32);
  Add(list, PMIX_MAX_PROCS, &size, PMIX_UINT32);
  Add(list, PMIX_APP_SIZE, &size, PMIX_UINT32);
  Add(list, PMIX_JOBID, job.nspace.c_str(), PMIX_STRING);
  Add(list, PMIX_NPROC_OFFSET, &zero, PMIX_PROC_RANK);
  Add(list, PMIX_APPLDR, &zero, PMIX_PROC_RANK);
  Add(list, PMIX_NUM_NODES, &num_nodes, PMIX_UINT32);
  Add(list, PMIX_NODEID, &node_id, PMIX_UINT32);
  Add(list, PMIX_HOSTNAME, plan.hosts()[job.host].name.c_str(), PMIX_STRING);
  Add(list, PMIX_LOCAL_SIZE, &local_size, PMIX_UINT32);
  Add(list, PMIX_NODE_SIZE, &local_size, PMIX_UINT32);
  Add(list, PMIX_LOCAL_PEERS, peers.c_str(), PMIX_STRING);
  Add(list, PMIX_LOCALLDR, &local_leader, PMIX_PROC_RANK);
  Add(list, PMIX_TMPDIR, job.tmpdir.c_str(), PMIX_STRING);
  Add(list, PMIX_NSDIR, job.tmpdir.c_str(), PMIX_STRING);
  for (int r = 0; r < plan.size(); ++r) AddProcData(list, plan, plan.rank(r));
  return list;
}

}  // namespace

template <typename Call>
int PmixServer::RunOp(const char* what, Call call) {
  if (!responsive_) return PMIX_ERR_TIMEOUT;  // waiting again would only take as long
  OpWaiter waiter(op_limit_);
  pmix_status_t rc = call(&OpWaiter::Callback, waiter.cbdata());
  rc = waiter.Finish(rc, PMIX_ERR_TIMEOUT);
  if (waiter.timed_out()) {
    responsive_ = false;
    stall_ = std::string(what) + " took over " + std::to_string(op_limit_.count()) + " ms";
  }
  return rc;
}

Status PmixServer::Init(const std::string& tmpdir, void* hwloc_topology) {
  if (g_server != nullptr) return Error(Code::kIntern, "a PMIx server already runs here");
  int fds[2];
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return Error(Code::kOther, "pipe2 failed");
  wake_read_fd_ = fds[0];
  wake_write_fd_ = fds[1];
  g_server = this;

  static pmix_server_module_t module;  // libpmix keeps the pointer
  memset(&module, 0, sizeof(module));
  module.client_connected = OnClientConnected;
  module.client_finalized = OnClientFinalized;
  module.abort = OnAbort;
  module.fence_nb = OnFence;

  void* list = PMIx_Info_list_start();
  bool no = false;
  Add(list, PMIX_SERVER_TMPDIR, tmpdir.c_str(), PMIX_STRING);
  Add(list, PMIX_SYSTEM_TMPDIR, tmpdir.c_str(), PMIX_STRING);
  Add(list, PMIX_SERVER_TOOL_SUPPORT, &no, PMIX_BOOL);
  Add(list, PMIX_SERVER_SYSTEM_SUPPORT, &no, PMIX_BOOL);
  pmix_topology_t topology = {const_cast<char*>("hwloc"), hwloc_topology};
  if (hwloc_topology != nullptr) Add(list, PMIX_TOPOLOGY2, &topology, PMIX_TOPO);
  pmix_data_array_t array;
  PMIx_Info_list_convert(list, &array);
  PMIx_Info_list_release(list);
  pmix_status_t rc = PMIx_server_init(&module, static_cast<pmix_info_t*>(array.array), array.size);
  PMIx_Data_array_destruct(&array);
  if (rc != PMIX_SUCCESS) return PmixError("PMIx_server_init", rc);
  initialized_ = true;
  return OkStatus();
}

Status PmixServer::RegisterJob(const JobInfo& job, const JobPlan& plan) {
  void* list = BuildJobInfo(job, plan);
  pmix_data_array_t array;
  PMIx_Info_list_convert(list, &array);
  PMIx_Info_list_release(list);
  std::vector<RankSlot> local = plan.RanksOn(job.host);
  pmix_nspace_t nspace;
  PMIX_LOAD_NSPACE(nspace, job.nspace.c_str());
  pmix_status_t rc =
      RunOp("PMIx_server_register_nspace", [&](pmix_op_cbfunc_t cbfunc, void* cbdata) {
        return PMIx_server_register_nspace(nspace, static_cast<int>(local.size()),
                                           static_cast<pmix_info_t*>(array.array), array.size,
                                           cbfunc, cbdata);
      });
  // libpmix reads the info array on its thread: after a timeout it may still do so (if that
  // thread ever resumes), so the array is then left to it.
  if (rc != PMIX_ERR_TIMEOUT) PMIx_Data_array_destruct(&array);
  if (rc != PMIX_SUCCESS && rc != PMIX_OPERATION_SUCCEEDED) {
    // A timed-out registration may still complete later: undo it then (libpmix runs its
    // operations in order). Moot once libpmix stopped answering (RunOp returns at once).
    if (rc == PMIX_ERR_TIMEOUT) DeregisterNamespace(job.nspace);
    return PmixError("PMIx_server_register_nspace", rc);
  }
  for (const RankSlot& slot : local) {
    pmix_proc_t proc;
    SetProc(&proc, job.nspace, slot.rank);
    rc = RunOp("PMIx_server_register_client", [&](pmix_op_cbfunc_t cbfunc, void* cbdata) {
      uid_t uid = job.uid >= 0 ? static_cast<uid_t>(job.uid) : getuid();
      gid_t gid = job.gid >= 0 ? static_cast<gid_t>(job.gid) : getgid();
      return PMIx_server_register_client(&proc, uid, gid, nullptr, cbfunc, cbdata);
    });
    if (rc != PMIX_SUCCESS && rc != PMIX_OPERATION_SUCCEEDED) {
      DeregisterNamespace(job.nspace);  // no half-registered namespace stays behind
      return PmixError("PMIx_server_register_client", rc);
    }
  }
  return OkStatus();
}

StatusOr<std::vector<std::string>> PmixServer::ForkEnvironment(const std::string& nspace,
                                                                int rank) {
  pmix_proc_t proc;
  SetProc(&proc, nspace, rank);
  char** env = static_cast<char**>(calloc(1, sizeof(char*)));  // libpmix appends with realloc
  pmix_status_t rc = PMIx_server_setup_fork(&proc, &env);
  std::vector<std::string> out;
  for (char** e = env; e != nullptr && *e != nullptr; ++e) {
    out.emplace_back(*e);
    free(*e);
  }
  free(env);
  if (rc != PMIX_SUCCESS) return PmixError("PMIx_server_setup_fork", rc);
  return out;
}

void PmixServer::DeregisterJob(const std::string& nspace) {
  // Only the namespace: PMIx_server_deregister_client (libpmix 4.2.2) closes the socket of a
  // client whose connection loss libpmix has not processed yet (the rank just exited, its EOF
  // still queued) without removing the socket's event. The event stays registered on that fd
  // number, so the next connection accepted on the same fd is never read: that rank waits in
  // PMIx_Init forever, and so does the first rank of every later job. Dropping the namespace
  // leaves each connection to libpmix's own lost-connection path (event removed, then closed).
  DeregisterNamespace(nspace);
}

void PmixServer::DeregisterNamespace(const std::string& nspace) {
  pmix_nspace_t ns;
  PMIX_LOAD_NSPACE(ns, nspace.c_str());
  RunOp("PMIx_server_deregister_nspace", [&](pmix_op_cbfunc_t cbfunc, void* cbdata) {
    PMIx_server_deregister_nspace(ns, cbfunc, cbdata);
    return PMIX_SUCCESS;
  });
}

void PmixServer::Post(WireupEvent event) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back(std::move(event));
  }
  char byte = 1;
  ssize_t ignored = write(wake_write_fd_, &byte, 1);  // full pipe: a wake-up is pending anyway
  (void)ignored;
}

std::vector<WireupEvent> PmixServer::TakeEvents() {
  char buf[256];
  while (read(wake_read_fd_, buf, sizeof(buf)) > 0) {
  }
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<WireupEvent> out(std::make_move_iterator(events_.begin()),
                             std::make_move_iterator(events_.end()));
  events_.clear();
  return out;
}

void PmixServer::Complete(const WireupEvent& event, bool success) {
  auto cbfunc = reinterpret_cast<pmix_op_cbfunc_t>(event.callback);
  if (cbfunc != nullptr) cbfunc(success ? PMIX_SUCCESS : PMIX_ERROR, event.cbdata);
}

void PmixServer::CompleteFence(const WireupEvent& event, std::string data) {
  auto cbfunc = reinterpret_cast<pmix_modex_cbfunc_t>(event.callback);
  if (cbfunc == nullptr) return;
  auto* copy = new std::string(std::move(data));  // freed by libpmix through ReleaseFenceData
  cbfunc(PMIX_SUCCESS, copy->data(), copy->size(), event.cbdata, ReleaseFenceData, copy);
}

PmixServer::~PmixServer() {
  // A libpmix that stopped answering is left as it is: the process is about to go.
  if (initialized_ && responsive_) {
    // Release clients still waiting on us so libpmix's thread can stop.
    for (const WireupEvent& e : TakeEvents()) {
      if (e.kind == WireupEvent::Kind::kFence) CompleteFence(e, e.data);
      else Complete(e, false);
    }
    PMIx_server_finalize();
  }
  if (g_server == this) g_server = nullptr;
  if (wake_read_fd_ >= 0) close(wake_read_fd_);
  if (wake_write_fd_ >= 0) close(wake_write_fd_);
}

}  // namespace zmpi::launcher::agent
