// zrun: runs an MPI job. All the work is in Zrun (launcher/zrun/zrun.h) and ClusterRun. Also
// installed as mpiexec and mpirun (links to this program): the option table accepts Open MPI's
// and Hydra's spellings, and messages then start with the name it was called by.
#include <libgen.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "common/config.h"
#include "launcher/agent/host_info.h"
#include "launcher/agent/spawner.h"
#include "launcher/proto/key_file.h"
#include "launcher/zrun/cluster_run.h"
#include "launcher/zrun/doctor.h"
#include "launcher/zrun/mpich_binaries.h"
#include "launcher/zrun/options.h"
#include "launcher/zrun/zrun.h"

namespace {

using zmpi::launcher::zrun::Options;

enum class Where { kThisMachine, kAgents, kRefused };

// Where a run goes: this machine unless many hosts were asked for (docs/zrun.md). A cluster key
// alone does not send `zrun -n 4 prog` to agents; `-n auto` (with a key), --host, --hostfile,
// --key-file and --discover do. kRefused after printing what to do when agents cannot work.
Where Decide(const char* self, Options* o) {
  bool asked = !o->hosts.empty() || !o->hostfile.empty() || !o->key_file.empty() || o->discover;
  if (!asked && !o->auto_ranks) o->local = true;
  if (!zmpi::launcher::zrun::ClusterRun::Wanted(*o)) return Where::kThisMachine;
  std::string key =
      o->key_file.empty() ? zmpi::launcher::proto::KeyFile::DefaultPath() : o->key_file;
  if (access(key.c_str(), F_OK) != 0) {
    fprintf(stderr,
            "%s: --host, --hostfile and --discover use zrund agents, which need a cluster key; "
            "there is none at %s.\n"
            "%s: to run on this machine, leave them out (zrun -n N prog); for several hosts, "
            "run `zrun --new-key %s`, copy the key to each host and start zrund there.\n",
            self, key.c_str(), self, key.c_str());
    return Where::kRefused;
  }
  return Where::kAgents;
}

// The MPICH-binary check of a local run (mpich_binaries.h), for a run on agents: refuses what
// zmpi cannot stand in for and warns of missing names. Agents give ranks zmpi's lib/ through
// LD_LIBRARY_PATH, and also preload zmpi's libmpi.so.12 when the program needs it (a DT_RPATH):
// that sets o->mpich_binaries, which ClusterRun passes on. False: refused.
bool CheckForAgents(const char* self, Options* options) {
  Options& o = *options;
  if (o.command.empty()) return true;
  const char* path_var = getenv("PATH");
  zmpi::StatusOr<std::string> path = zmpi::launcher::agent::Spawner::ResolveProgram(
      o.command[0], path_var != nullptr ? path_var : "/usr/bin:/bin");
  if (!path.ok()) return true;  // ClusterRun says what is wrong with it
  zmpi::StatusOr<zmpi::launcher::zrun::MpichSetup> setup = zmpi::launcher::zrun::CheckProgram(
      o.command[0], path.value(), zmpi::launcher::agent::LibraryDir(), o.mpich_binaries);
  if (!setup.ok()) {
    fprintf(stderr, "%s: %s\n", self, setup.status().message().c_str());
    return false;
  }
  if (!setup->preload.empty()) o.mpich_binaries = true;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string self_buf = argc > 0 ? argv[0] : "zrun";
  const char* self = basename(&self_buf[0]);
  zmpi::StatusOr<Options> options = zmpi::launcher::zrun::ParseOptions(args);
  if (!options.ok()) {
    std::string message = options.status().message();
    size_t at = message.find("zrun --help");
    if (at != std::string::npos) message.replace(at, 4, self);  // "mpiexec --help lists ..."
    fprintf(stderr, "%s: %s\n", self, message.c_str());
    return 2;
  }
  if (options->help) {
    fputs(zmpi::launcher::zrun::UsageText().c_str(), stdout);
    return 0;
  }
  if (options->help_env) {
    fputs(zmpi::FormatConfigHelp().c_str(), stdout);
    return 0;
  }
  if (options->version) {
    printf("%s (zmpi) %s\n", self, ZMPI_PROJECT_VERSION);
    printf("library: %s/libmpi.so.12 (MPICH ABI; also answers to libmpich.so.12)\n",
           zmpi::launcher::agent::LibraryDir().c_str());
    return 0;
  }
  zmpi::Config config = zmpi::Config::FromEnvironment();
  zmpi::SetLogLevel(config.log_level);
  zmpi::SetLogIdentity("zrun");
  for (const std::string& warning : config.warnings) fprintf(stderr, "zrun: %s\n", warning.c_str());
  if (!options->new_key.empty()) {
    zmpi::Status s = zmpi::launcher::proto::KeyFile::Create(options->new_key);
    if (!s.ok()) {
      fprintf(stderr, "zrun: %s\n", s.message().c_str());
      return 1;
    }
    bool is_default = options->new_key == zmpi::launcher::proto::KeyFile::DefaultPath();
    std::string key_arg = is_default ? "" : " --key-file " + options->new_key;
    printf(
        "zrun: wrote a new cluster key to %s\n"
        "zrun: next: copy it to every machine of the cluster (mode 0600), start `zrund%s` "
        "there, then run `zrun%s -n auto prog` (or --host a,b). A plain `zrun -n N prog` "
        "still runs on this machine only.\n",
        options->new_key.c_str(), key_arg.c_str(), key_arg.c_str());
    return 0;
  }
  if (!options->wdir.empty() && chdir(options->wdir.c_str()) != 0) {
    fprintf(stderr, "%s: cannot work in %s: %s\n", self, options->wdir.c_str(), strerror(errno));
    return 1;
  }
  Options& o = options.value();
  if (o.doctor) return zmpi::launcher::zrun::Doctor(o);
  switch (Decide(self, &o)) {
    case Where::kRefused:
      return 2;
    case Where::kAgents: {
      if (!o.discover && !CheckForAgents(self, &o)) return 1;
      bool discover = o.discover;
      zmpi::launcher::zrun::ClusterRun cluster(std::move(o));
      return discover ? cluster.Discover() : cluster.Run();
    }
    case Where::kThisMachine:
      break;
  }
  if (o.ranks_per_host > 0 && !o.nranks_given && !o.auto_ranks) o.nranks = o.ranks_per_host;
  zmpi::launcher::zrun::Zrun zrun(std::move(o));
  return zrun.Run();
}
