// DateParser throughput on the kinds of lines page text is made of.
//
//   build/bench/date_bench                       one line per kind (ns per call)
//   build/bench/date_bench --benchmark_filter=Corpus   every line of the AEB page texts
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "kilang/extract/date.h"

namespace kilang {
namespace {

const DateParser& Parser() {
  static const DateParser parser(Lexicon::Default());
  return parser;
}

const DateTime kNow = *DateTime::ParseIso("2024-10-22T15:00:00+07:00");

void BM_Line(benchmark::State& state, const char* line, bool with_now) {
  std::optional<DateTime> now;
  if (with_now) now = kNow;
  std::string_view text(line);
  for (auto _ : state) benchmark::DoNotOptimize(Parser().Find(text, now));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}

BENCHMARK_CAPTURE(BM_Line, date_line, "Selasa, 22 Oktober 2024 - 13:38 WIB", false);
BENCHMARK_CAPTURE(BM_Line, us_date_line, "Oct 22, 2024, 1:38 PM ET", false);
BENCHMARK_CAPTURE(BM_Line, relative, "15 menit yang lalu", true);
BENCHMARK_CAPTURE(BM_Line, title_with_number,
                  "Korea Utara Sangkal Kerahkan 1.500 Pasukan Khusus Bantu Rusia Melawan Ukraina",
                  true);
BENCHMARK_CAPTURE(BM_Line, short_prose_no_digits_now, "Berita Terkait AS Menuntut Perundingan",
                  true);
BENCHMARK_CAPTURE(BM_Line, short_prose_no_digits, "Berita Terkait AS Menuntut Perundingan",
                  false);
BENCHMARK_CAPTURE(BM_Line, long_paragraph,
                  "Amerika Serikat dan sekutunya telah menyuarakan kekhawatiran tentang Korea "
                  "Utara yang menyediakan senjata bagi Rusia, yang menginvasi Ukraina pada "
                  "Februari 2022. Pada hari Selasa, kantor berita Yonhap melaporkan bahwa "
                  "pemerintah Korea Selatan sedang mempertimbangkan untuk mengirim tim personel "
                  "ke Ukraina guna memantau pasukan Korea Utara yang dikerahkan.",
                  true);

// Every line of the AEB page texts (when the shared data is there).
void BM_Corpus(benchmark::State& state) {
  std::vector<std::string> lines;
  const std::string dir = KILANG_SHARED_DIR "/data/aeb/pagetext";
  if (std::filesystem::exists(dir)) {
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      std::ifstream in(e.path());
      for (std::string l; std::getline(in, l);) lines.push_back(l);
    }
  }
  if (lines.empty()) {
    state.SkipWithError("no AEB page texts under KILANG_SHARED_DIR");
    return;
  }
  size_t bytes = 0;
  for (const auto& l : lines) bytes += l.size();
  std::optional<DateTime> now;
  if (state.range(0)) now = kNow;
  for (auto _ : state) {
    for (const auto& l : lines) benchmark::DoNotOptimize(Parser().Find(l, now));
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(bytes));
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(lines.size()));
  state.counters["lines"] = double(lines.size());
}
BENCHMARK(BM_Corpus)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kilang

BENCHMARK_MAIN();
