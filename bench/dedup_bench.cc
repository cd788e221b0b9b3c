// Dedup benchmarks.
//
//   dedup_bench sig [--mb 64]
//       MinHash signature throughput on one core (MB of raw text per second): normalisation
//       alone, signature alone (pre-normalised text), and both, on the aeb gold article bodies
//       repeated to --mb megabytes.
//   dedup_bench e2e --docs 100000 [--shards N] [--threads 2] [--budget-mb 512] [--dir D]
//                   [--verify exact|signature|none] [--no-lines] [--keep-dir]
//       End-to-end dedup of a generated corpus (SyntheticCorpus: 5% exact, 10% near duplicates),
//       phases 1-6 plus the filter pass, with wall time per step and peak RSS.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "kilang/dedup/corpus_gen.h"
#include "kilang/dedup/dedup.h"

using namespace kilang;
using namespace kilang::dedup;

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU time of the calling thread: per-core throughput stays meaningful on a shared machine.
double ThreadCpu() {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// User + system CPU seconds of the whole process so far.
double ProcessCpu() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

double PeakRssMb() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

const char* Arg(int argc, char** argv, const char* name, const char* def) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return def;
}
bool Flag(int argc, char** argv, const char* name) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return true;
  }
  return false;
}

int SigBench(int argc, char** argv) {
  size_t mb = std::strtoul(Arg(argc, argv, "--mb", "64"), nullptr, 10);
  auto bodies = LoadArticleBodies(std::string(KILANG_SHARED_DIR) + "/data/aeb/gold");
  if (!bodies.ok() || bodies->empty()) {
    std::fprintf(stderr, "cannot read aeb gold: %s\n", bodies.status().ToString().c_str());
    return 1;
  }
  std::vector<std::string> texts;
  size_t bytes = 0;
  for (size_t i = 0; bytes < mb << 20; ++i) {
    texts.push_back((*bodies)[i % bodies->size()]);
    bytes += texts.back().size();
  }
  Normalizer norm;
  MinHasher hasher;
  std::vector<std::string> normalized(texts.size());
  double t0 = ThreadCpu();
  for (size_t i = 0; i < texts.size(); ++i) norm.Normalize(texts[i], &normalized[i]);
  double t1 = ThreadCpu();
  std::vector<uint64_t> sig;
  uint64_t sink = 0, shingles = 0;
  for (const auto& n : normalized) {
    shingles += hasher.Signature(n, &sig);
    sink ^= sig[0];
  }
  double t2 = ThreadCpu();
  std::string buf;
  for (const auto& t : texts) {
    norm.Normalize(t, &buf);
    hasher.Signature(buf, &sig);
    sink ^= sig[1];
  }
  double t3 = ThreadCpu();
  double m = static_cast<double>(bytes) / 1e6;
  std::printf(
      "text: %.1f MB raw (%zu docs, %lu shingles), k=%zu hashes, 1 thread, thread CPU time\n", m,
      texts.size(), static_cast<unsigned long>(shingles), hasher.options().num_hashes());
  std::printf("normalise only:        %8.1f MB/s\n", m / (t1 - t0));
  std::printf("signature only:        %8.1f MB/s  (%.1f M shingles/s)\n", m / (t2 - t1),
              static_cast<double>(shingles) / 1e6 / (t2 - t1));
  std::printf("normalise + signature: %8.1f MB/s   [sink %lx]\n", m / (t3 - t2),
              static_cast<unsigned long>(sink & 0xf));
  return 0;
}

// Shards of a SyntheticCorpus, generated on demand (the corpus never sits in memory).
class GeneratedCorpus : public ShardedCorpus {
 public:
  GeneratedCorpus(const SyntheticCorpus& gen, size_t shards) : gen_(gen), shards_(shards) {}
  size_t num_shards() const override { return shards_; }
  Status ReadShard(size_t s, const std::function<Status(const Document&)>& fn) const override {
    size_t per = (gen_.size() + shards_ - 1) / shards_;
    Document d;
    for (size_t i = s * per; i < std::min(gen_.size(), (s + 1) * per); ++i) {
      gen_.MakeDoc(i, &d);
      KILANG_RETURN_IF_ERROR(fn(d));
    }
    return Status::Ok();
  }

 private:
  const SyntheticCorpus& gen_;
  size_t shards_;
};

int EndToEnd(int argc, char** argv) {
  SyntheticOptions so;
  so.docs = std::strtoul(Arg(argc, argv, "--docs", "100000"), nullptr, 10);
  so.words_min = 100;
  so.words_max = 700;
  size_t shards = std::strtoul(Arg(argc, argv, "--shards", "0"), nullptr, 10);
  if (shards == 0) shards = std::max<size_t>(1, so.docs / 20000);
  DedupOptions o;
  o.threads = std::strtoul(Arg(argc, argv, "--threads", "2"), nullptr, 10);
  o.memory_budget_bytes = std::strtoull(Arg(argc, argv, "--budget-mb", "512"), nullptr, 10) << 20;
  std::string verify = Arg(argc, argv, "--verify", "exact");
  o.verify = verify == "none"        ? VerifyMode::kNone
             : verify == "signature" ? VerifyMode::kSignature
                                     : VerifyMode::kExact;
  o.lines.enabled = !Flag(argc, argv, "--no-lines");
  std::string dir = Arg(argc, argv, "--dir", "");
  if (dir.empty()) {
    dir = (std::filesystem::temp_directory_path() /
           ("kilang_dedup_bench_" + std::to_string(getpid())))
              .string();
  }
  SyntheticCorpus gen(so);
  GeneratedCorpus corpus(gen, shards);
  // Generation cost alone (subtracted from nothing; reported for context).
  double t0 = Now();
  uint64_t bytes = 0;
  {
    Document d;
    size_t sample = std::min<size_t>(so.docs, 20000);
    for (size_t i = 0; i < sample; ++i) {
      gen.MakeDoc(i, &d);
      bytes += d.text.size();
    }
    bytes = bytes * so.docs / std::max<size_t>(1, sample);
  }
  double tgen = (Now() - t0) * static_cast<double>(so.docs) / std::min<double>(so.docs, 20000);
  std::printf(
      "corpus: %zu docs, ~%.0f MB text, %zu shards; threads %zu, budget %zu MB, verify %s,"
      " lines %s\n",
      so.docs, static_cast<double>(bytes) / 1e6, shards, o.threads, o.memory_budget_bytes >> 20,
      verify.c_str(), o.lines.enabled ? "on" : "off");
  std::printf("generation alone (one pass, 1 thread, estimated): %.1f s\n", tgen);
  double t1 = Now();
  double c1 = ProcessCpu();
  auto st = RunDedup(corpus, dir, o);
  double t2 = Now();
  double c2 = ProcessCpu();
  if (!st.ok()) {
    std::fprintf(stderr, "dedup failed: %s\n", st.status().ToString().c_str());
    return 1;
  }
  double rss_plan = PeakRssMb();
  // Filter pass, as the pipeline's writer would do it (single thread here).
  auto plan = DedupPlan::Open(dir, o);
  if (!plan.ok()) return 1;
  uint64_t kept = 0, removed = 0;
  for (size_t s = 0; s < shards; ++s) {
    auto f = (*plan)->ForShard(static_cast<uint32_t>(s));
    if (!f.ok()) return 1;
    uint32_t pos = 0;
    Status rs = corpus.ReadShard(s, [&](const Document& d) {
      Document copy = d;
      Verdict v = f->Apply(pos++, &copy);
      (v.keep ? kept : removed)++;
      return Status::Ok();
    });
    if (!rs.ok()) return 1;
  }
  double t3 = Now();
  double c3 = ProcessCpu();
  uint64_t disk = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) disk += e.file_size();
  }
  const DedupStats& s = *st;
  std::printf("dedup phases 1-6: %.1f s (%.1f MB/s); filter pass: %.1f s; total %.1f s\n", t2 - t1,
              static_cast<double>(bytes) / 1e6 / (t2 - t1), t3 - t2, t3 - t1);
  std::printf(
      "docs %lu, empty %lu, exact dups %lu, candidate pairs %lu, verified %lu, "
      "clusters %lu, near dups %lu, frequent lines %lu, spilled runs %lu\n",
      (unsigned long)s.documents, (unsigned long)s.empty_documents,
      (unsigned long)s.exact_duplicates, (unsigned long)s.candidate_pairs,
      (unsigned long)s.verified_pairs, (unsigned long)s.clusters, (unsigned long)s.near_duplicates,
      (unsigned long)s.frequent_lines, (unsigned long)s.spilled_runs);
  std::printf(
      "CPU seconds: phases %.1f (%.1f MB per CPU-second, generation included), filter %.1f\n",
      c2 - c1, static_cast<double>(bytes) / 1e6 / (c2 - c1), c3 - c2);
  std::printf("phase wall seconds:");
  for (const auto& [ph, sec] : s.phase_seconds) std::printf(" p%d=%.1f", ph, sec);
  std::printf("\n");
  std::printf(
      "kept %lu, removed %lu; work dir %.0f MB; peak RSS after phases %.0f MB, "
      "after filter %.0f MB\n",
      (unsigned long)kept, (unsigned long)removed, static_cast<double>(disk) / 1e6, rss_plan,
      PeakRssMb());
  if (!Flag(argc, argv, "--keep-dir")) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "sig") == 0) return SigBench(argc, argv);
  if (argc >= 2 && std::strcmp(argv[1], "e2e") == 0) return EndToEnd(argc, argv);
  std::fprintf(stderr, "usage: dedup_bench sig [--mb N] | e2e --docs N [options]\n");
  return 2;
}
