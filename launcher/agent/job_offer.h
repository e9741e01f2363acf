// JobOffer: what this agent can run a job with, as it tells zrun (proto::AuthOk, protocol 3),
// and the check of zrun's choice in a Launch against it.
//
// Wire-ups are this build's servers: pmix where it has PMIx (the agent's default server) and
// pmi always (PMI-1: a per-job server, agent/pmi_server.h), unless the agent's own ZMPI_WIREUP
// names one. Networks are those of the library its ranks load (the same build): ofi where it
// has libfabric, tcp always, unless the agent's ZMPI_NET names one (its ranks inherit the
// agent's environment). Each list is in the agent's order of preference.
#ifndef ZMPI_LAUNCHER_AGENT_JOB_OFFER_H_
#define ZMPI_LAUNCHER_AGENT_JOB_OFFER_H_

#include <string>

#include "common/status.h"
#include "launcher/proto/messages.h"

namespace zmpi::launcher::agent {

// Whether this build's library has the ofi (libfabric) network transport.
bool HaveOfiNetwork();

// The offer of an agent whose ZMPI_WIREUP and ZMPI_NET are `wireup_env` and `net_env` (null
// or "auto" when unset; another value than the known names counts as unset: the agent
// refuses a bad ZMPI_WIREUP at start, the ranks warn about a bad ZMPI_NET).
proto::JobOffer LocalJobOffer(const char* wireup_env, const char* net_env);

// kArg, naming `host`, if a Launch's non-empty wireup or net is not in `offer`.
Status CheckJobChoice(const proto::JobOffer& offer, const std::string& wireup,
                      const std::string& net, const std::string& host);

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_JOB_OFFER_H_
