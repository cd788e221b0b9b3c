#include "kilang/report/report.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <set>

#include "kilang/core/document.h"
#include "kilang/io/file.h"
#include "kilang/io/writer.h"
#include "report_internal.h"

namespace kilang::report {
namespace {

namespace fs = std::filesystem;
using internal::BottomK;

struct Item {
  uint64_t key;
  std::string id;
};

std::vector<std::string> Ids(const std::vector<Item>& v) {
  std::vector<std::string> out;
  for (const auto& i : v) out.push_back(i.id);
  return out;
}

TEST(ReportSampling, BottomKKeepsTheSmallestKeysWhateverTheOrderOfOffers) {
  std::vector<Item> items;
  for (int i = 0; i < 500; ++i) {
    std::string id = std::string("doc-") + std::to_string(i);
    items.push_back({internal::SampleKey(id, 7), id});
  }
  std::vector<Item> sorted = items;
  std::sort(sorted.begin(), sorted.end(),
            [](const Item& a, const Item& b) { return a.key < b.key; });
  std::vector<std::string> expected;
  for (int i = 0; i < 10; ++i) expected.push_back(sorted[i].id);

  std::mt19937 rng(3);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(items.begin(), items.end(), rng);
    BottomK<Item> s(10);
    for (size_t i = 0; i < items.size(); ++i) s.Offer(items[i], i);
    EXPECT_EQ(s.size(), 10u);
    EXPECT_EQ(Ids(s.Take()), expected);
  }
}

TEST(ReportSampling, MergedSamplersEqualOneSamplerOverAllItems) {
  BottomK<Item> all(8), a(8), b(8);
  for (int i = 0; i < 300; ++i) {
    std::string id = "x";
    id += std::to_string(i);
    Item it{internal::SampleKey(id, 0), id};
    all.Offer(it, i);
    (i % 3 == 0 ? a : b).Offer(it, i);
  }
  a.Merge(std::move(b));
  EXPECT_EQ(Ids(a.Take()), Ids(all.Take()));
}

TEST(ReportSampling, EqualIdsAreTieBrokenByPositionSoTheSampleIsDeterministic) {
  BottomK<Item> s(1);
  s.Offer({5, "same"}, 9);
  s.Offer({5, "same"}, 2);
  s.Offer({5, "same"}, 4);
  // The one at position 2 is kept: only an earlier position would replace it.
  EXPECT_TRUE(s.Wants(5, "same", 1));
  EXPECT_FALSE(s.Wants(5, "same", 3));
  EXPECT_EQ(s.Take().size(), 1u);
}

TEST(ReportSampling, SampleKeyDependsOnIdAndSeedOnly) {
  EXPECT_EQ(internal::SampleKey("abc", 0), internal::SampleKey(std::string("abc"), 0));
  EXPECT_NE(internal::SampleKey("abc", 0), internal::SampleKey("abd", 0));
  EXPECT_NE(internal::SampleKey("abc", 0), internal::SampleKey("abc", 1));
}

TEST(ReportText, CutCodePointsNeverSplitsACharacter) {
  bool truncated = false;
  EXPECT_EQ(internal::CutCodePoints("héllo wörld", 4, &truncated), "héll");
  EXPECT_TRUE(truncated);
  EXPECT_EQ(internal::CutCodePoints("日本語", 3, &truncated), "日本語");
  EXPECT_FALSE(truncated);
  EXPECT_EQ(internal::CutCodePoints("日本語", 0, &truncated), "");
  EXPECT_TRUE(truncated);
  EXPECT_EQ(internal::CountCodePoints("日本語 é"), 5u);
}

TEST(ReportText, CutBytesBacksOffToACodePointBoundary) {
  EXPECT_EQ(internal::CutBytes("日本語", 4), "日");  // 3-byte characters
  EXPECT_EQ(internal::CutBytes("日本語", 6), "日本");
  EXPECT_EQ(internal::CutBytes("abc", 10), "abc");
}

TEST(ReportText, FitBudgetFindsTheLargestCommonCap) {
  EXPECT_EQ(internal::FitBudget({10, 20}, 30), SIZE_MAX);
  // 10 + min(100, c) + min(1000, c) <= 300  ->  c = 190
  EXPECT_EQ(internal::FitBudget({10, 100, 1000}, 300), 190u);
  EXPECT_EQ(internal::FitBudget({10, 100, 1000}, 299), 189u);
  EXPECT_EQ(internal::FitBudget({1000, 1000}, 1), 0u);
}

SampleDoc Doc(std::string text, std::string stage = "", std::string reason = "") {
  SampleDoc d;
  d.text = std::move(text);
  d.stage = std::move(stage);
  d.reason = std::move(reason);
  return d;
}

TEST(ReportMarks, PiiPlaceholderLinesAreMarkedOnlyWhenTheDocumentHasRedactions) {
  const std::vector<std::string> ph = {"email@example.com", "<PHONE>"};
  SampleDoc d = Doc("Hello\nWrite to email@example.com\ncall <PHONE> now\nbye");
  EXPECT_TRUE(internal::MarkLines(d, ph).empty());  // no pii_* count: a literal placeholder
  d.extra.emplace_back("pii_email", "1");
  auto m = internal::MarkLines(d, ph);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].line, 1u);
  EXPECT_EQ(m[0].kind, "pii");
  EXPECT_EQ(m[1].line, 2u);
}

TEST(ReportMarks, RepeatedLinesAreMarkedForRepetitionRemovals) {
  SampleDoc d =
      Doc("Buy now\nreal text\nBuy now \n\n\nother", "gopher_repetition", "dup_line_frac");
  auto m = internal::MarkLines(d, {});
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].line, 0u);
  EXPECT_EQ(m[0].kind, "repeated");
  EXPECT_EQ(m[1].line, 2u);  // trailing space ignored; blank lines never marked
  d.stage = "gopher_quality";
  d.reason = "gopher_short_doc";
  EXPECT_TRUE(internal::MarkLines(d, {}).empty());
}

TEST(ReportFunnel, StageOrderPutsConfiguredStagesFirstUnknownOnesNextAndDedupLast) {
  auto o = internal::StageOrder({"extract", "langid", "pii"},
                                {"minhash_dedup", "zeta", "langid", "alpha", "exact_dedup"});
  EXPECT_EQ(o, (std::vector<std::string>{"extract", "langid", "pii", "alpha", "zeta", "exact_dedup",
                                         "minhash_dedup"}));
}

// ---- a run folder written by hand ----

class ReportDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() /
            ("kilang_report_test_" + std::to_string(getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
    fs::create_directories(dir_ + "/removed");
  }
  void TearDown() override { fs::remove_all(dir_); }

  static Document MakeDoc(const std::string& id, const std::string& text, const std::string& lang,
                          double score) {
    Document d;
    d.id = id;
    d.text = text;
    d.metadata.lang = lang;
    d.metadata.lang_score = score;
    d.metadata.title = "Title " + id;
    d.metadata.url = "https://example.com/" + id;
    return d;
  }
  void WriteShard(const std::string& rel, const std::vector<Document>& docs) {
    auto w = ShardWriter::Create(dir_ + "/" + rel, OutputCompression::kZstd);
    ASSERT_TRUE(w.ok());
    for (const auto& d : docs) ASSERT_TRUE((*w)->WriteLine(ToJsonLine(d)).ok());
    ASSERT_TRUE((*w)->Finish().ok());
  }
  void WriteStats(const std::string& json) {
    ASSERT_TRUE(WriteFileAtomic(dir_ + "/stats.json", json).ok());
  }

  // 60 kept documents in two shards (one of them a cluster representative of size 4), 45 removed
  // by gopher_quality (30 short, 15 long), 3 exact duplicates of the representative, 2 unreadable.
  void WriteTypicalRun() {
    std::vector<Document> a, b, removed, dups;
    for (int i = 0; i < 60; ++i) {
      Document d = MakeDoc(std::string("k") + std::to_string(i), std::string(50 + i * 100, 'x'),
                           i % 3 == 0 ? "id" : "en", 0.5 + i / 200.0);
      if (i == 7) {
        d.metadata.extra.emplace_back("dedup_cluster_id", "k7");
        d.metadata.extra.emplace_back("dedup_cluster_size", "4");
      }
      if (i == 8) d.metadata.extra.emplace_back("dedup_lines_removed", "3");
      (i < 30 ? a : b).push_back(d);
    }
    for (int i = 0; i < 45; ++i) {
      Document d = MakeDoc(std::string("r") + std::to_string(i),
                           i < 30 ? "short" : std::string(20000, 'y'), "en", 0.9);
      d.metadata.extra.emplace_back("stage", "gopher_quality");
      d.metadata.extra.emplace_back("reason", i < 30 ? "gopher_short_doc" : "gopher_long_doc");
      removed.push_back(d);
    }
    for (int i = 0; i < 3; ++i) {
      Document d = MakeDoc(std::string("dup") + std::to_string(i), std::string(50 + 7 * 100, 'x'),
                           "en", 0.9);
      d.metadata.extra.emplace_back("duplicate_of", "k7");
      d.metadata.extra.emplace_back("dedup_cluster_id", "k7");
      d.metadata.extra.emplace_back("stage", "exact_dedup");
      d.metadata.extra.emplace_back("reason", "exact_duplicate");
      dups.push_back(d);
    }
    WriteShard("part-00000.jsonl.zst", a);
    WriteShard("part-00001.jsonl.zst", b);
    WriteShard("removed/part-00000.jsonl.zst", removed);
    WriteShard("removed/dedup-part-00000.jsonl.zst", dups);
    WriteStats(R"({"read": 110, "kept": 60, "removed": 48, "unreadable": 2, "skipped": 5,
      "removed_by_stage": {"exact_dedup": {"exact_duplicate": 3},
                           "gopher_quality": {"gopher_long_doc": 15, "gopher_short_doc": 30}},
      "unreadable_inputs": [{"file": "a.warc", "offset": 10, "reason": "bad"},
                            {"file": "a.warc", "offset": 99, "reason": "bad"}],
      "shards": ["part-00000.jsonl.zst", "part-00001.jsonl.zst"],
      "dedup": {"documents": 63, "exact_duplicates": 3}})");
  }

  std::string dir_;
};

TEST_F(ReportDirTest, FunnelNumbersAreStatsJsonsInPipelineOrder) {
  WriteTypicalRun();
  auto d = CollectReport(dir_, {});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->read, 110u);
  EXPECT_EQ(d->kept, 60u);
  EXPECT_EQ(d->removed, 48u);
  EXPECT_EQ(d->unreadable, 2u);
  EXPECT_EQ(d->skipped, 5u);
  ASSERT_EQ(d->funnel.size(), 3u);
  EXPECT_EQ(d->funnel[0].stage, "(unreadable)");
  EXPECT_EQ(d->funnel[0].in, 110u);
  EXPECT_EQ(d->funnel[1].stage, "gopher_quality");
  EXPECT_EQ(d->funnel[1].in, 108u);
  EXPECT_EQ(d->funnel[1].removed, 45u);
  ASSERT_EQ(d->funnel[1].reasons.size(), 2u);
  EXPECT_EQ(d->funnel[1].reasons[0].first, "gopher_short_doc");  // by decreasing count
  EXPECT_EQ(d->funnel[2].stage, "exact_dedup");
  EXPECT_EQ(d->funnel[2].in, 63u);
  EXPECT_TRUE(d->warnings.empty()) << d->warnings[0];
}

TEST_F(ReportDirTest, WithRunFactsEveryConfiguredStageIsAFunnelStepEvenWhenItRemovedNothing) {
  WriteTypicalRun();
  RunFacts f;
  f.stages = {"extract", "langid", "gopher_quality", "pii"};
  ASSERT_TRUE(SaveRunFacts(dir_, f).ok());
  auto d = CollectReport(dir_, {});
  ASSERT_TRUE(d.ok());
  std::vector<std::string> steps;
  for (const auto& s : d->funnel) steps.push_back(s.stage);
  EXPECT_EQ(steps, (std::vector<std::string>{"(unreadable)", "extract", "langid", "gopher_quality",
                                             "pii", "exact_dedup", "minhash_dedup", "line_dedup"}));
}

TEST_F(ReportDirTest, DistributionsComeFromTheShards) {
  WriteTypicalRun();
  auto d = CollectReport(dir_, {});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->docs_kept, 60u);
  EXPECT_EQ(d->docs_removed, 48u);
  EXPECT_EQ(d->langs.at("id").kept, 20u);
  EXPECT_EQ(d->langs.at("en").kept, 40u);
  EXPECT_EQ(d->langs.at("en").removed, 48u);
  uint64_t kept = 0, removed = 0;
  for (auto c : d->length_kept.counts) kept += c;
  for (auto c : d->length_removed.counts) removed += c;
  EXPECT_EQ(kept, 60u);
  EXPECT_EQ(removed, 48u);
  // "short" (5 characters) lands in the [1, 10) bin.
  EXPECT_EQ(d->length_by_stage.at("gopher_quality").counts[1], 30u);
  EXPECT_EQ(d->clusters, 1u);
  EXPECT_EQ(d->clustered_docs, 4u);
  EXPECT_EQ(d->line_edits.at("dedup_lines_removed"), (std::pair<uint64_t, uint64_t>{1, 3}));
  uint64_t scores = 0;
  for (auto c : d->lang_score_kept.counts) scores += c;
  EXPECT_EQ(scores, 60u);
}

TEST_F(ReportDirTest, LargestClustersListTheirRemovedMembers) {
  WriteTypicalRun();
  auto d = CollectReport(dir_, {});
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->top_clusters.size(), 1u);
  const Cluster& c = d->top_clusters[0];
  EXPECT_EQ(c.id, "k7");
  EXPECT_EQ(c.size, 4u);
  EXPECT_EQ(c.title, "Title k7");
  EXPECT_EQ(c.members_seen, 3u);
  ASSERT_EQ(c.members.size(), 3u);
  EXPECT_EQ(c.members[0].id, "dup0");  // shard order
  EXPECT_EQ(c.members[0].reason, "exact_duplicate");
}

TEST_F(ReportDirTest, SamplesAreBoundedPerReasonAndTheSameForAnyNumberOfThreads) {
  WriteTypicalRun();
  ReportOptions o;
  o.samples_per_reason = 7;
  o.kept_samples = 11;
  o.threads = 1;
  auto one = CollectReport(dir_, o);
  o.threads = 4;
  auto four = CollectReport(dir_, o);
  ASSERT_TRUE(one.ok() && four.ok());
  ASSERT_EQ(one->removed_samples.size(), 3u);
  for (size_t i = 0; i < one->removed_samples.size(); ++i) {
    const ReasonSample& a = one->removed_samples[i];
    const ReasonSample& b = four->removed_samples[i];
    EXPECT_EQ(a.docs.size(), std::min<size_t>(7, a.seen));
    ASSERT_EQ(a.docs.size(), b.docs.size());
    for (size_t j = 0; j < a.docs.size(); ++j) {
      EXPECT_EQ(a.docs[j].id, b.docs[j].id);
      EXPECT_EQ(a.docs[j].stage, a.stage);
      EXPECT_EQ(a.docs[j].reason, a.reason);
    }
  }
  EXPECT_EQ(one->removed_samples[0].reason, "gopher_short_doc");
  EXPECT_EQ(one->removed_samples[0].seen, 30u);
  EXPECT_EQ(one->kept_sample.docs.size(), 11u);
  EXPECT_EQ(one->kept_sample.seen, 60u);
}

TEST_F(ReportDirTest, TheSampleIsTheDocumentsWithTheSmallestIdHashes) {
  WriteTypicalRun();
  ReportOptions o;
  o.samples_per_reason = 5;
  o.seed = 42;
  auto d = CollectReport(dir_, o);
  ASSERT_TRUE(d.ok());
  std::vector<std::pair<uint64_t, std::string>> keys;
  for (int i = 0; i < 30; ++i) {
    std::string id = std::string("r") + std::to_string(i);
    keys.emplace_back(internal::SampleKey(id, 42), id);
  }
  std::sort(keys.begin(), keys.end());
  const ReasonSample& s = d->removed_samples[0];
  ASSERT_EQ(s.reason, "gopher_short_doc");
  ASSERT_EQ(s.docs.size(), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(s.docs[i].id, keys[i].second);
}

TEST_F(ReportDirTest, SampleTextsFitTheBudgetAndSayTheyWereCut) {
  WriteTypicalRun();
  ReportOptions o;
  o.sample_budget_bytes = 60000;
  auto d = CollectReport(dir_, o);
  ASSERT_TRUE(d.ok());
  size_t total = 0;
  for (const auto& rs : d->removed_samples) {
    for (const auto& s : rs.docs) total += s.text.size();
  }
  for (const auto& s : d->kept_sample.docs) total += s.text.size();
  EXPECT_LE(total, 60000u);
  EXPECT_TRUE(d->texts_cut);
  EXPECT_GT(d->text_cap_bytes, 0u);
  const SampleDoc& long_doc = d->removed_samples[1].docs[0];  // gopher_long_doc: 20000 chars
  EXPECT_TRUE(long_doc.truncated);
  EXPECT_EQ(long_doc.chars, 20000u);
  EXPECT_LE(long_doc.text.size(), d->text_cap_bytes);
}

TEST_F(ReportDirTest, AFolderWithoutStatsJsonIsNotFound) {
  auto d = CollectReport(dir_, {});
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kNotFound);
}

TEST_F(ReportDirTest, ShardsThatDisagreeWithStatsJsonAreWarningsNotErrors) {
  WriteTypicalRun();
  fs::remove(dir_ + "/part-00001.jsonl.zst");
  auto d = CollectReport(dir_, {});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->kept, 60u);  // the funnel stays stats.json's
  EXPECT_EQ(d->docs_kept, 30u);
  std::string all;
  for (const auto& w : d->warnings) all += w + "\n";
  EXPECT_NE(all.find("part-00001.jsonl.zst"), std::string::npos) << all;
  EXPECT_NE(all.find("hold 30 documents; stats.json counts 60"), std::string::npos) << all;
}

TEST_F(ReportDirTest, AnEmptyRunHasAnEmptyFunnelAndNoSamples) {
  WriteStats(R"({"read": 0, "kept": 0, "removed": 0, "unreadable": 0, "removed_by_stage": {},
                 "shards": []})");
  auto d = CollectReport(dir_, {});
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->funnel.empty());
  EXPECT_TRUE(d->removed_samples.empty());
  EXPECT_TRUE(d->kept_sample.docs.empty());
  EXPECT_TRUE(d->warnings.empty());
}

TEST_F(ReportDirTest, RunFactsRoundTrip) {
  RunFacts f;
  f.version = "0.1.0";
  f.config = "compression=zstd\n[langid]\nmin_score=0.65\n";
  f.stages = {"extract", "langid"};
  f.inputs = {"a.warc.gz", "pages/"};
  f.workers = 3;
  f.wall_seconds = 12.5;
  f.stage_cpu = {{"extract", 4.25}, {"langid", 0.5}};
  f.docs = 1234;
  f.tasks_resumed = 2;
  ASSERT_TRUE(SaveRunFacts(dir_, f).ok());
  auto g = LoadRunFacts(dir_);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->config, f.config);
  EXPECT_EQ(g->stages, f.stages);
  EXPECT_EQ(g->inputs, f.inputs);
  EXPECT_EQ(g->workers, 3);
  EXPECT_DOUBLE_EQ(g->wall_seconds, 12.5);
  EXPECT_EQ(g->stage_cpu, f.stage_cpu);
  EXPECT_EQ(g->docs, 1234u);
  EXPECT_EQ(g->tasks_resumed, 2u);
  EXPECT_EQ(LoadRunFacts(dir_ + "/nowhere").status().code(), StatusCode::kNotFound);
}

TEST_F(ReportDirTest, ThePageIsSelfContainedAndADocumentCannotEndItsScript) {
  Document d = MakeDoc("evil", "</script><script>alert(1)</script>\n<!-- x", "en", 0.9);
  d.metadata.title = "</SCRIPT>";
  WriteShard("part-00000.jsonl.zst", {d});
  WriteStats(R"({"read": 1, "kept": 1, "removed": 0, "unreadable": 0, "removed_by_stage": {},
                 "shards": ["part-00000.jsonl.zst"]})");
  auto data = CollectReport(dir_, {});
  ASSERT_TRUE(data.ok());
  const std::string html = RenderReportHtml(*data);
  auto count = [&](const std::string& needle) {
    size_t n = 0;
    for (size_t p = html.find(needle); p != std::string::npos; p = html.find(needle, p + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("</script>"), 2u);  // the data element's and the code's
  EXPECT_EQ(count("</SCRIPT>"), 0u);
  EXPECT_EQ(count("<script src"), 0u);
  EXPECT_EQ(count("<link"), 0u);
  EXPECT_EQ(count("{{"), 0u);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  // The embedded data is valid JSON that holds the text unchanged.
  const std::string json = ReportJson(*data);
  simdjson::dom::parser p;
  simdjson::dom::element el;
  ASSERT_FALSE(p.parse(json).get(el));
  std::string_view text;
  ASSERT_FALSE(el["samples"]["kept"]["docs"].at(0)["text"].get(text));
  EXPECT_EQ(text, d.text);
}

TEST_F(ReportDirTest, AHostileRunStillGivesAPageOfAFewMegabytes) {
  // 150 reasons of 21 documents with 1 KB ids, 20 metadata keys of 1 KB and 5 KB of text each,
  // 200 languages, and a stats.json listing 100,000 unreadable items and ignored files.
  std::vector<Document> removed;
  std::string stats = R"({"read": 103250, "kept": 100, "removed": 3150, "unreadable": 100000,
      "removed_by_stage": {"q": {)";
  for (int r = 0; r < 150; ++r) {
    stats += (r ? "," : "") + std::string("\"reason") + std::to_string(r) + "\": 21";
    for (int i = 0; i < 21; ++i) {
      Document d = MakeDoc(std::string(1000, 'i') + std::to_string(r * 21 + i),
                           std::string(5000, 'w'), "l" + std::to_string(r), 0.5);
      for (int k = 0; k < 20; ++k) {
        d.metadata.extra.emplace_back("key" + std::to_string(k), std::string(1000, 'v'));
      }
      d.metadata.extra.emplace_back("stage", "q");
      d.metadata.extra.emplace_back("reason", "reason" + std::to_string(r));
      removed.push_back(std::move(d));
    }
  }
  stats += R"(}}, "unreadable_inputs": [)";
  for (int i = 0; i < 100000; ++i) {
    stats += (i ? "," : "") + std::string(R"({"file": "f.warc", "offset": )") + std::to_string(i) +
             R"(, "reason": "bad"})";
  }
  stats += R"(], "ignored_files": [)";
  for (int i = 0; i < 100000; ++i) stats += (i ? ",\"x" : "\"x") + std::to_string(i) + "\"";
  stats += "]}";
  std::vector<Document> kept;
  for (int i = 0; i < 100; ++i) {
    kept.push_back(MakeDoc("k" + std::to_string(i), std::string(5000, 'k'), "en", 0.9));
  }
  WriteShard("part-00000.jsonl.zst", kept);
  WriteShard("removed/part-00000.jsonl.zst", removed);
  WriteStats(stats);
  ASSERT_GT(fs::file_size(dir_ + "/stats.json"), 5u << 20);
  auto w = WriteReport(dir_, {});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_LT(w->bytes, 5u << 20);
  EXPECT_EQ(w->documents, 3250u);
  auto d = CollectReport(dir_, {});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->removed_samples.size(), 150u);
  EXPECT_GE(d->removed_samples[0].docs.size(), 1u);  // fewer than 20: the budget
  EXPECT_TRUE(d->removed_samples[99].sampled);
  EXPECT_FALSE(d->removed_samples[100].sampled);
  EXPECT_TRUE(d->removed_samples[100].docs.empty());
  EXPECT_EQ(d->removed_samples[100].seen, 21u);
  EXPECT_LE(d->removed_samples[0].docs[0].id.size(), 200u);
  // The embedded stats.json lists 100 items and says how many there were.
  simdjson::dom::parser p;
  simdjson::dom::element st;
  ASSERT_FALSE(p.parse(d->stats_json).get(st));
  EXPECT_EQ(st["unreadable_inputs"].get_array().size(), 100u);
  EXPECT_EQ(uint64_t(st["unreadable_inputs_count"]), 100000u);
  EXPECT_EQ(uint64_t(st["unreadable"]), 100000u);
}

TEST_F(ReportDirTest, WriteReportWritesDirReportHtmlAtomically) {
  WriteTypicalRun();
  auto w = WriteReport(dir_, {});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->path, dir_ + "/report.html");
  EXPECT_EQ(w->documents, 108u);
  EXPECT_EQ(fs::file_size(w->path), w->bytes);
  for (const auto& e : fs::directory_iterator(dir_)) {
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos);
  }
}

}  // namespace
}  // namespace kilang::report
