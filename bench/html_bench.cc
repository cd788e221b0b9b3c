// HTML extraction throughput on the aeb pages (../shared/data/aeb/html), in memory, one thread.
//
// usage: html_bench [DIR] [--passes N] [--parse-only | --parse-prepared]
//   Loads every *.html of DIR, runs one warm-up pass, then N timed passes (default 3) of
//   HtmlExtractor::Extract, and prints MB/s and pages/s (wall clock and CPU time) and the peak
//   RSS. --parse-only times the
//   gumbo parse alone on the raw pages (gumbo's default malloc allocator); --parse-prepared times
//   PrepareHtml + the gumbo parse into a ParseArena + the copy into the Dom (the floor under the
//   extractor, which parses prepared pages that way and reads only the Dom).
#include <dirent.h>
#include <gumbo.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../src/extract/html_gumbo.h"
#include "../src/extract/html_internal.h"
#include "kilang/extract/html.h"
#include "kilang/io/file.h"

namespace {

std::vector<std::string> LoadPages(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 5 && n.substr(n.size() - 5) == ".html") names.push_back(dir + "/" + n);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  std::vector<std::string> pages;
  for (const std::string& n : names) {
    FILE* f = std::fopen(n.c_str(), "rb");
    if (!f) continue;
    std::string s;
    char buf[1 << 16];
    size_t k;
    while ((k = std::fread(buf, 1, sizeof(buf), f)) > 0) s.append(buf, k);
    std::fclose(f);
    pages.push_back(std::move(s));
  }
  return pages;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = std::string(KILANG_SHARED_DIR) + "/data/aeb/html";
  int passes = 3;
  bool parse_only = false, parse_prepared = false;
  kilang::HtmlOptions options;  // --no-fallback: the block scorer alone (the cost before it)
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--passes" && i + 1 < argc)
      passes = std::max(1, std::atoi(argv[++i]));
    else if (a == "--parse-only")
      parse_only = true;
    else if (a == "--no-fallback")
      options.fallback_words = 0;
    else if (a == "--parse-prepared")
      parse_only = parse_prepared = true;
    else
      dir = a;
  }
  std::vector<std::string> pages = LoadPages(dir);
  if (pages.empty()) {
    std::fprintf(stderr, "html_bench: no *.html in %s\n", dir.c_str());
    return 1;
  }
  size_t bytes = 0;
  for (const auto& p : pages) bytes += p.size();
  kilang::HtmlExtractor extractor(kilang::Lexicon::Default(), options);
  size_t sink = 0;
  kilang::html_internal::ParseArena arena;
  kilang::html_internal::Dom dom;
  auto run_pass = [&]() {
    for (const std::string& p : pages) {
      if (parse_only) {
        std::string prepared;
        std::string_view html = p;
        if (parse_prepared && kilang::html_internal::PrepareHtml(
                                  p, 496, &kilang::html_internal::Hints::Default(), &prepared))
          html = prepared;
        if (parse_prepared) {  // as the extractor parses: into an arena, then a Dom
          kilang::html_internal::ParseWithGumbo(html, &arena, &dom);
          sink += dom.size();
          dom.Reset();
          arena.Reset();
        } else {
          GumboOutput* out =
              gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
          sink += out->root->v.element.children.length;
          gumbo_destroy_output(&kGumboDefaultOptions, out);
        }
      } else {
        kilang::Document doc;
        extractor.Extract(p, std::nullopt, &doc);
        sink += doc.text.size();
      }
    }
  };
  run_pass();  // warm-up
  auto cpu_seconds = [] {
    rusage r{};
    getrusage(RUSAGE_SELF, &r);
    return r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + r.ru_stime.tv_sec +
           r.ru_stime.tv_usec / 1e6;
  };
  double cpu0 = cpu_seconds();
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < passes; ++i) run_pass();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double cpu = cpu_seconds() - cpu0;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  double mb = static_cast<double>(bytes) * passes / 1e6;
  std::printf("%s: %zu pages, %.1f MB per pass, %d passes, %.3f s\n",
              parse_prepared ? "PrepareHtml + gumbo parse + Dom"
              : parse_only   ? "gumbo parse only (raw pages)"
                             : "HtmlExtractor::Extract",
              pages.size(), bytes / 1e6, passes, secs);
  std::printf("throughput (wall): %.1f MB/s, %.0f pages/s\n", mb / secs,
              pages.size() * passes / secs);
  // On a shared machine the wall clock includes waiting for a core; CPU time does not.
  std::printf("throughput (cpu):  %.1f MB/s, %.0f pages/s (%.3f s cpu)\n", mb / cpu,
              pages.size() * passes / cpu, cpu);
  std::printf("peak RSS %.1f MB (sink %zu)\n", ru.ru_maxrss / 1024.0, sink % 10);
  return 0;
}
