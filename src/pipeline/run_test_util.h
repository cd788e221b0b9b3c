// Test helpers shared by the pipeline tests (runner_test.cc, dedup_phase_test.cc).
#ifndef KILANG_SRC_PIPELINE_RUN_TEST_UTIL_H_
#define KILANG_SRC_PIPELINE_RUN_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

#include "kilang/io/file.h"

namespace kilang::test_util {

// A fresh (removed) folder path under the temp dir, unique per test `tag` and process.
inline std::string FreshTempDir(const std::string& prefix, const std::string& tag) {
  namespace fs = std::filesystem;
  std::string d = fs::temp_directory_path() /
                  ("kilang_" + prefix + "_" + tag + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  return d;
}

// Every regular file under `dir` (relative path -> bytes), except the run manifest, whose start
// time differs between runs by design.
inline std::map<std::string, std::string> Snapshot(const std::string& dir) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::string rel = fs::relative(e.path(), dir).string();
    if (rel == ".kilang/run.json") continue;
    std::string bytes;
    EXPECT_TRUE(ReadFile(e.path().string(), 0, &bytes).ok());
    out[rel] = bytes;
  }
  return out;
}

}  // namespace kilang::test_util

#endif  // KILANG_SRC_PIPELINE_RUN_TEST_UTIL_H_
