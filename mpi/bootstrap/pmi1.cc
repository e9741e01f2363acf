// PMI-1 over the launcher's socket (MPICH's Hydra mpiexec; Slurm's pmi2 plugin speaks it too):
// one request line, one reply line, in lock-step. Written from Flux RFC 13.
#include <unistd.h>

#include <cstdlib>

#include "common/log.h"
#include "mpi/bootstrap/backends.h"
#include "mpi/bootstrap/pmi_kvs.h"

namespace zmpi::bootstrap {
namespace {

constexpr char kInitLine[] = "cmd=init pmi_version=1 pmi_subversion=1\n";

StatusOr<int> IntField(const PmiFields& f, const char* key) {
  auto it = f.find(key);
  if (it == f.end() || it->second.empty()) {
    return Error(Code::kOther, "PMI-1: reply '%s' lacks %s", f.at("cmd").c_str(), key);
  }
  char* end = nullptr;
  long v = strtol(it->second.c_str(), &end, 10);
  if (*end != '\0')
    return Error(Code::kOther, "PMI-1: %s=%s is not a number", key, it->second.c_str());
  return static_cast<int>(v);
}

StatusOr<int> EnvInt(const char* name) {
  const char* text = getenv(name);
  if (text == nullptr) return Error(Code::kOther, "PMI-1: %s is not set", name);
  char* end = nullptr;
  long v = strtol(text, &end, 10);
  if (end == text || *end != '\0' || v < 0) {
    return Error(Code::kOther, "PMI-1: %s='%s' is not a number", name, text);
  }
  return static_cast<int>(v);
}

class Pmi1Bootstrap final : public PmiKvsBootstrap {
 public:
  using PmiKvsBootstrap::PmiKvsBootstrap;

  // `init_done`: the version exchange already happened (a PMI-2 request the launcher
  // answered with version 1).
  Status Init(bool init_done) {
    if (connection_->via_port()) {
      // A connection to PMI_PORT names itself by PMI_ID; the launcher answers with our
      // rank and size as "cmd=set" lines.
      ZMPI_ASSIGN_OR_RETURN(int id, EnvInt("PMI_ID"));
      ZMPI_RETURN_IF_ERROR(connection_->Write("cmd=initack pmiid=" + std::to_string(id) + "\n"));
      ZMPI_RETURN_IF_ERROR(Expect("initack").status());
      // rank, size, optional appnum and spawner-jobid, and debug last.
      bool have_rank = false, have_size = false, have_debug = false;
      while (!have_rank || !have_size || !have_debug) {
        ZMPI_ASSIGN_OR_RETURN(PmiFields f, Expect("set"));
        if (f.count("rank")) {
          ZMPI_ASSIGN_OR_RETURN(rank_, IntField(f, "rank"));
          have_rank = true;
        }
        if (f.count("size")) {
          ZMPI_ASSIGN_OR_RETURN(size_, IntField(f, "size"));
          have_size = true;
        }
        have_debug = have_debug || f.count("debug") > 0;
      }
    } else {
      ZMPI_ASSIGN_OR_RETURN(rank_, EnvInt("PMI_RANK"));
      ZMPI_ASSIGN_OR_RETURN(size_, EnvInt("PMI_SIZE"));
    }
    if (!init_done) ZMPI_RETURN_IF_ERROR(Negotiate());
    if (size_ < 1 || rank_ >= size_) {
      return Error(Code::kOther, "PMI-1: rank %d of %d is impossible", rank_, size_);
    }
    ZMPI_ASSIGN_OR_RETURN(PmiFields maxes, Request("cmd=get_maxes", "maxes"));
    ZMPI_ASSIGN_OR_RETURN(int vallen, IntField(maxes, "vallen_max"));
    max_value_ = static_cast<size_t>(vallen);
    ZMPI_ASSIGN_OR_RETURN(PmiFields name, Request("cmd=get_my_kvsname", "my_kvsname"));
    kvsname_ = name["kvsname"];
    if (kvsname_.empty()) return Error(Code::kOther, "PMI-1: the launcher named no KVS");
    SetJobId(kvsname_);
    // A launcher that keeps no mapping answers with an error or an empty value.
    ZMPI_ASSIGN_OR_RETURN(PmiFields mapping,
                          Request("cmd=get kvsname=" + kvsname_ + " key=PMI_process_mapping",
                                  "get_result", /*allow_rc=*/true));
    ZMPI_RETURN_IF_ERROR(FindLocalRanks(
        mapping["rc"] == "0" || mapping["rc"].empty() ? mapping["value"] : std::string()));
    ZMPI_LOG(kDebug, "bootstrap", "PMI-1: rank %d of %d, kvs %s, %zu ranks on this host", rank_,
             size_, kvsname_.c_str(), local_.size());
    return OkStatus();
  }

  void Abort(int code, const std::string& message) override {
    ReportAbort(message);
    // PMI-1's abort has only the exit code; a line may carry more key=value words, and
    // zrun's PMI server (launcher/agent/pmi_server.h) reads the reason from `message`
    // (encoded as KVS values are: one word). Other servers ignore the word.
    (void)connection_->Write("cmd=abort exitcode=" + std::to_string(code) +
                             " message=" + EncodeValue(message) + "\n");
    _exit(code);
  }

  Status Finalize() override { return Request("cmd=finalize", "finalize_ack").status(); }

 protected:
  Status KvsPut(const std::string& key, const std::string& value) override {
    return Request("cmd=put kvsname=" + kvsname_ + " key=" + key + " value=" + value, "put_result")
        .status();
  }

  Status KvsFence() override { return Request("cmd=barrier_in", "barrier_out").status(); }

  StatusOr<std::string> KvsGet(const std::string& key, int) override {
    ZMPI_ASSIGN_OR_RETURN(PmiFields f,
                          Request("cmd=get kvsname=" + kvsname_ + " key=" + key, "get_result"));
    return f["value"];
  }

 private:
  Status Negotiate() {
    ZMPI_RETURN_IF_ERROR(connection_->Write(kInitLine));
    ZMPI_ASSIGN_OR_RETURN(PmiFields f, Expect("response_to_init"));
    ZMPI_RETURN_IF_ERROR(CheckRc(f));
    std::string version = f.count("pmi_version") ? f["pmi_version"] : f["version"];
    if (version != "1") {
      return Error(Code::kOther, "PMI-1: the launcher answered version '%s'", version.c_str());
    }
    return OkStatus();
  }

  // Reads one reply and checks that it is `cmd`.
  StatusOr<PmiFields> Expect(const char* cmd) {
    ZMPI_ASSIGN_OR_RETURN(std::string line, connection_->ReadLine());
    ZMPI_ASSIGN_OR_RETURN(PmiFields f, ParsePmi1Line(line));
    if (f["cmd"] != cmd) {
      return Error(Code::kOther, "PMI-1: expected %s, the launcher sent '%s'", cmd, line.c_str());
    }
    return f;
  }

  static Status CheckRc(PmiFields& f) {
    if (f["rc"].empty() || f["rc"] == "0") return OkStatus();
    return Error(Code::kOther, "PMI-1: %s failed (rc=%s%s%s)", f["cmd"].c_str(), f["rc"].c_str(),
                 f["msg"].empty() ? "" : ": ", f["msg"].c_str());
  }

  StatusOr<PmiFields> Request(const std::string& line, const char* reply, bool allow_rc = false) {
    ZMPI_RETURN_IF_ERROR(connection_->Write(line + "\n"));
    ZMPI_ASSIGN_OR_RETURN(PmiFields f, Expect(reply));
    if (!allow_rc) ZMPI_RETURN_IF_ERROR(CheckRc(f));
    return f;
  }

  std::string kvsname_;
};

}  // namespace

StatusOr<std::unique_ptr<core::Bootstrap>> CreatePmi1(std::unique_ptr<PmiConnection> connection,
                                                      bool init_done) {
  auto pmi = std::make_unique<Pmi1Bootstrap>(std::move(connection));
  ZMPI_RETURN_IF_ERROR(pmi->Init(init_done));
  return std::unique_ptr<core::Bootstrap>(std::move(pmi));
}

}  // namespace zmpi::bootstrap
