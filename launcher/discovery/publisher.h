// Announces one agent as a `_zmpi._tcp` service over mDNS/DNS-SD.
#ifndef ZMPI_LAUNCHER_DISCOVERY_PUBLISHER_H_
#define ZMPI_LAUNCHER_DISCOVERY_PUBLISHER_H_

#include <memory>
#include <string>

#include "common/status.h"
#include "launcher/discovery/agent_info.h"
#include "launcher/discovery/mdns_socket.h"

struct zmpi_mdns;

namespace zmpi::launcher::discovery {

// Publishes PTR/SRV/TXT/A records for `info` on one interface and answers questions about
// them. It never blocks and owns no thread: the owner's event loop polls fd() for input,
// waits at most TimeoutMs(), then calls Step(). Update() re-announces changed TXT fields;
// Goodbye() (also run by the destructor) withdraws the records with TTL 0, so browsers drop
// the agent at once. Unique names are probed first (~0.75 s) before answers go out; if
// another host owns the instance name, Step() republishes as "<name>-2", "<name>-3", ...
// Not thread-safe.
class Publisher final {
 public:
  static StatusOr<std::unique_ptr<Publisher>> Create(const std::string& interface_address,
                                                     const AgentInfo& info);
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  int fd() const { return socket_->fd(); }
  int TimeoutMs() const { return timeout_ms_; }
  // Reads pending packets if `readable`, answers, sends what is due.
  Status Step(bool readable);
  // Changes what is announced (e.g. cores_used) and re-announces at once. Changing the
  // name or port republishes the service under the new name.
  Status Update(const AgentInfo& info);
  // Withdraws the service (idempotent). Step/Update fail afterwards.
  Status Goodbye();

  const AgentInfo& info() const { return info_; }
  const std::string& instance_name() const { return instance_; }
  in_addr address() const { return socket_->address(); }

 private:
  Publisher(std::unique_ptr<MdnsSocket> socket, zmpi_mdns* mdns, const AgentInfo& info);
  Status Publish();

  std::unique_ptr<MdnsSocket> socket_;
  zmpi_mdns* mdns_;
  AgentInfo info_;
  std::string instance_;
  std::string host_;
  int renames_ = 0;
  int timeout_ms_ = 0;
  bool gone_ = false;
};

}  // namespace zmpi::launcher::discovery

#endif  // ZMPI_LAUNCHER_DISCOVERY_PUBLISHER_H_
