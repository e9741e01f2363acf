// The libmdnsd back end behind backend.h: Publisher and Browser (publisher.h, browser.h)
// as AgentPublisher and AgentBrowser.
#include <memory>
#include <utility>

#include "launcher/discovery/backend.h"
#include "launcher/discovery/browser.h"
#include "launcher/discovery/publisher.h"

namespace zmpi::launcher::discovery {
namespace {

class MdnsdPublisher final : public AgentPublisher {
 public:
  explicit MdnsdPublisher(std::unique_ptr<Publisher> p) : p_(std::move(p)) {}
  int fd() const override { return p_->fd(); }
  int TimeoutMs() const override { return p_->TimeoutMs(); }
  Status Step(bool readable) override { return p_->Step(readable); }
  Status Update(const AgentInfo& info) override { return p_->Update(info); }
  Status Goodbye() override { return p_->Goodbye(); }
  const AgentInfo& info() const override { return p_->info(); }
  const std::string& instance_name() const override { return p_->instance_name(); }

 private:
  std::unique_ptr<Publisher> p_;
};

class MdnsdBrowser final : public AgentBrowser {
 public:
  explicit MdnsdBrowser(std::unique_ptr<Browser> b) : b_(std::move(b)) {}
  int fd() const override { return b_->fd(); }
  int TimeoutMs() const override { return b_->TimeoutMs(); }
  Status Step(bool readable) override { return b_->Step(readable); }
  std::vector<DiscoveredAgent> Agents(const std::string& cluster_id) const override {
    return b_->Agents(cluster_id);
  }

 private:
  std::unique_ptr<Browser> b_;
};

}  // namespace

StatusOr<std::unique_ptr<AgentPublisher>> CreateMdnsdPublisher(const std::string& interface_address,
                                                               const AgentInfo& info) {
  ZMPI_ASSIGN_OR_RETURN(std::unique_ptr<Publisher> p, Publisher::Create(interface_address, info));
  return std::unique_ptr<AgentPublisher>(new MdnsdPublisher(std::move(p)));
}

StatusOr<std::unique_ptr<AgentBrowser>> CreateMdnsdBrowser(const std::string& interface_address) {
  ZMPI_ASSIGN_OR_RETURN(std::unique_ptr<Browser> b, Browser::Create(interface_address));
  return std::unique_ptr<AgentBrowser>(new MdnsdBrowser(std::move(b)));
}

}  // namespace zmpi::launcher::discovery
