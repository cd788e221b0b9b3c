#include "kilang/pipeline/dedup_phase.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "kilang/io/file.h"
#include "kilang/pipeline/runner.h"
#include "run_test_util.h"

namespace kilang {
namespace {

namespace fs = std::filesystem;

std::string TmpDir(const std::string& tag) { return test_util::FreshTempDir("dedupphase", tag); }
using test_util::Snapshot;

// 200 pseudo-random letter words (lines of 20); `edits` of them replaced (a near duplicate).
std::string Text(uint64_t seed, int edits = 0) {
  std::string t;
  uint64_t x = seed * 6364136223846793005ull + 1442695040888963407ull;
  for (int i = 0; i < 200; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    uint64_t w = (x >> 33) % 5000;
    if (i % 60 == 7 && edits-- > 0) w += 100000;
    t += i ? (i % 20 == 0 ? "\\n" : " ") : "";
    for (int c = 0; c < 4; ++c, w /= 26) t += char('a' + w % 26);  // letters: digits normalise
  }
  return t;
}

// Two JSONL inputs: 6 originals; then exact copies of 0 and 1, near copies of 2 and 3, and two
// more originals.
std::vector<std::string> MakeInputs(const std::string& dir) {
  fs::create_directories(dir);
  std::ofstream a(dir + "/a.jsonl"), b(dir + "/b.jsonl");
  for (int i = 0; i < 6; ++i) a << "{\"id\":\"a" << i << "\",\"text\":\"" << Text(i) << "\"}\n";
  for (int i = 0; i < 2; ++i) b << "{\"id\":\"x" << i << "\",\"text\":\"" << Text(i) << "\"}\n";
  for (int i = 2; i < 4; ++i) b << "{\"id\":\"n" << i << "\",\"text\":\"" << Text(i, 3) << "\"}\n";
  for (int i = 6; i < 8; ++i) b << "{\"id\":\"b" << i << "\",\"text\":\"" << Text(i) << "\"}\n";
  a.close();
  b.close();
  return {dir + "/a.jsonl", dir + "/b.jsonl"};
}

Result<RunSummary> RunDedupRun(int workers, const std::vector<std::string>& in,
                               const std::string& out, bool keep_intermediate = false,
                               std::function<bool(size_t)> before_marker = nullptr) {
  auto cfg = DefaultRunConfig();
  EXPECT_TRUE(cfg.ok());
  cfg->stages.clear();  // texts as they are
  cfg->dedup.keep_intermediate = keep_intermediate;
  cfg->dedup.before_marker = std::move(before_marker);
  cfg->run.workers = workers;
  cfg->run.progress = "none";
  return RunPipeline(*cfg, in, out);
}

TEST(DedupPhase, RemovesExactAndNearDuplicatesWithStageAndReason) {
  std::string base = TmpDir("basic");
  auto in = MakeInputs(base + "/in");
  auto sum = RunDedupRun(1, in, base + "/out");
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  const RunStats& s = sum->stats;
  EXPECT_EQ(s.read, 12u);
  EXPECT_EQ(s.kept, 8u);
  EXPECT_EQ(s.removed, 4u);
  EXPECT_EQ((s.removed_by.at("exact_dedup").at("exact_duplicate")), 2u);
  EXPECT_EQ((s.removed_by.at("minhash_dedup").at("minhash_duplicate")), 2u);
  // Groups of >= 2 documents, exact and near alike: two of each.
  EXPECT_NE(s.dedup_json.find("\"clusters\": 4"), std::string::npos) << s.dedup_json;
  // The intermediate files are gone, and stats.json says so.
  EXPECT_NE(s.dedup_json.find("\"intermediate\": \"removed\""), std::string::npos);
  EXPECT_TRUE(fs::exists(base + "/out/removed/dedup-part-00001.jsonl.zst"));
  auto w2 = RunDedupRun(2, in, base + "/out2");
  ASSERT_TRUE(w2.ok());
  EXPECT_EQ(Snapshot(base + "/out"), Snapshot(base + "/out2"));
  fs::remove_all(base);
}

TEST(DedupPhase, InterruptedPhaseResumesToTheSameOutput) {
  std::string base = TmpDir("resume");
  auto in = MakeInputs(base + "/in");
  ASSERT_TRUE(RunDedupRun(2, in, base + "/ref").ok());
  auto ref = Snapshot(base + "/ref");
  // Once complete, the stage-1 shards and the dedup work dir are gone (markers stay).
  EXPECT_FALSE(fs::exists(base + "/ref/.kilang/dedup/work"));
  EXPECT_FALSE(fs::exists(base + "/ref/.kilang/stage1/part-00000.jsonl.zst"));

  // Stopped after shard 1's files were renamed into place but before its marker.
  auto r1 = RunDedupRun(1, in, base + "/k", false, [](size_t i) { return i != 1; });
  ASSERT_FALSE(r1.ok());
  EXPECT_FALSE(fs::exists(base + "/k/stats.json"));
  EXPECT_TRUE(fs::exists(base + "/k/.kilang/stage1/part-00000.jsonl.zst"));  // still needed
  auto r2 = RunDedupRun(2, in, base + "/k");
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(Snapshot(base + "/k"), ref);
  // A completed run run again: nothing to redo, nothing changes.
  ASSERT_TRUE(RunDedupRun(1, in, base + "/k").ok());
  EXPECT_EQ(Snapshot(base + "/k"), ref);
  // A final shard deleted by hand cannot be rebuilt without the intermediates: a clear error.
  fs::remove(base + "/k/part-00000.jsonl.zst");
  auto gone = RunDedupRun(1, in, base + "/k");
  ASSERT_FALSE(gone.ok());
  EXPECT_NE(gone.status().message().find("keep_intermediate"), std::string::npos)
      << gone.status().ToString();
}

TEST(DedupPhase, LostStateIsRebuiltFromKeptIntermediates) {
  std::string base = TmpDir("lost");
  auto in = MakeInputs(base + "/in");
  ASSERT_TRUE(RunDedupRun(2, in, base + "/ref", /*keep_intermediate=*/true).ok());
  auto ref = Snapshot(base + "/ref");
  ASSERT_TRUE(RunDedupRun(2, in, base + "/k", true).ok());
  // Lost state: no summary, no markers, a truncated final shard.
  fs::remove(base + "/k/.kilang/dedup/summary.json");
  fs::remove_all(base + "/k/.kilang/dedup/done");
  fs::resize_file(base + "/k/part-00000.jsonl.zst", 10);
  auto r3 = RunDedupRun(1, in, base + "/k", true);
  ASSERT_TRUE(r3.ok()) << r3.status().ToString();
  EXPECT_EQ(Snapshot(base + "/k"), ref);
  EXPECT_EQ(r3->stats.kept, 8u);
  fs::remove_all(base);
}

TEST(DedupPhase, DisabledLeavesTaskShardsAsTheyAre) {
  std::string base = TmpDir("off");
  auto in = MakeInputs(base + "/in");
  auto cfg = ParseRunConfig("pipeline: []\ndedup:\n  enabled: false\n", "t.yaml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  cfg->run.progress = "none";
  auto sum = RunPipeline(*cfg, in, base + "/out");
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum->stats.kept, 12u);
  EXPECT_TRUE(sum->stats.dedup_json.empty());
  EXPECT_FALSE(fs::exists(base + "/out/.kilang/stage1"));
  fs::remove_all(base);
}

TEST(DedupPhase, ConfigKeysAreValidated) {
  auto cfg = ParseRunConfig("dedup:\n  line_min_docs: 3\n  verify: signature\n", "t.yaml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->dedup.Resolved(1).lines.min_docs, 3u);
  EXPECT_EQ(cfg->dedup.Resolved(1).verify, dedup::VerifyMode::kSignature);
  auto bad = ParseRunConfig("dedup:\n  minhsh: false\n", "t.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unknown key 'minhsh'"), std::string::npos);
}

}  // namespace
}  // namespace kilang
