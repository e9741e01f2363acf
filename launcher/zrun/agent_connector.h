// ConnectAgents: connects to and authenticates with every agent at once, within one time
// budget, so that an agent that is silent, slow, refuses (busy) or fails the handshake (a
// process on the LAN announcing the public cluster id without the key) costs the job at most
// that budget and never the others' turn. ClusterRun decides what a
// failure means: a named agent (--host) ends the job, a discovered one is skipped.
#ifndef ZMPI_LAUNCHER_ZRUN_AGENT_CONNECTOR_H_
#define ZMPI_LAUNCHER_ZRUN_AGENT_CONNECTOR_H_

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "launcher/agent/link.h"
#include "launcher/proto/key_file.h"
#include "launcher/zrun/agent_finder.h"

namespace zmpi::launcher::zrun {

// Connection and handshake with all agents, together (a LAN answers in milliseconds).
inline constexpr int kConnectBudgetMs = 3000;

struct AgentLink {
  std::unique_ptr<agent::Link> link;  // authenticated, or null
  Status status;                      // why not, if link is null
};

// One entry per agent, in the same order. `name` is this side's name in the handshake.
std::vector<AgentLink> ConnectAgents(const std::vector<FoundAgent>& agents,
                                     const proto::KeyFile& key, const std::string& name,
                                     int budget_ms);

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_AGENT_CONNECTOR_H_
