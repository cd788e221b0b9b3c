#include "record_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

namespace kilang::dedup::internal {
namespace {

std::string TempDir(const char* name) {
  auto d = std::filesystem::temp_directory_path() /
           (std::string("kilang_rf_") + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d.string();
}

TEST(DedupRecordFile, RoundTripWithSections) {
  std::string dir = TempDir("rt");
  RecordFileWriter w(dir + "/f", 2, 3, 42);
  ASSERT_TRUE(w.Open().ok());
  for (uint64_t i = 0; i < 1000; ++i) {
    uint64_t r[2] = {i, i * 7};
    w.Append(i < 10 ? 0 : 2, r);
  }
  ASSERT_TRUE(w.Finish().ok());
  auto f = RecordFile::Open(dir + "/f", 2, 42);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ((*f)->num_sections(), 3u);
  EXPECT_EQ((*f)->section_records(0), 10u);
  EXPECT_EQ((*f)->section_records(1), 0u);
  EXPECT_EQ((*f)->section_records(2), 990u);
  EXPECT_TRUE((*f)->Validate(true).ok());
  uint64_t r[2];
  ASSERT_TRUE((*f)->ReadRecord(2, 5, r).ok());
  EXPECT_EQ(r[0], 15u);
  EXPECT_FALSE(RecordFile::Open(dir + "/f", 2, 43).ok());  // other options
  EXPECT_FALSE(RecordFile::Open(dir + "/f", 3, 42).ok());  // other width
  std::filesystem::remove_all(dir);
}

TEST(DedupRecordFile, TruncatedFlippedAndUnsortedFilesAreDetected) {
  std::string dir = TempDir("bad");
  auto write = [&](const std::string& p, bool sorted) {
    RecordFileWriter w(p, 1, 1, 0);
    ASSERT_TRUE(w.Open().ok());
    for (uint64_t i = 0; i < 5000; ++i) {
      uint64_t v = sorted ? i : (i * 7919) % 5000;
      w.Append(0, &v);
    }
    ASSERT_TRUE(w.Finish().ok());
  };
  write(dir + "/ok", true);
  write(dir + "/unsorted", false);
  auto unsorted = RecordFile::Open(dir + "/unsorted", 1, 0);
  ASSERT_TRUE(unsorted.ok());
  EXPECT_TRUE((*unsorted)->Validate(false).ok());
  EXPECT_EQ((*unsorted)->Validate(true).code(), StatusCode::kCorruption);

  std::filesystem::copy_file(dir + "/ok", dir + "/trunc");
  std::filesystem::resize_file(dir + "/trunc", std::filesystem::file_size(dir + "/ok") - 100);
  auto t = RecordFile::Open(dir + "/trunc", 1, 0);
  EXPECT_EQ(t.status().code(), StatusCode::kCorruption);

  std::filesystem::copy_file(dir + "/ok", dir + "/flip");
  {
    std::fstream fs(dir + "/flip", std::ios::in | std::ios::out | std::ios::binary);
    fs.seekp(1234);
    fs.put('\x55');
  }
  auto fl = RecordFile::Open(dir + "/flip", 1, 0);
  ASSERT_TRUE(fl.ok());                                              // footer intact...
  EXPECT_EQ((*fl)->Validate(true).code(), StatusCode::kCorruption);  // ...payload is not
  EXPECT_EQ(RecordFile::Open(dir + "/missing", 1, 0).status().code(), StatusCode::kNotFound);
  std::filesystem::remove_all(dir);
}

TEST(DedupExternalSorter, SpillsAndMergesUnique) {
  std::string dir = TempDir("sort");
  ExternalSorter s(2, 16 * 1024, dir, "t");  // 1024 records per run
  std::mt19937_64 rng(7);
  std::vector<std::pair<uint64_t, uint64_t>> ref;
  for (int i = 0; i < 20000; ++i) {
    uint64_t r[2] = {rng() % 3000, rng() % 2};
    ref.emplace_back(r[0], r[1]);
    ASSERT_TRUE(s.Add(r).ok());
  }
  EXPECT_GT(s.spilled_runs(), 5u);
  std::sort(ref.begin(), ref.end());
  ref.erase(std::unique(ref.begin(), ref.end()), ref.end());
  std::vector<std::pair<uint64_t, uint64_t>> got;
  ASSERT_TRUE(s.Drain(true, [&](const uint64_t* r) { got.emplace_back(r[0], r[1]); }).ok());
  EXPECT_EQ(got, ref);
  std::filesystem::remove_all(dir);
}

TEST(DedupStringTable, RoundTripsEmptyLongAndUnalignedStrings) {
  const std::string path = ::testing::TempDir() + "/kilang_strings_" + std::to_string(::getpid());
  std::vector<std::string> in = {
      "", "a", "0123456", "01234567", "012345678", std::string(1000, 'x'), "<urn:uuid:\xC3\xA9>",
      ""};
  StringTableWriter w(path, 7);
  ASSERT_TRUE(w.Open().ok());
  for (const auto& s : in) w.Add(s);
  EXPECT_EQ(w.size(), in.size());
  ASSERT_TRUE(w.Finish().ok());
  auto f = RecordFile::Open(path, 1, 7);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_TRUE((*f)->Validate(false).ok());
  ASSERT_EQ(TableStrings(**f), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    auto s = ReadTableString(**f, i);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(*s, in[i]) << i;
  }
  EXPECT_FALSE(ReadTableString(**f, in.size()).ok());
  std::remove(path.c_str());
}

}  // namespace
}  // namespace kilang::dedup::internal
