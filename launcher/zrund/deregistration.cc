#include "launcher/zrund/deregistration.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

namespace zmpi::launcher::zrund {

void DeregisterWhileServing(const AgentContext& context, agent::WireupServer* server,
                            const std::string& nspace) {
  int done[2];
  if (server == nullptr) return;
  if (pipe2(done, O_CLOEXEC | O_NONBLOCK) != 0) {
    server->DeregisterJob(nspace);  // no pipe: as before, deaf while it takes
    return;
  }
  std::thread worker([server, &nspace, fd = done[1]] {
    server->DeregisterJob(nspace);
    char byte = 1;
    ssize_t ignored = write(fd, &byte, 1);
    (void)ignored;
  });
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  for (bool finished = false; !finished;) {
    // A deregistration that ends soon (the usual case) leaves new connections in the listen
    // backlog for the main loop, as before; one that takes longer means libpmix stalls.
    const bool slow = Clock::now() - start >= std::chrono::milliseconds(kSlowDeregistrationMs);
    std::vector<pollfd> fds = {{done[0], POLLIN, 0}, {slow ? context.listen_fd : -1, POLLIN, 0}};
    if (context.publisher != nullptr) fds.push_back(pollfd{context.publisher->fd(), POLLIN, 0});
    const size_t control_index = fds.size();
    if (context.control != nullptr) fds.push_back(pollfd{context.control->fd(), POLLIN, 0});
    int timeout = context.publisher != nullptr ? context.publisher->TimeoutMs() : -1;
    int n = poll(fds.data(), fds.size(), timeout < 0 || timeout > 100 ? 100 : timeout);
    finished = n > 0 && fds[0].revents != 0;
    if (context.publisher != nullptr) {
      context.publisher->Step(n > 0 && (fds[2].revents & POLLIN)).IgnoreError();
    }
    if (n > 0 && control_index < fds.size() && fds[control_index].revents != 0 &&
        context.owner != nullptr) {
      context.control->ServeOne([&context](const std::string& command) {
        return context.owner->Command(command, context.status_text ? context.status_text() : "");
      });
    }
    if (!finished && n > 0 && (fds[1].revents & POLLIN)) {
      RefusePending(context.listen_fd,
                    "agent " + context.host +
                        " is restarting: its PMIx server (libpmix) stopped answering; try again "
                        "in a few seconds",
                    Code::kPending);
    }
  }
  worker.join();
  close(done[0]);
  close(done[1]);
}

}  // namespace zmpi::launcher::zrund
