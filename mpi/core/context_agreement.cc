#include "mpi/core/context_agreement.h"

#include "mpi/core/coll_p2p.h"
#include "mpi/core/context_agreement_op.h"
#include "mpi/core/p2p.h"
#include "mpi/core/runtime.h"

namespace zmpi::core {
namespace {

bool IsRoot(const Party& p) { return p.members[0] == p.comm->rank(); }

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

StatusOr<uint32_t> AgreeContext(const Party& p, const Bridge* bridge) {
  ContextAgreement agreement(p, bridge, /*local_too=*/false, /*blocking=*/true);
  agreement.Start();
  ProgressLoop loop;
  while (!agreement.Advance()) {
    loop.Turn();
    if (loop.Every(1.0)) agreement.FailDeadPeers();
  }
  ZMPI_RETURN_IF_ERROR(agreement.status());
  return agreement.context();
}

StatusOr<uint32_t> AgreeContext(Comm& comm) {
  if (!comm.is_inter()) return AgreeContext(WholeParty(comm));
  Bridge bridge{&comm, 0, comm.NextCollTag()};
  return AgreeContext(WholeParty(*comm.local_comm()), &bridge);
}

}  // namespace zmpi::core
