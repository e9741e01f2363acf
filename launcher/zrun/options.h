// zrun's command line. Accepts the common Open MPI / MPICH spellings (-np, -x, -genv,
// --tag-output, -prepend-rank, -l, --oversubscribe ...) next to zrun's own.
#ifndef ZMPI_LAUNCHER_ZRUN_OPTIONS_H_
#define ZMPI_LAUNCHER_ZRUN_OPTIONS_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "launcher/agent/job_plan.h"

namespace zmpi::launcher::zrun {

struct Options {
  int nranks = 1;
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
};

// Parses argv[1..]. Errors are kArg with a message fit for "zrun: <message>".
StatusOr<Options> ParseOptions(const std::vector<std::string>& args);
// The --help text.
std::string UsageText();

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_OPTIONS_H_
