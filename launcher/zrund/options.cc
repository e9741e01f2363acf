#include <cstdlib>

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
    if (name != "--key-file" && name != "--port" && name != "--cores" && name != "--name" &&
        name != "--iface" && name != "--cache-dir" && name != "--startup-timeout" &&
        name != "--work-dir") {
      return Error(Code::kArg, "unknown option '%s' (zrund --help lists the options)",
                   args[i].c_str());
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) return Error(Code::kArg, "%s needs a value", name.c_str());
      value = args[++i];
    }
    if (name == "--key-file") {
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
         "             [--cache-dir D] [--work-dir D] [--startup-timeout SEC]\n"
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
         "                 0 = no limit)\n";
}

}  // namespace zmpi::launcher::zrund
