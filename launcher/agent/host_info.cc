#include "launcher/agent/host_info.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/platform/platform.h"

namespace zmpi::launcher::agent {

std::string HostName() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

std::string LibraryDir() {
  StatusOr<std::string> exe = platform::ExecutablePath();
  if (!exe.ok()) return "";
  const std::string& dir = exe.value();
  std::string lib = dir.substr(0, dir.rfind('/')) + "/../lib";
  char real[PATH_MAX];
  return realpath(lib.c_str(), real) != nullptr ? std::string(real) : lib;
}

}  // namespace zmpi::launcher::agent
