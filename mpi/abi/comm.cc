// Communicators and intercommunicators (MPI-4.1 §7.4, §7.6).
#include <algorithm>
#include <cstring>
#include <memory>

#include "mpi/abi/entry.h"
#include "mpi/core/comm_ops.h"
#include "mpi/core/intercomm_ops.h"
#include "mpi/core/objects.h"

using zmpi::Code;
using zmpi::Status;
using zmpi::StatusOr;
using zmpi::core::Comm;
using zmpi::core::Group;
using zmpi::core::Info;
using zmpi::core::Runtime;

namespace {

Status CheckOut(const void* p, const char* what) {
  return p != nullptr ? zmpi::OkStatus() : zmpi::Error(Code::kArg, "null %s", what);
}

Status CheckGroup(MPI_Group handle, Group** group) {
  *group = Runtime::Get()->FindGroup(handle);
  if (*group != nullptr) return zmpi::OkStatus();
  return zmpi::Error(Code::kGroup, "invalid group handle 0x%x", handle);
}

// MPI_INFO_NULL gives nullptr with OK.
Status CheckInfo(MPI_Info handle, Info** info) {
  *info = nullptr;
  if (handle == MPI_INFO_NULL) return zmpi::OkStatus();
  *info = zmpi::core::Objects::Get().FindInfo(handle);
  if (*info != nullptr) return zmpi::OkStatus();
  return zmpi::Error(Code::kInfo, "invalid info handle 0x%x", handle);
}

Status NotInter(const Comm& c) {
  if (!c.is_inter()) return zmpi::OkStatus();
  return zmpi::Error(Code::kComm, "an intercommunicator is not allowed here");
}

Status CheckTag(int tag) {
  return tag >= 0 && tag <= zmpi::abi::kTagUpperBound
             ? zmpi::OkStatus()
             : zmpi::Error(Code::kTag, "tag %d is not in [0, %d]", tag, zmpi::abi::kTagUpperBound);
}

int Finish(Comm* c, const char* function, StatusOr<Comm*> result, MPI_Comm* out) {
  if (!result.ok()) return zmpi::abi::Report(c, function, result.status());
  *out = *result ? (*result)->handle() : MPI_COMM_NULL;
  return MPI_SUCCESS;
}

// A group of a communicator's: it derives from the communicator's session, if any.
MPI_Group NewGroup(const std::vector<int>& world_ranks, MPI_Session session) {
  auto g = std::make_unique<Group>(world_ranks);
  g->set_session(session);
  return Runtime::Get()->groups().Add(std::move(g));
}

}  // namespace

ZMPI_API int PMPI_Comm_rank(MPI_Comm comm, int* rank) {
  ZMPI_ENTER("MPI_Comm_rank");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_rank", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Comm_rank", CheckOut(rank, "rank"));
  *rank = c->rank();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_size(MPI_Comm comm, int* size) {
  ZMPI_ENTER("MPI_Comm_size");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_size", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Comm_size", CheckOut(size, "size"));
  *size = c->local_size();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_remote_size(MPI_Comm comm, int* size) {
  ZMPI_ENTER("MPI_Comm_remote_size");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_remote_size", zmpi::abi::CheckComm(comm, &c));
  if (!c->is_inter()) {
    return zmpi::abi::Report(c, "MPI_Comm_remote_size",
                             zmpi::Error(Code::kComm, "not an intercommunicator"));
  }
  ZMPI_CHECK_ARG(c, "MPI_Comm_remote_size", CheckOut(size, "size"));
  *size = c->size();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_test_inter(MPI_Comm comm, int* flag) {
  ZMPI_ENTER("MPI_Comm_test_inter");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_test_inter", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Comm_test_inter", CheckOut(flag, "flag"));
  *flag = c->is_inter() ? 1 : 0;
  return MPI_SUCCESS;
}

// zmpi starts every process of a job itself (it has no MPI_Comm_spawn), so no process has a
// parent: MPI_COMM_NULL, as the standard says for processes not spawned.
ZMPI_API int PMPI_Comm_get_parent(MPI_Comm* parent) {
  ZMPI_ENTER("MPI_Comm_get_parent");
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_get_parent", CheckOut(parent, "parent"));
  *parent = MPI_COMM_NULL;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_group(MPI_Comm comm, MPI_Group* group) {
  ZMPI_ENTER("MPI_Comm_group");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_group", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Comm_group", CheckOut(group, "group"));
  *group = NewGroup(c->local_world_ranks(), c->session());
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_remote_group(MPI_Comm comm, MPI_Group* group) {
  ZMPI_ENTER("MPI_Comm_remote_group");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_remote_group", zmpi::abi::CheckComm(comm, &c));
  if (!c->is_inter()) {
    return zmpi::abi::Report(c, "MPI_Comm_remote_group",
                             zmpi::Error(Code::kComm, "not an intercommunicator"));
  }
  ZMPI_CHECK_ARG(c, "MPI_Comm_remote_group", CheckOut(group, "group"));
  *group = NewGroup(c->world_ranks(), c->session());
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_dup(MPI_Comm comm, MPI_Comm* newcomm) {
  ZMPI_ENTER("MPI_Comm_dup");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_dup", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Comm_dup", CheckOut(newcomm, "newcomm"));
  return Finish(c, "MPI_Comm_dup", zmpi::core::DupComm(*c), newcomm);
}

ZMPI_API int PMPI_Comm_dup_with_info(MPI_Comm comm, MPI_Info info, MPI_Comm* newcomm) {
  ZMPI_ENTER("MPI_Comm_dup_with_info");
  Comm* c = nullptr;
  Info* i = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_dup_with_info", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Comm_dup_with_info", CheckInfo(info, &i));
  ZMPI_CHECK_ARG(c, "MPI_Comm_dup_with_info", CheckOut(newcomm, "newcomm"));
  Info empty;
  return Finish(c, "MPI_Comm_dup_with_info", zmpi::core::DupComm(*c, i ? i : &empty), newcomm);
}

static int Idup(const char* fn, MPI_Comm comm, MPI_Info info, bool with_info, MPI_Comm* newcomm,
                MPI_Request* request) {
  Comm* c = nullptr;
  Info* i = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckComm(comm, &c));
  if (with_info) ZMPI_CHECK_ARG(c, fn, CheckInfo(info, &i));
  ZMPI_CHECK_ARG(c, fn, CheckOut(newcomm, "newcomm"));
  ZMPI_CHECK_ARG(c, fn, CheckOut(request, "request"));
  Info empty;
  StatusOr<MPI_Request> r =
      zmpi::core::IdupComm(*c, with_info ? (i ? i : &empty) : nullptr, newcomm);
  if (!r.ok()) return zmpi::abi::Report(c, fn, r.status());
  *request = *r;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_idup(MPI_Comm comm, MPI_Comm* newcomm, MPI_Request* request) {
  ZMPI_ENTER("MPI_Comm_idup");
  return Idup("MPI_Comm_idup", comm, MPI_INFO_NULL, false, newcomm, request);
}

ZMPI_API int PMPI_Comm_idup_with_info(MPI_Comm comm, MPI_Info info, MPI_Comm* newcomm,
                                      MPI_Request* request) {
  ZMPI_ENTER("MPI_Comm_idup_with_info");
  return Idup("MPI_Comm_idup_with_info", comm, info, true, newcomm, request);
}

ZMPI_API int PMPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm* newcomm) {
  ZMPI_ENTER("MPI_Comm_split");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_split", zmpi::abi::CheckComm(comm, &c));
  if (color < 0 && color != MPI_UNDEFINED) {
    return zmpi::abi::Report(c, "MPI_Comm_split",
                             zmpi::Error(Code::kArg, "negative color %d", color));
  }
  ZMPI_CHECK_ARG(c, "MPI_Comm_split", CheckOut(newcomm, "newcomm"));
  return Finish(c, "MPI_Comm_split", zmpi::core::SplitComm(*c, color, key), newcomm);
}

ZMPI_API int PMPI_Comm_split_type(MPI_Comm comm, int split_type, int key, MPI_Info info,
                                  MPI_Comm* newcomm) {
  ZMPI_ENTER("MPI_Comm_split_type");
  const char* fn = "MPI_Comm_split_type";
  Comm* c = nullptr;
  Info* i = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, fn, NotInter(*c));
  if (split_type != MPI_UNDEFINED && split_type != MPI_COMM_TYPE_SHARED &&
      split_type != MPI_COMM_TYPE_HW_GUIDED && split_type != MPI_COMM_TYPE_HW_UNGUIDED) {
    return zmpi::abi::Report(c, fn, zmpi::Error(Code::kArg, "unknown split type %d", split_type));
  }
  ZMPI_CHECK_ARG(c, fn, CheckInfo(info, &i));
  ZMPI_CHECK_ARG(c, fn, CheckOut(newcomm, "newcomm"));
  return Finish(c, fn, zmpi::core::SplitTypeComm(*c, split_type, key, i), newcomm);
}

ZMPI_API int PMPI_Comm_create(MPI_Comm comm, MPI_Group group, MPI_Comm* newcomm) {
  ZMPI_ENTER("MPI_Comm_create");
  Comm* c = nullptr;
  Group* g = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_create", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Comm_create", CheckGroup(group, &g));
  ZMPI_CHECK_ARG(c, "MPI_Comm_create", CheckOut(newcomm, "newcomm"));
  return Finish(c, "MPI_Comm_create", zmpi::core::CreateComm(*c, *g), newcomm);
}

ZMPI_API int PMPI_Comm_create_group(MPI_Comm comm, MPI_Group group, int tag, MPI_Comm* newcomm) {
  ZMPI_ENTER("MPI_Comm_create_group");
  const char* fn = "MPI_Comm_create_group";
  Comm* c = nullptr;
  Group* g = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, fn, NotInter(*c));
  ZMPI_CHECK_ARG(c, fn, CheckGroup(group, &g));
  ZMPI_CHECK_ARG(c, fn, CheckTag(tag));
  ZMPI_CHECK_ARG(c, fn, CheckOut(newcomm, "newcomm"));
  return Finish(c, fn, zmpi::core::CreateCommGroup(*c, *g, tag), newcomm);
}

ZMPI_API int PMPI_Comm_free(MPI_Comm* comm) {
  ZMPI_ENTER("MPI_Comm_free");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_free", CheckOut(comm, "comm"));
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_free", zmpi::abi::CheckComm(*comm, &c));
  if (*comm == MPI_COMM_WORLD || *comm == MPI_COMM_SELF) {
    return zmpi::abi::Report(c, "MPI_Comm_free",
                             zmpi::Error(Code::kComm, "cannot free a predefined communicator"));
  }
  ZMPI_CHECK_ARG(c, "MPI_Comm_free", zmpi::core::FreeCommAndAttributes(c));
  *comm = MPI_COMM_NULL;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_disconnect(MPI_Comm* comm) {
  ZMPI_ENTER("MPI_Comm_disconnect");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_disconnect", CheckOut(comm, "comm"));
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_disconnect", zmpi::abi::CheckComm(*comm, &c));
  if (*comm == MPI_COMM_WORLD || *comm == MPI_COMM_SELF) {
    return zmpi::abi::Report(c, "MPI_Comm_disconnect",
                             zmpi::Error(Code::kComm, "cannot free a predefined communicator"));
  }
  Status s = zmpi::core::DisconnectComm(c);
  if (!s.ok()) return zmpi::abi::Report(nullptr, "MPI_Comm_disconnect", s);
  *comm = MPI_COMM_NULL;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_compare(MPI_Comm comm1, MPI_Comm comm2, int* result) {
  ZMPI_ENTER("MPI_Comm_compare");
  Comm *a = nullptr, *b = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_compare", zmpi::abi::CheckComm(comm1, &a));
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_compare", zmpi::abi::CheckComm(comm2, &b));
  ZMPI_CHECK_ARG(a, "MPI_Comm_compare", CheckOut(result, "result"));
  *result = zmpi::core::CompareComms(*a, *b);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_set_info(MPI_Comm comm, MPI_Info info) {
  ZMPI_ENTER("MPI_Comm_set_info");
  Comm* c = nullptr;
  Info* i = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_set_info", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Comm_set_info", CheckInfo(info, &i));
  // Hints are added to (or replace) those in effect; MPI_INFO_NULL changes nothing.
  if (i != nullptr) {
    for (const auto& [k, v] : i->entries()) c->info().Set(k, v);
  }
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_get_info(MPI_Comm comm, MPI_Info* info_used) {
  ZMPI_ENTER("MPI_Comm_get_info");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_get_info", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Comm_get_info", CheckOut(info_used, "info_used"));
  *info_used = zmpi::core::Objects::Get().infos().Add(std::make_unique<Info>(c->info()));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_set_name(MPI_Comm comm, const char* comm_name) {
  ZMPI_ENTER("MPI_Comm_set_name");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_set_name", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Comm_set_name", CheckOut(comm_name, "comm_name"));
  c->set_name(std::string(comm_name, strnlen(comm_name, MPI_MAX_OBJECT_NAME - 1)));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_get_name(MPI_Comm comm, char* comm_name, int* resultlen) {
  ZMPI_ENTER("MPI_Comm_get_name");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_get_name", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Comm_get_name", CheckOut(comm_name, "comm_name"));
  ZMPI_CHECK_ARG(c, "MPI_Comm_get_name", CheckOut(resultlen, "resultlen"));
  memcpy(comm_name, c->name().c_str(), c->name().size() + 1);
  *resultlen = static_cast<int>(c->name().size());
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Intercomm_create(MPI_Comm local_comm, int local_leader, MPI_Comm peer_comm,
                                   int remote_leader, int tag, MPI_Comm* newintercomm) {
  ZMPI_ENTER("MPI_Intercomm_create");
  const char* fn = "MPI_Intercomm_create";
  Comm *c = nullptr, *peer = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckComm(local_comm, &c));
  ZMPI_CHECK_ARG(c, fn, NotInter(*c));
  if (local_leader < 0 || local_leader >= c->size()) {
    return zmpi::abi::Report(c, fn, zmpi::abi::RankError(*c, local_leader));
  }
  if (c->rank() == local_leader) {
    ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckComm(peer_comm, &peer));
    if (remote_leader < 0 || remote_leader >= peer->size() || remote_leader == peer->rank()) {
      return zmpi::abi::Report(c, fn, zmpi::abi::RankError(*peer, remote_leader));
    }
  }
  ZMPI_CHECK_ARG(c, fn, CheckTag(tag));
  ZMPI_CHECK_ARG(c, fn, CheckOut(newintercomm, "newintercomm"));
  return Finish(c, fn, zmpi::core::IntercommCreate(*c, local_leader, peer, remote_leader, tag),
                newintercomm);
}

ZMPI_API int PMPI_Intercomm_merge(MPI_Comm intercomm, int high, MPI_Comm* newintracomm) {
  ZMPI_ENTER("MPI_Intercomm_merge");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Intercomm_merge", zmpi::abi::CheckComm(intercomm, &c));
  if (!c->is_inter()) {
    return zmpi::abi::Report(c, "MPI_Intercomm_merge",
                             zmpi::Error(Code::kComm, "not an intercommunicator"));
  }
  ZMPI_CHECK_ARG(c, "MPI_Intercomm_merge", CheckOut(newintracomm, "newintracomm"));
  return Finish(c, "MPI_Intercomm_merge", zmpi::core::IntercommMerge(*c, high != 0), newintracomm);
}

#include "mpi/abi/comm_aliases.inc"
