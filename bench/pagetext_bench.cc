// Page-text extraction throughput on the AEB page-text dumps, one thread, after a warm-up pass.
// Reports MB/s, pages/s and peak RSS; prints one line of key=value pairs (easy to log/compare).
//
//   build/bench/pagetext_bench [DIR] [--seconds S | --iters N]
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "bench_util.h"
#include "kilang/extract/pagetext.h"
#include "kilang/util/utf8.h"

int main(int argc, char** argv) {
  std::string dir = std::string(KILANG_SHARED_DIR) + "/data/aeb/pagetext";
  double min_seconds = 3.0;
  int fixed_iters = 0;  // --iters N: exactly N timed passes (for instruction counts)
  kilang::PageTextOptions options;  // --no-learned: the segmentation alone (the cost before it)
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--no-learned")) {
      options.learned = false;
      continue;
    }
    if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) min_seconds = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--iters") && i + 1 < argc) fixed_iters = std::atoi(argv[++i]);
    else dir = argv[i];
  }
  std::vector<std::string> pages = kilang::bench::LoadPages(dir, ".txt");
  if (pages.empty()) {
    std::fprintf(stderr, "pagetext_bench: no .txt pages in %s\n", dir.c_str());
    return 1;
  }
  size_t bytes = 0;
  for (auto& p : pages) bytes += p.size();
  const kilang::PageTextExtractor extractor(kilang::Lexicon::Default(), options);
  kilang::Document doc;
  auto pass = [&] {
    size_t out = 0;
    for (const std::string& p : pages) {
      extractor.Extract(p, std::nullopt, &doc);
      out += doc.text.size();
    }
    return out;
  };
  size_t sink = pass();  // warm-up
  double rss_after_warmup = kilang::bench::PeakRssMiB();
  int iters = 0;
  double t0 = kilang::bench::NowSeconds(), t1 = t0;
  double c0 = kilang::bench::ThreadCpuSeconds();
  while (fixed_iters ? iters < fixed_iters : t1 - t0 < min_seconds) {
    sink += pass();
    ++iters;
    t1 = kilang::bench::NowSeconds();
  }
  double secs = t1 - t0;
  double cpu = kilang::bench::ThreadCpuSeconds() - c0;
  double mb = double(bytes) * iters / 1e6;
  // Throughput per second of this thread's CPU time (cpu_*) and per wall second (wall_*): on a
  // busy machine only the first measures the extractor.
  std::printf(
      "pagetext_bench pages=%zu input_mb=%.2f iters=%d cpu_mb_per_s=%.1f cpu_pages_per_s=%.0f "
      "wall_mb_per_s=%.1f peak_rss_mib=%.1f rss_after_warmup_mib=%.1f (sink %zu)\n",
      pages.size(), bytes / 1e6, iters, mb / cpu, double(pages.size()) * iters / cpu, mb / secs,
      kilang::bench::PeakRssMiB(), rss_after_warmup, sink % 10);
  return 0;
}
