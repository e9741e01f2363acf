#include "launcher/zrun/job_choice.h"

#include <algorithm>

namespace zmpi::launcher::zrun {

namespace {

bool Offers(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

std::string Join(const std::vector<std::string>& list, const char* sep) {
  std::string out;
  for (const std::string& s : list) out += (out.empty() ? "" : sep) + s;
  return out.empty() ? "nothing" : out;
}

// The first of `preference` (or `want` alone) that every host's `list` has; "" if none.
template <typename Pick>
std::string FirstCommon(const std::vector<HostOffer>& hosts,
                        const std::vector<std::string>& preference, const std::string& want,
                        Pick pick) {
  std::vector<std::string> candidates = preference;
  if (!want.empty() && want != "auto") candidates = {want};
  for (const std::string& c : candidates) {
    bool everywhere = true;
    for (const HostOffer& h : hosts) everywhere = everywhere && Offers(pick(h.offer), c);
    if (everywhere) return c;
  }
  return "";
}

template <typename Pick>
Status NoCommon(const std::vector<HostOffer>& hosts, const char* what, const char* variable,
                const std::string& want, Pick pick) {
  std::string offers;
  for (const HostOffer& h : hosts) {
    offers += (offers.empty() ? "" : ", ") + h.host + " " + Join(pick(h.offer), "/");
  }
  std::string asked =
      want.empty() || want == "auto" ? "" : std::string(variable) + "=" + want + " asked; ";
  return Error(Code::kArg,
               "the hosts of this job have no %s in common (%shosts offer: %s); "
               "leave out the host that differs, or run its agent from a build that has one",
               what, asked.c_str(), offers.c_str());
}

}  // namespace

StatusOr<JobChoice> ChooseForJob(const std::vector<HostOffer>& hosts,
                                 const std::string& want_wireup, const std::string& want_net) {
  auto wireups = [](const proto::JobOffer& o) -> const std::vector<std::string>& {
    return o.wireups;
  };
  auto nets = [](const proto::JobOffer& o) -> const std::vector<std::string>& { return o.nets; };
  JobChoice choice;
  choice.wireup = FirstCommon(hosts, kWireupPreference, want_wireup, wireups);
  if (choice.wireup.empty()) {
    return NoCommon(hosts, "wire-up", "ZMPI_WIREUP", want_wireup, wireups);
  }
  choice.net = FirstCommon(hosts, kNetPreference, want_net, nets);
  if (choice.net.empty()) return NoCommon(hosts, "network transport", "ZMPI_NET", want_net, nets);
  return choice;
}

std::string EnvValue(const std::vector<std::string>& env, const std::string& name) {
  std::string value;
  const std::string prefix = name + "=";
  for (const std::string& e : env) {
    if (e.compare(0, prefix.size(), prefix) == 0) value = e.substr(prefix.size());
  }
  return value;
}

}  // namespace zmpi::launcher::zrun
