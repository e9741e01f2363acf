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
constexpr uint32_t kShtDynsym = 11;
constexpr uint64_t kMaxShnum = 1 << 16;
constexpr uint64_t kMaxDynsymBytes = 64 << 20;

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

// The header's identification, or is_elf == false for a non-ELF file.
struct Ident {
  bool is_elf = false;
  Decoder decoder{true, false};
  std::string header;
};

StatusOr<Ident> ReadIdent(const ReadAt& read) {
  Ident id;
  std::string ident;
  if (!read(0, 4, &ident) || !std::equal(kMagic, kMagic + 4, ident.begin())) return id;
  if (!read(0, 64, &id.header)) return Bad("header cut short");
  int cls = id.header[4], data = id.header[5];
  if ((cls != kClass32 && cls != kClass64) || (data != kDataLsb && data != kDataMsb)) {
    return Bad("unknown class or byte order");
  }
  id.is_elf = true;
  id.decoder = Decoder(cls == kClass64, data == kDataMsb);
  return id;
}

StatusOr<ElfDeps> Parse(const ReadAt& read) {
  ElfDeps deps;
  ZMPI_ASSIGN_OR_RETURN(Ident id, ReadIdent(read));
  if (!id.is_elf) return deps;  // a script, or too short to be a program
  deps.is_elf = true;
  const Decoder& d = id.decoder;
  const std::string& header = id.header;
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

StatusOr<ElfSymbols> ParseSymbols(const ReadAt& read, const std::vector<std::string>& prefixes) {
  ElfSymbols symbols;
  ZMPI_ASSIGN_OR_RETURN(Ident id, ReadIdent(read));
  if (!id.is_elf) return symbols;
  const Decoder& d = id.decoder;
  uint64_t shoff = d.Word(id.header, d.is64() ? 40 : 32);
  uint64_t shentsize = d.Uint(id.header, d.is64() ? 58 : 46, 2);
  uint64_t shnum = d.Uint(id.header, d.is64() ? 60 : 48, 2);
  uint64_t want = d.is64() ? 64 : 40;
  if (shoff == 0 || shnum == 0) return symbols;  // no section headers: nothing to say
  if (shentsize < want || shnum > kMaxShnum) return Bad("section header table size");
  std::string table;
  if (!read(shoff, shentsize * shnum, &table)) return Bad("section headers past the end");
  // Field offsets in a section header: type, offset, size, link, entsize.
  size_t f_offset = d.is64() ? 24 : 16, f_size = d.is64() ? 32 : 20, f_link = d.is64() ? 40 : 24,
         f_entsize = d.is64() ? 56 : 36;
  for (uint64_t i = 0; i < shnum; ++i) {
    size_t at = i * shentsize;
    if (d.Uint(table, at + 4, 4) != kShtDynsym) continue;
    uint64_t off = d.Word(table, at + f_offset), size = d.Word(table, at + f_size);
    uint64_t entsize = d.Word(table, at + f_entsize), link = d.Uint(table, at + f_link, 4);
    if (entsize < (d.is64() ? 24u : 16u) || size > kMaxDynsymBytes || link >= shnum) {
      return Bad("dynamic symbol table header");
    }
    size_t str_at = link * shentsize;
    uint64_t str_off = d.Word(table, str_at + f_offset), str_size = d.Word(table, str_at + f_size);
    std::string syms, strings;
    if (str_size > kMaxStrtabBytes || !read(off, size, &syms) ||
        !read(str_off, str_size, &strings)) {
      return Bad("dynamic symbol table past the end");
    }
    for (uint64_t s = 0; s + entsize <= size; s += entsize) {
      uint64_t name = d.Uint(syms, s, 4);
      uint64_t shndx = d.Uint(syms, s + (d.is64() ? 6 : 14), 2);
      unsigned info = static_cast<unsigned char>(syms[s + (d.is64() ? 4 : 12)]);
      unsigned binding = info >> 4;  // STB_LOCAL 0, STB_GLOBAL 1, STB_WEAK 2
      if (name == 0 || name >= strings.size() || binding == 0) continue;
      size_t end = strings.find('\0', name);
      if (end == std::string::npos) return Bad("symbol name outside the string table");
      std::string n = strings.substr(name, end - name);
      bool wanted = false;
      for (const std::string& p : prefixes) wanted |= n.compare(0, p.size(), p) == 0;
      if (!wanted) continue;
      (shndx == 0 ? symbols.undefined : symbols.defined).push_back(n);
    }
    break;  // an ELF file has at most one SHT_DYNSYM
  }
  return symbols;
}

// Reads a file through pread; the fd stays the caller's.
ReadAt FileReader(int fd) {
  return [fd](uint64_t offset, uint64_t len, std::string* out) {
    out->assign(len, '\0');
    uint64_t done = 0;
    while (done < len) {
      ssize_t n = pread(fd, &(*out)[done], len - done, static_cast<off_t>(offset + done));
      if (n <= 0) return false;
      done += static_cast<uint64_t>(n);
    }
    return true;
  };
}

ReadAt BytesReader(const std::string& bytes) {
  return [&bytes](uint64_t offset, uint64_t len, std::string* out) {
    if (offset > bytes.size() || len > bytes.size() - offset) return false;
    *out = bytes.substr(offset, len);
    return true;
  };
}

// Runs `parse` over the file at `path`, naming the file in errors.
template <typename T, typename F>
StatusOr<T> WithFile(const std::string& path, F parse) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error(Code::kOther, "cannot open %s: %s", path.c_str(), strerror(errno));
  StatusOr<T> result = parse(FileReader(fd));
  close(fd);
  if (!result.ok()) {
    return Error(Code::kOther, "%s: %s", path.c_str(), result.status().message().c_str());
  }
  return result;
}

}  // namespace

bool ElfDeps::Needs(const std::string& soname) const {
  return std::find(needed.begin(), needed.end(), soname) != needed.end();
}

StatusOr<ElfDeps> ParseElfDeps(const std::string& bytes) { return Parse(BytesReader(bytes)); }

StatusOr<ElfDeps> ReadElfDeps(const std::string& path) {
  return WithFile<ElfDeps>(path, [](const ReadAt& read) { return Parse(read); });
}

StatusOr<ElfSymbols> ParseElfSymbols(const std::string& bytes,
                                     const std::vector<std::string>& prefixes) {
  return ParseSymbols(BytesReader(bytes), prefixes);
}

StatusOr<ElfSymbols> ReadElfSymbols(const std::string& path,
                                    const std::vector<std::string>& prefixes) {
  return WithFile<ElfSymbols>(
      path, [&prefixes](const ReadAt& read) { return ParseSymbols(read, prefixes); });
}

}  // namespace zmpi::launcher::zrun
