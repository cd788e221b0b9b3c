#include "kilang/io/writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "kilang/io/file.h"
#include "kilang/io/stream.h"

namespace kilang {
namespace {

std::string TmpDir() {
  std::string d =
      std::filesystem::temp_directory_path() / ("kilang_writer_" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  return d;
}

std::string Decoded(const std::string& path) {
  auto in = InputStream::Open(path);
  EXPECT_TRUE(in.ok());
  (*in)->Ensure(1 << 24);
  return std::string((*in)->Peek());
}

TEST(ShardWriter, RoundTripsAndIsByteIdentical) {
  std::string d = TmpDir();
  for (OutputCompression c :
       {OutputCompression::kZstd, OutputCompression::kGzip, OutputCompression::kNone}) {
    std::string a = d + "/a" + std::string(OutputSuffix(c)),
                b = d + "/b" + std::string(OutputSuffix(c));
    for (const std::string& p : {a, b}) {
      auto w = ShardWriter::Create(p, c);
      ASSERT_TRUE(w.ok());
      for (int i = 0; i < 50000; ++i)
        ASSERT_TRUE((*w)->WriteLine("{\"id\":\"" + std::to_string(i) + "\"}").ok());
      EXPECT_FALSE(std::filesystem::exists(p));  // not visible until finished
      ASSERT_TRUE((*w)->Finish().ok());
    }
    std::string sa, sb;
    ASSERT_TRUE(ReadFile(a, 0, &sa).ok());
    ASSERT_TRUE(ReadFile(b, 0, &sb).ok());
    EXPECT_EQ(sa, sb);
    std::string text = Decoded(a);
    EXPECT_EQ(text.substr(0, 11), "{\"id\":\"0\"}\n");
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 50000);
  }
  std::filesystem::remove_all(d);
}

TEST(ShardWriter, AbandonedWriterLeavesNothing) {
  std::string d = TmpDir();
  {
    auto w = ShardWriter::Create(d + "/x.jsonl.zst", OutputCompression::kZstd);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->WriteLine("{}").ok());
  }
  EXPECT_TRUE(std::filesystem::is_empty(d));
  std::filesystem::remove_all(d);
}

}  // namespace
}  // namespace kilang
