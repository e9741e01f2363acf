// Tier 1: the choice of the discovery back end (backend.h), without the network.
#include "launcher/discovery/backend.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

namespace zmpi::launcher::discovery {
namespace {

// Sets ZMPI_DISCOVERY for one test and restores what was there.
class ScopedDiscoveryEnv {
 public:
  explicit ScopedDiscoveryEnv(const char* value) {
    const char* old = getenv("ZMPI_DISCOVERY");
    if (old != nullptr) {
      old_ = old;
      had_ = true;
    }
    Set(value);
  }
  ~ScopedDiscoveryEnv() { Set(had_ ? old_.c_str() : nullptr); }

 private:
  static void Set(const char* value) {
    if (value != nullptr) {
      setenv("ZMPI_DISCOVERY", value, 1);
    } else {
      unsetenv("ZMPI_DISCOVERY");
    }
  }

  std::string old_;
  bool had_ = false;
};

TEST(DiscoveryBackend, Names) {
  EXPECT_STREQ(BackendName(Backend::kMdnsd), "mdnsd");
  EXPECT_STREQ(BackendName(Backend::kDnssd), "dnssd");
}

TEST(DiscoveryBackend, DefaultIsBuilt) {
  ScopedDiscoveryEnv env(nullptr);
  StatusOr<Backend> chosen = ChosenBackend();
  ASSERT_TRUE(chosen.ok()) << chosen.status().ToString();
  EXPECT_TRUE(BackendBuilt(*chosen));
  ScopedDiscoveryEnv empty("");
  ASSERT_TRUE(ChosenBackend().ok());
  EXPECT_EQ(*ChosenBackend(), *chosen);
}

TEST(DiscoveryBackend, EnvironmentPicksABuiltOne) {
  for (Backend b : {Backend::kMdnsd, Backend::kDnssd}) {
    ScopedDiscoveryEnv env(BackendName(b));
    StatusOr<Backend> chosen = ChosenBackend();
    if (BackendBuilt(b)) {
      ASSERT_TRUE(chosen.ok()) << chosen.status().ToString();
      EXPECT_EQ(*chosen, b);
    } else {
      ASSERT_FALSE(chosen.ok());
      EXPECT_NE(chosen.status().message().find("not in this build"), std::string::npos);
    }
  }
}

TEST(DiscoveryBackend, UnknownNameRefused) {
  for (const char* bad : {"bonjour", "MDNSD", "dnssd ", "avahi"}) {
    ScopedDiscoveryEnv env(bad);
    StatusOr<Backend> chosen = ChosenBackend();
    ASSERT_FALSE(chosen.ok()) << bad;
    EXPECT_EQ(chosen.status().code(), Code::kArg);
    EXPECT_NE(chosen.status().message().find("want mdnsd or dnssd"), std::string::npos);
    // The factories refuse it the same way, before touching the network.
    EXPECT_FALSE(CreateBrowser("198.51.100.1").ok());
  }
}

TEST(DiscoveryBackend, PublisherRefusesInvalidInfoFirst) {
  // Both back ends validate the TXT fields before they open a socket or ask a daemon.
  AgentInfo info;  // empty cluster id, name, port 0
  for (Backend b : {Backend::kMdnsd, Backend::kDnssd}) {
    if (!BackendBuilt(b)) continue;
    StatusOr<std::unique_ptr<AgentPublisher>> p = CreatePublisher(b, "198.51.100.1", info);
    ASSERT_FALSE(p.ok()) << BackendName(b);
    EXPECT_EQ(p.status().code(), Code::kArg) << p.status().ToString();
  }
}

}  // namespace
}  // namespace zmpi::launcher::discovery
