#include "launcher/zrun/elf_deps.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>

namespace zmpi::launcher::zrun {

namespace {

// ELF constants (System V gABI).
constexpr unsigned char kMagic[4] = {0x7f, 'E', 'L', 'F'};
constexpr int kClass32 = 1, kClass64 = 2;
constexpr int kDataLsb = 1, kDataMsb = 2;
constexpr uint32_t kPtLoad = 1, kPtDynamic = 2;
constexpr uint64_t kDtNull = 0, kDtNeeded = 1, kDtStrtab = 5, kDtStrsz = 10, kDtRpath = 15,
                   kDtRunpath = 29;
// Bounds: a real program has a few dozen program headers and a string table of kilobytes.
constexpr uint64_t kMaxPhnum = 4096;
constexpr uint64_t kMaxDynamicBytes = 1 << 20;
constexpr uint64_t kMaxStrtabBytes = 16 << 20;

// Reads `len` bytes at `offset` into `out`; false if the file is shorter.
using ReadAt = std::function<bool(uint64_t offset, uint64_t len, std::string* out)>;

class Decoder {
 public:
  Decoder(bool is64, bool msb) : is64_(is64), msb_(msb) {}
  uint64_t Uint(const std::string& b, size_t at, int width) const {
    uint64_t v = 0;
    for (int i = 0; i < width; ++i) {
      uint64_t byte = static_cast<unsigned char>(b[at + (msb_ ? i : width - 1 - i)]);
      v = (v << 8) | byte;
    }
    return v;
  }
  // An address/offset/size-wide field ("Addr"/"Off"/"Xword" in the gABI).
  uint64_t Word(const std::string& b, size_t at) const { return Uint(b, at, is64_ ? 8 : 4); }
  bool is64() const { return is64_; }

 private:
  bool is64_;
  bool msb_;
};

struct Segment {
  uint32_t type;
  uint64_t offset, vaddr, filesz;
};

Status Bad(const char* what) { return Error(Code::kOther, "not a valid ELF file: %s", what); }

StatusOr<std::vector<Segment>> ReadSegments(const ReadAt& read, const Decoder& d,
                                            const std::string& header) {
  uint64_t phoff = d.Word(header, d.is64() ? 32 : 28);
  uint64_t phentsize = d.Uint(header, d.is64() ? 54 : 42, 2);
  uint64_t phnum = d.Uint(header, d.is64() ? 56 : 44, 2);
  uint64_t want = d.is64() ? 56 : 32;
  if (phnum == 0) return std::vector<Segment>();
  if (phentsize < want || phnum > kMaxPhnum) return Bad("program header table size");
  std::string table;
  if (!read(phoff, phentsize * phnum, &table)) return Bad("program headers past the end");
  std::vector<Segment> segments;
  for (uint64_t i = 0; i < phnum; ++i) {
    size_t at = i * phentsize;
    Segment s;
    s.type = static_cast<uint32_t>(d.Uint(table, at, 4));
    if (d.is64()) {
      s.offset = d.Word(table, at + 8);
      s.vaddr = d.Word(table, at + 16);
      s.filesz = d.Word(table, at + 32);
    } else {
      s.offset = d.Word(table, at + 4);
      s.vaddr = d.Word(table, at + 8);
      s.filesz = d.Word(table, at + 16);
    }
    segments.push_back(s);
  }
  return segments;
}

// The file offset holding virtual address `vaddr`, through the PT_LOAD that maps it.
bool VaddrToOffset(const std::vector<Segment>& segments, uint64_t vaddr, uint64_t* offset) {
  for (const Segment& s : segments) {
    if (s.type == kPtLoad && vaddr >= s.vaddr && vaddr - s.vaddr < s.filesz) {
      *offset = s.offset + (vaddr - s.vaddr);
      return true;
    }
  }
  return false;
}

StatusOr<ElfDeps> Parse(const ReadAt& read) {
  ElfDeps deps;
  std::string header;
  if (!read(0, 64, &header) || !std::equal(kMagic, kMagic + 4, header.begin())) {
    std::string ident;
    if (read(0, 4, &ident) && std::equal(kMagic, kMagic + 4, ident.begin())) {
      return Bad("header cut short");
    }
    return deps;  // not ELF: a script, or too short to be a program
  }
  deps.is_elf = true;
  int cls = header[4], data = header[5];
  if ((cls != kClass32 && cls != kClass64) || (data != kDataLsb && data != kDataMsb)) {
    return Bad("unknown class or byte order");
  }
  Decoder d(cls == kClass64, data == kDataMsb);
  ZMPI_ASSIGN_OR_RETURN(std::vector<Segment> segments, ReadSegments(read, d, header));
  auto dyn = std::find_if(segments.begin(), segments.end(),
                          [](const Segment& s) { return s.type == kPtDynamic; });
  if (dyn == segments.end()) return deps;  // static program
  deps.is_dynamic = true;
  if (dyn->filesz > kMaxDynamicBytes) return Bad("dynamic section too large");
  std::string table;
  if (!read(dyn->offset, dyn->filesz, &table)) return Bad("dynamic section past the end");

  size_t entry = d.is64() ? 16 : 8, half = entry / 2;
  uint64_t strtab = 0, strsz = 0;
  bool have_strtab = false;
  std::vector<uint64_t> needed;
  uint64_t rpath = UINT64_MAX, runpath = UINT64_MAX;
  for (size_t at = 0; at + entry <= table.size(); at += entry) {
    uint64_t tag = d.Word(table, at), val = d.Word(table, at + half);
    if (tag == kDtNull) break;
    if (tag == kDtNeeded) needed.push_back(val);
    if (tag == kDtStrtab) strtab = val, have_strtab = true;
    if (tag == kDtStrsz) strsz = val;
    if (tag == kDtRpath) rpath = val;
    if (tag == kDtRunpath) runpath = val;
  }
  if (needed.empty() && rpath == UINT64_MAX && runpath == UINT64_MAX) return deps;
  uint64_t str_offset = 0;
  if (!have_strtab || strsz == 0 || strsz > kMaxStrtabBytes ||
      !VaddrToOffset(segments, strtab, &str_offset)) {
    return Bad("dynamic string table not found");
  }
  std::string strings;
  if (!read(str_offset, strsz, &strings)) return Bad("dynamic string table past the end");
  auto at = [&strings](uint64_t off, std::string* out) {
    if (off >= strings.size()) return false;
    size_t end = strings.find('\0', off);
    if (end == std::string::npos) return false;
    *out = strings.substr(off, end - off);
    return true;
  };
  for (uint64_t off : needed) {
    std::string name;
    if (!at(off, &name)) return Bad("DT_NEEDED name outside the string table");
    deps.needed.push_back(name);
  }
  if (rpath != UINT64_MAX && !at(rpath, &deps.rpath)) return Bad("DT_RPATH outside the table");
  if (runpath != UINT64_MAX && !at(runpath, &deps.runpath)) {
    return Bad("DT_RUNPATH outside the table");
  }
  return deps;
}

}  // namespace

bool ElfDeps::Needs(const std::string& soname) const {
  return std::find(needed.begin(), needed.end(), soname) != needed.end();
}

StatusOr<ElfDeps> ParseElfDeps(const std::string& bytes) {
  return Parse([&bytes](uint64_t offset, uint64_t len, std::string* out) {
    if (offset > bytes.size() || len > bytes.size() - offset) return false;
    *out = bytes.substr(offset, len);
    return true;
  });
}

StatusOr<ElfDeps> ReadElfDeps(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error(Code::kOther, "cannot open %s: %s", path.c_str(), strerror(errno));
  StatusOr<ElfDeps> deps = Parse([fd](uint64_t offset, uint64_t len, std::string* out) {
    out->assign(len, '\0');
    uint64_t done = 0;
    while (done < len) {
      ssize_t n = pread(fd, &(*out)[done], len - done, static_cast<off_t>(offset + done));
      if (n <= 0) return false;
      done += static_cast<uint64_t>(n);
    }
    return true;
  });
  close(fd);
  if (!deps.ok())
    return Error(Code::kOther, "%s: %s", path.c_str(), deps.status().message().c_str());
  return deps;
}

}  // namespace zmpi::launcher::zrun
