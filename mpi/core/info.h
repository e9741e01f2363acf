// MPI_Info: an ordered set of (key, value) strings. Keys keep the order they were first set
// in (MPI_Info_get_nthkey walks it); setting a key again replaces its value in place.
#ifndef ZMPI_MPI_CORE_INFO_H_
#define ZMPI_MPI_CORE_INFO_H_

#include <string>
#include <utility>
#include <vector>

namespace zmpi::core {

class Info {
 public:
  void Set(const std::string& key, const std::string& value);
  // The value of `key`, or nullptr.
  const std::string* Get(const std::string& key) const;
  // false if the key was not there.
  bool Delete(const std::string& key);
  int size() const { return static_cast<int>(entries_.size()); }
  const std::string& Key(int n) const { return entries_[n].first; }
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_INFO_H_
