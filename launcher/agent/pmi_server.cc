#include "launcher/agent/pmi_server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>

#include "common/log.h"
#include "launcher/agent/pmi_blob.h"

namespace zmpi::launcher::agent {
namespace {

// What the server tells ranks in get_maxes. Values are the ranks' transport addresses,
// percent-encoded (mpi/bootstrap/pmi_wire.h): a few hundred bytes.
constexpr int kKvsNameMax = 256;
constexpr int kKeyMax = 256;
constexpr int kValueMax = 4096;
// A line longer than this is not PMI-1: the rank is cut off.
constexpr size_t kMaxLine = 2 * kValueMax;

// "cmd=put kvsname=x key=k value=v" -> {cmd: put, kvsname: x, ...}. Values never hold spaces
// (PMI-1's clients encode them).
std::map<std::string, std::string> Fields(const std::string& line) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos < line.size()) {
    size_t end = line.find(' ', pos);
    if (end == std::string::npos) end = line.size();
    std::string token = line.substr(pos, end - pos);
    size_t eq = token.find('=');
    if (eq != std::string::npos) out[token.substr(0, eq)] = token.substr(eq + 1);
    pos = end + 1;
  }
  return out;
}

// A value as PMI-1 clients encode it (%XX for every byte outside a safe set); a malformed
// escape is kept as it stands (the text is only reported).
std::string DecodeWord(const std::string& word) {
  std::string out;
  for (size_t i = 0; i < word.size(); ++i) {
    auto hex = [&word](size_t at) {
      return at < word.size() && isxdigit(static_cast<unsigned char>(word[at]));
    };
    if (word[i] == '%' && hex(i + 1) && hex(i + 2)) {
      out.push_back(static_cast<char>(std::stoi(word.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(word[i]);
    }
  }
  return out;
}

// Writes a whole line to a rank's non-blocking socket (lines are small: waits only while the
// rank's socket buffer is full, at most 1 s, then gives up on the rank).
bool WriteLine(int fd, const std::string& line) {
  std::string text = line + "\n";
  size_t done = 0;
  int waited_ms = 0;
  while (done < text.size()) {
    ssize_t n = send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      pollfd p{fd, POLLOUT, 0};
      if (waited_ms >= 1000 || poll(&p, 1, 100) < 0) return false;
      waited_ms += 100;
    } else {
      return false;
    }
  }
  return true;
}

// PMI_process_mapping for `plan`: one (node,1,count) block per run of ranks on one host.
std::string ProcessMapping(const JobPlan& plan) {
  std::string out = "(vector";
  int r = 0;
  while (r < plan.size()) {
    int host = plan.rank(r).host;
    int count = 0;
    while (r < plan.size() && plan.rank(r).host == host) ++r, ++count;
    out += ",(" + std::to_string(host) + ",1," + std::to_string(count) + ")";
  }
  return out + ")";
}

bool MakePipe(int* read_fd, int* write_fd) {
  int fds[2];
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return false;
  *read_fd = fds[0];
  *write_fd = fds[1];
  return true;
}

}  // namespace

Status PmiServer::Init(const std::string&, void*) {
  if (!MakePipe(&wake_read_fd_, &wake_write_fd_) || !MakePipe(&poke_read_fd_, &poke_write_fd_)) {
    return Error(Code::kOther, "pipe2: %s", strerror(errno));
  }
  thread_ = std::thread([this] { Loop(); });
  return OkStatus();
}

PmiServer::~PmiServer() {
  if (thread_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    Poke();
    thread_.join();
  }
  for (auto& [fd, client] : clients_) close(fd);
  for (auto& [name, job] : jobs_) {
    for (auto& [rank, fd] : job.child_fds) close(fd);
  }
  for (int fd : {wake_read_fd_, wake_write_fd_, poke_read_fd_, poke_write_fd_}) {
    if (fd >= 0) close(fd);
  }
}

Status PmiServer::RegisterJob(const JobInfo& job, const JobPlan& plan) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (jobs_.count(job.nspace) != 0) {
    return Error(Code::kIntern, "PMI: job %s is registered already", job.nspace.c_str());
  }
  Job& j = jobs_[job.nspace];
  j.size = plan.size();
  j.local_ranks = static_cast<int>(plan.RanksOn(job.host).size());
  j.mapping = ProcessMapping(plan);
  return OkStatus();
}

StatusOr<std::vector<std::string>> PmiServer::ForkEnvironment(const std::string& nspace, int rank) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = jobs_.find(nspace);
  if (it == jobs_.end()) return Error(Code::kIntern, "PMI: no job %s", nspace.c_str());
  Job& job = it->second;
  if (rank < 0 || rank >= job.size || job.child_fds.count(rank) != 0) {
    return Error(Code::kIntern, "PMI: rank %d of job %s cannot start here", rank, nspace.c_str());
  }
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    return Error(Code::kOther, "socketpair: %s", strerror(errno));
  }
  fcntl(pair[0], F_SETFL, O_NONBLOCK);
  clients_[pair[0]] = Client{nspace, rank, false, ""};
  job.child_fds[rank] = pair[1];
  Poke();
  return std::vector<std::string>{"PMI_FD=" + std::to_string(pair[1]),
                                  "PMI_RANK=" + std::to_string(rank),
                                  "PMI_SIZE=" + std::to_string(job.size)};
}

int PmiServer::RankDescriptor(const std::string& nspace, int rank) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = jobs_.find(nspace);
  if (it == jobs_.end()) return -1;
  auto fd = it->second.child_fds.find(rank);
  return fd == it->second.child_fds.end() ? -1 : fd->second;
}

void PmiServer::DeregisterJob(const std::string& nspace) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = jobs_.find(nspace);
  if (it == jobs_.end()) return;
  for (auto& [rank, fd] : it->second.child_fds) close(fd);
  jobs_.erase(it);
  for (auto c = clients_.begin(); c != clients_.end();) {
    if (c->second.nspace == nspace) {
      close(c->first);
      c = clients_.erase(c);
    } else {
      ++c;
    }
  }
  Poke();
}

void PmiServer::Poke() {
  char byte = 1;
  ssize_t ignored = write(poke_write_fd_, &byte, 1);  // full pipe: a poke is pending anyway
  (void)ignored;
}

void PmiServer::Post(WireupEvent event) {
  {
    std::lock_guard<std::mutex> lock(events_mutex_);
    events_.push_back(std::move(event));
  }
  char byte = 1;
  ssize_t ignored = write(wake_write_fd_, &byte, 1);
  (void)ignored;
}

std::vector<WireupEvent> PmiServer::TakeEvents() {
  char buf[256];
  while (read(wake_read_fd_, buf, sizeof(buf)) > 0) {
  }
  std::lock_guard<std::mutex> lock(events_mutex_);
  std::vector<WireupEvent> out(std::make_move_iterator(events_.begin()),
                               std::make_move_iterator(events_.end()));
  events_.clear();
  return out;
}

void PmiServer::CompleteFence(const WireupEvent& event, std::string data) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = jobs_.find(event.nspace);
  if (it == jobs_.end()) return;  // the job ended meanwhile
  Job& job = it->second;
  Status s = DecodePmiBlob(data, &job.kvs);
  for (int fd : job.in_fence) {
    if (!WriteLine(fd, s.ok() ? "cmd=barrier_out rc=0" : "cmd=barrier_out rc=-1")) {
      ZMPI_LOG(kDebug, "pmi", "a rank of %s left during the fence", event.nspace.c_str());
    }
  }
  job.in_fence.clear();
  if (!s.ok()) ZMPI_LOG(kWarn, "pmi", "%s", s.message().c_str());
}

void PmiServer::Loop() {
  std::vector<pollfd> fds;
  for (;;) {
    fds.assign(1, pollfd{poke_read_fd_, POLLIN, 0});
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stop_) return;
      for (const auto& [fd, client] : clients_) fds.push_back(pollfd{fd, POLLIN, 0});
    }
    if (poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) {
      ZMPI_LOG(kWarn, "pmi", "poll: %s", strerror(errno));
      usleep(10000);
      continue;
    }
    if (fds[0].revents != 0) {
      char buf[256];
      while (read(poke_read_fd_, buf, sizeof(buf)) > 0) {
      }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents != 0) ReadClient(fds[i].fd);
    }
  }
}

// With mutex_ held. The descriptor may have been closed and reused since poll: it is looked
// up again, and whatever client holds it now is read (non-blocking).
void PmiServer::ReadClient(int fd) {
  auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  Client& client = it->second;
  char buf[4096];
  ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n <= 0) {  // the rank exited (its death is the supervisor's business)
    CloseClient(fd);
    return;
  }
  client.input.append(buf, static_cast<size_t>(n));
  size_t start = 0, end;
  while ((end = client.input.find('\n', start)) != std::string::npos) {
    std::string line = client.input.substr(start, end - start);
    start = end + 1;
    Handle(fd, client, line);
    if (clients_.count(fd) == 0) return;  // Handle closed it
  }
  client.input.erase(0, start);
  if (client.input.size() > kMaxLine) {
    ZMPI_LOG(kWarn, "pmi", "rank %d of %s sent a line of over %zu bytes; cutting it off",
             client.rank, client.nspace.c_str(), kMaxLine);
    CloseClient(fd);
  }
}

void PmiServer::CloseClient(int fd) {
  auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  auto job = jobs_.find(it->second.nspace);
  if (job != jobs_.end()) job->second.in_fence.erase(fd);
  close(fd);
  clients_.erase(it);
}

// With mutex_ held: one request line of `client`, answered at once; what the owner must know
// goes out as an event.
void PmiServer::Handle(int fd, Client& client, const std::string& line) {
  auto jit = jobs_.find(client.nspace);
  if (jit == jobs_.end()) return;
  Job& job = jit->second;
  if (!client.spoke) {  // the rank has its end now: ours goes, so its exit reads as EOF here
    client.spoke = true;
    auto child = job.child_fds.find(client.rank);
    if (child != job.child_fds.end()) {
      close(child->second);
      job.child_fds.erase(child);
    }
  }
  std::map<std::string, std::string> f = Fields(line);
  const std::string& cmd = f["cmd"];
  WireupEvent event;
  event.nspace = client.nspace;
  event.rank = client.rank;
  bool ok = true;
  if (cmd == "init") {
    ok = WriteLine(fd, "cmd=response_to_init pmi_version=1 pmi_subversion=1 rc=0");
    event.kind = WireupEvent::Kind::kConnected;
    Post(event);
  } else if (cmd == "get_maxes") {
    ok = WriteLine(fd, "cmd=maxes kvsname_max=" + std::to_string(kKvsNameMax) +
                           " keylen_max=" + std::to_string(kKeyMax) +
                           " vallen_max=" + std::to_string(kValueMax) + " rc=0");
  } else if (cmd == "get_my_kvsname") {
    ok = WriteLine(fd, "cmd=my_kvsname kvsname=" + client.nspace + " rc=0");
  } else if (cmd == "get_universe_size" || cmd == "get_appnum") {
    ok = WriteLine(fd, cmd == "get_appnum"
                           ? "cmd=appnum appnum=0 rc=0"
                           : "cmd=universe_size size=" + std::to_string(job.size) + " rc=0");
  } else if (cmd == "put") {
    const std::string& key = f["key"];
    bool fits = !key.empty() && key.size() < kKeyMax && f["value"].size() < kValueMax;
    if (fits) job.puts[key] = f["value"];
    ok = WriteLine(fd, fits ? "cmd=put_result rc=0" : "cmd=put_result rc=-1 msg=too_long");
  } else if (cmd == "get") {
    const std::string& key = f["key"];
    if (key == "PMI_process_mapping") {
      ok = WriteLine(fd, "cmd=get_result rc=0 value=" + job.mapping);
    } else {
      auto v = job.kvs.find(key);
      ok = WriteLine(fd, v != job.kvs.end() ? "cmd=get_result rc=0 value=" + v->second
                                            : "cmd=get_result rc=-1 msg=key_not_found");
    }
  } else if (cmd == "barrier_in") {
    job.in_fence.insert(fd);
    if (static_cast<int>(job.in_fence.size()) == job.local_ranks) {
      event.kind = WireupEvent::Kind::kFence;
      event.rank = -1;
      event.data = EncodePmiBlob(job.puts);
      job.puts.clear();
      Post(std::move(event));
    }
  } else if (cmd == "finalize") {
    // Posted before the ack: once the rank has its ack it may exit at once, and the owner
    // must not see that exit before it can know of the finalize.
    event.kind = WireupEvent::Kind::kFinalized;
    Post(event);
    ok = WriteLine(fd, "cmd=finalize_ack rc=0");
  } else if (cmd == "abort") {
    event.kind = WireupEvent::Kind::kAbort;
    event.status = atoi(f["exitcode"].c_str());
    event.message = DecodeWord(f["message"]);  // zmpi's ranks say why (mpi/bootstrap/pmi1.cc)
    Post(event);
  } else {
    ZMPI_LOG(kInfo, "pmi", "rank %d of %s: unknown request '%s'", client.rank,
             client.nspace.c_str(), line.c_str());
    ok = WriteLine(fd, "cmd=" + cmd + "_result rc=-1 msg=unknown_command");
  }
  if (!ok) CloseClient(fd);
}

}  // namespace zmpi::launcher::agent
