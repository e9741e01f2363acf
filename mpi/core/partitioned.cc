#include "mpi/core/partitioned.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "mpi/core/p2p.h"
#include "mpi/core/request_ext.h"
#include "mpi/core/runtime.h"

namespace zmpi::core {
namespace {

constexpr int kHandshakeTagBit = 0x40000000;
constexpr uint32_t kDataTagBit = 0x80000000u;
// Units per partitioned send: matching scans posted receives in order, so a round of U units
// readied in reverse costs U^2/2 tag compares; 256 keeps that small and the early-bird
// transfer fine-grained enough.
constexpr size_t kMaxUnits = 256;
constexpr uint32_t kChannels = 0x7fff;  // channel 0x7fff with unit 0xffff would be tag -1
constexpr uint32_t kHandshakePart = UINT32_MAX;

// What the sender tells the receiver at the first MPI_Start.
struct Handshake {
  uint64_t total_bytes;
  uint64_t units;
  uint64_t unit_bytes;  // bytes of every unit but the last
  uint32_t channel;
  uint32_t reserved;
};

struct PartitionedExt final : RequestExtension {
  PartitionedArgs args{};
  size_t per_unit = 1;               // partitions per unit (sender)
  Handshake hs{};                    // sender: what it sends; receiver: what it received
  bool paired = false;               // the handshake went out / came in
  size_t pending = 0;                // parts of this round not yet complete
  std::vector<uint32_t> unit_ready;  // sender: partitions readied per unit this round
  std::vector<uint8_t> readied;      // sender: partitions readied this round
  std::vector<uint8_t> unit_done;    // receiver: units arrived this round
};

PartitionedExt& Ext(Request* r) { return static_cast<PartitionedExt&>(*r->ext); }

int DataTag(uint32_t channel, size_t unit) {
  return static_cast<int>(kDataTagBit | (channel << 16) | static_cast<uint32_t>(unit));
}

size_t UnitBytes(const Handshake& hs, size_t unit) {
  size_t at = unit * hs.unit_bytes;
  return std::min<size_t>(hs.unit_bytes, hs.total_bytes - at);
}

void PartDone(Request* child);

// Every unit is received, clipped to what fits the receive buffer: a send larger than the
// receive ends with the kTruncate of the units that do not fit (the request's error), and
// the sender's messages never stay behind unmatched.
void PostUnitRecvs(Request* r) {
  PartitionedExt& e = Ext(r);
  size_t capacity = e.args.partitions * e.args.partition_bytes;
  e.unit_done.assign(e.hs.units, 0);
  e.pending += e.hs.units;
  for (size_t u = 0; u < e.hs.units; ++u) {
    size_t at = u * e.hs.unit_bytes;
    size_t room = capacity > at ? std::min(capacity - at, UnitBytes(e.hs, u)) : 0;
    RecvArgs a{static_cast<char*>(e.args.buf) + (room ? at : 0),
               room,
               e.args.rank,
               DataTag(e.hs.channel, u),
               e.args.comm,
               Channel::kColl};
    StatusOr<Request*> c = Irecv(a);
    if (!c.ok()) {
      if (r->error.ok()) r->error = c.status();
      --e.pending;
      e.unit_done[u] = 1;
      continue;
    }
    Adopt(*c, r, static_cast<uint32_t>(u), PartDone);
  }
}

void OnHandshake(Request* r) {
  PartitionedExt& e = Ext(r);
  e.paired = true;
  r->status_bytes = e.hs.total_bytes;
  PostUnitRecvs(r);
}

// A part of a partitioned request completed: the handshake, or unit `part`.
void PartDone(Request* child) {
  Request* r = child->parent;
  PartitionedExt& e = Ext(r);
  if (!child->error.ok() && r->error.ok()) r->error = child->error;
  if (r->kind == RequestKind::kPartRecv) {
    if (child->part == kHandshakePart) {
      if (child->error.ok()) OnHandshake(r);
    } else {
      e.unit_done[child->part] = 1;
    }
  }
  if (--e.pending == 0) Runtime::Get()->engine().Complete(r);
}

Request* NewPartitioned(RequestKind kind, const PartitionedArgs& a) {
  Request* r = Runtime::Get()->requests().Allocate(kind);
  r->special = true;
  r->persistent = true;
  r->complete = true;  // inactive
  r->comm = a.comm;
  r->rank = a.rank;
  r->tag = a.tag;
  r->bytes = a.partitions * a.partition_bytes;
  auto ext = std::make_unique<PartitionedExt>();
  ext->args = a;
  r->ext = std::move(ext);
  return r;
}

Status StartSend(Request* r) {
  PartitionedExt& e = Ext(r);
  e.unit_ready.assign(e.hs.units, 0);
  e.readied.assign(e.args.partitions, 0);
  if (e.args.rank == MPI_PROC_NULL) {
    Runtime::Get()->engine().Complete(r);
    return OkStatus();
  }
  e.pending = 1 + e.hs.units;  // + this call, so no part completes r early
  if (!e.paired) {
    SendArgs a{&e.hs,       sizeof(e.hs),        e.args.rank,   kHandshakeTagBit | e.args.tag,
               e.args.comm, SendMode::kStandard, Channel::kColl};
    ZMPI_ASSIGN_OR_RETURN(Request * c, Isend(a));
    e.paired = true;
    ++e.pending;
    Adopt(c, r, kHandshakePart, PartDone);
  }
  if (--e.pending == 0) Runtime::Get()->engine().Complete(r);
  return OkStatus();
}

Status StartRecv(Request* r) {
  PartitionedExt& e = Ext(r);
  r->status_source = e.args.rank;
  r->status_tag = e.args.tag;
  if (e.args.rank == MPI_PROC_NULL) {
    r->status_source = MPI_PROC_NULL;
    r->status_tag = MPI_ANY_TAG;
    Runtime::Get()->engine().Complete(r);
    return OkStatus();
  }
  r->status_bytes = e.hs.total_bytes;
  e.pending = 1;
  if (!e.paired) {
    e.unit_done.clear();
    RecvArgs a{&e.hs,       sizeof(e.hs),  e.args.rank, kHandshakeTagBit | e.args.tag,
               e.args.comm, Channel::kColl};
    ZMPI_ASSIGN_OR_RETURN(Request * c, Irecv(a));
    ++e.pending;
    Adopt(c, r, kHandshakePart, PartDone);
  } else {
    PostUnitRecvs(r);
  }
  if (--e.pending == 0) Runtime::Get()->engine().Complete(r);
  return OkStatus();
}

}  // namespace

Request* PsendInit(const PartitionedArgs& a) {
  Request* r = NewPartitioned(RequestKind::kPartSend, a);
  PartitionedExt& e = Ext(r);
  size_t units = std::min(a.partitions, kMaxUnits);
  e.per_unit = (a.partitions + units - 1) / units;
  e.hs.units = (a.partitions + e.per_unit - 1) / e.per_unit;
  e.hs.unit_bytes = e.per_unit * a.partition_bytes;
  e.hs.total_bytes = a.partitions * a.partition_bytes;
  e.hs.channel = Runtime::Get()->NextPartitionChannel() % kChannels;
  return r;
}

Request* PrecvInit(const PartitionedArgs& a) { return NewPartitioned(RequestKind::kPartRecv, a); }

Status PartitionedStart(Request* r) {
  return r->kind == RequestKind::kPartSend ? StartSend(r) : StartRecv(r);
}

Status Pready(Request* r, size_t low, size_t high) {
  if (r->kind != RequestKind::kPartSend) {
    return Error(Code::kRequest, "MPI_Pready on a request that is not a partitioned send");
  }
  if (!r->active) return Error(Code::kRequest, "MPI_Pready on an inactive request");
  PartitionedExt& e = Ext(r);
  if (low > high || high >= e.args.partitions) {
    return Error(Code::kArg, "partition range [%zu, %zu] outside 0..%zu", low, high,
                 e.args.partitions - 1);
  }
  for (size_t p = low; p <= high; ++p) {
    if (e.readied[p]) return Error(Code::kArg, "partition %zu readied twice", p);
  }
  if (e.args.rank == MPI_PROC_NULL) return OkStatus();
  for (size_t p = low; p <= high; ++p) {
    e.readied[p] = 1;
    size_t u = p / e.per_unit;
    size_t in_unit = std::min(e.per_unit, e.args.partitions - u * e.per_unit);
    if (++e.unit_ready[u] < in_unit) continue;
    SendArgs a{static_cast<char*>(e.args.buf) + u * e.hs.unit_bytes,
               UnitBytes(e.hs, u),
               e.args.rank,
               DataTag(e.hs.channel, u),
               e.args.comm,
               SendMode::kStandard,
               Channel::kColl};
    StatusOr<Request*> c = Isend(a);
    if (!c.ok()) {
      if (r->error.ok()) r->error = c.status();
      if (--e.pending == 0) Runtime::Get()->engine().Complete(r);
      return c.status();
    }
    Adopt(*c, r, static_cast<uint32_t>(u), PartDone);
  }
  return OkStatus();
}

Status Parrived(Request* r, size_t partition, bool* flag) {
  if (r->kind != RequestKind::kPartRecv) {
    return Error(Code::kRequest, "MPI_Parrived on a request that is not a partitioned receive");
  }
  PartitionedExt& e = Ext(r);
  if (partition >= e.args.partitions) {
    return Error(Code::kArg, "partition %zu outside 0..%zu", partition, e.args.partitions - 1);
  }
  if (r->complete) {  // inactive, or every unit is in
    *flag = true;
    return OkStatus();
  }
  for (int pass = 0; pass < 2; ++pass) {
    *flag = false;
    if (e.paired && e.unit_done.size() == e.hs.units) {
      size_t lo = partition * e.args.partition_bytes;
      size_t hi = std::min<size_t>(lo + e.args.partition_bytes, e.hs.total_bytes);
      *flag = true;
      if (hi > lo && e.hs.unit_bytes > 0) {
        for (size_t u = lo / e.hs.unit_bytes; u <= (hi - 1) / e.hs.unit_bytes; ++u) {
          if (!e.unit_done[u]) *flag = false;
        }
      }
    }
    if (*flag || pass == 1) break;
    Runtime::Get()->engine().Progress();
    if (r->complete) {
      *flag = true;
      break;
    }
  }
  return OkStatus();
}

}  // namespace zmpi::core
