#include "launcher/agent/program_cache.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "launcher/agent/temp_dir.h"

namespace zmpi::launcher::agent {
namespace {

std::string WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(ProgramCache, ReceivesVerifiesAndFinds) {
  TempDir tmp;
  ASSERT_TRUE(tmp.Create("program-cache-test-").ok());
  std::string content(300000, 'x');
  content[12345] = 'y';
  StatusOr<proto::Hash> hash = HashFile(WriteFile(tmp.path() + "/src", content));
  ASSERT_TRUE(hash.ok());
  StatusOr<ProgramCache> cache = ProgramCache::Open(tmp.path() + "/a/b");
  ASSERT_TRUE(cache.ok());
  EXPECT_FALSE(cache->Find(*hash).has_value());
  ASSERT_TRUE(cache->Begin(*hash, content.size()).ok());
  ASSERT_TRUE(cache->Write(0, content.substr(0, 100000)).ok());
  EXPECT_FALSE(cache->Write(50, "zz").ok());  // pieces must follow each other
  ASSERT_TRUE(cache->Write(100000, content.substr(100000)).ok());
  StatusOr<std::string> path = cache->Finish();
  ASSERT_TRUE(path.ok()) << path.status().message();
  EXPECT_EQ(*path, tmp.path() + "/a/b/" + HashHex(*hash));
  struct stat st;
  ASSERT_EQ(stat(path->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(stat((tmp.path() + "/a/b").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(cache->Find(*hash), *path);
  // A damaged copy is not used.
  WriteFile(*path, "tampered");
  EXPECT_FALSE(cache->Find(*hash).has_value());
}

TEST(ProgramCache, ForAnotherUserIsReadableNotWritable) {
  TempDir tmp;
  ASSERT_TRUE(tmp.Create("program-cache-test-").ok());
  std::string content(1000, 'p');
  StatusOr<proto::Hash> hash = HashFile(WriteFile(tmp.path() + "/src", content));
  ASSERT_TRUE(hash.ok());
  StatusOr<ProgramCache> cache = ProgramCache::Open(tmp.path() + "/shared", /*for_others=*/true);
  ASSERT_TRUE(cache.ok());
  ASSERT_TRUE(cache->Begin(*hash, content.size()).ok());
  ASSERT_TRUE(cache->Write(0, content).ok());
  StatusOr<std::string> path = cache->Finish();
  ASSERT_TRUE(path.ok()) << path.status().message();
  struct stat st;
  ASSERT_EQ(stat(path->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  ASSERT_EQ(stat((tmp.path() + "/shared").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
}

TEST(ProgramCache, RefusesWrongHashShortAndLongTransfers) {
  TempDir tmp;
  ASSERT_TRUE(tmp.Create("program-cache-test-").ok());
  StatusOr<proto::Hash> hash = HashFile(WriteFile(tmp.path() + "/src", "program"));
  ASSERT_TRUE(hash.ok());
  StatusOr<ProgramCache> cache = ProgramCache::Open(tmp.path() + "/c");
  ASSERT_TRUE(cache.ok());
  ASSERT_TRUE(cache->Begin(*hash, 7).ok());
  ASSERT_TRUE(cache->Write(0, "PROGRAM").ok());
  EXPECT_FALSE(cache->Finish().ok());  // bytes do not match the hash
  ASSERT_TRUE(cache->Begin(*hash, 7).ok());
  ASSERT_TRUE(cache->Write(0, "prog").ok());
  EXPECT_FALSE(cache->Finish().ok());  // short
  ASSERT_TRUE(cache->Begin(*hash, 7).ok());
  EXPECT_FALSE(cache->Write(0, "program!").ok());  // longer than announced
  cache->Abandon();
  EXPECT_FALSE(cache->Find(*hash).has_value());
  EXPECT_EQ(system(("test -z \"$(ls -A " + tmp.path() + "/c)\"").c_str()), 0)
      << "partial files left behind";
}

}  // namespace
}  // namespace zmpi::launcher::agent
