#include "mpi/core/runtime.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "common/contract.h"
#include "common/log.h"
#include "common/platform/platform.h"
#include "mpi/core/comm_ops.h"
#include "mpi/core/context_agreement.h"
#include "mpi/core/data_model.h"
#include "mpi/core/object_attributes.h"
#include "transport/network.h"
#include "transport/self/endpoint.h"
#include "transport/shm/endpoint.h"

namespace zmpi::core {

Runtime* Runtime::instance_ = nullptr;
Bootstrap* Runtime::failed_start_ = nullptr;
LibraryState Runtime::state_ = LibraryState::kNotInitialized;
LibraryState Runtime::world_state_ = LibraryState::kNotInitialized;
int Runtime::open_sessions_ = 0;

namespace {

constexpr uint32_t kCommHandleBase = 0x84000000u;
constexpr size_t kSelfMaxPayload = 64 * 1024;

// The network transport this rank uses: every rank of a job chooses the same from the same
// settings (an explicit ZMPI_TRANSPORT wins over ZMPI_NET).
transport::NetworkKind ChooseNetwork(const Config& c) {
  if (c.transport == TransportChoice::kTcp) return transport::NetworkKind::kTcp;
  if (c.transport == TransportChoice::kOfi) return transport::NetworkKind::kOfi;
  if (c.net == NetChoice::kTcp) return transport::NetworkKind::kTcp;
  if (c.net == NetChoice::kOfi) return transport::NetworkKind::kOfi;
  return transport::HaveOfi() ? transport::NetworkKind::kOfi : transport::NetworkKind::kTcp;
}

std::string ShmPrefix(const Bootstrap& b) {
  const char* env = getenv(contract::kJobShmPrefixEnv);
  if (env && *env) return std::string("/") + env;
  return "/zmpi-" + b.job_id() + "-";
}

}  // namespace

Status Runtime::Init() {
  if (world_state_ != LibraryState::kNotInitialized) {
    return Error(Code::kOther, "MPI is already %s",
                 world_state_ == LibraryState::kInitialized ? "initialized" : "finalized");
  }
  if (instance_ == nullptr) {
    std::unique_ptr<Runtime> rt(new Runtime());
    Status started = rt->Start();
    if (!started.ok()) {
      // Destroying the bootstrap would finalize it: the launcher would see a rank that ended
      // cleanly while the others wait for it in start-up's exchange. AbortFailedStart tells
      // it the reason instead.
      if (failed_start_ == nullptr) failed_start_ = rt->bootstrap_.release();
      return started;
    }
    instance_ = rt.release();
    state_ = LibraryState::kInitialized;
  }
  world_state_ = LibraryState::kInitialized;
  return OkStatus();
}

Status Runtime::OpenSession() {
  if (instance_ == nullptr) {
    // A runtime ended by an earlier MPI_Finalize / Session_finalize starts again.
    std::unique_ptr<Runtime> rt(new Runtime());
    Status started = rt->Start();
    if (!started.ok()) {
      // Not finalized (see Init): the launcher sees this rank's exit as a failure.
      if (failed_start_ == nullptr) failed_start_ = rt->bootstrap_.release();
      return started;
    }
    instance_ = rt.release();
    state_ = LibraryState::kInitialized;
  }
  ++open_sessions_;
  return OkStatus();
}

Status Runtime::CloseSession() {
  if (open_sessions_ == 0) return Error(Code::kSession, "no session is open");
  if (--open_sessions_ > 0 || world_state_ == LibraryState::kInitialized) return OkStatus();
  return Shutdown();
}

Runtime::~Runtime() {
  if (fabric_loader_.joinable()) fabric_loader_.join();
}

std::vector<std::string>& Runtime::tool_settings() {
  static std::vector<std::string>* settings = new std::vector<std::string>();
  return *settings;
}

Status Runtime::Start() {
  config_ = Config::FromEnvironment(tool_settings());
  SetLogLevel(config_.log_level);
  // Ranks with peers on other hosts load libfabric while PMIx starts rather than after.
  const char* hosts = getenv(contract::kJobHostsEnv);
  if (config_.transport == TransportChoice::kOfi || config_.transport == TransportChoice::kMixed ||
      (hosts != nullptr && atoi(hosts) > 1)) {
    fabric_loader_ = transport::PreloadNetwork(ChooseNetwork(config_));
  }
  ZMPI_ASSIGN_OR_RETURN(bootstrap_, Bootstrap::Create());
  char host[MPI_MAX_PROCESSOR_NAME];
  if (gethostname(host, sizeof(host)) != 0) host[0] = '\0';
  host[sizeof(host) - 1] = '\0';
  processor_name_ = host;
  std::string identity = processor_name_ + " rank " + std::to_string(bootstrap_->rank());
  SetLogIdentity(identity.c_str());
  if (bootstrap_->rank() == 0) {
    for (const std::string& w : config_.warnings) ZMPI_LOG(kWarn, "config", "%s", w.c_str());
  }
  spin_count_ = config_.spin_count;
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  oversubscribed_ = cpus > 0 && static_cast<long>(bootstrap_->local_ranks().size()) > cpus;
  if (oversubscribed_) {
    // Ranks share cores: a spinning rank takes the core its peer needs, and a sender that
    // helps a reader copy (shm copy assist) competes with that reader for it.
    spin_count_ = 0;
    wait_sleeps_ = config_.oversub_wait_sleeps;  // ZMPI_OVERSUB_WAIT (common/config.cc)
    ZMPI_LOG(kInfo, "init", "%zu ranks on %ld CPUs: waiting ranks %s, no copy assist",
             bootstrap_->local_ranks().size(), cpus, wait_sleeps_ ? "sleep" : "yield");
  }
  engine_ = std::make_unique<Engine>(config_, requests_);
  engine_->set_oversubscribed(oversubscribed_);
  ZMPI_RETURN_IF_ERROR(StartTransports());

  int size = bootstrap_->size();
  std::vector<int> all(size);
  for (int i = 0; i < size; ++i) all[i] = i;
  comms_.push_back(std::make_unique<Comm>(MPI_COMM_WORLD, all, bootstrap_->rank(), 0));
  comms_.push_back(
      std::make_unique<Comm>(MPI_COMM_SELF, std::vector<int>{bootstrap_->rank()}, 0, 2));
  comms_[0]->set_name("MPI_COMM_WORLD");
  comms_[1]->set_name("MPI_COMM_SELF");
  internal_world_ = std::make_unique<Comm>(MPI_COMM_NULL, all, bootstrap_->rank(), 4);
  return OkStatus();
}

Status Runtime::StartTransports() {
  const int me = bootstrap_->rank();
  const int size = bootstrap_->size();
  const std::vector<int>& local = bootstrap_->local_ranks();
  std::vector<int> shm_peers, ofi_peers;
  for (int r = 0; r < size; ++r) {
    if (r == me) continue;
    bool use_shm = std::binary_search(local.begin(), local.end(), r) &&
                   config_.transport != TransportChoice::kOfi &&
                   config_.transport != TransportChoice::kTcp &&
                   (config_.transport != TransportChoice::kMixed || r % 2 == me % 2);
    (use_shm ? shm_peers : ofi_peers).push_back(r);
  }
  engine_->AssignPeer(me, engine_->AddEndpoint(transport::self::CreateEndpoint(me,
                                                                                kSelfMaxPayload)));
  transport::Endpoint* shm = nullptr;
  transport::Endpoint* ofi = nullptr;  // the network endpoint (ofi or tcp)
  const transport::NetworkKind net_kind = ChooseNetwork(config_);
  const char* net_key = net_kind == transport::NetworkKind::kTcp ? contract::kTcpAddressKey
                                                                 : contract::kOfiAddressKey;
  if (!shm_peers.empty()) {
    transport::shm::Options o;
    o.name_prefix = ShmPrefix(*bootstrap_);
    o.my_rank = me;
    o.local_ranks = local;
    o.ring_slots = config_.shm_ring_slots;
    o.slot_size = config_.shm_slot_size;
    o.single_copy = config_.single_copy;
    o.assist_min_bytes = oversubscribed_ ? 0 : config_.shm_assist_min;  // 0: never
    o.wake_sleepers = wait_sleeps_;  // waiting ranks sleep (ProgressLoop::Pace)
    ZMPI_ASSIGN_OR_RETURN(auto endpoint, transport::shm::CreateEndpoint(o));
    shm = engine_->AddEndpoint(std::move(endpoint));
    ZMPI_RETURN_IF_ERROR(bootstrap_->Put(contract::kShmAddressKey, shm->Address()));
  }
  if (!ofi_peers.empty()) {
    transport::NetworkOptions o;
    o.kind = net_kind;
    o.ofi_provider = config_.ofi_provider;
    o.iface = config_.ofi_iface;
    o.ofi_bulk_chunk = config_.ofi_bulk_chunk;
    if (o.iface.empty()) {
      if (static_cast<int>(local.size()) != size) {
        return Error(Code::kOther, "ranks run on several hosts but ZMPI_OFI_IFACE is not set; "
                     "the launcher must name the interface that reaches the other hosts");
      }
      o.iface = "lo";
    }
    o.my_rank = me;
    o.world_size = size;
    // With shm peers too, an idle ofi poll (a system call, ~1 us) would tax every shm
    // message; poll ofi at most every 5 us while it is idle.
    if (shm != nullptr) o.idle_poll_us = 5;
    // With no shm peers a waiting rank may block in the network endpoint: a rank that only
    // polls and yields keeps its CPU, so two ranks the scheduler put on one CPU stay there
    // (docs/transport-ofi.md, "Ranks that block"). With shm peers it could not hear them.
    o.blocking = shm == nullptr && config_.net_block_after_us >= 0;
    ZMPI_ASSIGN_OR_RETURN(auto endpoint, transport::CreateNetworkEndpoint(o));
    ofi = engine_->AddEndpoint(std::move(endpoint));
    idle_turn_polls_network_ = shm == nullptr;
    if (o.blocking && ofi->Wakes()) net_block_after_ = config_.net_block_after_us * 1e-6;
    ZMPI_RETURN_IF_ERROR(bootstrap_->Put(net_key, ofi->Address()));
  }
  // Ranks of another architecture are fine as long as the bytes mean the same: checked
  // against rank 0 (one lookup per rank; all equal to rank 0 means all equal).
  const std::string model = LocalDataModel();
  if (size > 1) ZMPI_RETURN_IF_ERROR(bootstrap_->Put(contract::kDataModelKey, model));
  // Ranks of this host reached over the network transport: their processes are watched
  // (Engine::WatchProcess), so a receive from one that died ends under any launcher.
  std::vector<int> local_net;
  for (int r : ofi_peers) {
    if (std::binary_search(local.begin(), local.end(), r)) local_net.push_back(r);
  }
  const std::string process_ns = platform::ProcessNamespace();
  if (!local_net.empty()) {
    ZMPI_RETURN_IF_ERROR(bootstrap_->Put(contract::kProcessKey,
                                         std::to_string(getpid()) + ":" + process_ns));
  }
  ZMPI_RETURN_IF_ERROR(bootstrap_->Exchange());
  if (size > 1 && me != 0) {
    ZMPI_ASSIGN_OR_RETURN(std::string root_model, bootstrap_->Get(0, contract::kDataModelKey));
    ZMPI_RETURN_IF_ERROR(CompatibleDataModels(me, model, 0, root_model));
  }
  struct Wiring {
    transport::Endpoint* endpoint;
    const std::vector<int>* peers;
    const char* key;
  };
  for (const Wiring& w : {Wiring{shm, &shm_peers, contract::kShmAddressKey},
                          Wiring{ofi, &ofi_peers, net_key}}) {
    if (!w.endpoint) continue;
    std::vector<transport::PeerAddress> addresses;
    for (int r : *w.peers) {
      ZMPI_ASSIGN_OR_RETURN(std::string address, bootstrap_->Get(r, w.key));
      addresses.push_back({r, address});
    }
    ZMPI_RETURN_IF_ERROR(w.endpoint->Connect(addresses));
    for (int r : *w.peers) engine_->AssignPeer(r, w.endpoint);
  }
  for (int r : local_net) {
    StatusOr<std::string> process = bootstrap_->Get(r, contract::kProcessKey);
    if (!process.ok()) continue;  // not published (another zmpi): no watch
    size_t colon = process->find(':');
    // A pid from another pid namespace names another process here (or none).
    if (colon == std::string::npos || process->substr(colon + 1) != process_ns) continue;
    engine_->WatchProcess(r, static_cast<pid_t>(atol(process->substr(0, colon).c_str())));
  }
  ZMPI_LOG(kInfo, "init", "rank %d of %d: %zu peers over shm, %zu over %s (%s platform)", me,
           size, shm_peers.size(), ofi_peers.size(), ofi != nullptr ? ofi->Name() : "the network",
           platform::Name());
  return OkStatus();
}

Status Runtime::Finalize() {
  if (world_state_ != LibraryState::kInitialized) {
    return Error(Code::kOther, "MPI_Finalize called while MPI is not initialized");
  }
  // MPI-4.1 §11.2.2: MPI_COMM_SELF's attributes go first, as if freed before anything else,
  // while MPI_Finalized still says false (their callbacks may call MPI).
  Status attributes = DeleteAttributesAtFinalize();
  world_state_ = LibraryState::kFinalized;
  Status shutdown = open_sessions_ > 0 ? OkStatus() : Shutdown();
  return attributes.ok() ? shutdown : attributes;
}

Status Runtime::Shutdown() {
  Runtime* rt = instance_;
  // Every rank reaches this barrier only after its own receives completed, so afterwards
  // only the barrier's frames can still be in flight: flush them before the fence (which
  // does not drive our progress) and before the endpoints close.
  Status s = BarrierAll(*rt->world());
  rt->engine_->Flush(/*timeout_seconds=*/10.0);
  Status fence = rt->bootstrap_->Barrier();
  Status fin = rt->bootstrap_->Finalize();
  delete rt;
  instance_ = nullptr;
  state_ = LibraryState::kFinalized;
  if (!s.ok()) return s;
  if (!fence.ok()) return fence;
  return fin;
}

Comm* Runtime::FindOtherComm(MPI_Comm handle) const {
  if (handle == MPI_COMM_SELF) return comms_[1].get();
  uint32_t h = static_cast<uint32_t>(handle);
  if ((h & 0xfc000000u) != kCommHandleBase) return nullptr;
  uint32_t index = h & 0x03ffffffu;
  if (index < 2 || index >= comms_.size()) return nullptr;
  return comms_[index].get();
}

Comm* Runtime::AddComm(std::vector<int> world_ranks, int rank, uint32_t context) {
  // A free slot without a search: creation costs the same with 200k live communicators.
  size_t index = comms_.size();
  if (!free_comm_slots_.empty()) {
    index = free_comm_slots_.back();
    free_comm_slots_.pop_back();
  } else {
    comms_.emplace_back();
  }
  MPI_Comm handle = static_cast<MPI_Comm>(kCommHandleBase | index);
  comms_[index] = std::make_unique<Comm>(handle, std::move(world_ranks), rank, context);
  return comms_[index].get();
}

namespace {

void ReleaseContexts(ContextPool& pool, const Comm& comm) {
  pool.Release(comm.p2p_context());
  if (comm.local_comm() != nullptr) pool.Release(comm.local_comm()->p2p_context());
}

}  // namespace

bool Runtime::Uses(const Comm* comm) const {
  return requests_.AnyLive([comm](const Request& r) {
    return r.comm == comm || (comm->local_comm() != nullptr && r.comm == comm->local_comm());
  });
}

// A request may outlive its communicator's handle (MPI_Comm_free lets pending operations
// complete): the object and its context stay until no live request names it.
void Runtime::FreeComm(Comm* comm) {
  uint32_t index = static_cast<uint32_t>(comm->handle()) & 0x03ffffffu;
  if (index < 2 || index >= comms_.size() || comms_[index].get() != comm) return;
  std::unique_ptr<Comm> gone = std::move(comms_[index]);
  free_comm_slots_.push_back(index);
  if (Uses(gone.get())) {
    retired_comms_.push_back(std::move(gone));
  } else {
    ReleaseContexts(contexts_, *gone);
  }
  SweepRetiredComms();
}

void Runtime::SweepRetiredComms() {
  for (size_t i = 0; i < retired_comms_.size();) {
    if (Uses(retired_comms_[i].get())) {
      ++i;
      continue;
    }
    ReleaseContexts(contexts_, *retired_comms_[i]);
    retired_comms_[i] = std::move(retired_comms_.back());
    retired_comms_.pop_back();
  }
}

StatusOr<uint32_t> Runtime::AgreeOnContext(Comm& parent) { return AgreeContext(parent); }

Group* Runtime::FindGroup(MPI_Group handle) {
  if (handle == MPI_GROUP_EMPTY) return &empty_group_;
  return groups_.Find(handle);
}

void Runtime::AbortFailedStart(int code, const std::string& message) {
  if (failed_start_ != nullptr && !failed_start_->singleton()) {
    failed_start_->Abort(code, message);  // does not return
  }
  _exit(code);
}

bool Runtime::FailedStartPrints() {
  return failed_start_ != nullptr && !failed_start_->singleton() && failed_start_->AbortPrints();
}

void Runtime::Abort(int code, const std::string& message) {
  bootstrap_->Abort(code, message);
  _exit(code);
}

}  // namespace zmpi::core
