// zrun's command line. Accepts the common Open MPI / MPICH spellings (-np, -x, -genv,
// --tag-output, -prepend-rank, -l, --oversubscribe ...) next to zrun's own.
#ifndef ZMPI_LAUNCHER_ZRUN_OPTIONS_H_
#define ZMPI_LAUNCHER_ZRUN_OPTIONS_H_

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "launcher/agent/job_plan.h"
#include "launcher/zrun/rank_sessions.h"

namespace zmpi::launcher::zrun {

struct Options {
  int nranks = 1;
  bool nranks_given = false;  // -n was on the command line
  bool auto_ranks = false;  // -n auto: one rank per core
  agent::BindPolicy bind = agent::BindPolicy::kCore;
  agent::MapBy map = agent::MapBy::kCore;  // --map-by core|node (many hosts)
  bool report_bindings = false;
  int timeout_seconds = 0;  // 0 = none (ZMPI_ZRUN_TIMEOUT is the default)
  bool timeout_given = false;
  // Many hosts: the job ends if MPI start-up (the first fence, MPI_Init's exchange) is not
  // complete this long after the first host's ranks reached it. 0 = no limit.
  int startup_timeout_seconds = 60;
  std::vector<std::string> env_specs;  // "VAR" or "VAR=VAL", in order
  // --program ARCH=PATH: the program for hosts of that (canonical) architecture.
  std::map<std::string, std::string> programs;
  bool tag_output = false;
  bool help = false;
  bool help_env = false;
  std::vector<std::string> command;  // program and its arguments

  // Many hosts (docs/zrun.md): agents found over mDNS, or named with --host.
  std::vector<std::string> hosts;  // --host a,b[,...]: agent names, in rank-fill order
  std::string hostfile;            // --hostfile F: Open MPI's "host [slots=N]" lines
  std::string key_file;            // --key-file F (default proto::KeyFile::DefaultPath())
  std::string new_key;             // --new-key F: write a new cluster key and exit
  bool discover = false;           // --discover / --print-hosts: list agents and exit
  int browse_ms = 1000;            // --browse-ms: how long to listen for agents
  std::string iface;               // --iface IF: where to browse (default first non-lo)
  bool local = false;              // --local: this host only, even if a cluster key exists
  // --oversubscribe: more ranks than cores is intended; no warning (a test harness that
  // compares output, like MPICH's runtests, fails a test on any extra line).
  bool oversubscribe = false;
  // --rank-sessions: whether each rank leads a session of its own (rank_sessions.h).
  RankSessions rank_sessions = RankSessions::kAuto;
  // --mpich-binaries: also LD_PRELOAD zmpi's libmpi.so.12 (mpich_binaries.h), for programs
  // built against MPICH that zrun cannot inspect (started by a script) or whose RPATH wins.
  bool mpich_binaries = false;
  // -ppn N (Hydra; Open MPI's --npernode): ranks per host. On this host alone it is the rank
  // count when -n is not given.
  int ranks_per_host = 0;
  std::string wdir;      // -wdir D: the ranks (and zrun) work in D; "" = the current directory
  bool version = false;  // --version, -V
  // --stdin: which rank reads zrun's standard input (Open MPI's --stdin). kStdinAll copies it to
  // every rank; kStdinNone gives every rank /dev/null.
  static constexpr int kStdinNone = -1;
  static constexpr int kStdinAll = -2;
  int stdin_rank = 0;
  // Many hosts (docs/zrund.md, "Working directory and files"): ranks on other hosts work in a
  // fresh job folder; --stage copies files there, --collect brings matching files back.
  std::vector<std::string> stage;    // --stage FILE|DIR, in order
  std::vector<std::string> collect;  // --collect PATTERN, in order
  bool shared_fs = false;            // --shared-fs: every host's ranks work in zrun's directory
  bool doctor = false;               // --doctor: check what a job needs and exit (doctor.h)
};

// Parses argv[1..]. Errors are kArg with a message fit for "zrun: <message>".
StatusOr<Options> ParseOptions(const std::vector<std::string>& args);
// The --help text.
std::string UsageText();

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_OPTIONS_H_
