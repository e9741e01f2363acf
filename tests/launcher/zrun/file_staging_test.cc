// --stage names and expansion, and CollectSink's rule that a collected file never replaces
// one that exists (launcher/zrun/file_staging.h, launcher/agent/job_dir.h).
#include "launcher/zrun/file_staging.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>

#include "launcher/agent/job_dir.h"
#include "launcher/agent/program_cache.h"
#include "launcher/agent/temp_dir.h"

namespace zmpi::launcher::zrun {
namespace {

class Dir {
 public:
  Dir() {
    char templ[] = "/tmp/zmpi-staging-test.XXXXXX";
    path_ = mkdtemp(templ);
  }
  ~Dir() { agent::RemoveTree(path_); }
  const std::string& path() const { return path_; }
  void Write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ + "/" + name) << text;
  }
  std::string Read(const std::string& name) const {
    std::ifstream in(path_ + "/" + name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::string path_;
};

TEST(FileStaging, StagedNameKeepsPathsBelowHereAndFlattensTheRest) {
  EXPECT_EQ(StagedName("namelist.input"), "namelist.input");
  EXPECT_EQ(StagedName("./namelist.input"), "namelist.input");
  EXPECT_EQ(StagedName("run//a/./b"), "run/a/b");
  EXPECT_EQ(StagedName("input/"), "input");
  EXPECT_EQ(StagedName("/data/met_em"), "met_em");
  EXPECT_EQ(StagedName("../shared/namelist.input"), "namelist.input");
  EXPECT_EQ(StagedName("/"), "");
}

TEST(FileStaging, CheckRelativeNameRefusesEscapes) {
  for (const char* bad : {"", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/."}) {
    EXPECT_FALSE(agent::CheckRelativeName(bad, "t").ok()) << bad;
  }
  for (const char* good : {"a", "rsl.out.*", "out/*.nc", "a/b/c", "..a", "a.."}) {
    EXPECT_TRUE(agent::CheckRelativeName(good, "t").ok()) << good;
  }
}

TEST(FileStaging, ExpandStageWalksFoldersAndChecksEverything) {
  Dir d;
  ASSERT_EQ(chdir(d.path().c_str()), 0);
  d.Write("namelist.input", "time_step = 18\n");
  mkdir("input", 0755);
  mkdir("input/sub", 0755);
  mkdir("input/empty", 0755);
  d.Write("input/a.txt", "a");
  d.Write("input/sub/b.txt", "bb");
  ASSERT_EQ(symlink("a.txt", "input/link.txt"), 0);
  ASSERT_EQ(symlink("nowhere", "input/dangling"), 0);
  StatusOr<std::vector<StageSource>> got = ExpandStage({"namelist.input", "input"});
  ASSERT_TRUE(got.ok()) << got.status().message();
  std::map<std::string, uint64_t> names;
  for (const StageSource& s : got.value()) names[s.file.name] = s.file.size;
  std::map<std::string, uint64_t> want = {
      {"namelist.input", 15}, {"input/a.txt", 1}, {"input/link.txt", 1}, {"input/sub/b.txt", 2}};
  EXPECT_EQ(names, want);
  EXPECT_EQ(got->at(0).file.hash, agent::HashFile("namelist.input").value());

  EXPECT_EQ(ExpandStage({"nosuch"}).status().message(),
            "--stage nosuch: No such file or directory");
  EXPECT_NE(ExpandStage({"input/a.txt", "./input/a.txt"}).status().message().find("two files"),
            std::string::npos);
  ASSERT_EQ(truncate("namelist.input", (5ll << 30)), 0);  // sparse: refused before reading
  EXPECT_NE(ExpandStage({"namelist.input"}).status().message().find("more than zrun stages"),
            std::string::npos);
  ASSERT_EQ(chdir("/"), 0);
}

proto::FileChunk Piece(const std::string& name, uint64_t size, uint64_t offset,
                       const std::string& data) {
  proto::FileChunk c;
  c.job_id = 1;
  c.name = name;
  c.size = size;
  c.mode = 0640;
  c.offset = offset;
  c.data = data;
  return c;
}

TEST(FileStaging, CollectSinkNeverReplacesAFile) {
  Dir d;
  d.Write("rsl.out.0002", "old");
  std::vector<std::string> notes;
  {
    CollectSink sink(d.path(), "h2");
    ASSERT_TRUE(sink.Take(Piece("rsl.out.0002", 6, 0, "new"), &notes).ok());
    ASSERT_TRUE(sink.Take(Piece("rsl.out.0002", 6, 3, "er!"), &notes).ok());
    ASSERT_TRUE(sink.Take(Piece("out/sub/f.nc", 0, 0, ""), &notes).ok());  // empty, in folders
    ASSERT_TRUE(sink.Take(Piece("rsl.out.0002", 2, 0, "v3"), &notes).ok());
    EXPECT_EQ(sink.files(), 3);
  }
  EXPECT_EQ(d.Read("rsl.out.0002"), "old");
  EXPECT_EQ(d.Read("rsl.out.0002.h2"), "newer!");
  EXPECT_EQ(d.Read("rsl.out.0002.h2.1"), "v3");
  struct stat st;
  ASSERT_EQ(stat((d.path() + "/rsl.out.0002.h2").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  ASSERT_EQ(stat((d.path() + "/out/sub/f.nc").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 0);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0],
            "zrun: warning: rsl.out.0002 from h2 saved as rsl.out.0002.h2: rsl.out.0002 exists "
            "here");
}

TEST(FileStaging, CollectSinkDropsCutAndBadPieces) {
  Dir d;
  std::vector<std::string> notes;
  {
    CollectSink sink(d.path(), "h3");
    ASSERT_TRUE(sink.Take(Piece("a", 10, 0, "12345"), &notes).ok());
    EXPECT_FALSE(sink.Take(Piece("a", 10, 7, "xxx"), &notes).ok());  // a gap
    EXPECT_FALSE(sink.Take(Piece("../evil", 1, 0, "x"), &notes).ok());
    EXPECT_FALSE(sink.Take(Piece("/etc/evil", 1, 0, "x"), &notes).ok());
    ASSERT_TRUE(sink.Take(Piece("b", 10, 0, "12345"), &notes).ok());  // cut by the end
    proto::FileChunk skipped = Piece("big", 5, 0, "");
    skipped.flags = proto::FileChunk::kSkipped;
    ASSERT_TRUE(sink.Take(skipped, &notes).ok());
    EXPECT_EQ(sink.files(), 0);
  }
  for (const char* n : {"a", "b", "big", "../evil"}) {
    EXPECT_NE(access((d.path() + "/" + n).c_str(), F_OK), 0) << n;
  }
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("did not collect big"), std::string::npos);
  // No temporary file is left behind.
  EXPECT_EQ(system(("test -z \"$(ls -A " + d.path() + ")\"").c_str()), 0);
}

}  // namespace
}  // namespace zmpi::launcher::zrun
