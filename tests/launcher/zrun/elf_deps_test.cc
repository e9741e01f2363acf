#include "launcher/zrun/elf_deps.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <set>

#include "launcher/zrun/mpich_binaries.h"

namespace zmpi::launcher::zrun {
namespace {

// Builds a minimal ELF file image: one PT_LOAD mapping the whole file at kBase, one PT_DYNAMIC,
// a dynamic section and its string table.
class ElfImage {
 public:
  static constexpr uint64_t kBase = 0x400000;
  ElfImage(bool is64, bool msb) : is64_(is64), msb_(msb) {}

  void Needed(const std::string& name) { dyn_.push_back({1, AddString(name)}); }
  void Rpath(const std::string& path) { dyn_.push_back({15, AddString(path)}); }
  void Runpath(const std::string& path) { dyn_.push_back({29, AddString(path)}); }

  std::string Build() const {
    size_t ehsize = is64_ ? 64 : 52, phent = is64_ ? 56 : 32, word = is64_ ? 8 : 4;
    size_t phoff = ehsize, dyn_off = phoff + 2 * phent;
    std::vector<std::pair<uint64_t, uint64_t>> dyn = dyn_;
    size_t dyn_size = (dyn.size() + 3) * 2 * word;  // + STRTAB, STRSZ, NULL
    size_t str_off = dyn_off + dyn_size, total = str_off + strings_.size();
    dyn.push_back({5, kBase + str_off});
    dyn.push_back({10, strings_.size()});
    dyn.push_back({0, 0});

    std::string b(total, '\0');
    b[0] = 0x7f, b[1] = 'E', b[2] = 'L', b[3] = 'F';
    b[4] = is64_ ? 2 : 1;
    b[5] = msb_ ? 2 : 1;
    b[6] = 1;
    Put(&b, 16, 2, 3);  // ET_DYN
    if (is64_) {
      Put(&b, 32, 8, phoff), Put(&b, 54, 2, phent), Put(&b, 56, 2, 2);
    } else {
      Put(&b, 28, 4, phoff), Put(&b, 42, 2, phent), Put(&b, 44, 2, 2);
    }
    PutSegment(&b, phoff, 1, 0, kBase, total);
    PutSegment(&b, phoff + phent, 2, dyn_off, kBase + dyn_off, dyn_size);
    for (size_t i = 0; i < dyn.size(); ++i) {
      Put(&b, dyn_off + i * 2 * word, word, dyn[i].first);
      Put(&b, dyn_off + i * 2 * word + word, word, dyn[i].second);
    }
    b.replace(str_off, strings_.size(), strings_);
    return b;
  }

 private:
  uint64_t AddString(const std::string& s) {
    uint64_t at = strings_.size();
    strings_ += s;
    strings_ += '\0';
    return at;
  }
  void Put(std::string* b, size_t at, size_t width, uint64_t v) const {
    for (size_t i = 0; i < width; ++i) {
      (*b)[at + (msb_ ? width - 1 - i : i)] = static_cast<char>((v >> (8 * i)) & 0xff);
    }
  }
  void PutSegment(std::string* b, size_t at, uint32_t type, uint64_t offset, uint64_t vaddr,
                  uint64_t size) const {
    Put(b, at, 4, type);
    if (is64_) {
      Put(b, at + 8, 8, offset), Put(b, at + 16, 8, vaddr), Put(b, at + 32, 8, size);
    } else {
      Put(b, at + 4, 4, offset), Put(b, at + 8, 4, vaddr), Put(b, at + 16, 4, size);
    }
  }

  bool is64_, msb_;
  std::string strings_ = std::string(1, '\0');  // offset 0 is the empty string, as in real files
  std::vector<std::pair<uint64_t, uint64_t>> dyn_;
};

TEST(ElfDeps, EveryClassAndByteOrder) {
  for (bool is64 : {true, false}) {
    for (bool msb : {false, true}) {
      ElfImage image(is64, msb);
      image.Needed("libmpich.so.12");
      image.Needed("libc.so.6");
      image.Rpath("/opt/mpich/lib");
      StatusOr<ElfDeps> deps = ParseElfDeps(image.Build());
      ASSERT_TRUE(deps.ok()) << deps.status().message() << " is64=" << is64 << " msb=" << msb;
      EXPECT_TRUE(deps->is_elf);
      EXPECT_TRUE(deps->is_dynamic);
      EXPECT_EQ(deps->needed, std::vector<std::string>({"libmpich.so.12", "libc.so.6"}));
      EXPECT_EQ(deps->rpath, "/opt/mpich/lib");
      EXPECT_EQ(deps->runpath, "");
      EXPECT_TRUE(deps->Needs("libc.so.6"));
      EXPECT_FALSE(deps->Needs("libmpi.so.12"));
    }
  }
}

TEST(ElfDeps, NotElfIsNotAnError) {
  for (const char* text : {"#!/bin/sh\necho hi\n", "",
                           "\x7f"
                           "EL",
                           "plain text that is long "
                           "enough to fill an ELF header of sixty-four bytes, but is not one"}) {
    StatusOr<ElfDeps> deps = ParseElfDeps(text);
    ASSERT_TRUE(deps.ok()) << text;
    EXPECT_FALSE(deps->is_elf);
    EXPECT_TRUE(deps->needed.empty());
  }
}

TEST(ElfDeps, DamagedFilesAreErrors) {
  ElfImage image(true, false);
  image.Needed("libmpich.so.12");
  std::string good = image.Build();
  // Cut inside the header, the program headers, and the string table.
  for (size_t cut : {size_t{20}, size_t{100}, good.size() - 3}) {
    StatusOr<ElfDeps> deps = ParseElfDeps(good.substr(0, cut));
    EXPECT_FALSE(deps.ok()) << "cut at " << cut;
  }
  std::string bad_class = good;
  bad_class[4] = 7;
  EXPECT_FALSE(ParseElfDeps(bad_class).ok());
}

TEST(ElfDeps, ReadsThisTestProgram) {
  StatusOr<ElfDeps> deps = ReadElfDeps("/proc/self/exe");
  ASSERT_TRUE(deps.ok()) << deps.status().message();
  EXPECT_TRUE(deps->is_elf);
  EXPECT_TRUE(deps->Needs("libc.so.6"));
  EXPECT_FALSE(ReadElfDeps("/nonexistent/program").ok());
}

TEST(ElfSymbols, WhatThisProgramNeedsAndLibcOffers) {
  StatusOr<ElfSymbols> self = ReadElfSymbols("/proc/self/exe", {"mkdtemp", "rmdir"});
  ASSERT_TRUE(self.ok()) << self.status().message();
  std::set<std::string> undefined(self->undefined.begin(), self->undefined.end());
  EXPECT_EQ(undefined, std::set<std::string>({"mkdtemp", "rmdir"}));
  EXPECT_TRUE(self->defined.empty());
  // The C library, wherever this system keeps it: found through its own pread (&pread may be a
  // sanitizer's interceptor, which lives in another library).
  void* libc_handle = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
  ASSERT_NE(libc_handle, nullptr);
  void* libc_pread = dlsym(libc_handle, "pread");
  dlclose(libc_handle);
  Dl_info info;
  ASSERT_NE(dladdr(libc_pread, &info), 0);
  StatusOr<ElfSymbols> libc = ReadElfSymbols(info.dli_fname, {"pread", "mkdtemp"});
  ASSERT_TRUE(libc.ok()) << libc.status().message();
  std::set<std::string> defined(libc->defined.begin(), libc->defined.end());
  EXPECT_EQ(defined.count("pread"), 1u) << info.dli_fname;
  EXPECT_EQ(defined.count("mkdtemp"), 1u);
  EXPECT_EQ(defined.count("rmdir"), 0u);  // not asked for
}

TEST(ElfSymbols, NotElfOrNoSectionHeaders) {
  StatusOr<ElfSymbols> s = ParseElfSymbols("#!/bin/sh\n", {"MPI_"});
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->undefined.empty());
  ElfImage image(true, false);  // program headers only, like a file after sstrip
  image.Needed("libmpich.so.12");
  s = ParseElfSymbols(image.Build(), {"MPI_"});
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->undefined.empty());
  EXPECT_FALSE(ReadElfSymbols("/nonexistent/program", {"MPI_"}).ok());
}

TEST(MissingMpi, NamesWhatTheLibraryLacks) {
  ElfSymbols program{{"MPI_Init", "MPI_File_open", "MPIX_Comm_shrink", "MPI_File_open"}, {}};
  ElfSymbols library{{}, {"MPI_Init", "PMPI_Init", "MPI_Send"}};
  std::vector<std::string> missing = MissingMpiSymbols(program, library);
  EXPECT_EQ(missing, std::vector<std::string>({"MPIX_Comm_shrink", "MPI_File_open"}));
  EXPECT_EQ(MissingSymbolsWarning("./a", missing),
            "warning: ./a uses 2 MPI names zmpi does not have yet (MPIX_Comm_shrink, "
            "MPI_File_open); a rank that calls one stops with 'undefined symbol'");
  EXPECT_EQ(MissingSymbolsWarning("./a", {"A", "B", "C"}, 2),
            "warning: ./a uses 3 MPI names zmpi does not have yet (A, B and 1 more); a rank "
            "that calls one stops with 'undefined symbol'");
  EXPECT_TRUE(MissingMpiSymbols(ElfSymbols{{"MPI_Init"}, {}}, library).empty());
  EXPECT_EQ(MpiSymbolPrefixes(), std::vector<std::string>({"MPI_", "PMPI_", "MPIX_", "PMPIX_"}));
}

class MpichPlan : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/zmpi-mpich-plan.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    for (const char* name : {"libmpi.so.12", "libmpich.so.12"}) {
      std::ofstream(dir_ + "/" + name) << "x";
    }
  }
  void TearDown() override {
    for (const char* name : {"libmpi.so.12", "libmpich.so.12"}) unlink((dir_ + "/" + name).c_str());
    rmdir(dir_.c_str());
  }
  static ElfDeps Deps(std::vector<std::string> needed, std::string rpath = "",
                      std::string runpath = "") {
    ElfDeps d;
    d.is_elf = d.is_dynamic = true;
    d.needed = std::move(needed);
    d.rpath = std::move(rpath);
    d.runpath = std::move(runpath);
    return d;
  }
  std::string dir_;
};

TEST_F(MpichPlan, PlainProgramsNeedNothing) {
  StatusOr<MpichSetup> s = PlanMpichBinary("prog", Deps({"libc.so.6"}, "/x"), dir_, false);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->mpich_libs.empty());
  EXPECT_EQ(s->preload, "");
  s = PlanMpichBinary("script", ElfDeps(), dir_, false);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->preload, "");
}

TEST_F(MpichPlan, MpichBinaryLoadsThroughTheLibraryPath) {
  StatusOr<MpichSetup> s =
      PlanMpichBinary("prog", Deps({"libmpich.so.12", "libc.so.6"}), dir_, false);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->mpich_libs, std::vector<std::string>({"libmpich.so.12"}));
  EXPECT_EQ(s->preload, "");
  // DT_RUNPATH comes after LD_LIBRARY_PATH: still nothing more to do.
  s = PlanMpichBinary("prog", Deps({"libmpich.so.12"}, "/usr/lib", "/usr/lib"), dir_, false);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->preload, "");
}

TEST_F(MpichPlan, RpathOrForcedPreloadsZmpi) {
  StatusOr<MpichSetup> s =
      PlanMpichBinary("prog", Deps({"libmpich.so.12"}, "/usr/lib"), dir_, false);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->preload, dir_ + "/libmpi.so.12");
  s = PlanMpichBinary("script", ElfDeps(), dir_, true);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->preload, dir_ + "/libmpi.so.12");
  EXPECT_FALSE(PlanMpichBinary("script", ElfDeps(), "/nonexistent", true).ok());
}

TEST_F(MpichPlan, MissingMpichLibraryIsRefused) {
  StatusOr<MpichSetup> s =
      PlanMpichBinary("./f", Deps({"libmpichfort.so.12", "libmpich.so.12"}), dir_, false);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kArg);
  EXPECT_NE(s.status().message().find("libmpichfort.so.12"), std::string::npos);
  EXPECT_NE(s.status().message().find("Fortran"), std::string::npos);
  EXPECT_TRUE(IsMpichLibrary("libmpicxx.so.12"));
  EXPECT_FALSE(IsMpichLibrary("libmpi.so.40"));
}

TEST_F(MpichPlan, OpenMpiProgramIsRefused) {
  for (const char* lib : {"libmpi.so.40", "libmpi_mpifh.so.40", "libopen-pal.so.40"}) {
    StatusOr<MpichSetup> s = PlanMpichBinary("./h", Deps({"libc.so.6", lib}), dir_, false);
    ASSERT_FALSE(s.ok()) << lib;
    EXPECT_EQ(s.status().code(), Code::kArg);
    EXPECT_EQ(
        s.status().message().rfind(std::string("./h needs ") + lib + ", Open MPI's library", 0), 0u)
        << s.status().message();
  }
  EXPECT_TRUE(IsOpenMpiLibrary("libmpi_usempif08.so.40"));
  EXPECT_FALSE(IsOpenMpiLibrary("libmpi.so.12"));
  EXPECT_FALSE(IsOpenMpiLibrary("libfoo.so.40"));
  EXPECT_TRUE(PlanMpichBinary("./h", Deps({"libfoo.so.40"}), dir_, false).ok());
}

}  // namespace
}  // namespace zmpi::launcher::zrun
