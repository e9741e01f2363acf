#include <cstdlib>
#include <string>

#include "launcher/zrund/zrund.h"

namespace zmpi::launcher::zrund {

namespace {

bool ParseInt(const std::string& text, int min, int max, int* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  long v = strtol(text.c_str(), &end, 10);
  if (*end != '\0' || v < min || v > max) return false;
  *out = static_cast<int>(v);
  return true;
}

// Owner flags without a value.
bool ParseOwnerFlag(const std::string& name, ZrundOptions* o) {
  if (name == "--when-idle") {
    o->owner.when_idle = true;
  } else if (name == "--ask") {
    o->owner.ask = true;
  } else if (name == "--run-as-root") {
    o->run_as_root = true;
  } else {
    return false;
  }
  return true;
}

bool IsOwnerOption(const std::string& name) {
  for (const char* known : {"--run-as", "--max-memory", "--max-time", "--max-ranks", "--max-disk",
                            "--idle-after", "--idle-load", "--idle-input", "--on-return",
                            "--ask-timeout", "--control", "--approve", "--deny"}) {
    if (name == known) return true;
  }
  return false;
}

Status ParseOwnerOption(const std::string& name, const std::string& value, ZrundOptions* o) {
  OwnerPolicy& p = o->owner;
  bool ok = true;
  if (name == "--run-as") {
    o->run_as = value;
    ok = !value.empty();
  } else if (name == "--max-memory") {
    ZMPI_ASSIGN_OR_RETURN(p.max_memory, ParseSize(value));
  } else if (name == "--max-disk") {
    ZMPI_ASSIGN_OR_RETURN(p.max_disk, ParseSize(value));
  } else if (name == "--max-time") {
    ok = ParseInt(value, 1, 100000000, &p.max_time_seconds);
  } else if (name == "--max-ranks") {
    ok = ParseInt(value, 1, 1 << 20, &p.max_ranks);
  } else if (name == "--idle-after") {
    ok = ParseInt(value, 0, 100000000, &p.idle_after_seconds);
  } else if (name == "--idle-load") {
    char* end = nullptr;
    p.idle_load = value == "off" ? -1 : strtod(value.c_str(), &end);
    ok = value == "off" || (!value.empty() && *end == '\0' && p.idle_load >= 0);
  } else if (name == "--idle-input") {
    p.idle_inputs.push_back(value);
    ok = !value.empty();
  } else if (name == "--on-return") {
    ok = value == "pause" || value == "end";
    p.on_return = value == "end" ? OnReturn::kEnd : OnReturn::kPause;
  } else if (name == "--ask-timeout") {
    ok = ParseInt(value, 1, 100000, &p.ask_timeout_seconds);
  } else if (name == "--control") {
    o->control = value;
    ok = !value.empty();
  } else {  // --approve / --deny
    o->command = name.substr(2) + " " + value;
    ok = !value.empty() && value.find('\n') == std::string::npos;
  }
  if (!ok) return Error(Code::kArg, "bad %s '%s'", name.c_str(), value.c_str());
  return OkStatus();
}

}  // namespace

StatusOr<ZrundOptions> ParseZrundOptions(const std::vector<std::string>& args) {
  ZrundOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i], value;
    size_t eq = name.find('=');
    bool inline_value = name.compare(0, 2, "--") == 0 && eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (name == "--help" || name == "-h") {
      o.help = true;
      return o;
    }
    if (!inline_value && ParseOwnerFlag(name, &o)) continue;
    if (!inline_value && (name == "--pause" || name == "--resume" || name == "--status")) {
      o.command = name.substr(2);
      continue;
    }
    const bool owner_option = IsOwnerOption(name);
    if (name != "--key-file" && name != "--port" && name != "--cores" && name != "--name" &&
        name != "--iface" && name != "--cache-dir" && name != "--startup-timeout" &&
        name != "--work-dir" && !owner_option) {
      return Error(Code::kArg, "unknown option '%s' (zrund --help lists the options)",
                   args[i].c_str());
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) return Error(Code::kArg, "%s needs a value", name.c_str());
      value = args[++i];
    }
    if (owner_option) {
      ZMPI_RETURN_IF_ERROR(ParseOwnerOption(name, value, &o));
    } else if (name == "--key-file") {
      o.key_file = value;
    } else if (name == "--port") {
      if (!ParseInt(value, 0, 65535, &o.port)) return Error(Code::kArg, "bad --port '%s'", value.c_str());
    } else if (name == "--cores") {
      if (!ParseInt(value, 1, 1 << 20, &o.cores)) return Error(Code::kArg, "bad --cores '%s'", value.c_str());
    } else if (name == "--name") {
      o.name = value;
    } else if (name == "--cache-dir") {
      o.cache_dir = value;
    } else if (name == "--work-dir") {
      o.work_dir = value;
    } else if (name == "--startup-timeout") {
      if (!ParseInt(value, 0, 1000000, &o.startup_timeout_seconds)) {
        return Error(Code::kArg, "bad --startup-timeout '%s'", value.c_str());
      }
    } else {
      o.iface = value;
    }
  }
  return o;
}

std::string ZrundUsage() {
  return "usage: zrund [--key-file F] [--port P] [--cores N] [--name NAME] [--iface IF]\n"
         "             [--cache-dir D] [--work-dir D] [--startup-timeout SEC] [owner options]\n"
         "       zrund --pause | --resume | --status | --approve C | --deny C [--name N]\n"
         "The zmpi agent: runs in the foreground, announces itself over mDNS and runs the\n"
         "ranks zrun sends it (only for clients holding the cluster key).\n"
         "\n"
         "  --key-file F   cluster key (default ~/.config/zmpi/cluster.key; zrun --new-key F)\n"
         "  --port P       TCP port (default: any free port)\n"
         "  --cores N      cores offered (default: all)\n"
         "  --name NAME    announced name (default: the host name)\n"
         "  --iface IF     interface to announce on and for ranks' traffic (default: first\n"
         "                 non-loopback multicast interface)\n"
         "  --cache-dir D  where programs sent by zrun are kept, by hash (default\n"
         "                 ~/.cache/zmpi/programs; staged files too)\n"
         "  --work-dir D   where ranks of jobs from other hosts work, one fresh folder per\n"
         "                 job, removed after it (default: jobs/ beside the cache dir)\n"
         "  --startup-timeout SEC  end a multi-host job whose ranks here connected to PMIx\n"
         "                 but did not reach MPI_Init's exchange within SEC s (default 60;\n"
         "                 0 = no limit)\n"
         "\n"
         "What the owner decides (docs/owner.md):\n"
         "  --cores N      a hard limit: ranks run only on the first N cores (affinity)\n"
         "  --run-as USER  as root, run jobs as USER (default: zmpi if it exists, else nobody)\n"
         "  --run-as-root  as root, run jobs as root (the key's holders then own this host)\n"
         "  --max-memory SIZE  resident memory per rank (e.g. 2G); a rank above it ends the job\n"
         "  --max-time SEC     wall time per job on this host\n"
         "  --max-ranks N      ranks per job on this host (default: the cores offered)\n"
         "  --max-disk SIZE    program and staged files per job, and what its ranks hold in\n"
         "                     its job folder (e.g. 1G); a job above it ends\n"
         "  --when-idle    offer cores only while the owner is away (no input and low load for\n"
         "                 --idle-after SEC, default 300; --idle-load CORES, default 0.5, or\n"
         "                 off; --idle-input FILE|GLOB, default terminals and input devices)\n"
         "  --on-return pause|end  what running jobs get when the owner is back (default pause)\n"
         "  --ask          ask the owner before a new client's first job (--ask-timeout SEC,\n"
         "                 default 60; answer with zrund --approve/--deny CLIENT)\n"
         "  --control PATH the owner's control socket (default\n"
         "                 $XDG_RUNTIME_DIR/zmpi/zrund-NAME.sock or /run/zmpi/... as root)\n"
         "\n"
         "Control a running agent (through its control socket; --name/--control pick it):\n"
         "  zrund --pause | --resume | --status | --approve CLIENT | --deny CLIENT\n";
}

}  // namespace zmpi::launcher::zrund
