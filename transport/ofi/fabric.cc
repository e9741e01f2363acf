#include "transport/ofi/fabric.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <rdma/fi_cm.h>
#include <rdma/fi_endpoint.h>
#include <rdma/fi_eq.h>
#include <rdma/fi_errno.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "common/log.h"
#include "transport/ofi/libfabric.h"

namespace zmpi::transport::ofi {
namespace {

// Frees an fi_info list on every path out of Open.
struct InfoList {
  fi_info* head = nullptr;
  ~InfoList() {
    if (head != nullptr) Fi().freeinfo(head);
  }
};

// The numeric address of interface `iface` (IPv4 preferred, then IPv6), or an error that
// lists the interfaces that do exist.
StatusOr<std::string> InterfaceAddress(const std::string& iface) {
  if (iface.empty()) {
    return Error(Code::kArg, "ofi: no network interface given (set ZMPI_OFI_IFACE, e.g. lo)");
  }
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return Error(Code::kOther, "ofi: getifaddrs: %s", strerror(errno));
  }
  std::string v4, v6;
  std::vector<std::string> names;  // every interface once, for the error below
  bool exists = false;
  for (ifaddrs* it = list; it != nullptr; it = it->ifa_next) {
    if (it->ifa_name == nullptr) continue;
    if (std::find(names.begin(), names.end(), it->ifa_name) == names.end()) {
      names.push_back(it->ifa_name);
    }
    if (iface != it->ifa_name) continue;
    exists = true;
    if (it->ifa_addr == nullptr) continue;
    char text[INET6_ADDRSTRLEN] = {};
    if (it->ifa_addr->sa_family == AF_INET && v4.empty()) {
      auto* sin = reinterpret_cast<sockaddr_in*>(it->ifa_addr);
      inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text));
      v4 = text;
    } else if (it->ifa_addr->sa_family == AF_INET6 && v6.empty()) {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(it->ifa_addr);
      if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr)) continue;  // needs a scope id: skip
      inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text));
      v6 = text;
    }
  }
  freeifaddrs(list);
  if (!exists) {
    std::string all;
    for (const std::string& n : names) all += (all.empty() ? "" : ", ") + n;
    return Error(Code::kArg, "ofi: network interface '%s' does not exist (interfaces: %s)",
                 iface.c_str(), all.c_str());
  }
  if (v4.empty() && v6.empty()) {
    return Error(Code::kArg, "ofi: network interface '%s' has no usable IP address", iface.c_str());
  }
  return v4.empty() ? v6 : v4;
}

// ofi_rxm sends a tagged message above its eager limit (16 KiB by default) with its own
// rendezvous: the receiver answers the announcement with an RMA read and an acknowledgement,
// three extra one-way trips per bulk transfer on top of zmpi's own RTS/CTS, and frames of
// 16 KiB + headers fell just past the limit. zmpi never needs that: a bulk receive is posted
// before the CTS that lets its sender start, and frame receives stay posted. With tcp, rxm's
// eager path places the data straight into the posted buffer (dynamic receive buffers), so
// raising the limit removes the extra trips without adding a copy. Set before libfabric reads
// its environment (the first fi_getinfo of the process); a value the user set wins.
void TuneProviders() {
  static const bool done = [] {
    char value[32];
    snprintf(value, sizeof(value), "%zu", kRxmEagerLimit);
    setenv("FI_OFI_RXM_EAGER_LIMIT", value, /*overwrite=*/0);
    return true;
  }();
  (void)done;
}

fi_info* MakeHints(const std::string& provider) {
  fi_info* hints = Fi().dupinfo(nullptr);  // fi_allocinfo()
  if (hints == nullptr) return nullptr;
  hints->ep_attr->type = FI_EP_RDM;
  hints->caps = FI_TAGGED | FI_DIRECTED_RECV;
  hints->mode = FI_CONTEXT | FI_CONTEXT2;  // we give every operation a fi_context2
  hints->domain_attr->mr_mode = FI_MR_VIRT_ADDR | FI_MR_ALLOCATED | FI_MR_PROV_KEY;
  hints->domain_attr->av_type = FI_AV_TABLE;
  hints->tx_attr->msg_order = FI_ORDER_SAS;
  hints->rx_attr->msg_order = FI_ORDER_SAS;
  hints->fabric_attr->prov_name = strdup(provider.c_str());
  return hints;
}

std::string Hex(const unsigned char* data, size_t len) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(2 * len, '0');
  for (size_t i = 0; i < len; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xF];
  }
  return out;
}

bool Unhex(const std::string& text, std::vector<unsigned char>* out) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (text.empty() || text.size() % 2 != 0) return false;
  out->resize(text.size() / 2);
  for (size_t i = 0; i < out->size(); ++i) {
    int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return true;
}

}  // namespace

bool IsPeerLost(int fi_errno) {
  switch (fi_errno) {
    case FI_ECONNREFUSED:
    case FI_ECONNRESET:
    case FI_ECONNABORTED:
    case FI_ENOTCONN:
    case FI_EHOSTUNREACH:
    case FI_ESHUTDOWN:
    case EPIPE:
    case FI_ETIMEDOUT:
      return true;
    default:
      return false;
  }
}

Status OfiError(const char* call, ssize_t ret) {
  int err = static_cast<int>(ret < 0 ? -ret : ret);
  Code code = Code::kOther;
  if (err == FI_ENOMEM) code = Code::kNoMem;
  if (err == FI_ETRUNC || err == FI_ETOOSMALL) code = Code::kTruncate;
  if (IsPeerLost(err)) code = Code::kProcAborted;
  return Error(code, "ofi: %s: %s (%d)", call, Fi().strerror(err), -err);
}

StatusOr<std::unique_ptr<Fabric>> Fabric::Open(const std::string& provider,
                                               const std::string& iface, size_t av_count,
                                               bool blocking) {
  ZMPI_ASSIGN_OR_RETURN(std::string node, InterfaceAddress(iface));
  ZMPI_RETURN_IF_ERROR(LoadFabricApi().status());
  TuneProviders();  // after the load: no other thread may read the environment meanwhile
  InfoList hints{MakeHints(provider)};
  if (hints.head == nullptr) return Error(Code::kNoMem, "ofi: fi_allocinfo failed");
  InfoList found;
  int ret = Fi().getinfo(FI_VERSION(1, 9), node.c_str(), nullptr, FI_SOURCE, hints.head, &found.head);
  if (ret == -FI_ENODATA) {
    return Error(Code::kUnsupported,
                 "ofi: provider '%s' offers no RDM endpoint with tagged messages on "
                 "interface %s (%s)",
                 provider.c_str(), iface.c_str(), node.c_str());
  }
  if (ret != 0) return OfiError("fi_getinfo", ret);
  // fi_getinfo also returns layerings we did not ask for ("net;ofi_rxm" for "net") and may
  // return other interfaces: take the exact provider on the exact interface.
  const fi_info* chosen = nullptr;
  for (const fi_info* it = found.head; it != nullptr && chosen == nullptr; it = it->next) {
    if (provider == it->fabric_attr->prov_name && it->domain_attr->name != nullptr &&
        iface == it->domain_attr->name) {
      chosen = it;
    }
  }
  if (chosen == nullptr) {
    return Error(Code::kUnsupported, "ofi: provider '%s' has no domain on interface %s (%s)",
                 provider.c_str(), iface.c_str(), node.c_str());
  }
  std::unique_ptr<Fabric> fabric(new Fabric());
  ZMPI_RETURN_IF_ERROR(fabric->Init(chosen, av_count, blocking));
  ZMPI_LOG(kInfo, "ofi", "provider %s on %s (%s): inject %zu, tx %zu, rx %zu%s",
           chosen->fabric_attr->prov_name, iface.c_str(), node.c_str(), fabric->inject_size_,
           fabric->tx_size_, fabric->rx_size_, fabric->waits_ ? ", blocking waits" : "");
  return fabric;
}

Status Fabric::Init(const fi_info* info, size_t av_count, bool blocking) {
  inject_size_ = info->tx_attr->inject_size;
  max_msg_size_ = info->ep_attr->max_msg_size;
  if (strstr(info->fabric_attr->prov_name, "ofi_rxm") != nullptr) {
    max_msg_size_ = std::min(max_msg_size_, kRxmEagerLimit);  // one eager message per chunk
  }
  tx_size_ = info->tx_attr->size;
  iov_limit_ = info->tx_attr->iov_limit;
  rx_size_ = info->rx_attr->size;
  int ret = Fi().fabric(info->fabric_attr, &fabric_, nullptr);
  if (ret != 0) return OfiError("fi_fabric", ret);
  ret = fi_domain(fabric_, const_cast<fi_info*>(info), &domain_, nullptr);
  if (ret != 0) return OfiError("fi_domain", ret);
  fi_av_attr av_attr = {};
  av_attr.type = FI_AV_TABLE;
  av_attr.count = av_count;
  ret = fi_av_open(domain_, &av_attr, &av_, nullptr);
  if (ret != 0) return OfiError("fi_av_open", ret);
  provider_ = info->fabric_attr->prov_name;
  ZMPI_RETURN_IF_ERROR(OpenCq(blocking));
  ret = fi_endpoint(domain_, const_cast<fi_info*>(info), &ep_, nullptr);
  if (ret != 0) return OfiError("fi_endpoint", ret);
  ret = fi_ep_bind(ep_, &av_->fid, 0);
  if (ret != 0) return OfiError("fi_ep_bind(av)", ret);
  ret = fi_ep_bind(ep_, &cq_->fid, FI_TRANSMIT | FI_RECV);
  if (ret != 0) return OfiError("fi_ep_bind(cq)", ret);
  ret = fi_enable(ep_);
  if (ret != 0) return OfiError("fi_enable", ret);
  unsigned char name[512];
  size_t name_len = sizeof(name);
  ret = fi_getname(&ep_->fid, name, &name_len);
  if (ret != 0) return OfiError("fi_getname", ret);
  address_ = provider_ + "/" + Hex(name, name_len);
  return OkStatus();
}

// net keeps its sockets in one epoll set; a CQ with a wait object (FI_WAIT_FD) adds that set
// to the CQ's own, beside a socket pair that each completion signals (once: the byte stays
// until a wait reads it), and starts no progress thread (libfabric 1.17, prov/net/src/xnet_cq.c).
// Other providers are left without: tcp;ofi_rxm reads its internal CQs through wait sets of
// their own and was not measured with one.
Status Fabric::OpenCq(bool blocking) {
  fi_cq_attr cq_attr = {};
  cq_attr.format = FI_CQ_FORMAT_TAGGED;
  cq_attr.size = tx_size_ + rx_size_;
  if (blocking && (provider_ == "net" || provider_ == "tcp")) {
    cq_attr.wait_obj = FI_WAIT_FD;
    int ret = fi_cq_open(domain_, &cq_attr, &cq_, nullptr);
    if (ret == 0) {
      waits_ = true;
      return OkStatus();
    }
    ZMPI_LOG(kInfo, "ofi", "no completion queue with a wait object (%s): waiting ranks poll",
             Fi().strerror(-ret));
    cq_attr.wait_obj = FI_WAIT_NONE;
  }
  int ret = fi_cq_open(domain_, &cq_attr, &cq_, nullptr);
  if (ret != 0) return OfiError("fi_cq_open", ret);
  return OkStatus();
}

// fi_cq_sread with no room for entries: libfabric's util CQ then returns 0 as soon as the CQ
// is not empty, without taking anything, and -FI_EAGAIN at the timeout.
void Fabric::Block(int timeout_ms) {
  if (!waits_) return;
  ssize_t ret = fi_cq_sread(cq_, nullptr, 0, nullptr, timeout_ms);
  if (ret < 0 && ret != -FI_EAGAIN && ret != -FI_EAVAIL && ret != -FI_EINTR) {
    ZMPI_LOG_ONCE(kWarn, "ofi", "fi_cq_sread: %s", Fi().strerror(static_cast<int>(-ret)));
  }
}

Fabric::~Fabric() {
  // Reverse order of creation; the endpoint first so no operation still refers to the rest.
  fid* objects[] = {ep_ ? &ep_->fid : nullptr, av_ ? &av_->fid : nullptr, cq_ ? &cq_->fid : nullptr,
                    domain_ ? &domain_->fid : nullptr, fabric_ ? &fabric_->fid : nullptr};
  for (fid* object : objects) {
    if (object == nullptr) continue;
    int ret = fi_close(object);
    if (ret != 0) ZMPI_LOG(kWarn, "ofi", "fi_close: %s", Fi().strerror(-ret));
  }
}

StatusOr<fi_addr_t> Fabric::Insert(const std::string& address) {
  // "<provider>/<hex name>": providers do not understand each other's wire protocol, so a peer
  // that opened another one (a different libfabric version, or ZMPI_OFI_PROVIDER set
  // differently) is refused here rather than left to hang.
  size_t slash = address.rfind('/');
  std::string provider = slash == std::string::npos ? "" : address.substr(0, slash);
  if (provider != provider_) {
    return Error(Code::kUnsupported,
                 "ofi: a peer uses libfabric provider '%s', this rank '%s' (set ZMPI_OFI_PROVIDER "
                 "to one that every host has)",
                 provider.c_str(), provider_.c_str());
  }
  std::vector<unsigned char> raw;
  if (!Unhex(address.substr(slash + 1), &raw)) {
    return Error(Code::kArg, "ofi: malformed peer address '%s'", address.c_str());
  }
  fi_addr_t addr = FI_ADDR_NOTAVAIL;
  int ret = fi_av_insert(av_, raw.data(), 1, &addr, 0, nullptr);
  if (ret != 1) return OfiError("fi_av_insert", ret < 0 ? ret : -FI_EINVAL);
  return addr;
}

std::string Fabric::CompletionErrorText(const fi_cq_err_entry& entry) const {
  char buf[256] = {};
  const char* text = fi_cq_strerror(cq_, entry.prov_errno, entry.err_data, buf, sizeof(buf));
  return std::string(Fi().strerror(entry.err)) + " (" + (text ? text : "") + ")";
}

}  // namespace zmpi::transport::ofi
