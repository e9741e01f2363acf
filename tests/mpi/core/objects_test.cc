// Info, error codes and error-handler reference counts: the objects MPI allows before
// MPI_Init (core::Objects needs no Runtime, so these run in a plain process).
#include "mpi/core/objects.h"

#include <gtest/gtest.h>

#include "mpi/include/mpi.h"

namespace zmpi::core {
namespace {

TEST(InfoTest, KeysKeepFirstSetOrder) {
  Info info;
  info.Set("b", "1");
  info.Set("a", "2");
  info.Set("b", "3");
  ASSERT_EQ(info.size(), 2);
  EXPECT_EQ(info.Key(0), "b");
  EXPECT_EQ(*info.Get("b"), "3");
  EXPECT_EQ(info.Get("c"), nullptr);
  EXPECT_TRUE(info.Delete("b"));
  EXPECT_FALSE(info.Delete("b"));
  EXPECT_EQ(info.Key(0), "a");
}

TEST(ObjectsTest, InfoEnvIsARealObject) {
  Info* env = Objects::Get().FindInfo(MPI_INFO_ENV);
  ASSERT_NE(env, nullptr);
  EXPECT_NE(env->Get("command"), nullptr);
  EXPECT_EQ(Objects::Get().FindInfo(MPI_INFO_NULL), nullptr);
}

void Handler(void*, int*, ...) {}

TEST(ObjectsTest, ErrhandlerLivesWhileUsed) {
  Objects& o = Objects::Get();
  size_t before = o.live_errhandlers();
  int h = o.AddErrhandler(ErrhandlerKind::kWin, Handler);
  EXPECT_TRUE(o.ErrhandlerFits(h, ErrhandlerKind::kWin));
  EXPECT_FALSE(o.ErrhandlerFits(h, ErrhandlerKind::kComm));
  EXPECT_TRUE(o.ErrhandlerFits(MPI_ERRORS_RETURN, ErrhandlerKind::kFile));
  o.RetainErrhandler(h);   // an object starts using it
  o.ReleaseErrhandler(h);  // the user frees the handle
  EXPECT_NE(o.FindErrhandler(h), nullptr);
  o.ReleaseErrhandler(h);  // the object goes
  EXPECT_EQ(o.FindErrhandler(h), nullptr);
  EXPECT_EQ(o.live_errhandlers(), before);
  o.RetainErrhandler(MPI_ERRORS_ARE_FATAL);  // predefined: no count, no effect
  o.ReleaseErrhandler(MPI_ERRORS_ARE_FATAL);
}

TEST(ErrorCodesTest, ClassesCodesAndStrings) {
  ErrorCodes codes;
  EXPECT_EQ(*codes.last_used(), ErrorCodes::kLastPredefinedCode);
  StatusOr<int> cls = codes.AddClass();
  ASSERT_TRUE(cls.ok());
  EXPECT_GT(*cls, ErrorCodes::kLastPredefinedCode);
  StatusOr<int> code = codes.AddCode(*cls);
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*codes.last_used(), *code);
  EXPECT_EQ(*codes.ClassOf(*code), *cls);
  EXPECT_EQ(*codes.ClassOf(MPI_ERR_TAG), MPI_ERR_TAG);
  EXPECT_EQ(codes.ClassOf(-1).status().code(), Code::kArg);
  EXPECT_EQ(codes.ClassOf(ErrorCodes::kLastPredefinedCode).status().code(), Code::kArg);
  EXPECT_EQ(codes.AddCode(*code).status().code(), Code::kArg);  // not a class
  ASSERT_TRUE(codes.SetString(*code, "mine").ok());
  EXPECT_EQ(*codes.Text(*code), "mine");
  EXPECT_EQ(codes.SetString(MPI_ERR_TAG, "no").code(), Code::kArg);
  EXPECT_EQ(codes.RemoveClass(*cls).code(), Code::kArg);  // still has a code
  ASSERT_TRUE(codes.RemoveCode(*code).ok());
  ASSERT_TRUE(codes.RemoveClass(*cls).ok());
  EXPECT_EQ(*codes.last_used(), ErrorCodes::kLastPredefinedCode);
  EXPECT_EQ(codes.Text(*code).status().code(), Code::kArg);
}

}  // namespace
}  // namespace zmpi::core
