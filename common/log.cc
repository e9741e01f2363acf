#include "common/log.h"

#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <cstdlib>

#include "common/check.h"

namespace zmpi {

std::atomic<int> g_log_level{static_cast<int>(LogLevel::kWarn)};

namespace {
char g_identity[96] = "zmpi";
constexpr const char* kLevelNames[] = {"error", "warn", "info", "debug", "trace"};
}  // namespace

void SetLogLevel(LogLevel level) { g_log_level.store(static_cast<int>(level)); }

bool ParseLogLevel(const char* text, LogLevel* level) {
  for (int i = 0; i < 5; ++i) {
    if (strcmp(text, kLevelNames[i]) == 0) {
      *level = static_cast<LogLevel>(i);
      return true;
    }
  }
  return false;
}

void SetLogIdentity(const char* identity) {
  snprintf(g_identity, sizeof(g_identity), "%s", identity);
}

void LogLine(LogLevel level, const char* subsystem, const char* format, ...) {
  char body[1024];
  va_list ap;
  va_start(ap, format);
  vsnprintf(body, sizeof(body), format, ap);
  va_end(ap);
  char line[1280];
  int n = snprintf(line, sizeof(line), "[zmpi %s pid %d] %s %s: %s\n", g_identity,
                   static_cast<int>(getpid()), kLevelNames[static_cast<int>(level)], subsystem,
                   body);
  if (n > static_cast<int>(sizeof(line))) n = sizeof(line);
  ssize_t ignored = write(2, line, n);
  (void)ignored;
}

void CheckFailed(const char* file, int line, const std::string& what) {
  char buf[1024];
  int n = snprintf(buf, sizeof(buf), "[zmpi %s pid %d] FATAL %s:%d: %s\n", g_identity,
                   static_cast<int>(getpid()), file, line, what.c_str());
  ssize_t ignored = write(2, buf, n > 0 && n < (int)sizeof(buf) ? n : (int)sizeof(buf) - 1);
  (void)ignored;
  abort();
}

}  // namespace zmpi
