// The agent's control socket: a Unix socket through which the machine's owner pauses and
// resumes the agent, asks its state and answers consent questions (`zrund --pause`, ...;
// docs/owner.md). Owner-only twice over: the socket file is mode 0600 in a 0700 directory, and
// a connection whose peer (SO_PEERCRED) is neither the agent's user nor root is refused.
// Protocol: the client sends one command line, the agent answers with lines and closes.
#ifndef ZMPI_LAUNCHER_ZRUND_CONTROL_H_
#define ZMPI_LAUNCHER_ZRUND_CONTROL_H_

#include <functional>
#include <string>

#include "common/status.h"

namespace zmpi::launcher::zrund {

// $XDG_RUNTIME_DIR/zmpi/zrund-NAME.sock, else /run/zmpi/... for root, else
// ~/.cache/zmpi/zrund-NAME.sock.
std::string DefaultControlPath(const std::string& name);

class ControlServer {
 public:
  ControlServer() = default;
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Binds `path` (its directory is created 0700 if missing). A socket file left by a dead agent
  // is replaced; one a live agent answers on is an error.
  Status Listen(const std::string& path);
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  // Serves one pending connection (if any): the owner check, one command line read within a
  // short bound, `handler`'s reply written, closed. Never blocks the caller for long.
  void ServeOne(const std::function<std::string(const std::string& command)>& handler);

 private:
  int fd_ = -1;
  std::string path_;
};

// The client side: sends `command` to the agent at `path`, returns its reply.
StatusOr<std::string> ControlCall(const std::string& path, const std::string& command);

}  // namespace zmpi::launcher::zrund

#endif  // ZMPI_LAUNCHER_ZRUND_CONTROL_H_
