// Fabric: the libfabric objects behind one ofi Endpoint, opened on one named network interface.
//
// It owns, and closes in reverse order, a fabric, a domain, an address vector (FI_AV_TABLE), a
// completion queue (FI_CQ_FORMAT_TAGGED) and an RDM endpoint with FI_TAGGED and
// FI_DIRECTED_RECV, bound and enabled. The interface is chosen here and never left to the
// provider: fi_getinfo gets the interface's own address as node with FI_SOURCE, and only a
// result whose provider is exactly the one asked for and whose domain is the interface is used.
// Not thread-safe; never blocks except inside libfabric's open/close calls.
#ifndef ZMPI_TRANSPORT_OFI_FABRIC_H_
#define ZMPI_TRANSPORT_OFI_FABRIC_H_

#include <rdma/fabric.h>
#include <rdma/fi_domain.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace zmpi::transport::ofi {

// A Status for a failed libfabric call: "fi_tsend: Connection refused (-111)", with an MPI
// error class chosen from the error (kProcAborted for a lost connection, kNoMem, kTruncate,
// otherwise kOther). `ret` is the call's negative return value.
Status OfiError(const char* call, ssize_t ret);
// Whether a libfabric error means the peer is gone (connection refused/reset/unreachable).
bool IsPeerLost(int fi_errno);

// ofi_rxm's eager limit as zmpi sets it (fabric.cc explains why): bulk chunks stay at or below
// it so each goes out as one eager message.
inline constexpr size_t kRxmEagerLimit = size_t{16} << 20;

class Fabric final {
 public:
  // Opens everything for `provider` ("net", "tcp", "tcp;ofi_rxm") on interface `iface` ("lo", "eth0").
  // `av_count` sizes the address vector (the world size). `blocking`: give the completion
  // queue a wait object where the provider is net (or tcp, its name from libfabric 1.18), so
  // that Block works (Options::blocking in endpoint.h says what it costs).
  static StatusOr<std::unique_ptr<Fabric>> Open(const std::string& provider,
                                                const std::string& iface, size_t av_count,
                                                bool blocking = false);
  ~Fabric();
  Fabric(const Fabric&) = delete;
  Fabric& operator=(const Fabric&) = delete;

  fid_ep* ep() const { return ep_; }
  fid_cq* cq() const { return cq_; }
  size_t inject_size() const { return inject_size_; }
  size_t max_msg_size() const { return max_msg_size_; }
  size_t tx_size() const { return tx_size_; }
  size_t iov_limit() const { return iov_limit_; }  // pieces one send may gather
  size_t rx_size() const { return rx_size_; }
  // The provider actually opened ("net", "tcp;ofi_rxm", ...).
  const std::string& provider() const { return provider_; }
  // "<provider>/<the endpoint's name (fi_getname) as lowercase hex>".
  const std::string& address() const { return address_; }
  // Inserts a peer's address() into the address vector; kUnsupported when the peer opened
  // another provider.
  StatusOr<fi_addr_t> Insert(const std::string& address);
  // Text for a failed completion (fi_cq_strerror).
  std::string CompletionErrorText(const fi_cq_err_entry& entry) const;
  // Whether the completion queue has a wait object, i.e. Block can block.
  bool waits() const { return waits_; }
  // Blocks until the completion queue holds a completion (or an error), `timeout_ms` pass or
  // a signal comes; returns at once if one is there. Drives the provider's progress meanwhile
  // (it reads the sockets as they become ready) but takes no completion. Only where waits().
  void Block(int timeout_ms);

 private:
  Fabric() = default;
  Status Init(const fi_info* info, size_t av_count, bool blocking);
  Status OpenCq(bool blocking);

  fid_fabric* fabric_ = nullptr;
  fid_domain* domain_ = nullptr;
  fid_av* av_ = nullptr;
  fid_cq* cq_ = nullptr;
  fid_ep* ep_ = nullptr;
  size_t inject_size_ = 0;
  size_t max_msg_size_ = 0;
  size_t tx_size_ = 0;
  size_t iov_limit_ = 0;
  size_t rx_size_ = 0;
  bool waits_ = false;
  std::string provider_;
  std::string address_;
};

}  // namespace zmpi::transport::ofi

#endif  // ZMPI_TRANSPORT_OFI_FABRIC_H_
