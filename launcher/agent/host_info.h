// Facts about this host and this installation that zrun and zrund both need.
#ifndef ZMPI_LAUNCHER_AGENT_HOST_INFO_H_
#define ZMPI_LAUNCHER_AGENT_HOST_INFO_H_

#include <string>

namespace zmpi::launcher::agent {

// gethostname(), or "localhost" when it is empty or fails.
std::string HostName();
// <dir of the running executable>/../lib, where libmpi.so.12 lives in the build and install
// trees (ranks get it first on LD_LIBRARY_PATH). Canonical when it exists.
std::string LibraryDir();

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_HOST_INFO_H_
