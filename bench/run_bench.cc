// run_bench: where the time of `kilang run` goes, phase by phase, on one thread.
//
//   run_bench FILE...      (WARC/WET/JSONL files, e.g. a corpus from scripts/make_run_corpus.py)
//
// Phases, each a full pass over the files:
//   decompress   InputStream only (gzip/zstd inflate + file reads)
//   read         + WARC/HTTP parsing into records (what the pipeline's reader does)
//   extract      + the extract stage on every page
//   serialise    + ToJsonLine of every document
//   compress     + zstd level 3 of the JSONL (ShardWriter into /dev/null-like temp file)
// Reports, per CPU second, MB/s of stored and decoded input and docs/s per phase; the difference between
// consecutive phases is the cost of that step. The end-to-end numbers with 1 and 2 workers and
// peak RSS come from scripts/bench_run.sh, which runs the real CLI.
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "kilang/core/document.h"
#include "kilang/io/reader.h"
#include "kilang/io/stream.h"
#include "kilang/io/writer.h"
#include "kilang/pipeline/extract_stage.h"

namespace {

// CPU seconds of this (single-threaded) process: stable on a busy machine, unlike wall time.
double CpuSeconds() { return double(std::clock()) / CLOCKS_PER_SEC; }

struct Totals {
  double seconds = 0;  // CPU seconds
  uint64_t stored = 0, decoded = 0, docs = 0, out_bytes = 0;
};

enum Phase { kDecompress, kRead, kExtract, kSerialise, kCompress };

Totals RunPhase(Phase phase, const std::vector<std::string>& files) {
  Totals t;
  kilang::ReaderOptions ropt;
  kilang::ExtractStageOptions eopt;
  kilang::ExtractStage extract(eopt);
  kilang::StageContext ctx;
  std::string tmp = std::filesystem::temp_directory_path() / "kilang_run_bench.jsonl.zst";
  double start = CpuSeconds();
  for (const std::string& f : files) {
    t.stored += std::filesystem::file_size(f);
    if (phase == kDecompress) {
      auto in = kilang::InputStream::Open(f);
      if (!in.ok()) continue;
      for (;;) {
        uint64_t n = (*in)->Skip(uint64_t(1) << 40);
        t.decoded += n;
        if (!(*in)->at_break()) break;
        (void)(*in)->TakeBreak();
      }
      continue;
    }
    auto in = kilang::InputStream::Open(f);
    if (!in.ok()) continue;
    auto reader = kilang::MakeWarcReader(std::move(*in), f, ropt);
    if (kilang::SniffInputKind(f) == kilang::InputKind::kJsonl) {
      auto in2 = kilang::InputStream::Open(f);
      reader = kilang::MakeJsonlReader(std::move(*in2), f, ropt);
    }
    std::unique_ptr<kilang::ShardWriter> writer;
    if (phase == kCompress) {
      writer = kilang::ShardWriter::Create(tmp, kilang::OutputCompression::kZstd).value();
    }
    kilang::InputRecord rec;
    kilang::RawInput raw;
    ctx.set_input(&raw);
    while (true) {
      auto more = reader->Next(&rec);
      if (!more.ok() || !*more) break;
      if (rec.kind == kilang::InputRecord::Kind::kUnreadable) continue;
      ++t.docs;
      t.decoded += rec.body.size();
      if (phase == kRead) continue;
      kilang::Document doc;
      doc.id = rec.id;
      doc.metadata.url = rec.url;
      raw.bytes = rec.body;
      raw.needs_extraction = rec.kind == kilang::InputRecord::Kind::kPage;
      raw.declared_charset = rec.charset;
      raw.anchor_time = rec.date;
      if (!raw.needs_extraction) doc.text = rec.body;
      extract.Process(doc, ctx);
      if (phase == kExtract) continue;
      std::string line = kilang::ToJsonLine(doc);
      t.out_bytes += line.size() + 1;
      if (writer) (void)writer->WriteLine(line);
    }
    if (writer) (void)writer->Finish();
  }
  t.seconds = CpuSeconds() - start;
  std::filesystem::remove(tmp);
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files(argv + 1, argv + argc);
  if (files.empty()) {
    std::fprintf(stderr, "usage: run_bench FILE...\n");
    return 2;
  }
  const char* names[] = {"decompress", "read", "extract", "serialise", "compress"};
  std::printf("%-11s %8s %12s %12s %10s %9s\n", "phase", "CPU s", "stored MB/s", "payload MB/s",
              "docs/s", "step s");
  double prev = 0;
  for (int p = kDecompress; p <= kCompress; ++p) {
    Totals t = RunPhase(Phase(p), files);
    std::printf("%-11s %8.2f %12.1f %12.1f %10.0f %9.2f\n", names[p], t.seconds,
                t.stored / 1e6 / t.seconds, t.decoded / 1e6 / t.seconds,
                p == kDecompress ? 0.0 : t.docs / t.seconds, t.seconds - prev);
    prev = t.seconds;
  }
  std::printf(
      "(payload MB/s: decoded bytes for 'decompress', page/text bytes of kept records "
      "otherwise; 'step s' = this phase minus the previous one)\n");
  return 0;
}
