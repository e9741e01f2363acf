#include "launcher/zrun/options.h"

#include <cstdlib>
#include <cstring>

#include "launcher/agent/program_arch.h"

namespace zmpi::launcher::zrun {

namespace {

enum class Id {
  kRanks, kBind, kReport, kTimeout, kStartupTimeout, kExport, kGenv, kTag, kHelp, kHelpEnv, kIgnore,
  kMapBy, kHost, kHostfile, kKeyFile, kNewKey, kDiscover, kBrowseMs, kIface, kLocal, kOversubscribe,
  kMpichBinaries, kPpn, kWdir, kGenvList, kVersion, kStdin, kStage, kCollect, kSharedFs,
  kDoctor, kProgram, kRankSessions
};

struct Spec {
  const char* names[5];  // spellings, nullptr-terminated
  Id id;
  bool takes_value;
};

// One row per option; every spelling of a row means the same thing.
constexpr Spec kSpecs[] = {
    {{"-n", "-np", "--np", "--n", "-c"}, Id::kRanks, true},  // -c: Open MPI's synonym
    {{"--bind-to", "-bind-to", nullptr}, Id::kBind, true},
    {{"--report-bindings", "-report-bindings", nullptr}, Id::kReport, false},
    {{"--timeout", "-timeout", nullptr}, Id::kTimeout, true},
    {{"--startup-timeout", nullptr}, Id::kStartupTimeout, true},
    {{"-x", nullptr}, Id::kExport, true},
    {{"-genv", "--genv", "-env", nullptr}, Id::kGenv, true},  // NAME VALUE
    {{"--tag-output", "-tag-output", "-prepend-rank", "--prepend-rank", "-l"}, Id::kTag, false},
    {{"--help", "-h", "-help", nullptr}, Id::kHelp, false},
    {{"--help-env", nullptr}, Id::kHelpEnv, false},
    {{"--map-by", "-map-by", nullptr}, Id::kMapBy, true},
    {{"--host", "-host", "-H", "-hosts", nullptr}, Id::kHost, true},
    {{"--hostfile", "-hostfile", "--machinefile", "-machinefile", "-f"}, Id::kHostfile, true},
    {{"--key-file", nullptr}, Id::kKeyFile, true},
    {{"--new-key", nullptr}, Id::kNewKey, true},
    {{"--discover", "--print-hosts", nullptr}, Id::kDiscover, false},
    {{"--browse-ms", nullptr}, Id::kBrowseMs, true},
    {{"--iface", nullptr}, Id::kIface, true},
    {{"--local", nullptr}, Id::kLocal, false},
    // Open MPI habits: more ranks than cores is allowed anyway; saying so silences the warning.
    {{"--oversubscribe", "-oversubscribe", nullptr}, Id::kOversubscribe, false},
    {{"--mpich-binaries", nullptr}, Id::kMpichBinaries, false},
    {{"--rank-sessions", nullptr}, Id::kRankSessions, true},
    // Hydra and Open MPI spellings that mpiexec/mpirun (links to zrun) must accept.
    {{"-ppn", "--ppn", "-npernode", "--npernode", "-N"}, Id::kPpn, true},
    {{"-wdir", "--wdir", "-wd", "--wd", nullptr}, Id::kWdir, true},
    {{"-genvlist", "--genvlist", "-envlist", nullptr}, Id::kGenvList, true},
    {{"--version", "-V", "-version", nullptr}, Id::kVersion, false},
    {{"--stdin", "-stdin", nullptr}, Id::kStdin, true},
    {{"--stage", nullptr}, Id::kStage, true},
    {{"--collect", nullptr}, Id::kCollect, true},
    {{"--shared-fs", nullptr}, Id::kSharedFs, false},
    {{"--doctor", nullptr}, Id::kDoctor, false},
    {{"-genvall", "-envall", nullptr}, Id::kIgnore, false},  // the ranks get zrun's environment
    {{"--allow-run-as-root", "-allow-run-as-root", nullptr}, Id::kIgnore, false},
    // The program for hosts of another architecture (ARCH=PATH); see agent/program_arch.h.
    {{"--program", nullptr}, Id::kProgram, true},
};

const Spec* FindSpec(const std::string& name) {
  for (const Spec& spec : kSpecs) {
    for (const char* n : spec.names) {
      if (n != nullptr && name == n) return &spec;
    }
  }
  return nullptr;
}

bool ParseInt(const std::string& text, int min, int* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  long v = strtol(text.c_str(), &end, 10);
  if (*end != '\0' || v < min || v > 1000000) return false;
  *out = static_cast<int>(v);
  return true;
}

Status Apply(const Spec& spec, const std::string& name, const std::string& value,
             const std::vector<std::string>& args, size_t* i, Options* o) {
  switch (spec.id) {
    case Id::kRanks:
      if (value == "auto") {
        o->auto_ranks = true;
      } else if (!ParseInt(value, 1, &o->nranks)) {
        return Error(Code::kArg, "%s wants a positive number or 'auto', not '%s'", name.c_str(),
                     value.c_str());
      }
      o->nranks_given = true;
      return OkStatus();
    case Id::kBind:
      if (value == "core") o->bind = agent::BindPolicy::kCore;
      else if (value == "none") o->bind = agent::BindPolicy::kNone;
      else return Error(Code::kArg, "%s wants 'core' or 'none', not '%s'", name.c_str(),
                        value.c_str());
      return OkStatus();
    case Id::kReport:
      o->report_bindings = true;
      return OkStatus();
    case Id::kTimeout:
      if (!ParseInt(value, 1, &o->timeout_seconds)) {
        return Error(Code::kArg, "%s wants a positive number of seconds, not '%s'", name.c_str(),
                     value.c_str());
      }
      o->timeout_given = true;
      return OkStatus();
    case Id::kStartupTimeout:
      if (!ParseInt(value, 0, &o->startup_timeout_seconds)) {
        return Error(Code::kArg, "%s wants a number of seconds (0 = no limit), not '%s'",
                     name.c_str(), value.c_str());
      }
      return OkStatus();
    case Id::kProgram:
      return agent::AddProgramOverride(value, &o->programs);
    case Id::kExport:
      if (value.empty() || value[0] == '=') {
        return Error(Code::kArg, "%s wants VAR or VAR=VALUE, not '%s'", name.c_str(),
                     value.c_str());
      }
      o->env_specs.push_back(value);
      return OkStatus();
    case Id::kGenv:
      if (*i + 1 >= args.size()) return Error(Code::kArg, "%s wants NAME VALUE", name.c_str());
      o->env_specs.push_back(value + "=" + args[++*i]);
      return OkStatus();
    case Id::kTag:
      o->tag_output = true;
      return OkStatus();
    case Id::kHelp:
      o->help = true;
      return OkStatus();
    case Id::kHelpEnv:
      o->help_env = true;
      return OkStatus();
    case Id::kIgnore:
      return OkStatus();
    case Id::kHost: {
      size_t start = 0;
      for (;;) {
        size_t comma = value.find(',', start);
        std::string h = value.substr(start, comma - start);
        if (h.empty()) return Error(Code::kArg, "%s wants names like a,b", name.c_str());
        o->hosts.push_back(h);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      return OkStatus();
    }
    case Id::kMapBy:
      if (value == "core" || value == "slot") o->map = agent::MapBy::kCore;
      else if (value == "node") o->map = agent::MapBy::kNode;
      else return Error(Code::kArg, "%s wants 'core' or 'node', not '%s'", name.c_str(),
                        value.c_str());
      return OkStatus();
    case Id::kHostfile:
      o->hostfile = value;
      return OkStatus();
    case Id::kKeyFile:
      o->key_file = value;
      return OkStatus();
    case Id::kNewKey:
      o->new_key = value;
      return OkStatus();
    case Id::kDiscover:
      o->discover = true;
      return OkStatus();
    case Id::kBrowseMs:
      if (!ParseInt(value, 1, &o->browse_ms) || o->browse_ms > 60000) {
        return Error(Code::kArg, "%s wants 1..60000 ms, not '%s'", name.c_str(), value.c_str());
      }
      return OkStatus();
    case Id::kIface:
      o->iface = value;
      return OkStatus();
    case Id::kLocal:
      o->local = true;
      return OkStatus();
    case Id::kOversubscribe:
      o->oversubscribe = true;
      return OkStatus();
    case Id::kMpichBinaries:
      o->mpich_binaries = true;
      return OkStatus();
    case Id::kRankSessions: {
      ZMPI_ASSIGN_OR_RETURN(o->rank_sessions, ParseRankSessions(value));
      return OkStatus();
    }
    case Id::kPpn:
      if (!ParseInt(value, 1, &o->ranks_per_host)) {
        return Error(Code::kArg, "%s wants a positive number, not '%s'", name.c_str(),
                     value.c_str());
      }
      return OkStatus();
    case Id::kWdir:
      if (value.empty()) return Error(Code::kArg, "%s wants a directory", name.c_str());
      o->wdir = value;
      return OkStatus();
    case Id::kGenvList: {
      size_t start = 0;
      for (;;) {
        size_t comma = value.find(',', start);
        std::string var = value.substr(start, comma - start);
        if (var.empty() || var.find('=') != std::string::npos) {
          return Error(Code::kArg, "%s wants names like A,B", name.c_str());
        }
        o->env_specs.push_back(var);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      return OkStatus();
    }
    case Id::kVersion:
      o->version = true;
      return OkStatus();
    case Id::kStage:
      if (value.empty()) return Error(Code::kArg, "%s wants a file or folder", name.c_str());
      o->stage.push_back(value);
      return OkStatus();
    case Id::kCollect:
      if (value.empty()) return Error(Code::kArg, "%s wants a pattern", name.c_str());
      o->collect.push_back(value);
      return OkStatus();
    case Id::kSharedFs:
      o->shared_fs = true;
      return OkStatus();
    case Id::kDoctor:
      o->doctor = true;
      return OkStatus();
    case Id::kStdin:
      if (value == "all") o->stdin_rank = Options::kStdinAll;
      else if (value == "none") o->stdin_rank = Options::kStdinNone;
      else if (!ParseInt(value, 0, &o->stdin_rank)) {
        return Error(Code::kArg, "%s wants a rank, 'all' or 'none', not '%s'", name.c_str(),
                     value.c_str());
      }
      return OkStatus();
  }
  return OkStatus();
}

}  // namespace

StatusOr<Options> ParseOptions(const std::vector<std::string>& args) {
  Options o;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') break;  // the program
    std::string name = arg, value;
    bool inline_value = false;
    size_t eq = arg.find('=');
    if (arg.compare(0, 2, "--") == 0 && eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      inline_value = true;
    }
    const Spec* spec = FindSpec(name);
    if (spec == nullptr) {
      return Error(Code::kArg, "unknown option '%s' (zrun --help lists the options)",
                   arg.c_str());
    }
    if (spec->takes_value && !inline_value) {
      if (i + 1 >= args.size()) return Error(Code::kArg, "%s needs a value", name.c_str());
      value = args[++i];
    } else if (!spec->takes_value && inline_value) {
      return Error(Code::kArg, "%s takes no value", name.c_str());
    }
    ZMPI_RETURN_IF_ERROR(Apply(*spec, name, value, args, &i, &o));
    if (o.help || o.help_env || o.version) return o;
  }
  o.command.assign(args.begin() + static_cast<long>(i), args.end());
  if (o.shared_fs && (!o.stage.empty() || !o.collect.empty())) {
    return Error(Code::kArg, "--shared-fs: the ranks work in this directory on every host, so "
                 "--stage and --collect have nothing to do");
  }
  if (o.command.empty() && o.new_key.empty() && !o.discover && !o.doctor) {
    return Error(Code::kArg, "no program to run (usage: zrun -n N prog args...)");
  }
  return o;
}

std::string UsageText() {
  return "usage: zrun [options] prog [args...]\n"
         "Runs prog as an MPI job on this machine, one rank per core by default binding.\n"
         "\n"
         "  -n, -np N | auto         number of ranks (auto: one per core); default 1\n"
         "  --bind-to core|none      pin each rank to its own core (default core)\n"
         "  --report-bindings        print the core(s) each rank is bound to\n"
         "  --timeout SEC            end the job after SEC seconds (exit code 124)\n"
         "  --oversubscribe          more ranks than cores is intended: no warning\n"
         "  --rank-sessions auto|own|shared\n"
         "                           own: each rank leads a session (a CPU share) of its own;\n"
         "                           shared: ranks stay in zrun's; auto (default): own unless\n"
         "                           ranks outnumber cores (then shared, and they sleep when\n"
         "                           they wait if the machine is busy at launch)\n"
         "  -x VAR[=VALUE]           pass VAR (or set it to VALUE) for every rank\n"
         "  -genv NAME VALUE         same as -x NAME=VALUE\n"
         "  --tag-output, -prepend-rank, -l\n"
         "                           prefix each output line with [rank]\n"
         "  --help-env               list the ZMPI_* environment variables\n"
         "  --mpich-binaries         also preload zmpi's libmpi.so.12, for MPICH-built\n"
         "                           programs started by a script (MPICH-built programs\n"
         "                           load zmpi without it: docs/mpich-binaries.md)\n"
         "  --stdin RANK|all|none    who reads zrun's standard input (default rank 0)\n"
         "  -wdir, --wdir DIR        run in DIR\n"
         "  -ppn N                   ranks per host (on this machine: -n N if -n is absent)\n"
         "  -genvlist A,B            same as -x A -x B\n"
         "  -V, --version            print zrun's version and library directory\n"
         "  --doctor [prog]          check what a job needs (libraries, /dev/shm, single\n"
         "                           copy, key, the program's MPI library; agents with\n"
         "                           --host/--hostfile/--discover/-n auto), one line each\n"
         "\n"
         "Also installed as mpiexec and mpirun, with Hydra's and Open MPI's spellings:\n"
         "-np, -H, -hosts, -f, -machinefile, -genv, -env, -l, -wd, -npernode.\n"
         "\n"
         "`zrun -n N prog` runs on this machine. Many hosts (agents started with zrund; see\n"
         "docs/zrund.md) when --host, --hostfile, --key-file or --discover is given, or for\n"
         "-n auto when the default key ~/.config/zmpi/cluster.key exists:\n"
         "  --host a,b               run on these agents, ranks filled host by host\n"
         "                           (ADDRESS:PORT[:SLOTS] names an agent without mDNS)\n"
         "  --map-by core|node       fill each host before the next (core, default) or deal\n"
         "                           ranks one per host in turn (node)\n"
         "  --hostfile F             hosts from F (lines 'host [slots=N]'), after --host ones\n"
         "  --key-file F             the cluster key (default ~/.config/zmpi/cluster.key)\n"
         "  --new-key F              write a new cluster key to F (mode 0600) and exit\n"
         "  --discover, --print-hosts  list the agents found (host, arch, cores, offer) and exit\n"
         "  --browse-ms MS           look for agents at most this long (default 1000; stops\n"
         "                           300 ms after the last new agent answered)\n"
         "  --iface IF               interface to look for agents on\n"
         "  --startup-timeout SEC    end the job if MPI start-up (MPI_Init's exchange) is\n"
         "                           not complete SEC s after the first host's ranks reached\n"
         "                           it (default 60; 0 = no limit)\n"
         "  --local                  run on this host only (embedded agent)\n"
         "  --stage FILE|DIR         copy FILE (a folder: its files) into the working folder\n"
         "                           of the ranks on other hosts, same relative name\n"
         "  --collect PATTERN        after the job, bring files matching PATTERN (relative\n"
         "                           to the ranks' folder) back here from other hosts\n"
         "  --shared-fs              this directory is the same on every host (NFS): ranks\n"
         "                           everywhere work in it, nothing staged or collected\n"
         "  -h, --help               this text\n"
         "\n"
         "Exit status: 0 if every rank exited 0; else the first failing rank's exit code\n"
         "(128+N if it died by signal N), 124 on --timeout, 2 on a usage error.\n";
}

}  // namespace zmpi::launcher::zrun
