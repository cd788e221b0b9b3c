#include "kilang/pipeline/runner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "kilang/io/file.h"
#include "kilang/io/stream.h"
#include "run_test_util.h"

namespace kilang {
namespace {

namespace fs = std::filesystem;
const std::string kWarcDir = std::string(KILANG_SHARED_DIR) + "/data/warc";

std::string TmpDir(const std::string& tag) { return test_util::FreshTempDir("runner", tag); }
using test_util::Snapshot;

// Runs the default pipeline, or with `read_only` no stage at all (pages are then written with an
// empty text: fast, for tests of the runner's own mechanics; tests/run_pipeline_tests.sh covers
// the same properties with extraction).
Result<RunSummary> RunWith(int workers, const std::vector<std::string>& inputs,
                           const std::string& out, uint64_t split_bytes = uint64_t(256) << 20,
                           bool read_only = false, bool extract_only = false,
                           bool keep_intermediate = false) {
  auto cfg = DefaultRunConfig();
  EXPECT_TRUE(cfg.ok());
  cfg->dedup.keep_intermediate = keep_intermediate;
  if (read_only) cfg->stages.clear();
  if (extract_only) cfg->stages.resize(1);  // "extract": the filters would remove tiny pages
  cfg->run.workers = workers;
  cfg->run.split_bytes = split_bytes;
  cfg->run.progress = "none";
  return RunPipeline(*cfg, inputs, out);
}

TEST(Runner, AccountsForEveryRecordOfTheRealSamples) {
  std::string out = TmpDir("acct");
  auto sum = RunWith(2, {kWarcDir}, out);
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  const RunStats& s = sum->stats;
  EXPECT_EQ(s.read, s.kept + s.removed + s.unreadable);
  EXPECT_EQ(s.unreadable, 1u);  // resiliparse-clipped.warc.gz
  ASSERT_EQ(s.unreadable_inputs.size(), 1u);
  EXPECT_NE(s.unreadable_inputs[0].file.find("resiliparse-clipped"), std::string::npos);
  // 22 + 15 (dolma) + 16 + 16 (warcfile plain and gz) + 29 (clueweb) HTML responses.
  EXPECT_EQ(s.kept + s.removed, 98u);
  EXPECT_EQ(s.skipped.at("warc_type:request"), 22u + 15u + 17u + 17u);
  EXPECT_TRUE(fs::exists(out + "/stats.json"));
  fs::remove_all(out);
}

TEST(Runner, OutputIsIdenticalWhateverTheWorkerCount) {
  std::string a = TmpDir("w1"), b = TmpDir("w2");
  ASSERT_TRUE(RunWith(1, {kWarcDir}, a, 30000, true).ok());
  ASSERT_TRUE(RunWith(2, {kWarcDir}, b, 30000, true).ok());
  auto sa = Snapshot(a), sb = Snapshot(b);
  EXPECT_FALSE(sa.empty());
  EXPECT_TRUE(sa == sb);
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(Runner, RerunResumesFromDoneMarkers) {
  std::string out = TmpDir("resume");
  // Intermediates kept: the state lost below exists only while a run is going on.
  auto first = RunWith(2, {kWarcDir}, out, uint64_t(256) << 20, true, false, true);
  ASSERT_TRUE(first.ok());
  auto full = Snapshot(out);
  // Lose two tasks' work as a kill would (shard and marker of one, marker only of the other),
  // and leave a half-written temporary shard behind.
  fs::remove(out + "/part-00000.jsonl.zst");
  fs::remove(out + "/.kilang/done/part-00000.json");
  fs::remove(out + "/.kilang/done/part-00005.json");
  std::ofstream(out + "/part-00006.jsonl.zst.tmp.12345") << "half";
  fs::remove(out + "/stats.json");
  auto second = RunWith(1, {kWarcDir}, out, uint64_t(256) << 20, true, false, true);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->timings.tasks_run, 2u);
  EXPECT_EQ(second->timings.tasks_resumed, first->stats.tasks - 2);
  EXPECT_TRUE(Snapshot(out) == full);
  fs::remove_all(out);
}

// All kept lines of a run, shard after shard.
std::string KeptLines(const std::string& dir, const RunStats& s) {
  std::string all;
  for (const std::string& shard : s.shards) {
    auto in = InputStream::Open(dir + "/" + shard);
    EXPECT_TRUE(in.ok());
    (*in)->Ensure(64 << 20);
    all += (*in)->Peek();
  }
  return all;
}

TEST(Runner, SplittingBigFilesGivesTheSameDocuments) {
  std::string a = TmpDir("nosplit"), b = TmpDir("split");
  auto whole = RunWith(2, {kWarcDir}, a, 0, true);
  auto split = RunWith(2, {kWarcDir}, b, 30000, true);
  ASSERT_TRUE(whole.ok() && split.ok());
  EXPECT_GT(split->stats.tasks, whole->stats.tasks + 10);
  EXPECT_EQ(split->stats.read, whole->stats.read);
  EXPECT_EQ(split->stats.kept, whole->stats.kept);
  EXPECT_EQ(split->stats.skipped, whole->stats.skipped);
  EXPECT_EQ(split->stats.input_bytes, whole->stats.input_bytes);
  ASSERT_EQ(split->stats.unreadable_inputs.size(), 1u);
  EXPECT_EQ(KeptLines(b, split->stats), KeptLines(a, whole->stats));
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(Runner, RefusesAFolderHoldingAnotherRun) {
  std::string out = TmpDir("other");
  ASSERT_TRUE(RunWith(1, {kWarcDir + "/dolma-sample-0000.warc.gz"}, out, 0, true).ok());
  auto again = RunWith(1, {kWarcDir + "/dolma-sample-0001.warc.gz"}, out, 0, true);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kInvalidArgument);
  fs::remove_all(out);
}

TEST(Runner, JsonlPagesAndMissingInputs) {
  std::string in = TmpDir("in"), out = TmpDir("out");
  fs::create_directories(in + "/pages");
  std::ofstream(in + "/docs.jsonl")
      << "{\"id\":\"a\",\"text\":\"hello\"}\nnot json\n{\"text\":\"x\"}\n";
  std::ofstream(in + "/pages/p1.html")
      << "<html><head><title>T</title></head><body><p>Some words here.</p></body></html>";
  std::ofstream(in + "/pages/p2.txt") << "Judul\n\nIsi artikel yang cukup panjang untuk dibaca.\n";
  std::ofstream(in + "/pages/notes.pdf") << "%PDF";
  auto sum = RunWith(2, {in + "/docs.jsonl", in + "/pages", in + "/missing.warc.gz"}, out,
                     uint64_t(256) << 20, false, /*extract_only=*/true);
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  const RunStats& s = sum->stats;
  EXPECT_EQ(s.read, 2u + 2u + 2u);  // 2 JSONL docs, 2 pages, bad line, missing file
  EXPECT_EQ(s.kept, 4u);
  EXPECT_EQ(s.unreadable, 2u);
  ASSERT_EQ(s.ignored_files.size(), 1u);
  EXPECT_EQ(s.unreadable_inputs[0].offset,
            std::string("{\"id\":\"a\",\"text\":\"hello\"}\n").size());
  EXPECT_NE(s.unreadable_inputs[1].reason.find("not found"), std::string::npos);
  // The JSONL text is kept as is.
  auto shard = InputStream::Open(out + "/part-00000.jsonl.zst");
  ASSERT_TRUE(shard.ok());
  (*shard)->Ensure(1 << 20);
  EXPECT_EQ((*shard)->Peek().substr(0, 40), "{\"id\":\"a\",\"text\":\"hello\",\"metadata\":{\"so");
  fs::remove_all(in);
  fs::remove_all(out);
}

}  // namespace
}  // namespace kilang

namespace kilang {
namespace {

TEST(Runner, OneBigFileIsSharedByEveryWorkerWithTheSameOutput) {
  std::string in = test_util::FreshTempDir("runner", "onefile");
  fs::create_directories(in);
  {
    std::ofstream f(in + "/big.jsonl");
    for (int i = 0; i < 3000; ++i) {
      f << "{\"id\":\"d" << i << "\",\"text\":\"Dokumen nomor " << i << " dari satu berkas.\"}\n";
    }
  }
  std::string a = TmpDir("onefile1"), b = TmpDir("onefile4");
  auto one = RunWith(1, {in + "/big.jsonl"}, a, uint64_t(256) << 20, false, true);
  auto four = RunWith(4, {in + "/big.jsonl"}, b, uint64_t(256) << 20, false, true);
  ASSERT_TRUE(one.ok() && four.ok());
  EXPECT_EQ(one->stats.tasks, 1u);
  EXPECT_EQ(four->stats.read, 3000u);
  // Four workers for one task: the three without a task took batches of its documents.
  EXPECT_EQ(four->timings.worker_cpu.size(), 4u);
  EXPECT_TRUE(Snapshot(a) == Snapshot(b));
  fs::remove_all(in);
  fs::remove_all(a);
  fs::remove_all(b);
}

}  // namespace
}  // namespace kilang
