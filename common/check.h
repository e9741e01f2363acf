// Always-on invariant checks. A failed check is a bug in zmpi, never a user error:
// it prints both sides and file:line, then aborts the process (the launcher ends the job).
#ifndef ZMPI_COMMON_CHECK_H_
#define ZMPI_COMMON_CHECK_H_

#include <sstream>
#include <string>

namespace zmpi {

[[noreturn]] void CheckFailed(const char* file, int line, const std::string& what);

template <typename A, typename B>
std::string CheckOpMessage(const char* expr, const A& a, const B& b) {
  std::ostringstream out;
  out << expr << " (" << a << " vs " << b << ")";
  return out.str();
}

}  // namespace zmpi

#define ZMPI_CHECK(cond) \
  ((cond) ? (void)0 : ::zmpi::CheckFailed(__FILE__, __LINE__, "check failed: " #cond))

#define ZMPI_CHECK_OP(a, op, b)                                                             \
  (((a)op(b)) ? (void)0                                                                     \
              : ::zmpi::CheckFailed(__FILE__, __LINE__,                                     \
                                    ::zmpi::CheckOpMessage("check failed: " #a " " #op " " #b, \
                                                           (a), (b))))

#define ZMPI_CHECK_EQ(a, b) ZMPI_CHECK_OP(a, ==, b)
#define ZMPI_CHECK_NE(a, b) ZMPI_CHECK_OP(a, !=, b)
#define ZMPI_CHECK_LT(a, b) ZMPI_CHECK_OP(a, <, b)
#define ZMPI_CHECK_LE(a, b) ZMPI_CHECK_OP(a, <=, b)
#define ZMPI_CHECK_GE(a, b) ZMPI_CHECK_OP(a, >=, b)

#ifdef NDEBUG
#define ZMPI_DCHECK(cond) ((void)0)
#else
#define ZMPI_DCHECK(cond) ZMPI_CHECK(cond)
#endif

#endif  // ZMPI_COMMON_CHECK_H_
