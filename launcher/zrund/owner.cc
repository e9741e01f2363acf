#include "launcher/zrund/owner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace zmpi::launcher::zrund {

StatusOr<uint64_t> ParseSize(const std::string& text) {
  char* end = nullptr;
  double value = strtod(text.c_str(), &end);
  std::string unit = end != nullptr ? end : "";
  if (text.empty() || end == text.c_str() || !(value > 0)) {
    return Error(Code::kArg, "bad size '%s' (want e.g. 512M or 2G)", text.c_str());
  }
  if (unit.size() > 1 && (unit.back() == 'B' || unit.back() == 'b')) unit.pop_back();
  if (unit.size() > 1 && unit.back() == 'i') unit.pop_back();
  double scale = 1;
  if (unit == "k" || unit == "K") {
    scale = 1024.0;
  } else if (unit == "m" || unit == "M") {
    scale = 1024.0 * 1024;
  } else if (unit == "g" || unit == "G") {
    scale = 1024.0 * 1024 * 1024;
  } else if (unit == "t" || unit == "T") {
    scale = 1024.0 * 1024 * 1024 * 1024;
  } else if (!unit.empty()) {
    return Error(Code::kArg, "bad size '%s' (units: K, M, G, T)", text.c_str());
  }
  double bytes = value * scale;
  if (bytes < 4096 || bytes > 1e18)
    return Error(Code::kArg, "size '%s' out of range", text.c_str());
  return static_cast<uint64_t>(bytes);
}

std::string FormatSize(uint64_t bytes) {
  static const char* const kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char text[48];
  if (u == 0 || std::fabs(v - std::round(v)) < 0.05) {
    snprintf(text, sizeof(text), "%.0f %s", v, kUnits[u]);
  } else {
    snprintf(text, sizeof(text), "%.1f %s", v, kUnits[u]);
  }
  return text;
}

bool IdleMonitor::Update(double now_s, double input_age_s, double others_load) {
  if (max_load_ >= 0 && others_load > max_load_) busy_at_ = now_s;
  bool quiet_load = !busy_at_.has_value() || now_s - *busy_at_ >= idle_after_;
  away_ = input_age_s >= idle_after_ && quiet_load;
  return away_;
}

std::string Owner::WhyNotOffering(const std::string& host) const {
  if (paused_) return "agent " + host + " is paused by its owner (zrund --resume offers it again)";
  if (!away()) {
    return "agent " + host +
           " offers its cores only while its owner is away (zrund --when-idle), "
           "and the owner is using it";
  }
  return "";
}

Owner::Consent Owner::Ask(const std::string& client, Clock::time_point now) {
  if (!policy_.ask || approved_.count(client) > 0) return Consent::kApproved;
  auto q = std::find_if(questions_.begin(), questions_.end(),
                        [&](const Question& x) { return x.client == client; });
  if (q == questions_.end()) {
    questions_.push_back(
        Question{client, now + std::chrono::seconds(policy_.ask_timeout_seconds), std::nullopt});
    return Consent::kWaiting;
  }
  if (q->answer.has_value()) {
    bool yes = *q->answer;
    questions_.erase(q);
    if (yes) approved_.insert(client);
    return yes ? Consent::kApproved : Consent::kDenied;
  }
  if (now >= q->deadline) {
    questions_.erase(q);
    return Consent::kTimedOut;
  }
  return Consent::kWaiting;
}

bool Owner::Answer(const std::string& client, bool approve) {
  for (Question& q : questions_) {
    if (q.client != client || q.answer.has_value()) continue;
    q.answer = approve;
    return true;
  }
  return false;
}

void Owner::Forget(const std::string& client) {
  questions_.erase(std::remove_if(questions_.begin(), questions_.end(),
                                  [&](const Question& q) { return q.client == client; }),
                   questions_.end());
}

std::vector<std::string> Owner::waiting() const {
  std::vector<std::string> out;
  for (const Question& q : questions_) {
    if (!q.answer.has_value()) out.push_back(q.client);
  }
  return out;
}

std::string Owner::Command(const std::string& line, const std::string& status) {
  std::string verb = line.substr(0, line.find(' '));
  std::string arg = verb.size() < line.size() ? line.substr(verb.size() + 1) : "";
  if (verb == "pause" && arg.empty()) {
    paused_ = true;
    return "paused: the offer is withdrawn and running ranks are stopped\n";
  }
  if (verb == "resume" && arg.empty()) {
    paused_ = false;
    return "resumed\n";
  }
  if (verb == "status" && arg.empty()) {
    std::string out = status;
    for (const std::string& c : waiting()) out += "question: may " + c + " run jobs here?\n";
    return out;
  }
  if ((verb == "approve" || verb == "deny") && !arg.empty()) {
    bool yes = verb == "approve";
    if (Answer(arg, yes)) return std::string(yes ? "approved " : "denied ") + arg + "\n";
    if (yes) {  // before it asks: remembered like an answered question
      approved_.insert(arg);
      return "approved " + arg + " (no question waited)\n";
    }
    return "error: no question from " + arg + " waits\n";
  }
  return "error: unknown command '" + line +
         "' (pause, resume, status, approve CLIENT, deny CLIENT)\n";
}

}  // namespace zmpi::launcher::zrund
