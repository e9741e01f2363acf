// zrun --doctor's judgement of a probe job's output (launcher/zrun/doctor_report.h).
#include "launcher/zrun/doctor_report.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace zmpi::launcher::zrun::probe {
namespace {

std::string Host(int rank, const std::string& name, const std::string& error = "-") {
  return FormatLine({"host", std::to_string(rank), name, "x86_64", "Debian GNU/Linux 12", "eth0",
                     "198.51.100." + std::to_string(rank + 1), "net", error});
}
std::string Ok(int from, int to, long long rtt, long long offset) {
  return FormatLine({"link", std::to_string(from), std::to_string(to), "ok", std::to_string(rtt),
                     std::to_string(offset)});
}
std::string Fail(int from, int to, const std::string& why) {
  return FormatLine({"link", std::to_string(from), std::to_string(to), "fail", why});
}

// Three hosts; every pair answers unless listed in `broken` (as "ab").
std::string ThreeHosts(const std::vector<std::string>& broken, long long offset2 = 1000) {
  std::string out = Host(0, "h1") + Host(1, "h2") + Host(2, "h3");
  long long off[3] = {0, 500, offset2};
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) {
      if (a == b) continue;
      std::string pair = std::to_string(std::min(a, b)) + std::to_string(std::max(a, b));
      bool bad = false;
      for (const std::string& p : broken) bad = bad || p == pair;
      out += bad ? Fail(a, b, "no answer within 3000 ms") : Ok(a, b, 40000, off[b] - off[a]);
    }
  }
  return out;
}

int Count(const Verdict& v, DoctorLine::Level level, const std::string& check) {
  int n = 0;
  for (const DoctorLine& l : v.lines) n += l.level == level && l.check == check;
  return n;
}

TEST(DoctorReport, FormatLineReplacesTabsAndNewlines) {
  EXPECT_EQ(FormatLine({"link", "0", "1", "fail", "a\tb\nc"}),
            "zmpi-probe\tlink\t0\t1\tfail\ta b c\n");
}

TEST(DoctorReport, ParseReadsEveryKindAndSkipsNoise) {
  std::string out = "hello from somewhere\n" + Host(0, "h1") + Ok(0, 1, 1234, -56) +
                    Fail(1, 0, "refused") + "zmpi-probe\tlink\t0\tx\tok\t1\t2\n" +
                    "zmpi-probe\thost\t1\tcut" +  // a cut line: too few fields
                    "\n" + FormatLine({"lib", "1", "libfoo.so.1", "missing", "not found"}) +
                    FormatLine({"lib", "0", "libc.so.6", "ok", "/lib/libc.so.6"});
  Report r = Parse(out);
  ASSERT_EQ(r.hosts.size(), 1u);
  EXPECT_EQ(r.hosts[0].host, "h1");
  EXPECT_EQ(r.hosts[0].provider, "net");
  EXPECT_EQ(r.hosts[0].error, "");
  ASSERT_EQ(r.links.size(), 2u);
  EXPECT_TRUE(r.links[0].ok);
  EXPECT_EQ(r.links[0].rtt_ns, 1234);
  EXPECT_EQ(r.links[0].offset_ns, -56);
  EXPECT_FALSE(r.links[1].ok);
  EXPECT_EQ(r.links[1].why, "refused");
  ASSERT_EQ(r.libs.size(), 2u);
  EXPECT_FALSE(r.libs[0].ok);
  EXPECT_TRUE(r.libs[1].ok);
}

TEST(DoctorReport, HealthyHostsGiveNoFailure) {
  Verdict v = Judge(Parse(ThreeHosts({})), {"h1", "h2", "h3"}, 0, "");
  EXPECT_EQ(Count(v, DoctorLine::kFail, "link"), 0);
  EXPECT_EQ(Count(v, DoctorLine::kOk, "links"), 1);
  EXPECT_EQ(Count(v, DoctorLine::kOk, "host"), 3);
  EXPECT_EQ(Count(v, DoctorLine::kOk, "clock"), 1);
  EXPECT_NE(v.table.find("h3  "), std::string::npos) << v.table;
}

TEST(DoctorReport, OneBrokenPairIsNamedExactlyOnce) {
  Verdict v = Judge(Parse(ThreeHosts({"12"})), {"h1", "h2", "h3"}, 0, "");
  ASSERT_EQ(Count(v, DoctorLine::kFail, "link"), 1);
  for (const DoctorLine& l : v.lines) {
    if (l.check != "link") continue;
    EXPECT_EQ(l.what.rfind("h2 <-> h3 (198.51.100.2 <-> 198.51.100.3): ", 0), 0u) << l.what;
    EXPECT_NE(l.fix.find("ping 198.51.100.3"), std::string::npos) << l.fix;
  }
  EXPECT_EQ(Count(v, DoctorLine::kOk, "links"), 1);  // "2 of 3 pairs"
  // The table says who cannot reach whom.
  EXPECT_NE(v.table.find("h3"), std::string::npos);
  EXPECT_NE(v.table.find(" h2\n"), std::string::npos) << v.table;
}

TEST(DoctorReport, ClockOffsetDirectAndThroughAThirdHost) {
  Report healthy = Parse(ThreeHosts({}, 7000));
  int64_t off = 0;
  ASSERT_TRUE(ClockOffset(healthy, 0, 2, &off));
  EXPECT_EQ(off, 7000);
  ASSERT_TRUE(ClockOffset(healthy, 2, 0, &off));
  EXPECT_EQ(off, -7000);
  Report split = Parse(ThreeHosts({"02"}, 7000));  // h1-h3 broken: through h2
  ASSERT_TRUE(ClockOffset(split, 0, 2, &off));
  EXPECT_EQ(off, 7000);
  Report lonely = Parse(ThreeHosts({"02", "12"}, 7000));
  EXPECT_FALSE(ClockOffset(lonely, 0, 2, &off));
}

TEST(DoctorReport, SkewedClockWarns) {
  Verdict v = Judge(Parse(ThreeHosts({}, 2'000'000'000)), {"h1", "h2", "h3"}, 0, "");
  ASSERT_EQ(Count(v, DoctorLine::kWarn, "clock"), 1);
  for (const DoctorLine& l : v.lines) {
    if (l.check == "clock") {
      EXPECT_NE(l.what.find("h3 +2.0 s"), std::string::npos) << l.what;
    }
  }
}

TEST(DoctorReport, MissingHostAndEndpointErrorsFail) {
  std::string out = Host(0, "h1") + Host(1, "h2", "ofi: no provider on eth9");
  Verdict v = Judge(Parse(out), {"h1", "h2", "h3"}, 0, "");
  EXPECT_EQ(Count(v, DoctorLine::kFail, "host"), 2);  // h2's endpoint, h3 silent
  EXPECT_EQ(Count(v, DoctorLine::kFail, "link"), 3);  // nothing answered
}

TEST(DoctorReport, MissingLibraryNamesHostAndWhereItExists) {
  std::string out = ThreeHosts({}) +  // in arrival order: h2's line before h1's
                    FormatLine({"lib", "1", "libneed.so", "ok", "/opt/y/libneed.so"}) +
                    FormatLine({"lib", "0", "libneed.so", "ok", "/opt/x/libneed.so"}) +
                    FormatLine({"lib", "2", "libneed.so", "missing", "cannot open"});
  Verdict v = Judge(Parse(out), {"h1", "h2", "h3"}, 0, "./prog");
  ASSERT_EQ(Count(v, DoctorLine::kFail, "libs"), 1);
  for (const DoctorLine& l : v.lines) {
    if (l.check != "libs") continue;
    EXPECT_EQ(l.what, "h3 lacks libneed.so, which ./prog needs: cannot open");
    EXPECT_NE(l.fix.find("h1 has it at /opt/x/libneed.so"), std::string::npos) << l.fix;
  }
}

}  // namespace
}  // namespace zmpi::launcher::zrun::probe
