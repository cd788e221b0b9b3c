#include "kilang/pipeline/plan.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "run_test_util.h"

namespace kilang {
namespace {

namespace fs = std::filesystem;

void Touch(const std::string& path, const std::string& text = "{\"text\":\"x\"}\n") {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

TEST(ListInputFolder, FollowsLinksToFoldersOnceAndWarnsOfLoops) {
  std::string d = test_util::FreshTempDir("plan", "links");
  Touch(d + "/in/a.jsonl");
  Touch(d + "/elsewhere/b.jsonl");
  fs::create_directory_symlink(d + "/elsewhere", d + "/in/linked");
  fs::create_directories(d + "/in/sub");
  fs::create_directory_symlink(d + "/in", d + "/in/sub/loop");
  fs::create_symlink(d + "/nowhere.jsonl", d + "/in/dangling.jsonl");
  FolderListing l = ListInputFolder(d + "/in");
  // A dangling link is listed (its task reports it unreadable), and is no listing failure.
  EXPECT_EQ(l.files, (std::vector<std::string>{d + "/in/a.jsonl", d + "/in/dangling.jsonl",
                                               d + "/in/linked/b.jsonl"}));
  EXPECT_TRUE(l.unreadable.empty());
  ASSERT_EQ(l.warnings.size(), 1u);
  EXPECT_EQ(l.warnings[0].file, d + "/in/sub/loop");
  fs::remove_all(d);
}

TEST(ListInputFolder, AFolderThatCannotBeListedIsUnreadable) {
  if (::geteuid() == 0) GTEST_SKIP() << "permissions do not stop root (tests/hostile covers it)";
  std::string d = test_util::FreshTempDir("plan", "locked");
  Touch(d + "/in/a.jsonl");
  Touch(d + "/in/locked/b.jsonl");
  ::chmod((d + "/in/locked").c_str(), 0);
  FolderListing l = ListInputFolder(d + "/in");
  ::chmod((d + "/in/locked").c_str(), 0755);
  EXPECT_EQ(l.files, (std::vector<std::string>{d + "/in/a.jsonl"}));
  ASSERT_EQ(l.unreadable.size(), 1u);
  EXPECT_EQ(l.unreadable[0].file, d + "/in/locked");
  EXPECT_NE(l.unreadable[0].reason.find("cannot list folder"), std::string::npos);
  fs::remove_all(d);
}

TEST(ListInputFolder, SkipsTheExcludedFolderWhateverItsPathSpelling) {
  std::string d = test_util::FreshTempDir("plan", "exclude");
  Touch(d + "/in/a.jsonl");
  Touch(d + "/in/out/part-00000.jsonl");
  FolderListing l = ListInputFolder(d + "/in", d + "/in/../in/out");
  EXPECT_EQ(l.files, (std::vector<std::string>{d + "/in/a.jsonl"}));
  fs::remove_all(d);
}

TEST(PlanRun, UnlistableFolderBecomesATaskWithItsReason) {
  std::string d = test_util::FreshTempDir("plan", "task");
  RunPlan p = PlanRun({d + "/missing"}, 1000, 0, d + "/out");
  ASSERT_EQ(p.tasks.size(), 1u);
  EXPECT_EQ(p.tasks[0].kind, InputKind::kUnknown);
}

TEST(IsRemoteInput, SchemesAreRemoteLocalPathsAreNot) {
  for (const char* r : {"s3://b/k", "hf://datasets/x", "https://a.id/x.jsonl", "gs://b/o"}) {
    EXPECT_TRUE(IsRemoteInput(r)) << r;
  }
  for (const char* l : {"data/x.warc.gz", "/abs/path", "-", "odd:name", "./s3://not-a-scheme"}) {
    EXPECT_FALSE(IsRemoteInput(l)) << l;
  }
}

TEST(ExpandInputPatterns, GlobsAndDoubleStarsInSortedOrder) {
  std::string d = test_util::FreshTempDir("plan", "glob");
  Touch(d + "/a/2.jsonl");
  Touch(d + "/a/1.jsonl");
  Touch(d + "/a/deep/3.jsonl");
  Touch(d + "/a/x.txt");
  EXPECT_EQ(ExpandInputPatterns({d + "/a/*.jsonl"}),
            (std::vector<std::string>{d + "/a/1.jsonl", d + "/a/2.jsonl"}));
  EXPECT_EQ(ExpandInputPatterns({d + "/a/**/*.jsonl"}),
            (std::vector<std::string>{d + "/a/1.jsonl", d + "/a/2.jsonl", d + "/a/deep/3.jsonl"}));
  // Kept as named: "-", a path without pattern characters, a pattern matching nothing.
  EXPECT_EQ(ExpandInputPatterns({"-", d + "/a/x.txt", d + "/none/*.gz"}),
            (std::vector<std::string>{"-", d + "/a/x.txt", d + "/none/*.gz"}));
  fs::remove_all(d);
}

TEST(InputState, NoticesAppendedReplacedAndTouchedFiles) {
  std::string d = test_util::FreshTempDir("plan", "state");
  std::string f = d + "/a.jsonl";
  Touch(f, std::string(200000, 'a'));
  std::vector<InputState> before = {StatInput(f)};
  EXPECT_EQ(before[0].size, 200000u);
  EXPECT_EQ(DescribeInputChanges(before, {StatInput(f)}), "");
  // A byte changed in the last 64 KiB, same size.
  Touch(f, std::string(199999, 'a') + "b");
  EXPECT_NE(DescribeInputChanges(before, {StatInput(f)}).find("content changed"),
            std::string::npos);
  // Appended.
  Touch(f, std::string(200001, 'a'));
  EXPECT_NE(DescribeInputChanges(before, {StatInput(f)}).find("size 200000 -> 200001"),
            std::string::npos);
  // Same bytes, another time.
  Touch(f, std::string(200000, 'a'));
  InputState now = StatInput(f);
  now.mtime_ns += 1;
  EXPECT_NE(DescribeInputChanges(before, {now}).find("modified"), std::string::npos);
  // Gone and new inputs are named.
  InputState other = now;
  other.path = d + "/b.jsonl";
  std::string msg = DescribeInputChanges(before, {other});
  EXPECT_NE(msg.find("b.jsonl: new input"), std::string::npos) << msg;
  EXPECT_NE(msg.find("a.jsonl: gone from the inputs"), std::string::npos) << msg;
  fs::remove_all(d);
}

}  // namespace
}  // namespace kilang
