// User-defined error classes, codes and strings (MPI_Add_error_class/code/string and the
// MPI-4.1 MPI_Remove_error_* calls). zmpi's predefined error codes are the error classes
// 0..MPI_ERR_LASTCLASS; user classes and codes are numbered from MPI_ERR_LASTCODE + 1 up,
// from one counter (as MPI requires, they are all above MPI_ERR_LASTCODE; the largest in use
// is MPI_LASTUSEDCODE's value). Process-wide, usable before MPI_Init.
#ifndef ZMPI_MPI_CORE_ERROR_CODES_H_
#define ZMPI_MPI_CORE_ERROR_CODES_H_

#include <map>
#include <string>

#include "common/status.h"

namespace zmpi::core {

class ErrorCodes {
 public:
  // The largest predefined error class zmpi raises.
  static constexpr int kLastPredefinedClass = 78;  // MPI_T_ERR_NOT_SUPPORTED
  // MPI_ERR_LASTCODE of mpi.h: every user class and code is above it.
  static constexpr int kLastPredefinedCode = 0x3fffffff;

  // New error class (MPI_Add_error_class).
  StatusOr<int> AddClass();
  // New code in `error_class` (a predefined or user class).
  StatusOr<int> AddCode(int error_class);
  // Sets the string of a user class or code (MPI_ERR_ARG for predefined or unknown ones).
  Status SetString(int code, const std::string& text);
  // MPI-4.1 removals: a class only once it has no codes; a predefined one never.
  Status RemoveClass(int error_class);
  Status RemoveCode(int code);
  Status RemoveString(int code);

  // The class of any valid code (predefined or user), MPI_ERR_ARG otherwise.
  StatusOr<int> ClassOf(int code) const;
  // The text MPI_Error_string prints for a valid code.
  StatusOr<std::string> Text(int code) const;
  // MPI_LASTUSEDCODE's value; the int lives as long as the process (the attribute points at
  // it).
  const int* last_used() const { return &last_used_; }

 private:
  struct Entry {
    int error_class;  // == its own value for a class
    std::string text;
  };
  const Entry* FindUser(int code) const;
  void UpdateLastUsed();

  std::map<int, Entry> user_;  // user classes and codes
  int next_ = kLastPredefinedCode + 1;
  int last_used_ = kLastPredefinedCode;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_ERROR_CODES_H_
