// Throughput of the filter stages on extracted article text, one core.
//
// Corpus: the gold article bodies of the article-extraction benchmark
// (KILANG_SHARED_DIR/data/aeb/gold/*.json, "articleBody") plus the seed gold text
// (data/seed/*.gold.json, "text"), each one document.
//
// Reports, for every stage alone (fresh StageContext per pass, so its share of word
// segmentation is included) and for the default chain (langid -> gopher_quality ->
// gopher_repetition -> fineweb_quality -> pii, one shared StageContext as a pipeline worker has,
// every document sent through every stage whatever the verdicts; one row also as `kilang run`
// does it, where a removed document skips the later stages): MB/s of input text per second
// of this thread's CPU time (CLOCK_THREAD_CPUTIME_ID; the machine may be shared).
// Every pass starts from a new StageContext, so per-worker caches (the language-ID token cache,
// segmenters) start empty in each pass, as for a worker that has just started; "first" is the
// first pass (also cold CPU caches), "mean" the mean of the other passes.
//
// The langid rows are repeated on a larger, more varied corpus: the page-text dumps
// (data/aeb/pagetext/*.txt: whole-page text with navigation and boilerplate, ~1.9 MB), and for a
// warm worker (one StageContext kept across passes).
//
//   build/bench/filters_bench [passes] [--chain | --langid | --seg]
//     --chain: the default chain only; --langid: the langid rows only; --seg: the word
//     segmentation rows only (for profiling)
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "kilang/filter/registry.h"
#include "kilang/filter/words.h"

using namespace kilang;

namespace {

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<std::string> LoadCorpus() {
  namespace fs = std::filesystem;
  std::vector<std::string> docs;
  const fs::path shared = KILANG_SHARED_DIR;
  auto add = [&](const fs::path& dir, const char* key, const char* suffix) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      std::string name = e.path().filename().string();
      if (name.size() >= std::strlen(suffix) &&
          name.compare(name.size() - std::strlen(suffix), std::string::npos, suffix) == 0) {
        files.push_back(e.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& p : files) {
      try {
        YAML::Node n = YAML::Load(ReadFile(p));  // JSON is YAML
        if (n[key] && n[key].IsScalar() && !n[key].Scalar().empty())
          docs.push_back(n[key].Scalar());
      } catch (const std::exception&) {
        std::fprintf(stderr, "skipped %s (parse error)\n", p.c_str());
      }
    }
  };
  add(shared / "data/aeb/gold", "articleBody", ".json");
  add(shared / "data/seed", "text", ".gold.json");
  return docs;
}

std::vector<std::string> LoadPageTexts() {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e :
       fs::directory_iterator(fs::path(KILANG_SHARED_DIR) / "data/aeb/pagetext", ec)) {
    if (e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> docs;
  for (const auto& p : files) {
    std::string t = ReadFile(p);
    if (!t.empty()) docs.push_back(std::move(t));
  }
  return docs;
}

// Thread CPU time: the machine is shared, so wall time would measure the other processes too.
double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct Timing {
  double cold_s = 0, warm_s = 0;  // first pass; mean of the others
  int warm_passes = 0;
};

template <typename F>
Timing Measure(int passes, F pass) {
  Timing t;
  for (int i = 0; i < passes; ++i) {
    double t0 = CpuSeconds();
    pass(i);
    double s = CpuSeconds() - t0;
    if (i == 0) {
      t.cold_s = s;
    } else {
      t.warm_s += s;
      ++t.warm_passes;
    }
  }
  if (t.warm_passes) t.warm_s /= t.warm_passes;
  return t;
}

void Report(const char* name, const Timing& t, double mb) {
  std::printf("%-28s first %8.1f MB/s   mean %8.1f MB/s   (%6.2f ns/byte)\n", name, mb / t.cold_s,
              t.warm_passes ? mb / t.warm_s : 0.0, t.warm_passes ? t.warm_s * 1e3 / mb : 0.0);
}

}  // namespace

int main(int argc, char** argv) {
  int passes = 6;
  bool chain_only = false, langid_only = false, seg_only = false;
  for (int a = 1; a < argc; ++a) {
    if (std::strcmp(argv[a], "--chain") == 0) {
      chain_only = true;
    } else if (std::strcmp(argv[a], "--langid") == 0) {
      langid_only = true;
    } else if (std::strcmp(argv[a], "--seg") == 0) {
      seg_only = true;
    } else {
      passes = std::max(2, std::atoi(argv[a]));
    }
  }
  std::vector<std::string> corpus = LoadCorpus();
  size_t bytes = 0;
  for (const auto& d : corpus) bytes += d.size();
  if (corpus.empty()) {
    std::fprintf(stderr, "no corpus under %s\n", KILANG_SHARED_DIR);
    return 1;
  }
  const double mb = bytes / 1e6;
  std::printf("corpus: %zu documents, %.2f MB; %d passes\n\n", corpus.size(), mb, passes);

  std::vector<std::string> names = FilterStageNames();
  std::vector<std::unique_ptr<DocumentStage>> stages;
  for (const auto& n : names) {
    auto s = MakeFilterStage(n, YAML::Node());
    if (!s.ok()) {
      std::fprintf(stderr, "cannot build %s: %s\n", n.c_str(), s.status().ToString().c_str());
      return 1;
    }
    stages.push_back(std::move(s).value());
  }
  // Language labels first, as the pipeline would have them for the quality stages.
  std::vector<std::string> langs(corpus.size());
  {
    StageContext ctx;
    for (size_t i = 0; i < corpus.size(); ++i) {
      Document d;
      d.text = corpus[i];
      stages[0]->Process(d, ctx);
      langs[i] = d.metadata.lang;
    }
  }
  auto doc_at = [&](size_t i) {
    Document d;
    d.text = corpus[i];
    d.metadata.lang = langs[i];
    return d;
  };

  // Language ID alone: new worker per pass ("first" also has cold CPU caches) and warm worker, on
  // the gold texts and on the page texts.
  if (!chain_only && !seg_only) {
    std::vector<std::string> pages = LoadPageTexts();
    size_t page_bytes = 0;
    for (const auto& d : pages) page_bytes += d.size();
    auto run = [&](const std::vector<std::string>& docs, StageContext& ctx) {
      for (const auto& text : docs) {
        Document d;
        d.text = text;
        stages[0]->Process(d, ctx);
      }
    };
    for (int c = 0; c < 2; ++c) {
      const auto& docs = c == 0 ? corpus : pages;
      const double m = (c == 0 ? bytes : page_bytes) / 1e6;
      if (docs.empty()) continue;
      std::string label = c == 0 ? "langid gold" : "langid pages";
      Report((label + ", new worker").c_str(),
             Measure(passes,
                     [&](int) {
                       StageContext ctx;
                       run(docs, ctx);
                     }),
             m);
      StageContext warm;
      run(docs, warm);
      Report((label + ", warm").c_str(), Measure(passes, [&](int) { run(docs, warm); }), m);
    }
    if (!pages.empty())
      std::printf("page texts: %zu documents, %.2f MB\n", pages.size(), page_bytes / 1e6);
    std::printf("\n");
  }
  if (langid_only) return 0;
  // Word segmentation alone (shared by the quality stages): fast path vs ICU only.
  if (!chain_only) {
    WordSegmenter seg("en");
    std::vector<std::string_view> tokens;
    Report("segmentation (kilang)",
           Measure(passes,
                   [&](int) {
                     for (const auto& d : corpus) seg.Segment(d, &tokens);
                   }),
           mb);
    // What the quality stages get (DocumentTokens without its cache): one pass, and the two
    // calls.
    Report("segment+join (one pass)",
           Measure(passes,
                   [&](int) {
                     for (const auto& d : corpus) seg.SegmentAndJoin(d, &tokens);
                   }),
           mb);
    Report("Segment, then JoinInfixes",
           Measure(passes,
                   [&](int) {
                     for (const auto& d : corpus) {
                       seg.Segment(d, &tokens);
                       JoinInfixes(&tokens);
                     }
                   }),
           mb);
    // Three stages asking for the tokens of each document, as the quality stages do: one
    // segmentation, two cache hits (the difference to the row above is the cache's cost).
    {
      StageContext ctx;
      Report("DocumentTokens x3",
             Measure(passes,
                     [&](int) {
                       for (const auto& d : corpus) {
                         for (int k = 0; k < 3; ++k) DocumentTokens(d, "en", ctx);
                       }
                     }),
             mb);
    }
    Report("segmentation (ICU only)",
           Measure(2,
                   [&](int) {
                     for (const auto& d : corpus) seg.SegmentIcu(d, &tokens);
                   }),
           mb);
    if (seg_only) return 0;
  }
  for (size_t s = 0; s < stages.size() && !chain_only; ++s) {
    std::vector<Document> docs;
    Timing t = Measure(passes, [&](int pass) {
      StageContext ctx;  // fresh per pass: nothing shared with other stages
      for (size_t i = 0; i < corpus.size(); ++i) {
        Document d = doc_at(i);
        stages[s]->Process(d, ctx);
      }
    });
    Report(names[s].c_str(), t, mb);
  }
  // The default chain on one worker context.
  std::vector<size_t> chain;
  for (const auto& n : DefaultFilterStageNames()) {
    for (size_t s = 0; s < names.size(); ++s) {
      if (names[s] == n) chain.push_back(s);
    }
  }
  size_t kept = 0;
  StageContext worker;  // kept across passes for the "warm worker" figure below
  // Every document through every stage (the headline rows), or, with `early_exit`, as `kilang
  // run` does it: a removed document skips the stages after the one that removed it.
  bool early_exit = false;
  auto chain_docs = [&](StageContext& ctx, const std::vector<std::string>& docs, size_t from,
                        size_t to) {
    size_t k = 0;
    for (size_t i = from; i < to; ++i) {
      Document d;
      d.text = docs[i];
      bool keep = true;
      for (size_t s : chain) {
        keep = stages[s]->Process(d, ctx).keep && keep;
        if (!keep && early_exit) break;
      }
      k += keep;
    }
    return k;
  };
  auto chain_pass = [&](StageContext& ctx) { kept = chain_docs(ctx, corpus, 0, corpus.size()); };
  if (std::getenv("KILANG_BENCH_WARM_ONLY")) {  // profiling the steady state: warm chain only
    chain_pass(worker);
    Report("default chain, warm worker", Measure(passes, [&](int) { chain_pass(worker); }), mb);
    return 0;
  }
  Timing t = Measure(passes, [&](int) {
    StageContext ctx;
    chain_pass(ctx);
  });
  std::printf("\n");
  Report("default chain (all stages)", t, mb);
  // A worker that has already seen the corpus once: its language-ID token cache is warm (an
  // upper bound; a long-running worker on new text sees mostly, not only, known tokens).
  chain_pass(worker);
  Report("default chain, warm worker", Measure(passes, [&](int) { chain_pass(worker); }), mb);
  early_exit = true;
  Report("as kilang run, warm worker", Measure(passes, [&](int) { chain_pass(worker); }), mb);
  early_exit = false;
  // Between the two: a worker on pages it has not seen, after other pages. The page-text dumps
  // (whole pages of 181 sites, boilerplate included) in two halves: a new worker runs one half
  // (not timed), then the other (timed, each page once); halves swap every pass. Its token
  // cache holds the words of ~0.8 MB of other pages: fewer than a long run's, so this is a
  // lower bound for a worker that has been running for a while.
  if (std::vector<std::string> pages = LoadPageTexts(); pages.size() >= 2) {
    const size_t half = pages.size() / 2;
    double secs = 0, bytes_timed = 0;
    for (int pass = 0; pass < passes; ++pass) {
      const bool first_half_timed = pass % 2 == 1;
      StageContext ctx;
      if (first_half_timed) {
        chain_docs(ctx, pages, half, pages.size());
      } else {
        chain_docs(ctx, pages, 0, half);
      }
      const double t0 = CpuSeconds();
      if (first_half_timed) {
        chain_docs(ctx, pages, 0, half);
      } else {
        chain_docs(ctx, pages, half, pages.size());
      }
      secs += CpuSeconds() - t0;
      for (size_t i = first_half_timed ? 0 : half; i < (first_half_timed ? half : pages.size());
           ++i)
        bytes_timed += pages[i].size();
    }
    Timing t;  // the same figure in both columns: the mean over the passes
    t.cold_s = t.warm_s = secs / passes;
    t.warm_passes = passes;
    Report("chain, new pages after others", t, bytes_timed / 1e6 / passes);
    // The same pages for a worker that has seen them all (every token cached): what the pages
    // cost apart from new tokens.
    StageContext seen;
    chain_docs(seen, pages, 0, pages.size());
    double page_bytes = 0;
    for (const auto& p : pages) page_bytes += p.size();
    Report("chain, pages, warm worker",
           Measure(passes, [&](int) { chain_docs(seen, pages, 0, pages.size()); }),
           page_bytes / 1e6);
  }
  // The same chain with langid limited to the first 2000 bytes of each document.
  {
    auto capped = MakeFilterStage("langid", YAML::Load("max_chars: 2000"));
    if (capped.ok()) {
      stages[0] = std::move(capped).value();
      Report("chain, langid max_chars 2000",
             Measure(passes,
                     [&](int) {
                       StageContext ctx;
                       chain_pass(ctx);
                     }),
             mb);
    }
  }
  std::printf("documents kept by the whole chain: %zu of %zu\n", kept, corpus.size());
  return 0;
}
