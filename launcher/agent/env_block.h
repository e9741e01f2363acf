// EnvBlock: an environment as an ordered NAME=VALUE list, built in the launcher for each rank.
#ifndef ZMPI_LAUNCHER_AGENT_ENV_BLOCK_H_
#define ZMPI_LAUNCHER_AGENT_ENV_BLOCK_H_

#include <optional>
#include <string>
#include <vector>

namespace zmpi::launcher::agent {

class EnvBlock {
 public:
  EnvBlock() = default;
  explicit EnvBlock(std::vector<std::string> entries) : entries_(std::move(entries)) {}
  // The current process environment.
  static EnvBlock FromProcess();

  // Value of `name`, if set.
  std::optional<std::string> Find(const std::string& name) const;
  void Set(const std::string& name, const std::string& value);
  // Takes "NAME=VALUE", or "NAME" alone to copy NAME's value from `source` (ignored if unset).
  void SetFromSpec(const std::string& spec, const EnvBlock& source);
  void Unset(const std::string& name);
  // Drops every variable whose name starts with one of `prefixes`.
  void UnsetPrefixes(const std::vector<std::string>& prefixes);
  // Puts `dir` first in a ':'-separated list variable (creating it if needed).
  void PrependPath(const std::string& name, const std::string& dir);

  const std::vector<std::string>& entries() const { return entries_; }

 private:
  int IndexOf(const std::string& name) const;
  std::vector<std::string> entries_;
};

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_ENV_BLOCK_H_
