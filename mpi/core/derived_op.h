// Point-to-point with datatypes whose data are not `count * size` bytes at buf: the cold path
// beside the contiguous one in p2p.h (docs/protocol-p2p.md, "Derived datatypes").
//
// Sends: an eager message packs straight into the transport's frame (Endpoint::SendWritten);
// a rendezvous one either sends its layout (large pieces: the receiver gathers in one copy)
// or packs as it leaves, chunk by chunk into the frames (kRtsPack; bulk transports: into one
// staging buffer). Only a frame the transport cannot take now is packed into staging.
// Receives post a capacity of 0 bytes (the real one is count * size, here), so that every
// nonempty message takes the engine's existing unlikely branch for truncation, which hands
// it to this path: eager payloads and kDataTyped chunks unpack straight into the user's
// layout, large pieces are read into it; only bulk transfers (ofi) and gathers into a small-
// piece layout land in a staging buffer that Engine::Complete unpacks, whatever completes it
// (wait, test, MPI_Request_free'd receives, cancel). Contiguous derived types with data away
// from buf just shift the buffer.
#ifndef ZMPI_MPI_CORE_DERIVED_OP_H_
#define ZMPI_MPI_CORE_DERIVED_OP_H_

#include <cstdint>
#include <memory>

#include "common/status.h"
#include "mpi/core/datatype.h"
#include "mpi/core/p2p.h"
#include "mpi/core/protocol_format.h"
#include "mpi/datatype/type.h"
#include "transport/endpoint.h"

namespace zmpi::core {

struct Request;

// What a request with a derived datatype carries until it completes.
struct DerivedOp {
  datatype::TypeRef type;  // keeps the type alive if the user frees it meanwhile
  void* user_buf = nullptr;
  int64_t count = 0;
  std::unique_ptr<char[]> staging;
  // A receive whose pieces are large enough to land straight in the user's layout when the
  // transport reads the sender's memory (single copy); `landed` once the data went (or go, as
  // kDataTyped chunks) straight into the layout: nothing left to unpack.
  bool direct = false;
  bool landed = false;
  // A rendezvous send that packs as its data leave (kRtsPack): bytes packed into frames so
  // far, and the receiver's request and the data frame type from its kCts.
  bool stream = false;
  int64_t streamed = 0;
  int64_t stream_end = 0;
  uint64_t stream_rreq = 0;
  uint8_t stream_type = 0;
  // A send not packed yet (`staging` empty): its kRts carries `rts` (the layout, wire format
  // in protocol_format.h) so a reading receiver gathers straight from user_buf; kCts packs.
  bool lazy = false;
  std::unique_ptr<char[]> rts;
  size_t rts_len = 0;

  // Every send and receive with such a type makes one: kept on a short per-thread free list
  // instead of a malloc and free each (a halo exchange of small faces makes four per step).
  static void* operator new(size_t bytes);
  static void operator delete(void* p);
};

// Pieces of at least this mean size are read straight into a receive's layout; smaller ones
// are cheaper packed (one syscall iovec per piece costs more than copying it twice).
inline constexpr int64_t kDirectMinPiece = 512;

// args.buf/bytes are ignored: (buf, count, type) describe the data.
StatusOr<Request*> IsendTyped(const void* buf, int64_t count, const Datatype& type, SendArgs args);
Status SendTyped(const void* buf, int64_t count, const Datatype& type, SendArgs args);
StatusOr<Request*> IrecvTyped(void* buf, int64_t count, const Datatype& type, RecvArgs args);

// The state of a receive of (buf, count, t) whose type is not contiguous, for a request whose
// capacity (Request::bytes) is then 0 and whose recv_buf is null (file comment).
std::unique_ptr<DerivedOp> RecvState(void* buf, int64_t count, const Datatype& t);
// A receive's real capacity: count * size.
inline size_t Capacity(const DerivedOp& op) {
  return static_cast<size_t>(op.count * op.type->size());
}
// The staging buffer of a receive (allocated on first use): where bulk data land.
char* RecvStaging(DerivedOp& op);
// Unpacks the packed bytes [pos, pos + n) of a receive's message into its layout.
void UnpackAt(const DerivedOp& op, int64_t pos, const void* from, size_t n);
// A writer (transport/endpoint.h) that packs bytes [pos, pos + len) of a send's data.
struct PackSource {
  const datatype::Type* type;
  const void* buf;
  int64_t count;
  int64_t pos;
};
void WritePacked(void* source, void* to, size_t len);

// Isend with the state attached before the send starts (p2p.cc); on error as IrecvDerived.
StatusOr<Request*> IsendDerived(const SendArgs& args, DerivedOp* derived);
// Irecv with the staging state attached from the start (p2p.cc). On error the request is
// released and `derived` is still the caller's.
StatusOr<Request*> IrecvDerived(const RecvArgs& args, DerivedOp* derived);

// Packs/unpacks (buf, count, type) to/from contiguous bytes (count * size). Any type.
void PackTyped(const void* buf, int64_t count, const Datatype& type, void* packed);
void UnpackTyped(const void* packed, int64_t bytes, void* buf, int64_t count, const Datatype& type);

// external32 (MPI_Pack_external): bytes of `count` elements, and the conversions.
int64_t External32Bytes(int64_t count, const Datatype& type);
Status PackExternal32(const void* buf, int64_t count, const Datatype& type, void* out);
Status UnpackExternal32(const void* in, int64_t count, const Datatype& type, void* buf);

// The single-copy read of a rendezvous receive with a derived datatype: true if it takes the
// direct path (ReadIntoLayout), else the caller reads into r->recv_buf (the staging buffer).
inline bool ReadsDirect(const Request* r);
// Reads `bytes` of the sender's contiguous data at remote_addr into the receive's layout.
Status ReadIntoLayout(transport::Endpoint& endpoint, int peer, uint64_t remote_addr, Request* r,
                      size_t bytes);

// Packs a lazy send now (its receiver answered kCts): send_buf becomes the staging buffer.
void PackDerivedSend(Request* r);
// The single-copy read of a kRts with kRtsLayout: gathers the sender's pieces (its layout in
// the payload) into the receive's buffer or, when it reads direct, its layout.
Status ReadFromLayout(transport::Endpoint& endpoint, int peer, const FrameHeader& header,
                      const void* payload, size_t len, Request* r, size_t bytes);

// Engine::Complete's cold branch: unpacks a receive's data, frees the staging buffer.
void FinishDerived(Request* r);

}  // namespace zmpi::core

#include "mpi/core/request.h"

namespace zmpi::core {
inline bool ReadsDirect(const Request* r) { return r->derived != nullptr && r->derived->direct; }
}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_DERIVED_OP_H_
