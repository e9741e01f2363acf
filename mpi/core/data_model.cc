#include "mpi/core/data_model.h"

#include <cfloat>
#include <cstdio>
#include <sstream>
#include <vector>

#include "common/log.h"

namespace zmpi::core {
namespace {

const char* Arch() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";
#elif defined(__powerpc64__)
  return "ppc64";
#else
  return "unknown";
#endif
}

std::vector<std::string> Words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

std::string LocalDataModel() {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  const char* order = "be";
#else
  const char* order = "le";
#endif
  char buf[96];
  snprintf(buf, sizeof(buf), "%s %s long%zu ptr%zu ld%zu/%d", Arch(), order, sizeof(long),
           sizeof(void*), sizeof(long double), LDBL_MANT_DIG);
  return buf;
}

Status CompatibleDataModels(int my_rank, const std::string& mine, int their_rank,
                            const std::string& theirs) {
  const std::vector<std::string> a = Words(mine), b = Words(theirs);
  if (a.size() != 5 || b.size() != 5 || a[1] != b[1] || a[2] != b[2] || a[3] != b[3]) {
    return Error(Code::kOther,
                 "rank %d (%s) and rank %d (%s) cannot exchange data: zmpi does not convert "
                 "between byte orders or type sizes; run them in separate jobs",
                 my_rank, mine.c_str(), their_rank, theirs.c_str());
  }
  if (a[4] != b[4]) {
    ZMPI_LOG_ONCE(kWarn, "init",
                  "rank %d (%s) and rank %d (%s) have different long double formats: "
                  "MPI_LONG_DOUBLE data between them is not converted",
                  my_rank, mine.c_str(), their_rank, theirs.c_str());
  }
  return OkStatus();
}

}  // namespace zmpi::core
