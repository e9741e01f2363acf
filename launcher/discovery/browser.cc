#include "launcher/discovery/browser.h"

#include <arpa/inet.h>
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "common/log.h"
#include "launcher/discovery/mdns_c.h"
#include "launcher/discovery/txt_format.h"

namespace zmpi::launcher::discovery {
namespace {

constexpr int kMaxBrowseMs = 60 * 1000;

struct ListContext {
  const std::string* cluster_id;
  std::vector<DiscoveredAgent>* out;
};

void OnInstance(const zmpi_mdns_instance* instance, void* arg) {
  auto* context = static_cast<ListContext*>(arg);
  StatusOr<AgentInfo> info = DecodeTxt(instance->txt, instance->txt_len);
  if (!info.ok()) {
    ZMPI_LOG(kDebug, "discovery", "ignoring %s: %s", instance->instance,
             info.status().ToString().c_str());
    return;
  }
  if (!context->cluster_id->empty() && info->cluster_id != *context->cluster_id) return;
  DiscoveredAgent agent;
  agent.instance = instance->instance;
  agent.host = instance->target;
  char text[INET_ADDRSTRLEN] = {0};
  inet_ntop(AF_INET, &instance->addr, text, sizeof(text));
  agent.address = text;
  agent.port = instance->port;
  agent.info = std::move(info.value());
  context->out->push_back(std::move(agent));
}

}  // namespace

StatusOr<std::unique_ptr<Browser>> Browser::Create(const std::string& interface_address) {
  ZMPI_ASSIGN_OR_RETURN(std::unique_ptr<MdnsSocket> socket, MdnsSocket::Open(interface_address));
  zmpi_mdns* mdns = zmpi_mdns_new(socket->address());
  if (mdns == nullptr) return Error(Code::kNoMem, "mDNS: cannot create daemon");
  if (socket->send_fd() != socket->fd()) zmpi_mdns_send_on(mdns, socket->send_fd());
  std::unique_ptr<Browser> browser(new Browser(std::move(socket), mdns));
  if (zmpi_mdns_browse(mdns, kServiceType) != 0) return Error(Code::kIntern, "mDNS: browse failed");
  ZMPI_RETURN_IF_ERROR(browser->Step(false));
  return browser;
}

Browser::Browser(std::unique_ptr<MdnsSocket> socket, zmpi_mdns* mdns)
    : socket_(std::move(socket)), mdns_(mdns) {}

Browser::~Browser() { zmpi_mdns_free(mdns_); }

Status Browser::Step(bool readable) {
  if (zmpi_mdns_step(mdns_, socket_->fd(), readable ? 1 : 0, &timeout_ms_) != 0) {
    return Error(Code::kOther, "mDNS browser: socket error");
  }
  return OkStatus();
}

std::vector<DiscoveredAgent> Browser::Agents(const std::string& cluster_id) const {
  std::vector<DiscoveredAgent> out;
  ListContext context{&cluster_id, &out};
  zmpi_mdns_list(mdns_, kServiceType, OnInstance, &context);
  std::sort(out.begin(), out.end(), [](const DiscoveredAgent& a, const DiscoveredAgent& b) {
    return a.instance < b.instance;
  });
  return out;
}

StatusOr<std::vector<DiscoveredAgent>> Browser::BrowseFor(const std::string& interface_address,
                                                          const std::string& cluster_id,
                                                          int duration_ms) {
  using Clock = std::chrono::steady_clock;
  duration_ms = std::clamp(duration_ms, 0, kMaxBrowseMs);
  ZMPI_ASSIGN_OR_RETURN(std::unique_ptr<Browser> browser, Create(interface_address));
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(duration_ms);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    pollfd p{browser->fd(), POLLIN, 0};
    int wait = static_cast<int>(std::min<int64_t>(left.count(), browser->TimeoutMs()));
    int ready = poll(&p, 1, std::max(wait, 1));
    ZMPI_RETURN_IF_ERROR(browser->Step(ready > 0 && (p.revents & POLLIN)));
  }
  return browser->Agents(cluster_id);
}

}  // namespace zmpi::launcher::discovery
