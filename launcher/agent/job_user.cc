#include "launcher/agent/job_user.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

namespace zmpi::launcher::agent {

namespace {

// The passwd entry of `name` (a name or a number), or nullptr.
const passwd* Lookup(const std::string& name) {
  if (const passwd* pw = getpwnam(name.c_str())) return pw;
  char* end = nullptr;
  long uid = strtol(name.c_str(), &end, 10);
  if (!name.empty() && *end == '\0' && uid >= 0) return getpwuid(static_cast<uid_t>(uid));
  return nullptr;
}

JobUser FromEntry(const passwd* pw) {
  JobUser u;
  u.name = pw->pw_name;
  u.home = pw->pw_dir != nullptr ? pw->pw_dir : "/";
  u.uid = pw->pw_uid;
  u.gid = pw->pw_gid;
  int count = 32;
  std::vector<gid_t> groups(static_cast<size_t>(count));
  if (getgrouplist(pw->pw_name, pw->pw_gid, groups.data(), &count) < 0) {
    groups.resize(static_cast<size_t>(count));
    if (getgrouplist(pw->pw_name, pw->pw_gid, groups.data(), &count) < 0) count = 0;
  }
  groups.resize(static_cast<size_t>(count));
  if (groups.empty()) groups.push_back(pw->pw_gid);
  u.groups = groups;
  return u;
}

}  // namespace

JobUser JobUser::Self() {
  const passwd* pw = getpwuid(geteuid());
  JobUser u;
  if (pw != nullptr) u = FromEntry(pw);
  u.uid = geteuid();
  u.gid = getegid();
  if (u.name.empty()) u.name = std::to_string(u.uid);
  u.switch_to = false;
  return u;
}

StatusOr<JobUser> JobUser::Resolve(const std::string& wanted, bool run_as_root) {
  if (geteuid() != 0) {
    JobUser self = Self();
    if (!wanted.empty() && wanted != self.name && wanted != std::to_string(self.uid)) {
      return Error(Code::kArg,
                   "--run-as %s: zrund runs as %s and can run jobs only as itself "
                   "(switching users needs root)",
                   wanted.c_str(), self.name.c_str());
    }
    return self;
  }
  if (run_as_root) {
    if (!wanted.empty()) return Error(Code::kArg, "--run-as and --run-as-root exclude each other");
    return Self();
  }
  std::string name = wanted;
  if (name.empty()) name = getpwnam("zmpi") != nullptr ? "zmpi" : "nobody";
  const passwd* pw = Lookup(name);
  if (pw == nullptr) return Error(Code::kArg, "--run-as: no user '%s' on this host", name.c_str());
  if (pw->pw_uid == 0) {
    return Error(Code::kArg,
                 "--run-as %s: that is root; say --run-as-root if jobs really "
                 "should run as root",
                 name.c_str());
  }
  JobUser u = FromEntry(pw);
  u.switch_to = true;
  return u;
}

std::string JobUser::Describe() const { return name + " (uid " + std::to_string(uid) + ")"; }

}  // namespace zmpi::launcher::agent
