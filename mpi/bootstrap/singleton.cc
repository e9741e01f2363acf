#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "mpi/bootstrap/backends.h"

namespace zmpi::bootstrap {
namespace {

using core::Bootstrap;

// A process started without a launcher: a world of one.
class SingletonBootstrap final : public Bootstrap {
 public:
  SingletonBootstrap() : local_{0}, job_id_("singleton-" + std::to_string(getpid())) {}
  int rank() const override { return 0; }
  int size() const override { return 1; }
  const std::vector<int>& local_ranks() const override { return local_; }
  const std::string& job_id() const override { return job_id_; }
  bool singleton() const override { return true; }
  Status Put(const std::string& key, const std::string& value) override {
    values_.emplace_back(key, value);
    return OkStatus();
  }
  Status Exchange() override { return OkStatus(); }
  StatusOr<std::string> Get(int, const std::string& key) override {
    for (auto& kv : values_) {
      if (kv.first == key) return kv.second;
    }
    return Error(Code::kIntern, "no value for %s", key.c_str());
  }
  Status Barrier() override { return OkStatus(); }
  void Abort(int code, const std::string&) override { _exit(code); }
  Status Finalize() override { return OkStatus(); }

 private:
  std::vector<int> local_;
  std::string job_id_;
  std::vector<std::pair<std::string, std::string>> values_;
};

}  // namespace

std::unique_ptr<Bootstrap> CreateSingleton() { return std::make_unique<SingletonBootstrap>(); }

}  // namespace zmpi::bootstrap
