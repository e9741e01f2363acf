#include "launcher/agent/env_block.h"

extern char** environ;

namespace zmpi::launcher::agent {

EnvBlock EnvBlock::FromProcess() {
  std::vector<std::string> entries;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) entries.emplace_back(*e);
  return EnvBlock(std::move(entries));
}

int EnvBlock::IndexOf(const std::string& name) const {
  for (size_t i = 0; i < entries_.size(); ++i) {
    const std::string& e = entries_[i];
    if (e.size() > name.size() && e[name.size()] == '=' && e.compare(0, name.size(), name) == 0) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

std::optional<std::string> EnvBlock::Find(const std::string& name) const {
  int i = IndexOf(name);
  if (i < 0) return std::nullopt;
  return entries_[i].substr(name.size() + 1);
}

void EnvBlock::Set(const std::string& name, const std::string& value) {
  int i = IndexOf(name);
  if (i >= 0) {
    entries_[i] = name + "=" + value;
  } else {
    entries_.push_back(name + "=" + value);
  }
}

void EnvBlock::SetFromSpec(const std::string& spec, const EnvBlock& source) {
  size_t eq = spec.find('=');
  if (eq != std::string::npos) {
    Set(spec.substr(0, eq), spec.substr(eq + 1));
    return;
  }
  std::optional<std::string> value = source.Find(spec);
  if (value) Set(spec, *value);
}

void EnvBlock::Unset(const std::string& name) {
  int i = IndexOf(name);
  if (i >= 0) entries_.erase(entries_.begin() + i);
}

void EnvBlock::UnsetPrefixes(const std::vector<std::string>& prefixes) {
  std::vector<std::string> kept;
  for (std::string& e : entries_) {
    bool drop = false;
    for (const std::string& p : prefixes) drop = drop || e.compare(0, p.size(), p) == 0;
    if (!drop) kept.push_back(std::move(e));
  }
  entries_ = std::move(kept);
}

void EnvBlock::PrependPath(const std::string& name, const std::string& dir) {
  std::optional<std::string> old = Find(name);
  if (!old || old->empty()) {
    Set(name, dir);
  } else {
    Set(name, dir + ":" + *old);
  }
}

}  // namespace zmpi::launcher::agent
