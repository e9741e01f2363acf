#include "launcher/agent/job_offer.h"

#include <algorithm>
#include <cstring>

#include "launcher/agent/wireup_server.h"

namespace zmpi::launcher::agent {

namespace {

bool Is(const char* value, const char* name) {
  return value != nullptr && strcmp(value, name) == 0;
}

bool Contains(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

std::string Join(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& s : list) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "none" : out;
}

}  // namespace

bool HaveOfiNetwork() { return ZMPI_HAVE_OFI != 0; }

proto::JobOffer LocalJobOffer(const char* wireup_env, const char* net_env) {
  proto::JobOffer offer;
  if (Is(wireup_env, "pmix") && HavePmixServer()) {
    offer.wireups = {"pmix"};
  } else if (Is(wireup_env, "pmi")) {
    offer.wireups = {"pmi"};
  } else if (HavePmixServer()) {
    offer.wireups = {"pmix", "pmi"};
  } else {
    offer.wireups = {"pmi"};
  }
  if (Is(net_env, "ofi") && HaveOfiNetwork()) {
    offer.nets = {"ofi"};
  } else if (Is(net_env, "tcp")) {
    offer.nets = {"tcp"};
  } else if (HaveOfiNetwork()) {
    offer.nets = {"ofi", "tcp"};
  } else {
    offer.nets = {"tcp"};
  }
  return offer;
}

Status CheckJobChoice(const proto::JobOffer& offer, const std::string& wireup,
                      const std::string& net, const std::string& host) {
  if (!wireup.empty() && !Contains(offer.wireups, wireup)) {
    return Error(Code::kArg, "zrun chose the wire-up %s, but %s offers %s", wireup.c_str(),
                 host.c_str(), Join(offer.wireups).c_str());
  }
  if (!net.empty() && !Contains(offer.nets, net)) {
    return Error(Code::kArg, "zrun chose the network %s, but %s offers %s", net.c_str(),
                 host.c_str(), Join(offer.nets).c_str());
  }
  return OkStatus();
}

}  // namespace zmpi::launcher::agent
