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
  bool report_bindings = false;
  int timeout_seconds = 0;  // 0 = none (ZMPI_ZRUN_TIMEOUT is the default)
  bool timeout_given = false;
  std::vector<std::string> env_specs;  // "VAR" or "VAR=VAL", in order
  bool tag_output = false;
  bool help = false;
  bool help_env = false;
  std::vector<std::string> command;  // program and its arguments
};

// Parses argv[1..]. Errors are kArg with a message fit for "zrun: <message>".
StatusOr<Options> ParseOptions(const std::vector<std::string>& args);
// The --help text.
std::string UsageText();

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_OPTIONS_H_
