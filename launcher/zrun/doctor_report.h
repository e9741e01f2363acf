// What `zrun --doctor` learns from its probe job (doctor_probe.cc: one rank per host) and how
// it judges it. Pure text and arithmetic, no OS calls, so it is unit-tested.
//
// The probe prints one tab-separated line per finding, each starting with "zmpi-probe":
//   host  RANK HOST ARCH OS IFACE ADDRESS PROVIDER ERROR   ("-" for an empty field)
//   link  RANK PEER ok RTT_NS OFFSET_NS                    (OFFSET: PEER's clock minus RANK's)
//   link  RANK PEER fail WHY
//   lib   RANK NAME ok PATH | lib RANK NAME missing WHY
// Lines that are not of this form (other output, cut lines) are ignored.
#ifndef ZMPI_LAUNCHER_ZRUN_DOCTOR_REPORT_H_
#define ZMPI_LAUNCHER_ZRUN_DOCTOR_REPORT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "launcher/zrun/doctor_line.h"

namespace zmpi::launcher::zrun::probe {

// "zmpi-probe\tF1\tF2...\n"; tabs and newlines inside a field become spaces.
std::string FormatLine(const std::vector<std::string>& fields);

struct HostFacts {
  std::string host, arch, os, iface, address, provider;
  std::string error;  // "" when its endpoint opened
};
struct LinkResult {
  int from = 0, to = 0;
  bool ok = false;
  int64_t rtt_ns = 0;
  int64_t offset_ns = 0;  // to's clock minus from's
  std::string why;        // when !ok
};
struct LibResult {
  int rank = 0;
  std::string name;
  bool ok = false;
  std::string detail;  // the path found, or why not
};
struct Report {
  std::map<int, HostFacts> hosts;  // by rank
  std::vector<LinkResult> links;
  std::vector<LibResult> libs;
};

Report Parse(const std::string& output);

// A clock this far from the reference host's is worth a warning.
inline constexpr int64_t kClockWarnNs = 50'000'000;

struct Verdict {
  std::vector<DoctorLine> lines;  // what is wrong (with fixes) and one summary per check
  std::string table;              // one row per host, for the eye
};

// Judges a report of a probe job that ran rank r on `names[r]` (the agents' names). The
// reference clock is rank `reference`'s (zrun's own host when it is among them). `program`
// names the user's program in the library lines ("" when none was given).
Verdict Judge(const Report& report, const std::vector<std::string>& names, int reference,
              const std::string& program);

// The offset of rank `rank`'s clock from rank `reference`'s, from the links (directly, or
// through one other host when their link failed). False when no path measured it.
bool ClockOffset(const Report& report, int reference, int rank, int64_t* offset_ns);

}  // namespace zmpi::launcher::zrun::probe

#endif  // ZMPI_LAUNCHER_ZRUN_DOCTOR_REPORT_H_
