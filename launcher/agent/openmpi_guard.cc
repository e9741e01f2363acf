#include "launcher/agent/openmpi_guard.h"

#include <cstring>

#include "common/contract.h"

namespace zmpi::launcher::agent {

namespace {

// A block of Open MPI's help is held for at most this many lines (its longest are ~25).
constexpr size_t kMaxHeldLines = 64;

// Without the trailing newline and blanks.
std::string Trimmed(const char* data, size_t size) {
  while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == '\r' || data[size - 1] == ' ' ||
                      data[size - 1] == '\t')) {
    --size;
  }
  return std::string(data, size);
}

// "-----..." alone: Open MPI frames each help message with such a line (74 dashes).
bool IsDashLine(const std::string& line) {
  return line.size() >= 20 && line.find_first_not_of('-') == std::string::npos;
}

// The guard's name ends the line, after a blank (Open MPI's "Component: <name>").
bool NamesGuard(const std::string& line) {
  const size_t n = strlen(contract::kOpenMpiGuardValue);
  if (line.size() < n + 1 || line.compare(line.size() - n, n, contract::kOpenMpiGuardValue) != 0) {
    return false;
  }
  const char before = line[line.size() - n - 1];
  return before == ' ' || before == '\t';
}

}  // namespace

void SetOpenMpiGuard(EnvBlock* env) {
  env->Set(contract::kOpenMpiGuardEnv, contract::kOpenMpiGuardValue);
  env->Set(contract::kOpenMpiIsolatedEnv, contract::kOpenMpiIsolatedValue);
}

void OpenMpiGuardFilter::Line(const char* data, size_t size, const LineSink& sink) {
  if (tripped_) return;
  const std::string line = Trimmed(data, size);
  if (NamesGuard(line)) {
    tripped_ = true;
    held_.clear();
    return;
  }
  if (held_.empty()) {
    if (!IsDashLine(line)) {
      sink(data, size);
      return;
    }
    held_.emplace_back(data, size);
    return;
  }
  held_.emplace_back(data, size);
  if (IsDashLine(line) || held_.size() >= kMaxHeldLines) Release(sink);  // a block without it
}

void OpenMpiGuardFilter::EndOfRead(const LineSink& sink) { Release(sink); }

void OpenMpiGuardFilter::Release(const LineSink& sink) {
  for (const std::string& l : held_) sink(l.data(), l.size());
  held_.clear();
}

std::string OpenMpiGuardReport(int rank, const std::string& host, const std::string& mpicc) {
  return "zrun: rank " + std::to_string(rank) + " on " + host +
         " loaded Open MPI's library instead of zmpi's (an mpi4py or a program built for Open "
         "MPI, started by a script or an interpreter): rebuild it with " + mpicc +
         " (mpi4py: MPICC=" + mpicc + " pip install --no-binary=mpi4py mpi4py) or point the "
         "script at a zmpi build of it (PATH, PYTHONPATH)\n";
}

}  // namespace zmpi::launcher::agent
