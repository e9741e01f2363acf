// zrund: the zmpi agent daemon. All the work is in Zrund (launcher/zrund/zrund.h).
#include <cstdio>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/log.h"
#include "launcher/zrund/zrund.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  zmpi::StatusOr<zmpi::launcher::zrund::ZrundOptions> options =
      zmpi::launcher::zrund::ParseZrundOptions(args);
  if (!options.ok()) {
    fprintf(stderr, "zrund: %s\n", options.status().message().c_str());
    return 2;
  }
  if (options->help) {
    fputs(zmpi::launcher::zrund::ZrundUsage().c_str(), stdout);
    return 0;
  }
  if (!options->command.empty()) {  // zrund --pause, --status, ...: a client of the agent
    zmpi::StatusOr<std::string> reply = zmpi::launcher::zrund::ControlCall(
        zmpi::launcher::zrund::ControlPath(options.value()), options->command);
    if (!reply.ok()) {
      fprintf(stderr, "zrund: %s\n", reply.status().message().c_str());
      return 1;
    }
    fputs(reply->c_str(), stdout);
    return reply->compare(0, 6, "error:") == 0 ? 1 : 0;
  }
  zmpi::Config config = zmpi::Config::FromEnvironment();
  zmpi::SetLogLevel(config.log_level);
  zmpi::SetLogIdentity("zrund");
  setvbuf(stderr, nullptr, _IOLBF, 0);
  zmpi::launcher::zrund::Zrund zrund(std::move(options.value()),
                                     std::vector<std::string>(argv, argv + argc));
  return zrund.Run();
}
