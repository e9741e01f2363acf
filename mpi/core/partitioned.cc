#include "mpi/core/partitioned.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "mpi/core/p2p.h"
#include "mpi/core/request_ext.h"
#include "mpi/core/runtime.h"
#include "mpi/datatype/layout.h"
#include "mpi/datatype/type.h"

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
  bool paired = false;               // receiver: the handshake came in
  bool hs_done = false;              // the handshake's message completed (or failed)
  Status hs_error;                   // how it failed
  Request* hs_child = nullptr;       // the handshake's request while in flight
  size_t pending = 0;                // parts of this round not yet complete
  std::vector<uint32_t> unit_ready;  // sender: partitions readied per unit this round
  std::vector<uint8_t> readied;      // sender: partitions readied this round
  std::vector<uint8_t> unit_done;    // receiver: units arrived this round
  // A non-contiguous datatype: the data travel packed through `staging`.
  bool typed = false;
  Datatype type{};
  datatype::TypeRef keep;  // the type's engine object, if the user frees the type meanwhile
  int64_t total_count = 0;
  std::unique_ptr<char[]> staging;
  std::vector<Request*> unit_req;  // this round's unit messages still in flight

  void FailDeadPeers() override {
    if (hs_child != nullptr) zmpi::core::FailDeadPeers(&hs_child, 1);
    std::vector<Request*> units = unit_req;  // failing one completes it (and clears its slot)
    zmpi::core::FailDeadPeers(units.data(), static_cast<int>(units.size()));
  }
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

// Where units are sent from and received into.
char* Data(PartitionedExt& e) { return e.typed ? e.staging.get() : static_cast<char*>(e.args.buf); }

// Typed requests: packs or unpacks the packed range [at, at + len) between the user's layout
// and the staging buffer.
void PackRange(PartitionedExt& e, size_t at, size_t len) {
  if (!e.typed || len == 0) return;
  datatype::Pack(e.type.type->layout(), e.type.type->extent(), e.args.buf, e.total_count,
                 static_cast<int64_t>(at), static_cast<int64_t>(len), e.staging.get() + at);
}
void UnpackRange(PartitionedExt& e, size_t at, size_t len) {
  if (!e.typed || len == 0) return;
  datatype::Unpack(e.type.type->layout(), e.type.type->extent(), e.args.buf, e.total_count,
                   static_cast<int64_t>(at), static_cast<int64_t>(len), e.staging.get() + at);
}

// Every unit is received, clipped to what fits the receive buffer: a send larger than the
// receive ends with the kTruncate of the units that do not fit (the request's error), and
// the sender's messages never stay behind unmatched.
void PostUnitRecvs(Request* r) {
  PartitionedExt& e = Ext(r);
  size_t capacity = e.args.partitions * e.args.partition_bytes;
  e.unit_done.assign(e.hs.units, 0);
  e.unit_req.assign(e.hs.units, nullptr);
  e.pending += e.hs.units;
  for (size_t u = 0; u < e.hs.units; ++u) {
    size_t at = u * e.hs.unit_bytes;
    size_t room = capacity > at ? std::min(capacity - at, UnitBytes(e.hs, u)) : 0;
    RecvArgs a{Data(e) + (room ? at : 0), room,        e.args.rank,
               DataTag(e.hs.channel, u),  e.args.comm, Channel::kColl};
    StatusOr<Request*> c = Irecv(a);
    if (!c.ok()) {
      if (r->error.ok()) r->error = c.status();
      --e.pending;
      e.unit_done[u] = 1;
      continue;
    }
    e.unit_req[u] = *c;
    Adopt(*c, r, static_cast<uint32_t>(u), PartDone);
  }
}

// A part of a partitioned request's round completed: unit `part`.
void PartDone(Request* child) {
  Request* r = child->parent;
  PartitionedExt& e = Ext(r);
  if (!child->error.ok() && r->error.ok()) r->error = child->error;
  if (child->part < e.unit_req.size()) e.unit_req[child->part] = nullptr;
  if (r->kind == RequestKind::kPartRecv) {
    e.unit_done[child->part] = 1;
    if (child->error.ok()) UnpackRange(e, child->part * e.hs.unit_bytes, child->status_bytes);
  }
  if (--e.pending == 0) Runtime::Get()->engine().Complete(r);
}

// The handshake's message completed. A round that waits for it (the first) goes on.
void HandshakeDone(Request* child) {
  Request* r = child->parent;
  PartitionedExt& e = Ext(r);
  e.hs_child = nullptr;
  e.hs_done = true;
  if (!child->error.ok()) e.hs_error = child->error;
  if (r->kind == RequestKind::kPartRecv && e.hs_error.ok()) e.paired = true;
  if (!r->active || r->complete) return;  // no round yet: Start sees hs_done
  if (!e.hs_error.ok() && r->error.ok()) r->error = e.hs_error;
  if (e.paired) {
    r->status_bytes = e.hs.total_bytes;
    PostUnitRecvs(r);
  }
  if (--e.pending == 0) Runtime::Get()->engine().Complete(r);
}

// At initialization: pairs this request with its peer's in the order of the init calls.
void StartHandshake(Request* r) {
  PartitionedExt& e = Ext(r);
  if (e.args.rank == MPI_PROC_NULL) {
    e.hs_done = true;
    return;
  }
  const int tag = kHandshakeTagBit | e.args.tag;
  StatusOr<Request*> c =
      r->kind == RequestKind::kPartSend
          ? Isend({&e.hs, sizeof(e.hs), e.args.rank, tag, e.args.comm, SendMode::kStandard,
                   Channel::kColl})
          : Irecv({&e.hs, sizeof(e.hs), e.args.rank, tag, e.args.comm, Channel::kColl});
  if (!c.ok()) {
    e.hs_done = true;
    e.hs_error = c.status();
    return;
  }
  e.hs_child = *c;
  Adopt(*c, r, kHandshakePart, HandshakeDone);
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
  if (a.type != nullptr) {
    ext->typed = true;
    ext->type = *a.type;
    ext->keep = datatype::TypeRef(a.type->type);
    ext->total_count = a.count * static_cast<int64_t>(a.partitions);
    ext->staging.reset(new char[r->bytes > 0 ? r->bytes : 1]);
  }
  r->ext = std::move(ext);
  return r;
}

Status StartSend(Request* r) {
  PartitionedExt& e = Ext(r);
  e.unit_ready.assign(e.hs.units, 0);
  e.readied.assign(e.args.partitions, 0);
  e.unit_req.assign(e.hs.units, nullptr);
  if (e.args.rank == MPI_PROC_NULL) {
    Runtime::Get()->engine().Complete(r);
    return OkStatus();
  }
  if (!e.hs_error.ok()) return e.hs_error;
  // The units, this call (so no part completes r early), and the handshake if still going.
  e.pending = e.hs.units + 1 + (e.hs_done ? 0 : 1);
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
  if (!e.hs_error.ok()) return e.hs_error;
  e.unit_done.clear();
  e.pending = 1;
  if (e.paired) {
    r->status_bytes = e.hs.total_bytes;
    PostUnitRecvs(r);
  } else {
    ++e.pending;  // HandshakeDone posts the units
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
  StartHandshake(r);
  return r;
}

Request* PrecvInit(const PartitionedArgs& a) {
  Request* r = NewPartitioned(RequestKind::kPartRecv, a);
  StartHandshake(r);
  return r;
}

void PartitionedFree(Request* r) {
  PartitionedExt& e = Ext(r);
  if (Request* child = e.hs_child) {
    // The handshake's buffer lives in the extension: the child keeps it until it completes.
    child->on_complete = nullptr;
    child->parent = nullptr;
    child->ext = std::move(r->ext);
  }
  Runtime::Get()->requests().Release(r);
}

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
    PackRange(e, u * e.hs.unit_bytes, UnitBytes(e.hs, u));
    SendArgs a{Data(e) + u * e.hs.unit_bytes,
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
    e.unit_req[u] = *c;
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
