// PMI-2 over the launcher's socket (Slurm's srun --mpi=pmi2; MPICH's Hydra speaks it too):
// one PMI-1 style version line, then length-prefixed "cmd=...;key=value;" commands in
// lock-step. Written from the MPICH wiki's "PMI-2 Wire Protocol".
#include <unistd.h>

#include <cstdlib>

#include "common/log.h"
#include "mpi/bootstrap/backends.h"
#include "mpi/bootstrap/pmi_kvs.h"

namespace zmpi::bootstrap {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr char kInitLine[] = "cmd=init pmi_version=2 pmi_subversion=0\n";

class Pmi2Bootstrap final : public PmiKvsBootstrap {
 public:
  using PmiKvsBootstrap::PmiKvsBootstrap;

  // After the version line: fullinit names us (by PMI_RANK, or PMI_ID on a PMI_PORT
  // connection) and returns rank and size.
  Status Init() {
    const char* id = getenv(connection_->via_port() ? "PMI_ID" : "PMI_RANK");
    Fields init = {{"cmd", "fullinit"}};
    if (const char* job = getenv("PMI_JOBID")) init.push_back({"pmijobid", job});
    if (id != nullptr) init.push_back({"pmirank", id});
    init.push_back({"threaded", "FALSE"});
    ZMPI_ASSIGN_OR_RETURN(PmiFields f, Request(init, "fullinit-response"));
    ZMPI_ASSIGN_OR_RETURN(rank_, IntField(f, "rank"));
    ZMPI_ASSIGN_OR_RETURN(size_, IntField(f, "size"));
    if (size_ < 1 || rank_ < 0 || rank_ >= size_) {
      return Error(Code::kOther, "PMI-2: rank %d of %d is impossible", rank_, size_);
    }
    std::string job = getenv("PMI_JOBID") ? getenv("PMI_JOBID") : "";
    if (job.empty()) {
      ZMPI_ASSIGN_OR_RETURN(PmiFields j, Request({{"cmd", "job-getid"}}, "job-getid-response"));
      job = j["jobid"];
    }
    SetJobId(job);
    ZMPI_ASSIGN_OR_RETURN(PmiFields mapping,
                          Request({{"cmd", "info-getjobattr"}, {"key", "PMI_process_mapping"}},
                                  "info-getjobattr-response", /*allow_rc=*/true));
    bool found = (mapping["rc"].empty() || mapping["rc"] == "0") && Found(mapping);
    ZMPI_RETURN_IF_ERROR(FindLocalRanks(found ? mapping["value"] : std::string()));
    ZMPI_LOG(kDebug, "bootstrap", "PMI-2: rank %d of %d, job %s, %zu ranks on this host", rank_,
             size_, job.c_str(), local_.size());
    return OkStatus();
  }

  void Abort(int code, const std::string& message) override {
    ReportAbort(message);
    (void)connection_->WritePmi2({{"cmd", "abort"}, {"isworld", "TRUE"}, {"msg", message}});
    _exit(code);
  }

  Status Finalize() override {
    return Request({{"cmd", "finalize"}}, "finalize-response").status();
  }

 protected:
  Status KvsPut(const std::string& key, const std::string& value) override {
    return Request({{"cmd", "kvs-put"}, {"key", key}, {"value", value}}, "kvs-put-response")
        .status();
  }

  Status KvsFence() override {
    return Request({{"cmd", "kvs-fence"}}, "kvs-fence-response").status();
  }

  StatusOr<std::string> KvsGet(const std::string& key, int hint_rank) override {
    ZMPI_ASSIGN_OR_RETURN(
        PmiFields f,
        Request({{"cmd", "kvs-get"}, {"srcid", std::to_string(hint_rank)}, {"key", key}},
                "kvs-get-response"));
    if (!Found(f))
      return Error(Code::kOther, "PMI-2: the launcher has no value for %s", key.c_str());
    return f["value"];
  }

 private:
  // The spec calls the answer "flag"; servers in use send "found".
  static bool Found(PmiFields& f) { return PmiTrue(f.count("found") ? f["found"] : f["flag"]); }

  static StatusOr<int> IntField(PmiFields& f, const char* key) {
    const std::string& text = f[key];
    char* end = nullptr;
    long v = strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0') {
      return Error(Code::kOther, "PMI-2: %s lacks a numeric %s", f["cmd"].c_str(), key);
    }
    return static_cast<int>(v);
  }

  StatusOr<PmiFields> Request(const Fields& fields, const char* reply, bool allow_rc = false) {
    ZMPI_RETURN_IF_ERROR(connection_->WritePmi2(fields));
    ZMPI_ASSIGN_OR_RETURN(std::string body, connection_->ReadPmi2());
    ZMPI_ASSIGN_OR_RETURN(PmiFields f, ParsePmi2Command(body));
    if (f["cmd"] != reply) {
      return Error(Code::kOther, "PMI-2: expected %s, the launcher sent '%s'", reply, body.c_str());
    }
    if (!allow_rc && !f["rc"].empty() && f["rc"] != "0") {
      return Error(Code::kOther, "PMI-2: %s failed (rc=%s%s%s)", fields[0].second.c_str(),
                   f["rc"].c_str(), f["errmsg"].empty() ? "" : ": ", f["errmsg"].c_str());
    }
    return f;
  }
};

bool pmi_used = false;

}  // namespace

void ForgetPmiSessionForTesting() { pmi_used = false; }

StatusOr<std::unique_ptr<core::Bootstrap>> CreatePmi(int version) {
  // The launcher's socket serves one PMI session: once closed, PMI_FD's number may belong to
  // some other file of the program, which must never receive PMI commands.
  if (pmi_used) {
    return Error(Code::kOther,
                 "MPI cannot start again in this process: its PMI connection to "
                 "the launcher ended with the first MPI_Finalize or MPI_Session_finalize");
  }
  pmi_used = true;
  auto connection = std::make_unique<PmiConnection>();
  ZMPI_RETURN_IF_ERROR(connection->Open(kPmiReplyTimeoutMs));
  if (version == 1) return CreatePmi1(std::move(connection), /*init_done=*/false);
  // Ask for version 2; a launcher that only has version 1 says so in its answer.
  ZMPI_RETURN_IF_ERROR(connection->Write(kInitLine));
  ZMPI_ASSIGN_OR_RETURN(std::string line, connection->ReadLine());
  ZMPI_ASSIGN_OR_RETURN(PmiFields f, ParsePmi1Line(line));
  std::string answer = f.count("pmi_version") ? f["pmi_version"] : f["version"];
  if (f["cmd"] != "response_to_init" || (!f["rc"].empty() && f["rc"] != "0")) {
    return Error(Code::kOther, "PMI: the launcher refused PMI version 2: '%s'%s", line.c_str(),
                 version == 0 ? "; try ZMPI_PMI=1" : "");
  }
  if (answer == "1" && version == 0) return CreatePmi1(std::move(connection), /*init_done=*/true);
  if (answer != "2") {
    return Error(Code::kOther, "PMI: asked for version 2, the launcher offers '%s'",
                 answer.c_str());
  }
  auto pmi = std::make_unique<Pmi2Bootstrap>(std::move(connection));
  ZMPI_RETURN_IF_ERROR(pmi->Init());
  return std::unique_ptr<core::Bootstrap>(std::move(pmi));
}

}  // namespace zmpi::bootstrap
