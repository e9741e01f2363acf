// The PMI back ends against a scripted one-rank PMI server on a socketpair: the paths real
// launchers do not take on this machine (a launcher that only offers PMI-1, no process
// mapping, a launcher that hangs up). Hydra and Slurm themselves run in tests/bootstrap.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "mpi/bootstrap/backends.h"

namespace zmpi::bootstrap {
namespace {

class FakeServer {
 public:
  // `version`: what the server answers to the version line (1 or 2); 0: hang up at once.
  explicit FakeServer(int version) : version_(version) {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    client_fd_ = fds[0];
    fd_ = fds[1];
    setenv("PMI_FD", std::to_string(client_fd_).c_str(), 1);
    setenv("PMI_RANK", "0", 1);
    setenv("PMI_SIZE", "1", 1);
    unsetenv("PMI_PORT");
    unsetenv("PMI_JOBID");
    ForgetPmiSessionForTesting();
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeServer() {
    thread_.join();
    if (fd_ >= 0) close(fd_);
    unsetenv("PMI_FD");
    unsetenv("PMI_RANK");
    unsetenv("PMI_SIZE");
  }

  // Every request the client sent, PMI-1 lines and PMI-2 bodies alike.
  std::vector<std::string> requests;

 private:
  bool ReadBytes(size_t n, std::string* out) {
    while (buffer_.size() < n) {
      char chunk[512];
      ssize_t got = read(fd_, chunk, sizeof(chunk));
      if (got <= 0) return false;
      buffer_.append(chunk, static_cast<size_t>(got));
    }
    *out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return true;
  }
  bool ReadLine(std::string* out) {
    size_t nl;
    while ((nl = buffer_.find('\n')) == std::string::npos) {
      char chunk[512];
      ssize_t got = read(fd_, chunk, sizeof(chunk));
      if (got <= 0) return false;
      buffer_.append(chunk, static_cast<size_t>(got));
    }
    *out = buffer_.substr(0, nl);
    buffer_.erase(0, nl + 1);
    return true;
  }
  void Send(const std::string& s) { ASSERT_EQ(write(fd_, s.data(), s.size()), ssize_t(s.size())); }
  void Send2(const std::vector<std::pair<std::string, std::string>>& f) {
    Send(FormatPmi2Command(f));
  }

  void Serve() {
    std::string line;
    if (version_ == 0) {
      close(fd_);
      fd_ = -1;
      return;
    }
    if (!ReadLine(&line)) return;
    requests.push_back(line);
    Send("cmd=response_to_init pmi_version=" + std::to_string(version_) +
         " pmi_subversion=0 rc=0\n");
    if (version_ == 1)
      ServePmi1();
    else
      ServePmi2();
  }

  void ServePmi1() {
    std::string line;
    while (ReadLine(&line)) {
      requests.push_back(line);
      auto f = ParsePmi1Line(line);
      ASSERT_TRUE(f.ok()) << line;
      std::string cmd = (*f)["cmd"];
      if (cmd == "get_maxes") {
        Send("cmd=maxes rc=0 kvsname_max=256 keylen_max=64 vallen_max=1024\n");
      } else if (cmd == "get_my_kvsname") {
        Send("cmd=my_kvsname rc=0 kvsname=kvs_42_0\n");
      } else if (cmd == "put") {
        kvs_[(*f)["key"]] = (*f)["value"];
        Send("cmd=put_result rc=0\n");
      } else if (cmd == "barrier_in") {
        Send("cmd=barrier_out rc=0\n");
      } else if (cmd == "get") {
        auto it = kvs_.find((*f)["key"]);
        Send(it == kvs_.end() ? "cmd=get_result rc=-1 msg=key_not_found\n"
                              : "cmd=get_result rc=0 value=" + it->second + "\n");
      } else if (cmd == "finalize") {
        Send("cmd=finalize_ack rc=0\n");
        return;
      } else {
        FAIL() << "unexpected PMI-1 request " << line;
      }
    }
  }

  void ServePmi2() {
    std::string length, body;
    while (ReadBytes(6, &length) && ReadBytes(std::stoul(length), &body)) {
      requests.push_back(body);
      auto f = ParsePmi2Command(body);
      ASSERT_TRUE(f.ok()) << body;
      std::string cmd = (*f)["cmd"];
      if (cmd == "fullinit") {
        Send2({{"cmd", "fullinit-response"},
               {"rc", "0"},
               {"rank", "0"},
               {"size", "1"},
               {"appnum", "0"}});
      } else if (cmd == "job-getid") {
        Send2({{"cmd", "job-getid-response"}, {"rc", "0"}, {"jobid", "job.7"}});
      } else if (cmd == "info-getjobattr") {
        Send2({{"cmd", "info-getjobattr-response"},
               {"rc", "0"},
               {"found", "TRUE"},
               {"value", "(vector,(0,1,1))"}});
      } else if (cmd == "kvs-put") {
        kvs_[(*f)["key"]] = (*f)["value"];
        Send2({{"cmd", "kvs-put-response"}, {"rc", "0"}});
      } else if (cmd == "kvs-fence") {
        Send2({{"cmd", "kvs-fence-response"}, {"rc", "0"}});
      } else if (cmd == "kvs-get") {
        auto it = kvs_.find((*f)["key"]);
        if (it == kvs_.end()) {
          Send2({{"cmd", "kvs-get-response"}, {"rc", "0"}, {"found", "FALSE"}});
        } else {
          Send2(
              {{"cmd", "kvs-get-response"}, {"rc", "0"}, {"found", "TRUE"}, {"value", it->second}});
        }
      } else if (cmd == "finalize") {
        Send2({{"cmd", "finalize-response"}, {"rc", "0"}});
        return;
      } else {
        FAIL() << "unexpected PMI-2 request " << body;
      }
    }
  }

  int version_;
  int fd_ = -1;
  int client_fd_ = -1;
  std::string buffer_;
  std::map<std::string, std::string> kvs_;
  std::thread thread_;
};

// Put, exchange and read back a value with every awkward byte a transport address has.
void RoundTrip(core::Bootstrap& b) {
  const std::string address = "tcp;ofi_rxm/7f00 0001;x=y%";
  ASSERT_TRUE(b.Put("zmpi.ofi.addr", address).ok());
  ASSERT_TRUE(b.Exchange().ok());
  auto got = b.Get(0, "zmpi.ofi.addr");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, address);
  EXPECT_FALSE(b.Get(0, "zmpi.none").ok());
  EXPECT_TRUE(b.Barrier().ok());
  EXPECT_FALSE(b.Put("zmpi.big", std::string(2000, 'a')).ok());  // over vallen_max
}

TEST(PmiServerTest, Pmi1AfterDowngradeWithoutMapping) {
  FakeServer server(1);
  {
    auto b = CreatePmi(0);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    EXPECT_EQ((*b)->rank(), 0);
    EXPECT_EQ((*b)->size(), 1);
    EXPECT_FALSE((*b)->singleton());
    EXPECT_EQ((*b)->local_ranks(), std::vector<int>{0});
    EXPECT_EQ((*b)->job_id(), "kvs_42_0");
    RoundTrip(**b);
    EXPECT_TRUE((*b)->Finalize().ok());
  }
  ASSERT_GE(server.requests.size(), 2u);
  EXPECT_EQ(server.requests[0], "cmd=init pmi_version=2 pmi_subversion=0");
  // No mapping: the host name went through the KVS.
  bool host_put = false;
  for (const std::string& r : server.requests)
    host_put |= r.find("key=zmpi-host-0 ") != std::string::npos;
  EXPECT_TRUE(host_put);
}

TEST(PmiServerTest, Pmi1AskedForRefusesVersion2Server) {
  FakeServer server(2);
  auto b = CreatePmi(1);
  EXPECT_FALSE(b.ok());
  EXPECT_NE(b.status().ToString().find("version '2'"), std::string::npos) << b.status().ToString();
}

TEST(PmiServerTest, Pmi2WithMapping) {
  FakeServer server(2);
  {
    auto b = CreatePmi(0);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    EXPECT_EQ((*b)->size(), 1);
    EXPECT_EQ((*b)->local_ranks(), std::vector<int>{0});
    EXPECT_EQ((*b)->job_id(), "job_7");
    RoundTrip(**b);
    EXPECT_TRUE((*b)->Finalize().ok());
  }
  ASSERT_GE(server.requests.size(), 2u);
  EXPECT_EQ(server.requests[1], "cmd=fullinit;pmirank=0;threaded=FALSE;");
}

TEST(PmiServerTest, OnlyOncePerProcess) {
  {
    FakeServer server(2);
    auto b = CreatePmi(0);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    EXPECT_TRUE((*b)->Finalize().ok());
  }
  // PMI_FD still names the closed socket's number; nothing may be written to it.
  auto again = CreatePmi(0);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().ToString().find("cannot start again"), std::string::npos);
}

TEST(PmiServerTest, LauncherThatHangsUpIsAnError) {
  FakeServer server(0);
  auto b = CreatePmi(0);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().ToString().find("closed the connection"), std::string::npos)
      << b.status().ToString();
}

}  // namespace
}  // namespace zmpi::bootstrap
