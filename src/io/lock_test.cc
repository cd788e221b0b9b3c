#include "kilang/io/lock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace kilang {
namespace {

TEST(FileLock, SecondHolderIsRefusedWithTheFirstOnesPid) {
  std::string path = testing::TempDir() + "/kilang_lock_test_" + std::to_string(::getpid());
  auto first = FileLock::TryAcquire(path);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // flock() locks belong to an open file: a second open in this process conflicts as another
  // process would.
  auto second = FileLock::TryAcquire(path);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(second.status().message(), "held by process " + std::to_string(::getpid()));
  first->reset();
  auto third = FileLock::TryAcquire(path);
  EXPECT_TRUE(third.ok()) << third.status().ToString();
  std::remove(path.c_str());
}

}  // namespace
}  // namespace kilang
