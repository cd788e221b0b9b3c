// End-to-end behaviour of the dedup phases, bad input and faults (kill between phases, corrupt,
// truncated and unsorted intermediate files).
#include "kilang/dedup/dedup.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "record_file.h"

namespace kilang::dedup {
namespace {

namespace fs = std::filesystem;

// Work dirs of this test binary, removed at exit.
struct TempDirs {
  std::vector<std::string> dirs;
  ~TempDirs() {
    for (const auto& d : dirs) fs::remove_all(d);
  }
};

std::string TempDir(const std::string& name) {
  static TempDirs all;
  auto d = fs::temp_directory_path() / ("kilang_dedup_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  all.dirs.push_back(d.string());
  return d.string();
}

std::string Words(std::mt19937_64* rng, size_t n) {
  static const char* kVocab[] = {"rumah",  "jalan",   "kota",    "pemerintah", "presiden", "harga",
                                 "pasar",  "sekolah", "anak",    "warga",      "banjir",   "hujan",
                                 "polisi", "kereta",  "bandara", "menteri",    "rakyat",   "desa"};
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (i) s.push_back(' ');
    s += kVocab[(*rng)() % 18];
    s += std::to_string((*rng)() % 1000 > 500 ? 0 : 1);  // digits collapse: not distinctive
    s += static_cast<char>('a' + (*rng)() % 26);
    s += static_cast<char>('a' + (*rng)() % 26);
  }
  return s;
}

Document Doc(std::string id, std::string text, std::string site = "") {
  Document d;
  d.id = std::move(id);
  d.text = std::move(text);
  d.metadata.site = std::move(site);
  return d;
}

std::string Extra(const Document& d, const std::string& key) {
  for (const auto& [k, v] : d.metadata.extra) {
    if (k == key) return v;
  }
  return "";
}

struct Outcome {
  std::vector<std::string> kept;                             // ids in order
  std::vector<std::pair<std::string, std::string>> removed;  // id, reason
  std::vector<std::vector<Document>> docs;
  DedupStats stats;
};

Outcome RunAndFilter(const VectorCorpus& c, const std::string& dir, const DedupOptions& o) {
  Outcome out;
  auto r = DedupCorpus(c, dir, o, &out.stats, [&](const Document& d, const Verdict& v) {
    out.removed.emplace_back(d.id, v.reason);
  });
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return out;
  out.docs = *r;
  for (const auto& s : out.docs) {
    for (const auto& d : s) out.kept.push_back(d.id);
  }
  return out;
}

DedupOptions SmallOptions() {
  DedupOptions o;
  o.partitions = 3;
  o.lines.min_doc_chars = 20;
  return o;
}

TEST(Dedup, ExactDuplicatesKeepFirstInShardThenPositionOrder) {
  std::mt19937_64 rng(1);
  std::string a = Words(&rng, 80), b = Words(&rng, 80);
  // The same text in other case/punctuation/spacing is an exact duplicate after normalisation.
  std::string a2 = "  " + a + " !!";
  for (auto& ch : a2) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  VectorCorpus c({{Doc("s0a", b), Doc("s0b", a2)}, {Doc("s1a", a), Doc("s1b", b)}});
  auto o = SmallOptions();
  o.lines.enabled = false;
  Outcome r = RunAndFilter(c, TempDir("exact"), o);
  EXPECT_EQ(r.kept, (std::vector<std::string>{"s0a", "s0b"}));
  ASSERT_EQ(r.removed.size(), 2u);
  EXPECT_EQ(r.removed[0], (std::pair<std::string, std::string>{"s1a", "exact_duplicate"}));
  EXPECT_EQ(r.removed[1], (std::pair<std::string, std::string>{"s1b", "exact_duplicate"}));
  EXPECT_EQ(r.stats.exact_duplicates, 2u);
}

TEST(Dedup, ProgressReachesEveryItemOfEveryPhaseAndIsSilentOnResume) {
  std::mt19937_64 rng(3);
  std::vector<std::vector<Document>> shards(3);
  for (int i = 0; i < 30; ++i)
    shards[i % 3].push_back(Doc("d" + std::to_string(i), Words(&rng, 60)));
  VectorCorpus c(shards);
  auto o = SmallOptions();
  std::mutex mu;
  std::map<int, std::pair<size_t, size_t>> last;  // phase -> (max done, total)
  std::set<std::string> names;
  o.progress = [&](int phase, std::string_view name, size_t done, size_t total) {
    std::lock_guard<std::mutex> l(mu);
    auto& [d, t] = last[phase];
    d = std::max(d, done);
    t = total;
    names.insert(std::string(name));
  };
  const std::string dir = TempDir("progress");
  ASSERT_TRUE(RunDedup(c, dir, o).ok());
  ASSERT_EQ(last.size(), 6u);
  for (const auto& [phase, dt] : last) {
    EXPECT_EQ(dt.first, dt.second) << phase;  // every item reported done
  }
  EXPECT_EQ(last[1].second, 3u);  // one signature task per shard
  EXPECT_EQ(names,
            (std::set<std::string>{"signatures", "exact", "bands", "clusters", "lines", "plan"}));
  last.clear();
  ASSERT_TRUE(RunDedup(c, dir, o).ok());  // every phase done: resumed, nothing to report
  EXPECT_TRUE(last.empty());
}

TEST(Dedup, NearDuplicatesFormOneClusterAnnotatedOnTheKeptDocument) {
  std::mt19937_64 rng(2);
  std::string base = Words(&rng, 300);
  std::vector<std::vector<Document>> shards(2);
  shards[1].push_back(Doc("orig", base));
  for (int i = 0; i < 4; ++i) {
    std::string t = base;
    t.replace(t.size() / 2 + i * 40, 8, " zzzyyy" + std::to_string(i) + " ");  // small edit
    shards[i % 2].push_back(Doc(std::string("copy") + std::to_string(i), t));
  }
  shards[0].push_back(Doc("other", Words(&rng, 300)));
  VectorCorpus c(std::move(shards));
  auto o = SmallOptions();
  o.lines.enabled = false;
  Outcome r = RunAndFilter(c, TempDir("near"), o);
  // Keep rule: smallest (shard, position) = copy0 (shard 0, position 0).
  EXPECT_EQ(r.kept, (std::vector<std::string>{"copy0", "other"}));
  EXPECT_EQ(r.removed.size(), 4u);
  for (const auto& [id, reason] : r.removed) EXPECT_EQ(reason, "minhash_duplicate") << id;
  EXPECT_EQ(Extra(r.docs[0][0], "dedup_cluster_size"), "5");
  // Clusters are named by the kept document's id, so users can look them up.
  EXPECT_EQ(Extra(r.docs[0][0], "dedup_cluster_id"), "copy0");
  EXPECT_EQ(Extra(r.docs[0][1], "dedup_cluster_size"), "");
  EXPECT_EQ(r.stats.clusters, 1u);
  EXPECT_EQ(r.stats.near_duplicates, 4u);
}

TEST(Dedup, EmptyAndOneWordDocumentsHaveDefinedBehaviour) {
  // Empty (after normalisation) documents are never deduplicated; one-word documents are
  // compared like any other (identical ones are exact duplicates, different ones are not).
  VectorCorpus c({{Doc("e1", ""), Doc("e2", "  \n "), Doc("p1", "!!! ..."), Doc("w1", "Halo"),
                   Doc("w2", "halo!"), Doc("w3", "dunia"), Doc("e3", "")}});
  auto o = SmallOptions();
  Outcome r = RunAndFilter(c, TempDir("empty"), o);
  EXPECT_EQ(r.kept, (std::vector<std::string>{"e1", "e2", "p1", "w1", "w3", "e3"}));
  ASSERT_EQ(r.removed.size(), 1u);
  EXPECT_EQ(r.removed[0].first, "w2");
  EXPECT_EQ(r.stats.empty_documents, 4u);
}

TEST(Dedup, EmptyCorpusAndEmptyShards) {
  VectorCorpus c({{}, {}, {}});
  Outcome r = RunAndFilter(c, TempDir("nodocs"), SmallOptions());
  EXPECT_TRUE(r.kept.empty());
  VectorCorpus none({});
  Outcome r2 = RunAndFilter(none, TempDir("noshards"), SmallOptions());
  EXPECT_TRUE(r2.kept.empty());
}

TEST(Dedup, ThousandsOfIdenticalDocumentsKeepOne) {
  std::mt19937_64 rng(3);
  std::string t = Words(&rng, 120);
  std::string near = t + " tambahan";
  std::vector<std::vector<Document>> shards(4);
  for (int i = 0; i < 6000; ++i) {
    shards[i % 4].push_back(
        Doc(std::string("d") + std::to_string(i), i % 2 ? t : near + std::to_string(i % 7)));
  }
  VectorCorpus c(std::move(shards));
  auto o = SmallOptions();
  o.lines.enabled = false;
  Outcome r = RunAndFilter(c, TempDir("identical"), o);
  // All 6000 are one near-duplicate cluster: "t" exactly 3000 times and "near" (digits collapse)
  // 3000 times -> 2 exact survivors, joined by MinHash. The group counts every member, exact
  // duplicates included, and every removed one names the kept document.
  EXPECT_EQ(r.kept, (std::vector<std::string>{"d0"}));
  EXPECT_EQ(r.stats.exact_duplicates, 5998u);
  EXPECT_EQ(Extra(r.docs[0][0], "dedup_cluster_size"), "6000");
}

TEST(Dedup, RepeatedLinesAreRemovedAndShortLeftoversDropped) {
  std::mt19937_64 rng(4);
  std::vector<std::vector<Document>> shards(2);
  for (int i = 0; i < 12; ++i) {
    std::string text = "Berita Terkait\n" + Words(&rng, 40) + "\nBaca juga: 12 berita lainnya";
    shards[i % 2].push_back(Doc(std::string("a") + std::to_string(i), text, "sindonews.com"));
  }
  shards[0].push_back(Doc("chrome_only", "Berita Terkait\nBaca juga: 99 berita lainnya\nOK"));
  // A line that occurs in only 2 documents stays.
  shards[1].push_back(Doc("rare1", "Kalimat jarang sekali\n" + Words(&rng, 30)));
  shards[1].push_back(Doc("rare2", "Kalimat jarang sekali\n" + Words(&rng, 30)));
  VectorCorpus c(std::move(shards));
  auto o = SmallOptions();
  o.lines.keep_first = false;  // CCNet's rule: removed from every document
  Outcome r = RunAndFilter(c, TempDir("lines"), o);
  EXPECT_EQ(r.stats.frequent_lines, 2u);
  ASSERT_EQ(r.removed.size(), 1u);
  EXPECT_EQ(r.removed[0],
            (std::pair<std::string, std::string>{"chrome_only", "line_dedup_too_short"}));
  for (const auto& s : r.docs) {
    for (const auto& d : s) {
      EXPECT_EQ(d.text.find("Berita Terkait"), std::string::npos) << d.id;
      EXPECT_EQ(d.text.find("Baca juga"), std::string::npos) << d.id;
      if (d.id[0] == 'a') {
        EXPECT_EQ(Extra(d, "dedup_lines_removed"), "2");
      }
      if (d.id[0] == 'r') {
        EXPECT_NE(d.text.find("Kalimat jarang"), std::string::npos);
      }
    }
  }
}

// Windows of one long word sequence: doc i holds words [i*shift, i*shift + len).
std::vector<std::string> Windows(std::mt19937_64* rng, size_t docs, size_t len, size_t shift) {
  std::vector<std::string> words;
  std::string all = Words(rng, (docs - 1) * shift + len);
  for (size_t i = 0, j; i < all.size(); i = j + 1) {
    j = all.find(' ', i);
    if (j == std::string::npos) j = all.size();
    words.push_back(all.substr(i, j - i));
  }
  std::vector<std::string> out;
  for (size_t d = 0; d < docs; ++d) {
    std::string t;
    for (size_t k = d * shift; k < d * shift + len; ++k) t += (t.empty() ? "" : " ") + words[k];
    out.push_back(t);
  }
  return out;
}

TEST(Dedup, AChainOfSimilarDocumentsNeverNamesAnUnrelatedRepresentative) {
  // Regression (issue 11): each document resembles its neighbours (J ~ 0.82) but the ends of
  // the chain share nothing. Union-find joined all six and removed the last ones in favour of
  // the first, with which they have Jaccard 0. Every removed document must resemble the kept
  // document it names, and the chain's text must survive.
  std::mt19937_64 rng(11);
  std::vector<std::string> texts = Windows(&rng, 6, 300, 30);
  std::vector<std::vector<Document>> shards(1);
  for (size_t i = 0; i < texts.size(); ++i) {
    shards[0].push_back(Doc(std::string("w") + std::to_string(i), texts[i]));
  }
  VectorCorpus c(std::move(shards));
  auto o = SmallOptions();
  o.lines.enabled = false;
  std::map<std::string, std::string> dup_of;
  auto kept = DedupCorpus(c, TempDir("chain"), o, nullptr, [&](const Document& d, const Verdict&) {
    dup_of[d.id] = Extra(d, "duplicate_of");
  });
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  std::set<std::string> kept_ids;
  for (const auto& d : (*kept)[0]) kept_ids.insert(d.id);
  EXPECT_FALSE(dup_of.empty());  // neighbours are still found
  auto index = [](const std::string& id) { return static_cast<size_t>(std::stoi(id.substr(1))); };
  for (const auto& [id, ref] : dup_of) {
    ASSERT_TRUE(kept_ids.count(ref)) << id << " -> " << ref;
    // Shifts of 30 words: neighbours (distance 1) are similar; distance 2 is below 0.75.
    const size_t a = index(id), b = index(ref);
    EXPECT_EQ(a > b ? a - b : b - a, 1u) << id << " -> " << ref;
  }
  EXPECT_TRUE(kept_ids.count("w0"));
  EXPECT_TRUE(kept_ids.count("w2") || kept_ids.count("w3"));
  EXPECT_TRUE(kept_ids.count("w4") || kept_ids.count("w5"));
}

TEST(Dedup, AnExactCopyOfANearDuplicateNamesTheKeptRepresentative) {
  // Regression (issue 11): the exact stage keeps "near" and removes its copy; MinHash then
  // removes "near" in favour of "orig". The copy must name "orig", which is kept.
  std::mt19937_64 rng(12);
  std::string base = Words(&rng, 300);
  std::string near = base;
  near.replace(near.size() / 2, 8, " zzzyyy ");
  VectorCorpus c({{Doc("orig", base), Doc("near", near), Doc("copy", near)}});
  auto o = SmallOptions();
  o.lines.enabled = false;
  std::map<std::string, std::string> dup_of;
  auto kept =
      DedupCorpus(c, TempDir("exactnear"), o, nullptr, [&](const Document& d, const Verdict& v) {
        dup_of[d.id] = v.reason + ":" + Extra(d, "duplicate_of");
      });
  ASSERT_TRUE(kept.ok());
  ASSERT_EQ((*kept)[0].size(), 1u);
  EXPECT_EQ((*kept)[0][0].id, "orig");
  EXPECT_EQ(Extra((*kept)[0][0], "dedup_cluster_size"), "3");
  EXPECT_EQ(dup_of["near"], "minhash_duplicate:orig");
  EXPECT_EQ(dup_of["copy"], "exact_duplicate:orig");
}

TEST(Dedup, LineRemovalNeverDeletesAGroupsRepresentative) {
  // Regression (issue 11): the representative's two lines each occur in six other documents,
  // so both are frequent and, by CCNet's rule, removed from it; it was then dropped as too
  // short, and its near duplicate (removed in its favour) took the group's text with it.
  std::mt19937_64 rng(13);
  std::string l1 = Words(&rng, 25), l2 = Words(&rng, 25);
  std::vector<std::vector<Document>> shards(1);
  for (int i = 0; i < 6; ++i) {
    shards[0].push_back(Doc(std::string("x") + std::to_string(i), l1 + "\n" + Words(&rng, 80)));
    shards[0].push_back(Doc(std::string("y") + std::to_string(i), Words(&rng, 80) + "\n" + l2));
  }
  shards[0].push_back(Doc("rep", l1 + "\n" + l2));
  shards[0].push_back(Doc("dup", l1 + "\n" + l2 + " tambahan"));
  VectorCorpus c(std::move(shards));
  for (bool keep_first : {true, false}) {
    auto o = SmallOptions();
    o.lines.keep_first = keep_first;
    o.lines.min_doc_chars = 100;
    o.minhash_options.ngram = 3;  // "dup" differs by one word: make it a near duplicate
    std::map<std::string, std::string> removed;
    auto kept = DedupCorpus(c, TempDir(keep_first ? "replines1" : "replines0"), o, nullptr,
                            [&](const Document& d, const Verdict& v) {
                              removed[d.id] = v.reason + ":" + Extra(d, "duplicate_of");
                            });
    ASSERT_TRUE(kept.ok());
    EXPECT_EQ(removed["dup"], "minhash_duplicate:rep") << keep_first;
    bool rep_kept = false;
    for (const auto& d : (*kept)[0]) {
      if (d.id == "rep") {
        rep_kept = true;
        EXPECT_EQ(d.text, l1 + "\n" + l2);
      }
    }
    EXPECT_TRUE(rep_kept) << keep_first;
  }
}

TEST(Dedup, ARepeatedLineIsKeptInTheFirstDocumentThatHoldsIt) {
  std::mt19937_64 rng(14);
  std::vector<std::vector<Document>> shards(2);
  for (int i = 0; i < 8; ++i) {
    shards[i % 2].push_back(Doc(std::string("a") + std::to_string(i),
                                "Berita Terkait\n" + Words(&rng, 40) + "\nBaca juga lainnya"));
  }
  VectorCorpus c(std::move(shards));
  Outcome r = RunAndFilter(c, TempDir("keepfirst"), SmallOptions());
  EXPECT_EQ(r.stats.frequent_lines, 2u);
  for (const auto& s : r.docs) {
    for (const auto& d : s) {
      // a0 is the first document (shard 0, position 0): it keeps both lines.
      const bool first = d.id == "a0";
      EXPECT_EQ(d.text.find("Berita Terkait") != std::string::npos, first) << d.id;
      EXPECT_EQ(d.text.find("Baca juga") != std::string::npos, first) << d.id;
    }
  }
}

TEST(Dedup, LinesFromRemovedDuplicatesAreNotCounted) {
  // One article syndicated 10 times: its lines occur 10 times, but only in duplicates, which
  // are removed first, so the surviving copy keeps all its lines.
  std::mt19937_64 rng(5);
  std::string art = Words(&rng, 30) + "\n" + Words(&rng, 30) + "\n" + Words(&rng, 30);
  std::vector<std::vector<Document>> shards(1);
  for (int i = 0; i < 10; ++i) shards[0].push_back(Doc(std::string("c") + std::to_string(i), art));
  VectorCorpus c(std::move(shards));
  Outcome r = RunAndFilter(c, TempDir("synd"), SmallOptions());
  ASSERT_EQ(r.kept, (std::vector<std::string>{"c0"}));
  EXPECT_EQ(r.docs[0][0].text, art);
}

TEST(Dedup, PerHostCountsOnlyRemoveASitesOwnChrome) {
  std::mt19937_64 rng(6);
  std::vector<std::vector<Document>> shards(1);
  // "Menu utama" appears 3 times on each of 2 sites: 6 in total, 3 per site.
  for (int i = 0; i < 6; ++i) {
    shards[0].push_back(Doc(std::string("x") + std::to_string(i), "Menu utama\n" + Words(&rng, 40),
                            i < 3 ? "a.com" : "b.com"));
  }
  VectorCorpus c(std::move(shards));
  auto o = SmallOptions();
  o.lines.per_host = true;
  o.lines.min_docs = 4;
  Outcome r = RunAndFilter(c, TempDir("host1"), o);
  EXPECT_EQ(r.stats.frequent_lines, 0u);
  o.lines.per_host = false;
  Outcome r2 = RunAndFilter(c, TempDir("host2"), o);
  EXPECT_EQ(r2.stats.frequent_lines, 1u);
}

TEST(Dedup, DocumentHostFromSiteOrUrl) {
  Document d;
  d.metadata.url = "https://user@news.example.co.id:8080/a/b?c";
  EXPECT_EQ(DocumentHost(d), "news.example.co.id");
  d.metadata.site = "example";
  EXPECT_EQ(DocumentHost(d), "example");
}

// A corpus with exact, near and line duplicates for the fault tests.
VectorCorpus FaultCorpus() {
  std::mt19937_64 rng(9);
  std::vector<std::vector<Document>> shards(3);
  std::vector<std::string> bases;
  for (int i = 0; i < 20; ++i) bases.push_back(Words(&rng, 150));
  for (int i = 0; i < 90; ++i) {
    std::string t = std::string("Menu utama\n") + bases[i % 20];
    if (i % 3 == 1) t += std::string(" ") + Words(&rng, 3);
    if (i % 5 == 0) t = std::string("Menu utama\n") + Words(&rng, 100);
    shards[i % 3].push_back(Doc(std::string("f") + std::to_string(i), t));
  }
  return VectorCorpus(std::move(shards));
}

TEST(Dedup, KilledBetweenPhasesResumesToTheSameResult) {
  VectorCorpus c = FaultCorpus();
  auto o = SmallOptions();
  Outcome clean = RunAndFilter(c, TempDir("clean"), o);
  ASSERT_GT(clean.removed.size(), 10u);
  for (int stop = 1; stop <= 5; ++stop) {
    std::string dir = TempDir("kill" + std::to_string(stop));
    auto killed = o;
    killed.after_phase = [stop](int phase) { return phase != stop; };
    auto st = RunDedup(c, dir, killed);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.status().message(), "stopped after phase " + std::to_string(stop));
    Outcome resumed = RunAndFilter(c, dir, o);
    EXPECT_EQ(resumed.kept, clean.kept) << "stop after " << stop;
    EXPECT_EQ(resumed.removed, clean.removed) << "stop after " << stop;
    EXPECT_EQ(resumed.stats.exact_duplicates, clean.stats.exact_duplicates);
    EXPECT_EQ(resumed.stats.near_duplicates, clean.stats.near_duplicates);
    EXPECT_GE(resumed.stats.phases_skipped.size(), static_cast<size_t>(stop));
  }
}

TEST(Dedup, SigkillAtAnyMomentResumesToTheSameResult) {
  // A child process runs the dedup and is killed with SIGKILL after a varying delay (mid-phase,
  // mid-write); the parent resumes in the same work dir and must get the clean result.
  std::mt19937_64 rng(21);
  std::vector<std::vector<Document>> shards(6);
  std::vector<std::string> bases;
  for (int i = 0; i < 50; ++i) bases.push_back(Words(&rng, 300));
  for (int i = 0; i < 1200; ++i) {
    std::string t = std::string("Menu utama\n") + bases[rng() % 50] +
                    (i % 2 ? std::string(" ") + Words(&rng, 4) : "");
    if (i % 3 == 0) t = Words(&rng, 300);
    shards[i % 6].push_back(Doc(std::string("k") + std::to_string(i), t));
  }
  VectorCorpus c(std::move(shards));
  auto o = SmallOptions();
  Outcome clean = RunAndFilter(c, TempDir("kclean"), o);
  for (int delay_ms : {2, 10, 40, 120, 300}) {
    std::string dir = TempDir("sigkill" + std::to_string(delay_ms));
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto st = RunDedup(c, dir, o);
      ::_exit(st.ok() ? 0 : 1);
    }
    ::usleep(static_cast<useconds_t>(delay_ms) * 1000);
    ::kill(pid, SIGKILL);
    int wstatus = 0;
    ::waitpid(pid, &wstatus, 0);
    Outcome resumed = RunAndFilter(c, dir, o);
    EXPECT_EQ(resumed.kept, clean.kept) << "killed after " << delay_ms << " ms";
    EXPECT_EQ(resumed.removed, clean.removed) << "killed after " << delay_ms << " ms";
  }
}

TEST(Dedup, CorruptIntermediateFileIsDetectedAndRebuilt) {
  VectorCorpus c = FaultCorpus();
  auto o = SmallOptions();
  Outcome clean = RunAndFilter(c, TempDir("clean2"), o);
  std::string dir = TempDir("corrupt");
  auto killed = o;
  killed.after_phase = [](int phase) { return phase != 2; };
  ASSERT_FALSE(RunDedup(c, dir, killed).ok());
  // Flip one payload byte of a band file; phase 1 is marked complete, so only reading it in
  // phase 3 can find the damage.
  {
    std::fstream f(dir + "/p1/000001.band", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.put('\x7f');
  }
  Outcome r = RunAndFilter(c, dir, o);
  EXPECT_EQ(r.kept, clean.kept);
  EXPECT_EQ(r.removed, clean.removed);
  EXPECT_GE(r.stats.rebuilt_files, 1u);
}

TEST(Dedup, TruncatedIntermediateFileIsRebuilt) {
  VectorCorpus c = FaultCorpus();
  auto o = SmallOptions();
  Outcome clean = RunAndFilter(c, TempDir("clean3"), o);
  std::string dir = TempDir("trunc");
  auto killed = o;
  killed.after_phase = [](int phase) { return phase != 3; };
  ASSERT_FALSE(RunDedup(c, dir, killed).ok());
  fs::resize_file(dir + "/p3/000004.pairs", fs::file_size(dir + "/p3/000004.pairs") / 2);
  fs::resize_file(dir + "/p1/000002.lines", 10);
  Outcome r = RunAndFilter(c, dir, o);
  EXPECT_EQ(r.kept, clean.kept);
  EXPECT_EQ(r.removed, clean.removed);
  EXPECT_GE(r.stats.rebuilt_files, 2u);
}

TEST(Dedup, UnsortedIntermediateFileIsDetectedAndRebuilt) {
  VectorCorpus c = FaultCorpus();
  auto o = SmallOptions();
  o.lines.enabled = false;
  Outcome clean = RunAndFilter(c, TempDir("clean4"), o);
  std::string dir = TempDir("unsorted");
  auto killed = o;
  killed.after_phase = [](int phase) { return phase != 1; };
  ASSERT_FALSE(RunDedup(c, dir, killed).ok());
  // Rewrite a band file with the right tag and valid checksums but records in reverse order:
  // only the order check can catch it.
  std::string tag;
  std::ifstream(dir + "/phase1.done") >> tag;
  std::string path = dir + "/p1/000000.band";
  std::vector<std::vector<uint64_t>> sections;
  {
    auto f = internal::RecordFile::Open(path, 2, std::stoull(tag));
    ASSERT_TRUE(f.ok());
    for (size_t s = 0; s < (*f)->num_sections(); ++s) {
      std::vector<uint64_t> v((*f)->section_records(s) * 2);
      ASSERT_TRUE((*f)->ReadRecords(s, 0, (*f)->section_records(s), v.data()).ok());
      sections.push_back(v);
    }
  }
  internal::RecordFileWriter w(path, 2, sections.size(), std::stoull(tag));
  ASSERT_TRUE(w.Open().ok());
  for (size_t s = 0; s < sections.size(); ++s) {
    for (size_t i = sections[s].size(); i >= 2; i -= 2) w.Append(s, &sections[s][i - 2]);
  }
  ASSERT_TRUE(w.Finish().ok());
  Outcome r = RunAndFilter(c, dir, o);
  EXPECT_EQ(r.kept, clean.kept);
  EXPECT_EQ(r.removed, clean.removed);
  EXPECT_GE(r.stats.rebuilt_files, 1u);
}

TEST(Dedup, TinyMemoryBudgetSpillsAndGivesTheSameResult) {
  VectorCorpus c = FaultCorpus();
  auto o = SmallOptions();
  Outcome clean = RunAndFilter(c, TempDir("clean5"), o);
  o.memory_budget_bytes = 8 * 1024;  // sorters hold ~170 records at most
  Outcome r = RunAndFilter(c, TempDir("spill"), o);
  EXPECT_GT(r.stats.spilled_runs, 0u);
  EXPECT_EQ(r.kept, clean.kept);
  EXPECT_EQ(r.removed, clean.removed);
}

TEST(Dedup, ChangedOptionsRebuildInsteadOfReusingFiles) {
  VectorCorpus c = FaultCorpus();
  auto o = SmallOptions();
  std::string dir = TempDir("opts");
  Outcome a = RunAndFilter(c, dir, o);
  o.minhash_options.bands = 7;
  o.minhash_options.rows = 4;
  Outcome b = RunAndFilter(c, dir, o);
  EXPECT_TRUE(b.stats.phases_skipped.empty());
  Outcome fresh = RunAndFilter(c, TempDir("opts_fresh"), o);
  EXPECT_EQ(b.kept, fresh.kept);
  // A plan is only applied with the options it was computed with.
  auto other = o;
  other.lines.min_docs = 9;
  EXPECT_EQ(DedupPlan::Open(dir, other).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(DedupPlan::Open(dir, o).ok());
}

TEST(Dedup, VerificationModesAgreeOnClearCases) {
  VectorCorpus c = FaultCorpus();
  for (VerifyMode m : {VerifyMode::kNone, VerifyMode::kSignature, VerifyMode::kExact}) {
    auto o = SmallOptions();
    o.verify = m;
    Outcome r = RunAndFilter(c, TempDir("verify" + std::to_string(static_cast<int>(m))), o);
    // 18 unique documents (i % 5 == 0) + 16 bases (i % 20 not a multiple of 5).
    EXPECT_EQ(r.kept.size(), 18u + 16u) << static_cast<int>(m);
  }
}

}  // namespace
}  // namespace kilang::dedup
