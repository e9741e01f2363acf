#include "mpi/io/agg/domains.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <map>

namespace zmpi::io::agg {

Domains::Domains(int64_t lo, int64_t hi, int count, int64_t window, int64_t align)
    : window_(window > 0 ? window : 1) {
  if (count < 1) count = 1;
  if (hi < lo) hi = lo;
  bounds_.assign(static_cast<size_t>(count) + 1, lo);
  const __int128 total = hi - lo;
  for (int k = 1; k < count; ++k) {
    int64_t b = lo + static_cast<int64_t>((total * k + count - 1) / count);
    if (align > 1) b = (b + align - 1) / align * align;
    bounds_[k] = std::clamp(b, bounds_[k - 1], hi);
  }
  bounds_[count] = hi;
  for (int k = 0; k < count; ++k) {
    int64_t len = bounds_[k + 1] - bounds_[k];
    rounds_ = std::max(rounds_, static_cast<int>((len + window_ - 1) / window_));
  }
}

int Domains::DomainOf(int64_t offset) const {
  if (offset < bounds_.front() || offset >= bounds_.back()) return -1;
  // The last boundary <= offset whose domain is not empty.
  auto it = std::upper_bound(bounds_.begin(), bounds_.end(), offset);
  return static_cast<int>(it - bounds_.begin()) - 1;
}

Extent Domains::Window(int k, int r) const {
  Extent d = Domain(k);
  int64_t lo = d.lo + static_cast<int64_t>(r) * window_;
  if (lo >= d.hi) return Extent{d.hi, d.hi};
  return Extent{lo, std::min(d.hi, lo + window_)};
}

std::vector<Extent> Runs(std::vector<Extent> extents) {
  extents.erase(
      std::remove_if(extents.begin(), extents.end(), [](const Extent& e) { return e.empty(); }),
      extents.end());
  std::sort(extents.begin(), extents.end(),
            [](const Extent& a, const Extent& b) { return a.lo < b.lo; });
  std::vector<Extent> runs;
  for (const Extent& e : extents) {
    if (!runs.empty() && e.lo <= runs.back().hi) {
      runs.back().hi = std::max(runs.back().hi, e.hi);
    } else {
      runs.push_back(e);
    }
  }
  return runs;
}

std::vector<int> ChooseAggregators(const std::vector<int>& host, const std::vector<bool>& local,
                                   int cb_nodes) {
  // Local ranks of each host, hosts in order of their first local rank.
  std::vector<std::vector<int>> by_host;
  std::map<int, size_t> slot;
  for (size_t i = 0; i < host.size(); ++i) {
    if (!local[i]) continue;
    auto [it, fresh] = slot.emplace(host[i], by_host.size());
    if (fresh) by_host.emplace_back();
    by_host[it->second].push_back(static_cast<int>(i));
  }
  size_t want = cb_nodes > 0 ? static_cast<size_t>(cb_nodes) : by_host.size();
  std::vector<int> chosen;
  for (size_t depth = 0; chosen.size() < want; ++depth) {
    bool any = false;
    for (const auto& ranks : by_host) {
      if (depth < ranks.size() && chosen.size() < want) {
        chosen.push_back(ranks[depth]);
        any = true;
      }
    }
    if (!any) break;  // fewer local ranks than cb_nodes
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

namespace {

bool ParseMode(const std::string& v, CbMode* mode) {
  if (v == "enable") {
    *mode = CbMode::kEnable;
  } else if (v == "disable") {
    *mode = CbMode::kDisable;
  } else if (v == "automatic") {
    *mode = CbMode::kAutomatic;
  }
  return true;
}

bool ParseSize(const std::string& v, int64_t min, int64_t* out) {
  errno = 0;
  char* end = nullptr;
  long long n = strtoll(v.c_str(), &end, 10);
  if (errno == 0 && end != v.c_str() && *end == '\0' && n >= min) *out = n;
  return true;
}

}  // namespace

bool ApplyHint(const std::string& key, const std::string& value, Hints* hints) {
  if (key == "cb_nodes") {
    int64_t n = hints->cb_nodes;
    ParseSize(value, 1, &n);
    hints->cb_nodes = static_cast<int>(std::min<int64_t>(n, 1 << 20));
    return true;
  }
  if (key == "cb_buffer_size") return ParseSize(value, 1, &hints->cb_buffer_size);
  if (key == "striping_unit") return ParseSize(value, 0, &hints->striping_unit);
  if (key == "romio_cb_write") return ParseMode(value, &hints->cb_write);
  if (key == "romio_cb_read") return ParseMode(value, &hints->cb_read);
  if (key == "romio_ds_write") return ParseMode(value, &hints->ds_write);
  return false;
}

bool ShouldAggregate(CbMode mode, const std::vector<Announce>& all) {
  if (mode != CbMode::kAutomatic) return mode == CbMode::kEnable;
  std::vector<Extent> extents;
  for (const Announce& a : all) {
    if (a.lo >= a.hi) continue;
    if (a.runs > 1) return true;
    extents.push_back(Extent{a.lo, a.hi});
  }
  std::sort(extents.begin(), extents.end(),
            [](const Extent& a, const Extent& b) { return a.lo < b.lo; });
  for (size_t i = 1; i < extents.size(); ++i) {
    if (extents[i].lo < extents[i - 1].hi) return true;
  }
  return false;
}

bool ReadModifyWrite(CbMode ds_write, const std::vector<Extent>& runs) {
  if (runs.size() < 2 || ds_write == CbMode::kDisable) return false;
  if (ds_write == CbMode::kEnable) return true;
  // Automatic: many small runs are cheaper as one read and one write of their extent; a few
  // runs, or holes larger than the data, are cheaper written one by one.
  int64_t data = 0;
  for (const Extent& r : runs) data += r.len();
  int64_t span = runs.back().hi - runs.front().lo;
  return runs.size() > 4 && span - data <= data;
}

}  // namespace zmpi::io::agg
