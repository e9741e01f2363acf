#include "mpi/core/context_agreement.h"

#include "mpi/core/coll_p2p.h"
#include "mpi/core/p2p.h"
#include "mpi/core/runtime.h"
#include "mpi/core/threads.h"

namespace zmpi::core {
namespace {

constexpr size_t kBitsBytes = ContextPool::kWords * sizeof(uint64_t);
// More rounds than this means no id is free anywhere, not a passing reservation.
constexpr int kMaxRounds = 100000;

bool IsRoot(const Party& p) { return p.members[0] == p.comm->rank(); }

// The AND of every member's `bits`, at the root (other members' `bits` are unchanged).
Status GatherAnd(const Party& p, ContextPool::Bits& bits) {
  if (!IsRoot(p)) return CollSend(*p.comm, p.members[0], p.tag, bits.data(), kBitsBytes);
  ContextPool::Bits theirs(ContextPool::kWords);
  for (size_t i = 1; i < p.members.size(); ++i) {
    ZMPI_RETURN_IF_ERROR(CollRecv(*p.comm, p.members[i], p.tag, theirs.data(), kBitsBytes));
    ContextPool::And(bits, theirs);
  }
  return OkStatus();
}

}  // namespace

Party WholeParty(Comm& comm) {
  Party p{&comm, std::vector<int>(comm.size()), comm.NextCollTag()};
  for (int r = 0; r < comm.size(); ++r) p.members[r] = r;
  return p;
}

int StringTag(const std::string& tag, int salt) {
  uint32_t h = 2166136261u ^ static_cast<uint32_t>(salt);  // FNV-1a
  for (unsigned char c : tag) h = (h ^ c) * 16777619u;
  return static_cast<int>(h & 0x3fffffffu);
}

Party RootedParty(Comm& comm, int root, int tag) {
  Party p{&comm, {root}, tag};
  for (int r = 0; r < comm.size(); ++r) {
    if (r != root) p.members.push_back(r);
  }
  return p;
}

Status PartyAllgather(const Party& p, const std::vector<int>& values, std::vector<int>* out) {
  const size_t n = values.size();
  const size_t bytes = n * sizeof(int);
  out->assign(n * p.members.size(), 0);
  if (!IsRoot(p)) {
    ZMPI_RETURN_IF_ERROR(CollSend(*p.comm, p.members[0], p.tag, values.data(), bytes));
    return CollRecv(*p.comm, p.members[0], p.tag, out->data(), out->size() * sizeof(int));
  }
  std::copy(values.begin(), values.end(), out->begin());
  for (size_t i = 1; i < p.members.size(); ++i) {
    ZMPI_RETURN_IF_ERROR(CollRecv(*p.comm, p.members[i], p.tag, out->data() + i * n, bytes));
  }
  for (size_t i = 1; i < p.members.size(); ++i) {
    ZMPI_RETURN_IF_ERROR(
        CollSend(*p.comm, p.members[i], p.tag, out->data(), out->size() * sizeof(int)));
  }
  return OkStatus();
}

Status PartyBcast(const Party& p, std::vector<int>* values) {
  const size_t bytes = values->size() * sizeof(int);
  if (!IsRoot(p)) return CollRecv(*p.comm, p.members[0], p.tag, values->data(), bytes);
  for (size_t i = 1; i < p.members.size(); ++i) {
    ZMPI_RETURN_IF_ERROR(CollSend(*p.comm, p.members[i], p.tag, values->data(), bytes));
  }
  return OkStatus();
}

namespace {

// One round: `bits` is this member's offer; `lowest` gets the lowest id common to all.
Status Round(const Party& p, const Bridge* bridge, ContextPool::Bits bits, int* lowest) {
  ZMPI_RETURN_IF_ERROR(GatherAnd(p, bits));
  std::vector<int> result{-1};
  if (IsRoot(p)) {
    if (bridge != nullptr) {
      ContextPool::Bits theirs(ContextPool::kWords);
      ZMPI_RETURN_IF_ERROR(CollSendRecv(*bridge->comm, bridge->peer, bits.data(), kBitsBytes,
                                        bridge->peer, theirs.data(), kBitsBytes, bridge->tag));
      ContextPool::And(bits, theirs);
    }
    result[0] = static_cast<int>(ContextPool::Lowest(bits));
  }
  ZMPI_RETURN_IF_ERROR(PartyBcast(p, &result));
  *lowest = result[0];
  return OkStatus();
}

}  // namespace

// Under MPI_THREAD_MULTIPLE other threads of this process may agree at the same time (each
// releases the library lock while it waits), and two agreements offering the same free id
// could both take it. Then every agreement offers only while it holds the pool's reservation,
// exactly as MPI_Comm_idup does (comm_idup.cc; the pending agreement with the lowest key holds
// it, so the globally lowest one always makes progress), and offers nothing otherwise.
// The key must be the same on every member. An intercommunicator bridge (dup, split, merge of
// an intercommunicator) is known to both groups: its context and tag. Otherwise the party's
// communicator and tag: the same within the party; for MPI_Intercomm_create, whose bridge is
// a peer communicator only the leaders name, the two groups may rank such agreements
// differently: MPI_Intercomm_create calls running concurrently in several threads on both
// sides could keep spoiling each other's rounds (one at a time per process is safe).
static uint64_t AgreementKey(const Party& p, const Bridge* bridge) {
  if (bridge != nullptr && bridge->comm != nullptr && bridge->comm->is_inter()) {
    return (uint64_t{bridge->comm->p2p_context()} << 32) | static_cast<uint32_t>(bridge->tag);
  }
  return (uint64_t{p.comm->p2p_context()} << 32) | static_cast<uint32_t>(p.tag);
}

StatusOr<uint32_t> AgreeContext(const Party& p, const Bridge* bridge) {
  ContextPool& pool = Runtime::Get()->contexts();
  const bool shared = Threads::enabled();
  const uint64_t key = shared ? AgreementKey(p, bridge) : 0;
  if (shared) pool.AddPending(key);
  ProgressLoop loop;
  for (int round = 0; round < kMaxRounds; ++round) {
    const bool holding = shared && pool.TryHold(key);
    ContextPool::Bits offer =
        !shared || holding ? pool.Offer() : ContextPool::Bits(ContextPool::kWords, 0);
    if (holding) pool.Reserve(offer);
    int lowest = -1;
    Status s = Round(p, bridge, offer, &lowest);
    if (holding) {
      pool.Unreserve(offer);
      pool.EndHold();
    }
    if (!s.ok() || lowest >= 0) {
      if (shared) pool.RemovePending(key);
      if (!s.ok()) return s;
      pool.Take(static_cast<uint32_t>(lowest));
      return static_cast<uint32_t>(lowest);
    }
    // Ids are held by an MPI_Comm_idup in flight (or, with threads, by another agreement):
    // let it advance (a one-member party sends nothing, so nothing else would drive
    // progress here).
    loop.Turn();
  }
  if (shared) pool.RemovePending(key);
  return Error(Code::kIntern,
               "no communicator context id is free on every member (%d live "
               "communicators per process at most)",
               ContextPool::kBits - 3);
}

StatusOr<uint32_t> AgreeContext(Comm& comm) {
  if (!comm.is_inter()) return AgreeContext(WholeParty(comm));
  Bridge bridge{&comm, 0, comm.NextCollTag()};
  return AgreeContext(WholeParty(*comm.local_comm()), &bridge);
}

}  // namespace zmpi::core
