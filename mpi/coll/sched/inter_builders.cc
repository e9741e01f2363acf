// Builders of the intercommunicator forms (builders.h): direct exchanges between the two
// groups, no step inside a group, so one communicator's context carries everything. Peers are
// ranks of the remote group; `remote` is its size.
#include <vector>

#include "mpi/coll/sched/builders.h"

namespace zmpi::coll::sched {

void BuildInterBarrier(Schedule& s, int remote) {
  static const char kNothing = 0;
  for (int i = 0; i < remote; ++i) {
    s.Send(i, &kNothing, 0);
    s.Recv(i, nullptr, 0);
  }
  s.Wait();
}

void BuildInterBcast(Schedule& s, int remote, Span buf, InterRole role, int root) {
  if (role == InterRole::kRoot) {
    for (int i = 0; i < remote; ++i) s.Send(i, buf);
  } else if (role == InterRole::kRemote) {
    s.Recv(root, buf);
  }
  s.Wait();
}

void BuildInterGatherv(Schedule& s, int remote, Span own, const Span* blocks, InterRole role,
                       int root) {
  if (role == InterRole::kRoot) {
    for (int i = 0; i < remote; ++i) s.Recv(i, blocks[i]);
  } else if (role == InterRole::kRemote) {
    s.Send(root, own);
  }
  s.Wait();
}

void BuildInterScatterv(Schedule& s, int remote, const Span* blocks, Span own, InterRole role,
                        int root) {
  if (role == InterRole::kRoot) {
    for (int i = 0; i < remote; ++i) s.Send(i, blocks[i]);
  } else if (role == InterRole::kRemote) {
    s.Recv(root, own);
  }
  s.Wait();
}

void BuildInterAllgatherv(Schedule& s, int remote, Span own, const Span* blocks) {
  for (int i = 0; i < remote; ++i) s.Recv(i, blocks[i]);
  for (int i = 0; i < remote; ++i) s.Send(i, own);
  s.Wait();
}

void BuildInterAlltoallw(Schedule& s, int remote, const Span* sends, const Span* recvs) {
  for (int i = 0; i < remote; ++i) s.Recv(i, recvs[i]);
  for (int i = 0; i < remote; ++i) s.Send(i, sends[i]);
  s.Wait();
}

namespace {

// Receives every remote rank's `count` elements and combines them in rank order into `data`.
void GatherAndCombine(Schedule& s, int remote, const Reducer& r, void* data, size_t count) {
  const size_t bytes = count * r.elem_size();
  std::vector<char*> slots(remote);
  for (int i = 0; i < remote; ++i) {
    slots[i] = i == 0 ? static_cast<char*>(data) : s.Scratch(bytes);
    s.Recv(i, slots[i], bytes);
  }
  s.Wait();
  char* acc = slots[0];
  for (int i = 1; i < remote; ++i) {
    s.Reduce(r, acc, slots[i], count);  // acc (lower ranks) op slot i
    acc = slots[i];
  }
  if (acc != data) s.Copy(acc, data, bytes);
}

}  // namespace

void BuildInterReduce(Schedule& s, int remote, const Reducer& r, void* data, size_t count,
                      InterRole role, int root) {
  const size_t bytes = count * r.elem_size();
  if (role == InterRole::kRoot) {
    GatherAndCombine(s, remote, r, data, count);
  } else if (role == InterRole::kRemote) {
    s.Send(root, data, bytes);
    s.Wait();
  }
}

void BuildInterAllreduce(Schedule& s, int remote, const Reducer& r, const void* own, void* data,
                         size_t count) {
  const size_t bytes = count * r.elem_size();
  for (int i = 0; i < remote; ++i) s.Send(i, own, bytes);
  GatherAndCombine(s, remote, r, data, count);
}

}  // namespace zmpi::coll::sched
