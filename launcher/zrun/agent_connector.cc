#include "launcher/zrun/agent_connector.h"

#include <poll.h>

#include <algorithm>
#include <chrono>

namespace zmpi::launcher::zrun {

namespace {

enum class Stage { kConnecting, kHandshaking, kDone };

}  // namespace

std::vector<AgentLink> ConnectAgents(const std::vector<FoundAgent>& agents,
                                     const proto::KeyFile& key, const std::string& name,
                                     int budget_ms) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(budget_ms);
  std::vector<AgentLink> out(agents.size());
  std::vector<Stage> stage(agents.size(), Stage::kDone);
  for (size_t i = 0; i < agents.size(); ++i) {
    StatusOr<std::unique_ptr<agent::Link>> link =
        agent::Link::StartConnect(agents[i].address, agents[i].port);
    if (!link.ok()) {
      out[i].status = link.status();
      continue;
    }
    out[i].link = std::move(link.value());
    stage[i] = Stage::kConnecting;
  }
  auto fail = [&](size_t i, const Status& why) {
    out[i].link.reset();
    out[i].status = why;
    stage[i] = Stage::kDone;
  };
  for (;;) {
    std::vector<pollfd> fds;
    std::vector<size_t> owner;
    for (size_t i = 0; i < agents.size(); ++i) {
      if (stage[i] == Stage::kDone) continue;
      short events = stage[i] == Stage::kConnecting ? POLLOUT : POLLIN;
      fds.push_back(pollfd{out[i].link->fd(), events, 0});
      owner.push_back(i);
    }
    if (fds.empty()) break;
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      for (size_t i : owner) {
        fail(i,
             Error(Code::kOther, "%s within %d ms",
                   stage[i] == Stage::kConnecting ? "no connection" : "no handshake", budget_ms));
      }
      break;
    }
    if (poll(fds.data(), fds.size(), static_cast<int>(std::min<int64_t>(left, 100))) <= 0) {
      continue;
    }
    for (size_t k = 0; k < fds.size(); ++k) {
      if (fds[k].revents == 0) continue;
      size_t i = owner[k];
      agent::Link& link = *out[i].link;
      if (stage[i] == Stage::kConnecting) {
        Status s = link.FinishConnect();
        if (s.ok()) s = link.BeginClientHandshake(key, name);
        if (!s.ok()) {
          fail(i, s);
          continue;
        }
        stage[i] = Stage::kHandshaking;
        continue;
      }
      StatusOr<bool> done = link.StepClientHandshake();
      if (!done.ok()) {
        fail(i, done.status());
      } else if (done.value()) {
        stage[i] = Stage::kDone;
      }
    }
  }
  return out;
}

}  // namespace zmpi::launcher::zrun
