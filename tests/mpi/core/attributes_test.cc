#include "mpi/core/attributes.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace zmpi::core {
namespace {

// What the callbacks saw, in order: "c<object>:<value>" for copies, "d<object>:<value>" for
// deletes. Callbacks are plain functions, so the log is a global of this test.
std::vector<std::string> g_log;
int g_fail_delete = 0;

int LogCopy(int object, int, void*, void* in, void* out, int* flag) {
  g_log.push_back("c" + std::to_string(object) + ":" + std::to_string((long)in));
  *static_cast<void**>(out) = static_cast<char*>(in) + 1;
  *flag = 1;
  return 0;
}

int LogDelete(int object, int, void* value, void*) {
  g_log.push_back("d" + std::to_string(object) + ":" + std::to_string((long)value));
  return g_fail_delete;
}

void* V(long v) { return reinterpret_cast<void*>(v); }

class AttributesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_log.clear();
    g_fail_delete = 0;
  }
  AttributeStore store_;
};

TEST_F(AttributesTest, SetGetDelete) {
  int k = store_.CreateKeyval(HandleKind::kComm, LogCopy, LogDelete, nullptr);
  void* v = nullptr;
  bool found = true;
  ASSERT_TRUE(store_.Get(HandleKind::kComm, 1, k, &v, &found).ok());
  EXPECT_FALSE(found);
  ASSERT_TRUE(store_.Set(HandleKind::kComm, 1, k, V(5)).ok());
  ASSERT_TRUE(store_.Get(HandleKind::kComm, 1, k, &v, &found).ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(v, V(5));
  // The same handle of another kind is another object.
  EXPECT_EQ(store_.Get(HandleKind::kDatatype, 1, k, &v, &found).code(), Code::kKeyval);
  ASSERT_TRUE(store_.Set(HandleKind::kComm, 1, k, V(6)).ok());  // overwrite deletes 5
  ASSERT_TRUE(store_.Delete(HandleKind::kComm, 1, k).ok());
  ASSERT_TRUE(store_.Delete(HandleKind::kComm, 1, k).ok());  // nothing left: no callback
  EXPECT_EQ(g_log, (std::vector<std::string>{"d1:5", "d1:6"}));
  EXPECT_EQ(store_.attribute_count(HandleKind::kComm, 1), 0u);
}

TEST_F(AttributesTest, CopyRunsCallbacksInSetOrderAndSkipsNull) {
  int a = store_.CreateKeyval(HandleKind::kComm, LogCopy, nullptr, nullptr);
  int none = store_.CreateKeyval(HandleKind::kComm, nullptr, nullptr, nullptr);
  int b = store_.CreateKeyval(HandleKind::kComm, LogCopy, nullptr, nullptr);
  ASSERT_TRUE(store_.Set(HandleKind::kComm, 1, b, V(20)).ok());
  ASSERT_TRUE(store_.Set(HandleKind::kComm, 1, none, V(30)).ok());
  ASSERT_TRUE(store_.Set(HandleKind::kComm, 1, a, V(10)).ok());
  ASSERT_TRUE(store_.Copy(HandleKind::kComm, 1, 2).ok());
  EXPECT_EQ(g_log, (std::vector<std::string>{"c1:20", "c1:10"}));
  void* v = nullptr;
  bool found = false;
  ASSERT_TRUE(store_.Get(HandleKind::kComm, 2, a, &v, &found).ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(v, V(11));
  ASSERT_TRUE(store_.Get(HandleKind::kComm, 2, none, &v, &found).ok());
  EXPECT_FALSE(found);
  EXPECT_EQ(store_.attribute_count(HandleKind::kComm, 2), 2u);
}

TEST_F(AttributesTest, DeleteAllGoesLastSetFirst) {
  std::vector<int> keys;
  for (int i = 0; i < 3; ++i) {
    keys.push_back(store_.CreateKeyval(HandleKind::kWin, nullptr, LogDelete, nullptr));
    ASSERT_TRUE(store_.Set(HandleKind::kWin, 7, keys.back(), V(i)).ok());
  }
  ASSERT_TRUE(store_.DeleteAll(HandleKind::kWin, 7).ok());
  EXPECT_EQ(g_log, (std::vector<std::string>{"d7:2", "d7:1", "d7:0"}));
}

TEST_F(AttributesTest, FailingDeleteKeepsTheAttribute) {
  int k = store_.CreateKeyval(HandleKind::kComm, nullptr, LogDelete, nullptr);
  ASSERT_TRUE(store_.Set(HandleKind::kComm, 1, k, V(1)).ok());
  g_fail_delete = 15;
  EXPECT_EQ(store_.Delete(HandleKind::kComm, 1, k).code(), Code::kOther);
  EXPECT_EQ(store_.DeleteAll(HandleKind::kComm, 1).code(), Code::kOther);
  EXPECT_EQ(store_.Set(HandleKind::kComm, 1, k, V(2)).code(), Code::kOther);
  EXPECT_EQ(store_.attribute_count(HandleKind::kComm, 1), 1u);
  g_fail_delete = 0;
  EXPECT_TRUE(store_.DeleteAll(HandleKind::kComm, 1).ok());
}

TEST_F(AttributesTest, FreedKeyvalLivesWhileAttributesUseIt) {
  int k = store_.CreateKeyval(HandleKind::kComm, LogCopy, LogDelete, nullptr);
  ASSERT_TRUE(store_.Set(HandleKind::kComm, 1, k, V(1)).ok());
  ASSERT_TRUE(store_.FreeKeyval(HandleKind::kComm, k).ok());
  EXPECT_EQ(store_.live_keyvals(), 1u);
  // Freeing it again while an attribute holds it changes nothing.
  EXPECT_TRUE(store_.FreeKeyval(HandleKind::kComm, k).ok());
  EXPECT_EQ(store_.live_keyvals(), 1u);
  // The attribute still copies and deletes through it.
  ASSERT_TRUE(store_.Copy(HandleKind::kComm, 1, 3).ok());
  ASSERT_TRUE(store_.DeleteAll(HandleKind::kComm, 1).ok());
  EXPECT_EQ(store_.live_keyvals(), 1u);  // the copy on 3 holds it
  ASSERT_TRUE(store_.DeleteAll(HandleKind::kComm, 3).ok());
  EXPECT_EQ(store_.live_keyvals(), 0u);
  EXPECT_EQ(store_.FreeKeyval(HandleKind::kComm, k).code(), Code::kKeyval);  // now gone
  EXPECT_EQ(g_log, (std::vector<std::string>{"c1:1", "d1:1", "d3:2"}));
}

TEST_F(AttributesTest, WrongKindOrUnknownKeyval) {
  int k = store_.CreateKeyval(HandleKind::kDatatype, nullptr, nullptr, nullptr);
  EXPECT_EQ(store_.Set(HandleKind::kComm, 1, k, nullptr).code(), Code::kKeyval);
  EXPECT_EQ(store_.FreeKeyval(HandleKind::kWin, k).code(), Code::kKeyval);
  EXPECT_EQ(store_.Set(HandleKind::kComm, 1, 12345, nullptr).code(), Code::kKeyval);
  EXPECT_TRUE(store_.FreeKeyval(HandleKind::kDatatype, k).ok());
  EXPECT_EQ(store_.live_keyvals(), 0u);
}

// A delete callback that deletes another attribute of the same object (MPI allows callbacks
// to call MPI): the store must not hold iterators across it.
AttributeStore* g_store = nullptr;
int g_other_key = 0;
int DeleteOther(int object, int, void*, void*) {
  return static_cast<int>(g_store->Delete(HandleKind::kComm, object, g_other_key).code());
}

TEST_F(AttributesTest, ReentrantDeleteCallback) {
  g_store = &store_;
  g_other_key = store_.CreateKeyval(HandleKind::kComm, nullptr, LogDelete, nullptr);
  int k = store_.CreateKeyval(HandleKind::kComm, nullptr, DeleteOther, nullptr);
  ASSERT_TRUE(store_.Set(HandleKind::kComm, 4, g_other_key, V(8)).ok());
  ASSERT_TRUE(store_.Set(HandleKind::kComm, 4, k, V(9)).ok());
  ASSERT_TRUE(store_.DeleteAll(HandleKind::kComm, 4).ok());
  EXPECT_EQ(store_.attribute_count(HandleKind::kComm, 4), 0u);
  EXPECT_EQ(g_log, (std::vector<std::string>{"d4:8"}));
}

}  // namespace
}  // namespace zmpi::core
