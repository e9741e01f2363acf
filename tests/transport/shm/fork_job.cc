#include "tests/transport/shm/fork_job.h"

#include <dirent.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <new>
#include <thread>

namespace zmpi::transport::shm::testing {

struct ForkJob::Board {
  std::atomic<int> barrier[32];
  std::atomic<int> published[kMaxProcs];
  char address[kMaxProcs][256];
};

namespace {
std::atomic<int> job_counter{0};
}  // namespace

ForkJob::ForkJob(int nprocs) : nprocs_(nprocs) {
  if (nprocs < 1 || nprocs > kMaxProcs) abort();
  prefix_ = "/zmpi-test-" + std::to_string(getpid()) + "-" + std::to_string(job_counter++) + "-";
  void* p = mmap(nullptr, sizeof(Board), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                 -1, 0);
  if (p == MAP_FAILED) abort();
  board_ = new (p) Board();
}

ForkJob::~ForkJob() { munmap(board_, sizeof(Board)); }

Options ForkJob::MakeOptions(int rank, size_t slots, size_t slot_size) const {
  Options o;
  o.name_prefix = prefix_;
  o.my_rank = rank;
  for (int r = 0; r < nprocs_; ++r) o.local_ranks.push_back(r);
  o.ring_slots = slots;
  o.slot_size = slot_size;
  o.single_copy = true;
  o.middle_first = false;  // the growth tests count frames from a 2-slot first ring
  return o;
}

std::string ForkJob::Run(const std::function<int(int rank)>& body, double timeout_s) {
  std::vector<pid_t> pids;
  for (int r = 0; r < nprocs_; ++r) {
    fflush(nullptr);
    pid_t pid = fork();
    if (pid < 0) return "fork failed";
    if (pid == 0) {
      int rc = body(r);
      fflush(nullptr);
      _exit(rc);  // no atexit handlers of the test runner in the child
    }
    pids.push_back(pid);
  }
  std::string result;
  int left = nprocs_;
  Deadline deadline(timeout_s);
  while (left > 0) {
    for (size_t i = 0; i < pids.size(); ++i) {
      if (pids[i] == 0) continue;
      int status = 0;
      pid_t got = waitpid(pids[i], &status, WNOHANG);
      if (got != pids[i]) continue;
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char text[128];
        snprintf(text, sizeof(text), "rank %zu failed (%s %d); ", i,
                 WIFEXITED(status) ? "exit" : "signal",
                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        result += text;
      }
      pids[i] = 0;
      --left;
    }
    if (left == 0) break;
    if (deadline.Expired()) {
      for (size_t i = 0; i < pids.size(); ++i) {
        if (pids[i] == 0) continue;
        kill(pids[i], SIGKILL);
        waitpid(pids[i], nullptr, 0);
        result += "rank " + std::to_string(i) + " timed out; ";
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  return result;
}

bool ForkJob::Exchange(int rank, const std::string& address, std::vector<PeerAddress>* all) {
  if (address.size() >= sizeof(board_->address[0])) return false;
  memcpy(board_->address[rank], address.c_str(), address.size() + 1);
  board_->published[rank].store(1, std::memory_order_release);
  all->clear();
  Deadline deadline(10);
  for (int r = 0; r < nprocs_; ++r) {
    while (board_->published[r].load(std::memory_order_acquire) == 0) {
      if (deadline.Expired()) return false;
      std::this_thread::yield();
    }
    all->push_back(PeerAddress{r, board_->address[r]});
  }
  return true;
}

bool ForkJob::Barrier(int id, double timeout_s) {
  board_->barrier[id].fetch_add(1, std::memory_order_acq_rel);
  Deadline deadline(timeout_s);
  while (board_->barrier[id].load(std::memory_order_acquire) < nprocs_) {
    if (deadline.Expired()) return false;
    std::this_thread::yield();
  }
  return true;
}

StatusOr<std::unique_ptr<Endpoint>> ForkJob::Setup(const Options& options, bool with_self) {
  ZMPI_ASSIGN_OR_RETURN(std::unique_ptr<Endpoint> ep, CreateEndpoint(options));
  std::vector<PeerAddress> all;
  if (!Exchange(options.my_rank, ep->Address(), &all)) {
    return Error(Code::kOther, "address exchange timed out");
  }
  std::vector<PeerAddress> peers;
  for (const PeerAddress& a : all) {
    if (a.rank != options.my_rank || with_self) peers.push_back(a);
  }
  ZMPI_RETURN_IF_ERROR(ep->Connect(peers));
  return ep;
}

std::vector<std::string> ForkJob::LeftoverSegments() const {
  std::vector<std::string> names;
  DIR* dir = opendir("/dev/shm");
  if (dir == nullptr) return names;
  const std::string want = prefix_.substr(1);  // /dev/shm/<name without the slash>
  while (struct dirent* e = readdir(dir)) {
    if (strncmp(e->d_name, want.c_str(), want.size()) == 0) names.push_back(e->d_name);
  }
  closedir(dir);
  return names;
}

}  // namespace zmpi::transport::shm::testing
