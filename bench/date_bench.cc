// DateParser throughput, one thread, after a warm-up pass: every line of the AEB page-text dumps
// (with and without `now`), then single line kinds in ns per call. Prints key=value lines.
//
//   build/bench/date_bench [DIR] [--seconds S]
//   build/bench/date_bench --line TEXT --calls N [--now]   Find() N times on TEXT, then the result
//     (for instruction counts: valgrind --tool=callgrind, N=10001 minus N=1, divided by 10000)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "bench_util.h"
#include "kilang/extract/date.h"

namespace {

using kilang::DateParser;
using kilang::DateTime;

// Runs `pass` (which handles `items` items of `bytes` bytes) for at least `min_seconds`.
template <typename Pass>
void Time(const char* name, size_t items, size_t bytes, double min_seconds, Pass pass) {
  size_t sink = pass();  // warm-up
  int iters = 0;
  double t0 = kilang::bench::NowSeconds(), t1 = t0;
  while (t1 - t0 < min_seconds) {
    sink += pass();
    ++iters;
    t1 = kilang::bench::NowSeconds();
  }
  const double secs = t1 - t0, calls = double(items) * iters;
  std::printf(
      "date_bench case=%s calls=%.0f ns_per_call=%.1f mlines_per_s=%.2f mb_per_s=%.1f (sink %zu)\n",
      name, calls, secs * 1e9 / calls, calls / secs / 1e6, double(bytes) * iters / secs / 1e6,
      sink % 10);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = std::string(KILANG_SHARED_DIR) + "/data/aeb/pagetext";
  double min_seconds = 1.0;
  const char* line = nullptr;
  long calls = 1;
  bool line_now = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc)
      min_seconds = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--line") && i + 1 < argc)
      line = argv[++i];
    else if (!std::strcmp(argv[i], "--calls") && i + 1 < argc)
      calls = std::atol(argv[++i]);
    else if (!std::strcmp(argv[i], "--now"))
      line_now = true;
    else
      dir = argv[i];
  }
  const DateParser parser(kilang::Lexicon::Default());
  const std::optional<DateTime> now = DateTime::ParseIso("2024-10-22T15:00:00+07:00");
  if (line) {
    std::optional<kilang::DateMatch> m;
    for (long k = 0; k < calls; ++k) m = parser.Find(line, line_now ? now : std::nullopt);
    if (m)
      std::printf("%s coverage=%.3f\n", m->value.ToIso().c_str(), m->coverage);
    else
      std::printf("no date\n");
    return 0;
  }

  std::vector<std::string_view> lines;
  std::vector<std::string> pages = kilang::bench::LoadPages(dir, ".txt");
  size_t bytes = 0;
  for (const std::string& p : pages) {
    for (size_t b = 0; b <= p.size();) {
      size_t e = p.find('\n', b);
      if (e == std::string::npos) e = p.size();
      lines.push_back(std::string_view(p).substr(b, e - b));
      bytes += e - b;
      b = e + 1;
    }
  }
  if (lines.empty()) {
    std::fprintf(stderr, "date_bench: no .txt pages in %s\n", dir.c_str());
  } else {
    for (int with_now = 0; with_now < 2; ++with_now) {
      Time(with_now ? "corpus_lines_now" : "corpus_lines", lines.size(), bytes, min_seconds, [&] {
        size_t found = 0;
        for (std::string_view l : lines)
          found += parser.Find(l, with_now ? now : std::nullopt) ? 1 : 0;
        return found;
      });
    }
  }

  struct Case {
    const char* name;
    std::string_view text;
    bool with_now;
  };
  const Case cases[] = {
      {"date_line", "Selasa, 22 Oktober 2024 - 13:38 WIB", false},
      {"us_date_line", "Oct 22, 2024, 1:38 PM ET", false},
      {"relative", "15 menit yang lalu", true},
      {"title_with_number",
       "Korea Utara Sangkal Kerahkan 1.500 Pasukan Khusus Bantu Rusia Melawan Ukraina", true},
      {"short_no_digits_now", "Berita Terkait AS Menuntut Perundingan", true},
      {"short_no_digits", "Berita Terkait AS Menuntut Perundingan", false},
      {"paragraph_now",
       "Amerika Serikat dan sekutunya telah menyuarakan kekhawatiran tentang Korea Utara yang "
       "menyediakan senjata bagi Rusia, yang menginvasi Ukraina pada Februari 2022. Pada hari "
       "Selasa, kantor berita Yonhap melaporkan bahwa pemerintah Korea Selatan sedang "
       "mempertimbangkan untuk mengirim tim personel ke Ukraina guna memantau pasukan.",
       true},
  };
  for (const Case& c : cases) {
    Time(c.name, 1000, c.text.size() * 1000, min_seconds / 4, [&] {
      size_t found = 0;
      for (int k = 0; k < 1000; ++k)
        found += parser.Find(c.text, c.with_now ? now : std::nullopt) ? 1 : 0;
      return found;
    });
  }
  return 0;
}
