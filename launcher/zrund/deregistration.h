// DeregisterWhileServing: drops a finished job's namespace from the wire-up server without
// leaving the agent deaf meanwhile. libpmix can hold the call up to its limit (10 s) when its
// thread is stuck (docs/zrund.md, "When libpmix stops answering"; the agent restarts after
// it). The call runs on a thread of its own while the caller's keeps answering mDNS and the
// owner's control socket; after kSlowDeregistrationMs it refuses new connections with
// Code::kPending, "restarting" (zrun waits for an agent it was told to use and skips one it
// discovered, with one line). Until then they wait in the listen backlog for the main loop.
#ifndef ZMPI_LAUNCHER_ZRUND_DEREGISTRATION_H_
#define ZMPI_LAUNCHER_ZRUND_DEREGISTRATION_H_

#include <string>

#include "launcher/zrund/zrund.h"

namespace zmpi::launcher::zrund {

// Returns once server->DeregisterJob(nspace) returned (`server`: the job's wire-up server,
// context.pmix or a server of the job's own). Nothing else may call into that server
// meanwhile (it is not thread-safe).
void DeregisterWhileServing(const AgentContext& context, agent::WireupServer* server,
                            const std::string& nspace);

// How long a deregistration takes before connecting clients are told the agent restarts
// (libpmix has most likely stopped answering).
inline constexpr int kSlowDeregistrationMs = 1000;

}  // namespace zmpi::launcher::zrund

#endif  // ZMPI_LAUNCHER_ZRUND_DEREGISTRATION_H_
