// zrun --doctor: checks what a job needs on this host, one line per check with a fix
// (docs/zrun.md, "zrun --doctor"). Agents are looked for only when the user asks for more
// than this host (--host, --hostfile, --discover, -n auto with a key); each found is
// connected to and authenticated, as a job would, and then every host that answered is
// checked through a probe job (doctor_hosts.h).
#ifndef ZMPI_LAUNCHER_ZRUN_DOCTOR_H_
#define ZMPI_LAUNCHER_ZRUN_DOCTOR_H_

#include <string>
#include <vector>

#include "launcher/zrun/doctor_line.h"
#include "launcher/zrun/options.h"

namespace zmpi::launcher::zrun {

// Runs every check; `options.command` (if any) names the program to inspect. With agents
// (doctor_hosts.h), `table` (if not null) gets the per-host table, else "".
std::vector<DoctorLine> RunDoctor(const Options& options, std::string* table = nullptr);

// Prints the lines, then the per-host table, on stdout; returns 0 if no check failed, else 1.
int Doctor(const Options& options);

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_DOCTOR_H_
