#include "launcher/discovery/publisher.h"

#include <unistd.h>

#include <utility>

#include "common/log.h"
#include "launcher/discovery/mdns_c.h"
#include "launcher/discovery/txt_format.h"

namespace zmpi::launcher::discovery {
namespace {

constexpr int kMaxRenames = 16;

std::string LocalHostLabel() {
  char name[256] = {0};
  gethostname(name, sizeof(name) - 1);
  return SanitizeName(name);
}

}  // namespace

StatusOr<std::unique_ptr<Publisher>> Publisher::Create(const std::string& interface_address,
                                                       const AgentInfo& info) {
  ZMPI_RETURN_IF_ERROR(ValidateAgentInfo(info));
  ZMPI_ASSIGN_OR_RETURN(std::unique_ptr<MdnsSocket> socket, MdnsSocket::Open(interface_address));
  zmpi_mdns* mdns = zmpi_mdns_new(socket->address());
  if (mdns == nullptr) return Error(Code::kNoMem, "mDNS: cannot create daemon");
  if (socket->send_fd() != socket->fd()) zmpi_mdns_send_on(mdns, socket->send_fd());
  std::unique_ptr<Publisher> publisher(new Publisher(std::move(socket), mdns, info));
  ZMPI_RETURN_IF_ERROR(publisher->Publish());
  ZMPI_RETURN_IF_ERROR(publisher->Step(false));
  return publisher;
}

Publisher::Publisher(std::unique_ptr<MdnsSocket> socket, zmpi_mdns* mdns, const AgentInfo& info)
    : socket_(std::move(socket)), mdns_(mdns), info_(info), host_(LocalHostLabel()) {}

Publisher::~Publisher() {
  Goodbye().IgnoreError();
  zmpi_mdns_free(mdns_);
}

Status Publisher::Publish() {
  ZMPI_ASSIGN_OR_RETURN(std::string txt, EncodeTxt(info_));
  instance_ = renames_ == 0 ? info_.name : info_.name + "-" + std::to_string(renames_ + 1);
  if (zmpi_mdns_publish(mdns_, kServiceType, instance_.c_str(), host_.c_str(), info_.port,
                        kRecordTtlSeconds, reinterpret_cast<const uint8_t*>(txt.data()),
                        txt.size()) != 0) {
    return Error(Code::kArg, "mDNS: cannot publish instance '%s' on host '%s'",
                 instance_.c_str(), host_.c_str());
  }
  ZMPI_LOG(kInfo, "discovery", "publishing %s.%s port %u", instance_.c_str(), kServiceType,
           info_.port);
  return OkStatus();
}

Status Publisher::Step(bool readable) {
  if (gone_) return Error(Code::kOther, "mDNS publisher: already withdrawn");
  if (zmpi_mdns_step(mdns_, socket_->fd(), readable ? 1 : 0, &timeout_ms_) != 0) {
    return Error(Code::kOther, "mDNS publisher: socket error");
  }
  if (zmpi_mdns_conflicted(mdns_)) {
    if (++renames_ > kMaxRenames) return Error(Code::kOther, "mDNS: too many name conflicts");
    ZMPI_LOG(kWarn, "discovery", "instance name '%s' is taken; renaming", instance_.c_str());
    ZMPI_RETURN_IF_ERROR(Publish());
    timeout_ms_ = 0;
  }
  return OkStatus();
}

Status Publisher::Update(const AgentInfo& info) {
  if (gone_) return Error(Code::kOther, "mDNS publisher: already withdrawn");
  ZMPI_ASSIGN_OR_RETURN(std::string txt, EncodeTxt(info));
  bool rename = info.name != info_.name || info.port != info_.port;
  info_ = info;
  if (rename) {
    renames_ = 0;
    ZMPI_RETURN_IF_ERROR(Publish());
  } else if (zmpi_mdns_update_txt(mdns_, reinterpret_cast<const uint8_t*>(txt.data()),
                                  txt.size()) != 0) {
    ZMPI_RETURN_IF_ERROR(Publish());  // TXT record was withdrawn by a conflict: start over
  }
  return Step(false);
}

Status Publisher::Goodbye() {
  if (gone_) return OkStatus();
  gone_ = true;
  if (zmpi_mdns_goodbye(mdns_, socket_->fd()) != 0) {
    return Error(Code::kOther, "mDNS publisher: goodbye not sent");
  }
  return OkStatus();
}

}  // namespace zmpi::launcher::discovery
