// MPI_Comm_idup: DupComm's context agreement (context_agreement_op.h) as a PendingOp that
// advances during progress, so the call returns at once and the request completes while the
// program does other work. An intercommunicator's agreement runs between the two groups'
// roots over the intercommunicator itself and also picks each group's local id.
//
// Attributes are copied when MPI_Comm_idup is called (the copy callbacks are user code, which
// progress never runs), onto a placeholder handle; at completion they move to the new
// communicator. If the agreement fails they are dropped without delete callbacks.
#include <memory>

#include "mpi/core/comm_ops.h"
#include "mpi/core/context_agreement.h"
#include "mpi/core/context_agreement_op.h"
#include "mpi/core/object_attributes.h"
#include "mpi/core/p2p.h"
#include "mpi/core/pending_op.h"
#include "mpi/core/request.h"
#include "mpi/core/runtime.h"

namespace zmpi::core {
namespace {

// Placeholder handles for attributes copied ahead of time: small positive numbers, which no
// MPI handle is (handles carry their kind in bits 26-31).
int NextPlaceholder() {
  static int next = 0;
  next = next % 0x00ffffff + 1;
  return next;
}

Party IdupParty(Comm& parent) {
  return WholeParty(parent.is_inter() ? *parent.local_comm() : parent);
}

class IdupOp final : public PendingOp {
 public:
  IdupOp(Comm& parent, const Info* info, MPI_Comm* out, Request* request, int placeholder)
      : parent_(parent),
        out_(out),
        request_(request),
        placeholder_(placeholder),
        party_(IdupParty(parent)),
        bridge_{&parent, 0, parent.is_inter() ? parent.NextCollTag() : 0},
        agreement_(party_, parent.is_inter() ? &bridge_ : nullptr, parent.is_inter(),
                   /*blocking=*/false) {
    if (info != nullptr) {
      info_ = *info;
      has_info_ = true;
    }
  }

  // Starts the agreement; true if it already ended.
  bool Start() {
    agreement_.Start();
    return agreement_.done();
  }

  bool Advance() override {
    if (!agreement_.Advance()) {
      // A member that died fails the agreement rather than leaving it pending forever.
      if ((++advances_ & 1023) == 0) agreement_.FailDeadPeers();
      return false;
    }
    Finish();
    return true;
  }

  // The agreement ended: the new communicator, or the error, on the request.
  void Finish() {
    Status error = agreement_.status();
    if (error.ok()) {
      Comm* dup = MakeDup(parent_, agreement_.context(), agreement_.local_context(),
                          has_info_ ? &info_ : nullptr);
      MoveAttributes(HandleKind::kComm, placeholder_, dup->handle());
      *out_ = dup->handle();
    } else {
      DiscardAttributes(HandleKind::kComm, placeholder_);
    }
    request_->error = std::move(error);
    Runtime::Get()->engine().Complete(request_);
  }

 private:
  Comm& parent_;
  MPI_Comm* out_;
  Request* request_;
  const int placeholder_;
  Party party_;
  Bridge bridge_;
  ContextAgreement agreement_;
  Info info_;
  bool has_info_ = false;
  unsigned advances_ = 0;
};

}  // namespace

StatusOr<MPI_Request> IdupComm(Comm& parent, const Info* info, MPI_Comm* out) {
  Runtime& rt = *Runtime::Get();
  const int placeholder = NextPlaceholder();
  ZMPI_RETURN_IF_ERROR(CopyAttributes(HandleKind::kComm, parent.handle(), placeholder));
  Request* request = rt.requests().Allocate(RequestKind::kSend);
  request->comm = &parent;
  auto op = std::make_unique<IdupOp>(parent, info, out, request, placeholder);
  if (op->Start()) {
    op->Finish();
  } else {
    rt.engine().AddPendingOp(std::move(op));
  }
  return RequestPool::ToHandle(request);
}

}  // namespace zmpi::core
