// One finding of `zrun --doctor` (doctor.h) and how it is printed.
#ifndef ZMPI_LAUNCHER_ZRUN_DOCTOR_LINE_H_
#define ZMPI_LAUNCHER_ZRUN_DOCTOR_LINE_H_

#include <string>

namespace zmpi::launcher::zrun {

struct DoctorLine {
  enum Level { kOk, kWarn, kFail } level = kOk;
  std::string check;  // "pmix", "/dev/shm", ...
  std::string what;   // what was found
  std::string fix;    // what to do ("" when nothing)
};

// "ok    pmix       libpmix 4.2.2" / "FAIL  key  ... -> fix: ...".
std::string FormatDoctorLine(const DoctorLine& line);

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_DOCTOR_LINE_H_
