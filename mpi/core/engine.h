// The point-to-point engine: the eager and rendezvous protocols over the transports, message
// matching, and the progress loop. One per process, owned by the Runtime.
//
// Sends pick the peer's endpoint; a frame the endpoint cannot take now goes to that peer's
// backlog, and everything after it to that peer queues behind it, so frames leave in order.
// Progress polls every endpoint (this object is their FrameSink) and drains backlogs. Errors
// found during progress are stored on the request they concern; nothing here calls user
// code. Not thread-safe (the library provides MPI_THREAD_SERIALIZED).
#ifndef ZMPI_MPI_CORE_ENGINE_H_
#define ZMPI_MPI_CORE_ENGINE_H_

#include <sys/types.h>

#include <cstddef>
#include <deque>
#include <memory>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "mpi/core/counters.h"
#include "mpi/core/handles.h"
#include "mpi/core/matching.h"
#include "mpi/core/pending_op.h"
#include "mpi/core/protocol_format.h"
#include "mpi/core/request.h"
#include "mpi/core/stream_set.h"
#include "transport/endpoint.h"

namespace zmpi::core {

class Comm;

// A peer process on this host (Engine::WatchProcess): a descriptor that turns readable when it
// exits (platform::OpenProcessWatch) or, where the OS has none, its pid.
struct ProcessWatch {
  explicit ProcessWatch(pid_t process);
  ~ProcessWatch();
  ProcessWatch(const ProcessWatch&) = delete;
  ProcessWatch& operator=(const ProcessWatch&) = delete;
  bool Gone();

  pid_t pid = 0;
  int fd = -1;
  bool gone = false;
};

class Engine final : public transport::FrameSink {
 public:
  Engine(const Config& config, RequestPool& pool);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Takes ownership of an endpoint; then AssignPeer routes world ranks through it.
  transport::Endpoint* AddEndpoint(std::unique_ptr<transport::Endpoint> endpoint);
  void AssignPeer(int world_rank, transport::Endpoint* endpoint);
  // Name of the endpoint that carries traffic to `world_rank` ("shm", "ofi", "self").
  const char* TransportOf(int world_rank) const;

  // Start a send: request has comm, context, rank (destination), peer, send_buf, bytes.
  Status StartSend(Request* request, bool synchronous);
  // StartSend of a request that carries a derived datatype's DerivedOp (engine_typed.cc): an
  // eager message packs straight into the transport's frame, a rendezvous one announces its
  // layout (kRtsLayout) or that it packs as it leaves (kRtsPack).
  Status StartSendTyped(Request* request, bool synchronous);
  // A blocking eager send of a derived datatype with no request: `writer` packs the payload
  // into the transport's frame; false = nothing sent (a backlog, no room now).
  StatusOr<bool> TrySendWritten(int peer, uint32_t context, int source, int tag, size_t bytes,
                                const transport::PayloadWriter& writer);
  // Sends an eager frame at once if the peer's endpoint takes it now (fits the eager limit
  // and is copied by the endpoint, nothing queued to that peer); false = nothing sent. For
  // blocking sends: no request. Inline: it is most of a blocking send.
  StatusOr<bool> TrySendNow(int peer, uint32_t context, int source, int tag, const void* buf,
                            size_t bytes) {
    Peer& p = peers_[peer];
    if (bytes > p.copied_limit || !p.backlog.empty()) return NotNow(peer, bytes);
    FrameHeader h = MatchHeader(FrameType::kEager, context, source, tag, bytes);
    transport::Frame frame{&h, sizeof(h), buf, bytes};
    ZMPI_ASSIGN_OR_RETURN(transport::SendResult sent, p.endpoint->Send(peer, frame));
    if (sent != transport::SendResult::kDone) return false;
    ++p.counters->messages_sent;
    p.counters->bytes_sent += bytes;
    return true;
  }
  // Largest message that goes eagerly to `world_rank`; larger ones take a rendezvous.
  size_t EagerLimit(int world_rank) const { return peers_[world_rank].eager_limit; }
  // Largest payload one frame to `world_rank` carries.
  size_t MaxPayload(int world_rank) const { return peers_[world_rank].endpoint->MaxPayload(); }
  // Start a receive: request has comm, context, rank (source or ANY), tag, recv_buf, bytes.
  Status StartRecv(Request* request);
  // Matching message already here? Fills status and returns true.
  bool Probe(uint32_t context, int source, int tag, int* out_source, int* out_tag,
             size_t* out_bytes);
  // Matched probe (MPI_Improbe): removes the oldest matching message (eager data or a
  // rendezvous announcement) from matching and keeps it under a new message handle (an
  // indirect handle of kind kRequest) until StartMatchedRecv; false if none is here.
  // `comm` is remembered with it (MessageComm), for the receive's error handler.
  bool TakeMatched(Comm* comm, uint32_t context, int source, int tag, int* handle,
                   int* out_source, int* out_tag, size_t* out_bytes);
  // The communicator of a message kept by TakeMatched, or nullptr if `handle` names none.
  Comm* MessageComm(int handle) const {
    const MatchedMessage* m = messages_.Find(handle);
    return m != nullptr ? m->comm : nullptr;
  }
  // Receives the message under `handle` into `request` (set up as for StartRecv; its
  // source and tag are ignored) and frees the handle; false if the handle names none.
  bool StartMatchedRecv(Request* request, int handle);
  // Withdraws a posted receive that has not matched yet; true if it was withdrawn.
  bool CancelRecv(Request* request);
  // Receives posted and not matched yet, over every communicator (a walk of the queues: for
  // the tool interface, not for the hot path).
  size_t PostedReceives() const { return matcher_.PostedCount(); }
  // Bytes of eager messages buffered as unexpected.
  size_t unexpected_bytes() const { return unexpected_bytes_; }
  // Sets ZMPI_EAGER_LIMIT anew (MPI_T): every peer's eager limit is recomputed as at
  // AssignPeer. Only sends started afterwards see it.
  void SetEagerLimit(size_t limit);

  // One pass over all endpoints and backlogs; returns how many events happened.
  int Progress();
  // Blocks until a peer wakes this rank (a frame arrived, or room for a backlogged send) or
  // `seconds` pass, where the transports allow it: one endpoint Wakes and every other one is
  // Quiet (ranks outnumber CPUs, all peers over shm). false (nothing done) otherwise.
  bool Sleep(double seconds);
  // Progresses until no backlog remains and every endpoint is Idle, or the time runs out.
  void Flush(double timeout_seconds);
  // Whether the peer's endpoint still believes the peer is alive, and its process (when
  // WatchProcess named it) has not exited.
  bool PeerAlive(int world_rank);
  // The peer runs on this host as process `pid` but is reached through a network endpoint,
  // which cannot tell its death from a quiet peer (docs/transport-ofi.md, "When a peer
  // dies"): PeerAlive also asks the OS. Call after AssignPeer.
  void WatchProcess(int world_rank, pid_t pid);
  // Ends a request whose peer died: withdraws it from matching and from the peer's backlog
  // (nothing more reaches a dead peer) and completes it with kProcAborted.
  void FailPeerDead(Request* request);
  // Ranks outnumber CPUs on this host: streams do not pace themselves against their peer's
  // (engine_typed.cc, kStreamLead): a peer that waits for a CPU would hold them back.
  void set_oversubscribed(bool oversubscribed) { oversubscribed_ = oversubscribed; }
  // Runs `op` after each progress pass until it is done (pending_op.h).
  void AddPendingOp(std::unique_ptr<PendingOp> op) { pending_ops_.push_back(std::move(op)); }
  // Marks the request done; runs its on_complete hook and releases it if the user already
  // freed it.
  void Complete(Request* request);

  // FrameSink.
  bool OnFrame(int peer, const transport::Frame& frame) override;
  void OnBulkDone(void* cookie, Status status) override;

 private:
  struct Outgoing {
    FrameHeader header;
    const void* payload;
    size_t len;
    Request* done_when_sent;  // completed once the frame is out (eager sends, last chunk)
  };
  struct Peer {
    transport::Endpoint* endpoint = nullptr;
    size_t eager_limit = 0;
    // Eager payloads of at least reference_min go from the sender's memory (SendReferenced)
    // when a request completes with the frame; copied_limit: the largest that is copied.
    size_t reference_min = SIZE_MAX;
    size_t copied_limit = 0;
    TransportCounters* counters = nullptr;  // of this peer's transport (counters.h)
    std::deque<Outgoing> backlog;
    std::unique_ptr<ProcessWatch> process;  // WatchProcess; null for most peers
  };

  Status Post(int peer, const FrameHeader& header, const void* payload, size_t len,
              Request* done_when_sent);
  // Offers one outgoing frame to the peer's endpoint; completes done_when_sent on kDone.
  // Takes the fields, not an Outgoing: a frame that leaves at once is never copied into one.
  StatusOr<transport::SendResult> Transmit(int peer, const FrameHeader& header, const void* payload,
                                           size_t len, Request* done_when_sent);
  int DrainBacklogs();
  // The limits AssignPeer derives from ZMPI_EAGER_LIMIT and the peer's endpoint.
  void SetPeerEagerLimit(Peer& p, size_t limit);
  // Endpoint::ReadBeatsEager, per peer: contiguous messages from ZMPI_SINGLE_COPY_MIN up to
  // the eager limit go by rendezvous (a read) while no such send to this peer is in flight
  // (wire id of the last one in `last`), eagerly behind one (a window streams through the
  // ring). Not in Peer: its size (128 bytes) keeps the hot path's indexing a shift.
  // Only blocking sends read (`blocking`: TrySendNow declined this one): a window of
  // MPI_Isend streams through the ring, both ranks copying at once (a read for the first
  // message of each OSU bibw window cost 5-15% at 16 KiB).
  struct ReadChoice {
    bool beats_eager = false;
    bool blocking = false;
    uint64_t last = 0;
  };
  std::vector<ReadChoice> read_choice_;
  // Per peer: our kRts frames it has not answered yet (kFin or kCts). While there are any,
  // the peer has reads of our messages to do, and a read of its message is ours alone;
  // with none, the peer is only waiting, and may copy part of it (ReadAnnounced).
  std::vector<uint32_t> unanswered_rts_;
  // Per peer: reads in a row that found no kRts of ours unanswered. A read after a stretch of
  // exchange is offered only from kQuietReads on: in a window of OSU bibw the last reads
  // find ours answered, and a half copied by the peer then sits in its cache when the next
  // window reads into the same buffer alone (bibw 1-2 MiB 5% slower).
  static constexpr uint32_t kQuietReads = 8;
  std::vector<uint32_t> quiet_reads_;
  void CountRts(int peer) { ++unanswered_rts_[peer]; }
  void CountAnswer(int peer) {
    if (unanswered_rts_[peer] > 0) --unanswered_rts_[peer];
  }
  Status ReadAnnounced(int peer, uint64_t remote_addr, void* local, size_t len);
  // StartSend of a message above copied_limit and within the eager limit: whether to read.
  [[gnu::cold, gnu::noinline]] bool ReadInstead(const Request* r);
  // TrySendNow declined: a blocking send of `bytes` follows through StartSend.
  [[gnu::cold, gnu::noinline]] StatusOr<bool> NotNow(int peer, size_t bytes);
  [[gnu::cold, gnu::noinline]] int AdvancePendingOps();
  [[gnu::cold, gnu::noinline]] static void LogPollError(transport::Endpoint& endpoint,
                                                        const Status& error);
  // A frame without payload; `addr` goes into the header's addr field (kCts: the layout).
  void PostControl(int peer, FrameType type, uint64_t sreq, uint64_t rreq, uint64_t bytes,
                   Request* blame, uint64_t addr = 0, uint16_t flags = 0);
  [[gnu::always_inline]] bool OnMatchable(int peer, const FrameHeader& header, const void* payload,
                                          size_t len);
  // No receive matched: queue the message as unexpected (false = over budget, hold it).
  [[gnu::noinline]] bool KeepUnexpected(MatchQueues& q, int peer, const FrameHeader& header,
                                        const void* payload, size_t len);
  // An unmatched kRts of a standard send within the eager limit: read now (engine.cc).
  [[gnu::cold, gnu::noinline]] bool KeepUnexpectedRead(MatchQueues& q, int peer,
                                                       const FrameHeader& header);
  [[gnu::always_inline]] void DeliverEager(Request* r, int peer, const FrameHeader& header,
                                           const void* payload, size_t len);
  [[gnu::cold, gnu::noinline]] void CompleteCold(Request* request);
  void DeliverUnexpected(Request* r, std::unique_ptr<Unexpected>& u);
  // A receive matched an unexpected kRts: starts the rendezvous after this call (engine.cc).
  [[gnu::cold, gnu::noinline]] void DeferRendezvous(Request* r,
                                                    std::unique_ptr<Unexpected> message);
  // `payload`: the kRts frame's (the sender's layout with kRtsLayout), nullptr if not known
  // (then a layout RTS is answered with kCts and the sender packs).
  void StartRendezvousRecv(Request* r, int peer, const FrameHeader& header,
                           const void* payload = nullptr, size_t len = 0);
  // After a rendezvous match: a bulk receive and kCts (with `cts_flags`) for n bytes.
  void AskForData(Request* r, int peer, const FrameHeader& header, size_t n, uint16_t cts_flags);
  void OnCts(int peer, const FrameHeader& header);
  // Derived datatypes (engine_typed.cc), all cold: an eager message for a receive of capacity
  // 0 (derived_op.h) or one that is truncated; a rendezvous with a derived type on either
  // side; a kCts for a derived send; kDataTyped chunks.
  [[gnu::cold, gnu::noinline]] void DeliverEagerCold(Request* r, const FrameHeader& header,
                                                     const void* payload, size_t len);
  [[gnu::cold, gnu::noinline]] void StartRendezvousTyped(Request* r, int peer,
                                                         const FrameHeader& header,
                                                         const void* payload, size_t len);
  [[gnu::cold, gnu::noinline]] void OnCtsTyped(int peer, const FrameHeader& header, Request* r);
  [[gnu::cold, gnu::noinline]] void OnDataTyped(const FrameHeader& header, const void* payload,
                                                size_t len);
  // Packs what the transport takes now of a send that packs as it leaves (kRtsPack); true
  // once the request is done (all sent, failed, or gone).
  bool PumpStream(int peer, uint64_t sreq);
  bool PumpStreamFrames(int peer, uint64_t sreq);  // PumpStream without the stream list
  // PumpStreamFrames while several short streams go to one shm peer: one frame for all of
  // them, packed by the first; true once `r` is done.
  bool PumpCombined(int peer, Request* r, Request* const* streams, int n);
  // Whether a stream to `peer` that has packed `streamed` bytes runs too far ahead of the
  // peer's streams to us (engine_typed.cc, kStreamLead); prunes ended ones from incoming_.
  bool StreamRunsAhead(int peer, int64_t streamed);
  friend class StreamOp;
  friend class DeferredRendezvousOp;
  void OnData(const FrameHeader& header, const void* payload, size_t len);
  void OnAck(const FrameHeader& header);
  void SetRecvStatus(Request* r, const FrameHeader& header, size_t delivered);
  [[gnu::cold, gnu::noinline]] static void FailTruncated(Request* r, const FrameHeader& header);

  const Config& config_;
  RequestPool& pool_;
  std::vector<std::unique_ptr<transport::Endpoint>> endpoints_;
  std::vector<Peer> peers_;
  // Each peer's Peer::counters again, dense: an arriving message finds its transport's
  // counters with one indexed load instead of a Peer entry's address.
  std::vector<TransportCounters*> peer_counters_;
  std::vector<int> backlogged_;  // peers whose backlog is not empty
  Matcher matcher_;
  size_t unexpected_bytes_ = 0;
  std::vector<std::unique_ptr<PendingOp>> pending_ops_;
  // Frames streaming sends packed since AdvancePendingOps last looked: progress events, so a
  // wait that streams keeps spinning instead of yielding (engine_typed.cc).
  int stream_frames_ = 0;
  StreamSet streams_;  // streaming sends between their kCts and their last frame
  // Receives of a peer's stream over shm (kDataTyped chunks), between their kCts and their
  // last chunk: a stream to that peer paces itself against them (StreamRunsAhead).
  StreamSet incoming_;
  bool oversubscribed_ = false;  // set_oversubscribed
  struct MatchedMessage {
    std::unique_ptr<Unexpected> message;
    Comm* comm;
  };
  HandleTable<MatchedMessage, HandleKind::kRequest> messages_;  // taken by a matched probe
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_ENGINE_H_
