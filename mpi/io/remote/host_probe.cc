#include "mpi/io/remote/host_probe.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include "mpi/coll/coll.h"
#include "mpi/core/comm_ops.h"
#include "mpi/core/runtime.h"
#include "mpi/io/remote/placed_store.h"
#include "mpi/io/remote/remote_store.h"

namespace zmpi::io::remote {
namespace {

// MPICH's values of MPI_MODE_CREATE and MPI_MODE_EXCL (the amode bits this layer changes).
constexpr int kModeCreate = 1;
constexpr int kModeExcl = 64;

// Exchanged as raw bytes among the ranks of one job (one build: same layout).
struct Who {
  int32_t host;
  char name[60];
};
struct Verdict {
  int32_t code;   // rank 0's open: 0 or the error class
  int32_t probe;  // 1: compare the probe's token; 0: compare the fingerprint
  uint64_t token[2];
  int64_t ino, size, mtime_ns;
  char text[256];
};
struct Seen {
  int32_t sees;
  int32_t code;  // sees the file but cannot open it: the error class
  char text[248];
};

void Fill(char* dst, size_t n, const std::string& s) { snprintf(dst, n, "%s", s.c_str()); }

std::string Text(const char* s, size_t n) { return std::string(s, strnlen(s, n)); }

std::string Directory(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string ProbePath(const std::string& path, const uint64_t* token) {
  char name[64];
  snprintf(name, sizeof(name), "/.zmpi-probe-%016llx%016llx",
           static_cast<unsigned long long>(token[0]), static_cast<unsigned long long>(token[1]));
  return Directory(path) + name;
}

void RandomToken(uint64_t* token) {
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  bool ok = fd >= 0 && read(fd, token, 16) == 16;
  if (fd >= 0) close(fd);
  if (ok) return;
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  token[0] = static_cast<uint64_t>(ts.tv_sec) * 1000000007u ^ static_cast<uint64_t>(ts.tv_nsec);
  token[1] = static_cast<uint64_t>(getpid()) * 0x9e3779b97f4a7c15ull ^ token[0];
}

bool WriteProbe(const std::string& probe, const uint64_t* token) {
  int fd = open(probe.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = write(fd, token, 16) == 16;
  close(fd);
  if (!ok) unlink(probe.c_str());
  return ok;
}

bool ProbeMatches(const std::string& probe, const uint64_t* token) {
  int fd = open(probe.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  uint64_t got[2] = {0, 0};
  bool ok = read(fd, got, 16) == 16;
  close(fd);
  return ok && got[0] == token[0] && got[1] == token[1];
}

bool Fingerprint(const std::string& path, int64_t* ino, int64_t* size, int64_t* mtime_ns) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return false;
  *ino = static_cast<int64_t>(st.st_ino);
  *size = static_cast<int64_t>(st.st_size);
  *mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return true;
}

StatusOr<std::unique_ptr<Store>> Open(core::Comm& comm, const std::string& path, int amode,
                                      const LocalOpener& open_local) {
  core::Runtime& rt = *core::Runtime::Get();
  const int n = comm.size(), me = comm.rank();
  Who who{};
  const std::vector<int>& on_host = rt.bootstrap().local_ranks();
  who.host = on_host.empty() ? rt.world_rank() : on_host.front();
  Fill(who.name, sizeof(who.name), rt.processor_name());
  std::vector<Who> whos(n);
  ZMPI_RETURN_IF_ERROR(coll::Allgather(comm, &who, whos.data(), sizeof(Who)));
  auto host_of = [&](int r) { return Text(whos[r].name, sizeof(whos[r].name)); };

  Verdict v{};
  std::unique_ptr<Store> local;
  std::string probe;
  if (me == 0) {
    StatusOr<std::unique_ptr<Store>> s = open_local(path, amode);
    if (!s.ok()) {
      v.code = static_cast<int32_t>(s.status().code());
      Fill(v.text, sizeof(v.text), s.status().message());
    } else {
      local = std::move(*s);
      if (n > 1) {
        RandomToken(v.token);
        probe = ProbePath(path, v.token);
        v.probe = WriteProbe(probe, v.token) ? 1 : 0;
        if (v.probe == 0) {
          probe.clear();
          Fingerprint(path, &v.ino, &v.size, &v.mtime_ns);
        }
      }
    }
  }
  ZMPI_RETURN_IF_ERROR(coll::Bcast(comm, &v, sizeof(v), 0));
  if (v.code != 0) {
    return Status(static_cast<Code>(v.code),
                  Text(v.text, sizeof(v.text)) + " (rank 0, on host " + host_of(0) + ")");
  }

  Seen seen{};
  if (me == 0) {
    seen.sees = 1;
  } else {
    bool sees;
    if (v.probe != 0) {
      sees = ProbeMatches(ProbePath(path, v.token), v.token);
    } else {
      int64_t ino = 0, size = 0, mtime = 0;
      sees = Fingerprint(path, &ino, &size, &mtime) && ino == v.ino && size == v.size &&
             mtime == v.mtime_ns;
    }
    if (sees) {
      StatusOr<std::unique_ptr<Store>> s = open_local(path, amode & ~(kModeCreate | kModeExcl));
      if (s.ok()) {
        local = std::move(*s);
      } else {
        seen.code = static_cast<int32_t>(s.status().code());
        Fill(seen.text, sizeof(seen.text), s.status().message());
      }
    }
    seen.sees = sees ? 1 : 0;
  }
  std::vector<Seen> seens(n);
  Status gathered = coll::Allgather(comm, &seen, seens.data(), sizeof(Seen));
  if (!probe.empty()) unlink(probe.c_str());
  ZMPI_RETURN_IF_ERROR(gathered);
  for (int r = 0; r < n; ++r) {
    if (seens[r].code == 0) continue;
    if (local != nullptr) local->Close().IgnoreError();
    return Status(static_cast<Code>(seens[r].code),
                  "rank " + std::to_string(r) + " on host " + host_of(r) + " sees " + path +
                      " but cannot open it: " + Text(seens[r].text, sizeof(seens[r].text)));
  }

  Placement placement;
  std::vector<int> seeing, remote;
  for (int r = 0; r < n; ++r) {
    placement.host.push_back(whos[r].host);
    placement.host_name.push_back(host_of(r));
    placement.sees.push_back(seens[r].sees != 0);
    (seens[r].sees != 0 ? seeing : remote).push_back(r);
  }
  // seeing[0] == 0: rank 0 always sees what it opened. It is every remote rank's delegate: a
  // second delegate could block in an fcntl lock that a client of its holds through the home
  // delegate, and then never serve that client's write (docs/io.md).
  const int home = seeing.front();
  auto delegate_of = [&](size_t) { return home; };
  std::unique_ptr<Store> inner;
  if (placement.sees[me]) {
    inner = std::move(local);
  } else {
    size_t j = 0;
    while (remote[j] != me) ++j;
    inner = std::make_unique<RemoteStore>(comm, delegate_of(j), home);
  }
  int clients = 0;
  for (size_t j = 0; j < remote.size(); ++j) {
    if (delegate_of(j) == me || me == home) ++clients;
  }
  std::shared_ptr<Delegate> service;
  if (clients > 0) {
    service = std::make_shared<Delegate>(comm, *inner, clients);
    Delegate::Start(service);
  }
  return std::unique_ptr<Store>(
      new PlacedStore(&comm, std::move(placement), std::move(inner), std::move(service)));
}

}  // namespace

StatusOr<std::unique_ptr<Store>> OpenAcrossHosts(core::Comm& comm, const std::string& path,
                                                 int amode, const LocalOpener& open_local) {
  core::Runtime& rt = *core::Runtime::Get();
  ZMPI_ASSIGN_OR_RETURN(uint32_t context, rt.AgreeOnContext(comm));
  core::Comm* own = core::MakeDup(comm, context, 0, nullptr);
  StatusOr<std::unique_ptr<Store>> store = Open(*own, path, amode, open_local);
  if (!store.ok()) core::FreeComm(own);
  return store;
}

}  // namespace zmpi::io::remote
