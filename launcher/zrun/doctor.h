// zrun --doctor: checks what a job needs on this host, one line per check with a fix
// (docs/zrun.md, "zrun --doctor"). Agents are looked for only when the user asks for more
// than this host (--host, --hostfile, --discover, -n auto with a key); each found is
// connected to and authenticated, as a job would.
#ifndef ZMPI_LAUNCHER_ZRUN_DOCTOR_H_
#define ZMPI_LAUNCHER_ZRUN_DOCTOR_H_

#include <string>
#include <vector>

#include "launcher/zrun/options.h"

namespace zmpi::launcher::zrun {

struct DoctorLine {
  enum Level { kOk, kWarn, kFail } level = kOk;
  std::string check;  // "pmix", "/dev/shm", ...
  std::string what;   // what was found
  std::string fix;    // what to do ("" when nothing)
};

// "ok    pmix       libpmix 4.2.2" / "FAIL  key  ... -> fix: ...".
std::string FormatDoctorLine(const DoctorLine& line);

// Runs every check; `options.command` (if any) names the program to inspect.
std::vector<DoctorLine> RunDoctor(const Options& options);

// Prints the lines on stdout; returns 0 if no check failed, else 1.
int Doctor(const Options& options);

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_DOCTOR_H_
