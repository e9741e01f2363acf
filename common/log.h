// Leveled, subsystem-tagged logging to stderr. Each line carries host/rank/pid.
// Disabled levels cost one comparison. ZMPI_LOG_LEVEL selects the level.
#ifndef ZMPI_COMMON_LOG_H_
#define ZMPI_COMMON_LOG_H_

#include <atomic>

namespace zmpi {

enum class LogLevel : int { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3, kTrace = 4 };

extern std::atomic<int> g_log_level;  // write-once at startup, read on every log site

// Sets the level and the identity printed on each line ("h1 rank 3" or "zrun").
void SetLogLevel(LogLevel level);
bool ParseLogLevel(const char* text, LogLevel* level);
void SetLogIdentity(const char* identity);

void LogLine(LogLevel level, const char* subsystem, const char* format, ...)
    __attribute__((format(printf, 3, 4)));

inline bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) <= g_log_level.load(std::memory_order_relaxed);
}

}  // namespace zmpi

#define ZMPI_LOG(level, subsystem, ...)                                              \
  do {                                                                               \
    if (::zmpi::LogEnabled(::zmpi::LogLevel::level))                                 \
      ::zmpi::LogLine(::zmpi::LogLevel::level, subsystem, __VA_ARGS__);              \
  } while (0)

// Logs only the first time this site is reached.
#define ZMPI_LOG_ONCE(level, subsystem, ...)                                         \
  do {                                                                               \
    static std::atomic<bool> zmpi_logged_{false};                                    \
    if (::zmpi::LogEnabled(::zmpi::LogLevel::level) && !zmpi_logged_.exchange(true)) \
      ::zmpi::LogLine(::zmpi::LogLevel::level, subsystem, __VA_ARGS__);              \
  } while (0)

#endif  // ZMPI_COMMON_LOG_H_
