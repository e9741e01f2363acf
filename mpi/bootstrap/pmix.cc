// The PMIx client: the only place zmpi calls it.
#include <pmix.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "common/log.h"
#include "mpi/bootstrap/backends.h"

namespace zmpi::bootstrap {
namespace {

using core::Bootstrap;

// Milliseconds since `start`, for the start-up timing lines (ZMPI_LOG_LEVEL=debug).
double MsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

Status PmixError(const char* call, pmix_status_t rc) {
  return Error(Code::kOther, "%s failed: %s", call, PMIx_Error_string(rc));
}

std::vector<int> ParseRankList(const char* text) {
  std::vector<int> ranks;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) ranks.push_back(atoi(item.c_str()));
  }
  return ranks;
}

class PmixBootstrap final : public Bootstrap {
 public:
  ~PmixBootstrap() override {
    if (initialized_) PMIx_Finalize(nullptr, 0);
  }

  Status Init() {
    auto start = std::chrono::steady_clock::now();
    pmix_status_t rc = PMIx_Init(&me_, nullptr, 0);
    if (rc != PMIX_SUCCESS) return PmixError("PMIx_Init", rc);
    ZMPI_LOG(kDebug, "bootstrap", "PMIx_Init took %.1f ms", MsSince(start));
    initialized_ = true;
    job_id_ = me_.nspace;
    for (char& c : job_id_) {
      if (!isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    pmix_proc_t job;
    PMIX_LOAD_PROCID(&job, me_.nspace, PMIX_RANK_WILDCARD);
    pmix_value_t* value = nullptr;
    rc = PMIx_Get(&job, PMIX_JOB_SIZE, nullptr, 0, &value);
    if (rc != PMIX_SUCCESS) return PmixError("PMIx_Get(PMIX_JOB_SIZE)", rc);
    size_ = static_cast<int>(value->data.uint32);
    PMIX_VALUE_RELEASE(value);
    rc = PMIx_Get(&job, PMIX_LOCAL_PEERS, nullptr, 0, &value);
    if (rc == PMIX_SUCCESS && value->type == PMIX_STRING) {
      local_ = ParseRankList(value->data.string);
      PMIX_VALUE_RELEASE(value);
    } else {
      ZMPI_LOG(kWarn, "bootstrap", "PMIX_LOCAL_PEERS unavailable; assuming every rank is remote");
      local_ = {rank()};
    }
    return OkStatus();
  }

  int rank() const override { return static_cast<int>(me_.rank); }
  int size() const override { return size_; }
  const std::vector<int>& local_ranks() const override { return local_; }
  const std::string& job_id() const override { return job_id_; }
  bool singleton() const override { return false; }

  Status Put(const std::string& key, const std::string& value) override {
    pmix_value_t v;
    v.type = PMIX_STRING;
    v.data.string = const_cast<char*>(value.c_str());
    pmix_status_t rc = PMIx_Put(PMIX_GLOBAL, key.c_str(), &v);
    if (rc != PMIX_SUCCESS) return PmixError("PMIx_Put", rc);
    return OkStatus();
  }

  Status Exchange() override {
    pmix_status_t rc = PMIx_Commit();
    if (rc != PMIX_SUCCESS) return PmixError("PMIx_Commit", rc);
    return Fence(true);
  }

  StatusOr<std::string> Get(int rank, const std::string& key) override {
    pmix_proc_t peer;
    PMIX_LOAD_PROCID(&peer, me_.nspace, static_cast<pmix_rank_t>(rank));
    pmix_value_t* value = nullptr;
    pmix_status_t rc = PMIx_Get(&peer, key.c_str(), nullptr, 0, &value);
    if (rc != PMIX_SUCCESS) return PmixError("PMIx_Get", rc);
    std::string out = value->type == PMIX_STRING && value->data.string ? value->data.string : "";
    PMIX_VALUE_RELEASE(value);
    return out;
  }

  Status Barrier() override { return Fence(false); }

  void Abort(int code, const std::string& message) override {
    PMIx_Abort(code, message.c_str(), nullptr, 0);
    _exit(code);
  }

  Status Finalize() override {
    initialized_ = false;
    auto start = std::chrono::steady_clock::now();
    pmix_status_t rc = PMIx_Finalize(nullptr, 0);
    if (rc != PMIX_SUCCESS) return PmixError("PMIx_Finalize", rc);
    ZMPI_LOG(kDebug, "bootstrap", "PMIx_Finalize took %.1f ms", MsSince(start));
    return OkStatus();
  }

 private:
  Status Fence(bool collect) {
    pmix_info_t info;
    PMIX_INFO_CONSTRUCT(&info);
    bool flag = collect;
    PMIX_INFO_LOAD(&info, PMIX_COLLECT_DATA, &flag, PMIX_BOOL);
    pmix_proc_t all;
    PMIX_LOAD_PROCID(&all, me_.nspace, PMIX_RANK_WILDCARD);
    auto start = std::chrono::steady_clock::now();
    pmix_status_t rc = PMIx_Fence(&all, 1, &info, 1);
    PMIX_INFO_DESTRUCT(&info);
    if (rc != PMIX_SUCCESS) return PmixError("PMIx_Fence", rc);
    ZMPI_LOG(kDebug, "bootstrap", "PMIx_Fence (collect %d) took %.1f ms", collect ? 1 : 0,
             MsSince(start));
    return OkStatus();
  }

  pmix_proc_t me_;
  bool initialized_ = false;
  int size_ = 1;
  std::vector<int> local_;
  std::string job_id_;
};

}  // namespace

StatusOr<std::unique_ptr<Bootstrap>> CreatePmix() {
  auto pmix = std::make_unique<PmixBootstrap>();
  ZMPI_RETURN_IF_ERROR(pmix->Init());
  return std::unique_ptr<Bootstrap>(std::move(pmix));
}

}  // namespace zmpi::bootstrap
