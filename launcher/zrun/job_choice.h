// JobChoice: the wire-up and network transport of a multi-host job, chosen by zrun from what
// every agent offers (proto::JobOffer, protocol 3) and sent to each in its Launch, so a job
// can mix agents of the portable build (PMI-1 and tcp only) with normal ones (PMIx and ofi
// preferred) without ZMPI_WIREUP/ZMPI_NET on any agent. Every agent of a job must serve the
// same wire-up (fence blobs are the back end's) and every rank use the same network.
#ifndef ZMPI_LAUNCHER_ZRUN_JOB_CHOICE_H_
#define ZMPI_LAUNCHER_ZRUN_JOB_CHOICE_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "launcher/proto/messages.h"

namespace zmpi::launcher::zrun {

struct HostOffer {
  std::string host;  // the agent's name, for the refusal
  proto::JobOffer offer;
};

struct JobChoice {
  std::string wireup;  // "pmix" or "pmi"
  std::string net;     // "ofi" or "tcp"
};

// zrun's order of preference: the first that every host offers wins.
inline const std::vector<std::string> kWireupPreference = {"pmix", "pmi"};
inline const std::vector<std::string> kNetPreference = {"ofi", "tcp"};

// Picks, for each of wire-up and network, the first of zrun's preference (or exactly
// `want_wireup` / `want_net`, the user's ZMPI_WIREUP / ZMPI_NET; "" or "auto" = any) that
// every host offers. kArg with one line naming what each host offers when there is none.
StatusOr<JobChoice> ChooseForJob(const std::vector<HostOffer>& hosts,
                                 const std::string& want_wireup, const std::string& want_net);

// The value of NAME in `env` ("NAME=value" entries; the last wins), or "".
std::string EnvValue(const std::vector<std::string>& env, const std::string& name);

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_JOB_CHOICE_H_
