// `kilang report`: one self-contained HTML page that shows what a run kept, removed and why.
//
//   auto data = kilang::report::CollectReport("out/", {});      // one pass over the output folder
//   std::string html = kilang::report::RenderReportHtml(*data);  // CSS, JS and data inline
//   // or both, written atomically to out/report.html:
//   auto written = kilang::report::WriteReport("out/", {});
//
// What is read (docs/report.md): DIR/stats.json (required; the funnel's numbers are its numbers,
// never recounted), the kept shards DIR/part-*.jsonl* and the removed shards
// DIR/removed/*.jsonl* (each read once, in parallel, for the distributions and the samples), and
// DIR/.kilang/facts.json (written by `kilang run`: version, config, inputs, timings; optional).
//
// Sampling is deterministic: a document's sampling key is XXH3-64 of its id (seeded with
// ReportOptions::seed), and each (stage, reason) keeps the documents with the smallest keys
// ("bottom-k"), so the sample depends only on the set of documents, never on the order they are
// read in or on the number of threads. Memory is bounded by the samples, not by the run size.
//
// The page embeds at most ReportOptions::sample_budget_bytes of sampled documents; everything else
// is counts and histograms, so the file stays a few MB for any run size.
//
// Thread-safety: the functions are re-entrant; nothing is shared between calls.
#ifndef KILANG_REPORT_REPORT_H_
#define KILANG_REPORT_REPORT_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "kilang/pipeline/config.h"
#include "kilang/pipeline/runner.h"
#include "kilang/util/status.h"

namespace kilang::report {

struct ReportOptions {
  size_t samples_per_reason = 20;  // removed documents shown per (stage, reason)
  size_t kept_samples = 200;       // kept documents shown (and searched in the page)
  size_t text_chars = 2000;        // code points of text kept per sampled document
  // All samples together (text and other fields). The fields other than text get at most half
  // (else fewer metadata keys, then fewer documents per reason are kept); when the texts would
  // need more than the rest, every text is cut shorter (the same cap for all) until they fit.
  size_t sample_budget_bytes = size_t(3) << 20;
  size_t top_clusters = 25;     // largest dedup clusters listed
  size_t cluster_members = 30;  // member ids listed per cluster (the rest are counted)
  uint64_t seed = 0;            // sampling seed: the same seed, the same samples
  size_t threads = 0;           // shards read in parallel; 0 = all cores
};

// What `kilang run` knows that the output folder does not: saved as DIR/.kilang/facts.json at
// the end of a run so that a later `kilang report DIR` can show it. Timings are for the last
// invocation only (a resumed run does not know how long the first attempt took).
struct RunFacts {
  std::string version;              // "0.1.0"
  std::string config;               // RunConfig::Fingerprint(): every option shaping output
  std::vector<std::string> stages;  // the pipeline's per-document stages, in order
  std::vector<std::string> inputs;  // as given on the command line
  int workers = 0;
  std::string started, finished;  // ISO 8601, UTC
  double wall_seconds = 0;
  double read_cpu = 0, stages_cpu = 0, write_cpu = 0;
  std::map<std::string, double> stage_cpu;  // CPU seconds per stage
  uint64_t docs = 0;                        // documents processed by this invocation
  uint64_t bytes_stored = 0, bytes_decoded = 0;
  uint64_t tasks_run = 0, tasks_resumed = 0;
};

// The facts of a run that has just ended: `config` and `inputs` as given to RunPipeline, `summary`
// its result; finished = now, started = now - wall time, version = this kilang's.
RunFacts MakeRunFacts(const RunConfig& config, const std::vector<std::string>& inputs,
                      const RunSummary& summary);

// This kilang's version ("0.1.0").
const char* KilangVersion();

// Writes DIR/.kilang/facts.json atomically. Errors: IoError.
Status SaveRunFacts(const std::string& dir, const RunFacts& facts);
// Reads it back. Errors: NotFound (no facts: an older run), Corruption.
Result<RunFacts> LoadRunFacts(const std::string& dir);

// A histogram with fixed bins: bin i counts values in [edges[i], edges[i+1]).
struct Histogram {
  std::vector<double> edges;
  std::vector<uint64_t> counts;
  void Add(double v);  // values below edges[0] go to bin 0, at or above the last edge to the last
  void Merge(const Histogram& o);
};

// A line of a sampled text worth pointing at, and why.
struct LineMark {
  uint32_t line = 0;  // 0-based index of the '\n'-separated line in SampleDoc::text
  std::string kind;   // "pii": holds a redaction placeholder; "repeated": occurs again in the doc
};

struct SampleDoc {
  std::string id, title, url, source, date, lang, stage, reason;
  double lang_score = -1;  // < 0: absent
  uint64_t chars = 0;      // length of the whole text, in code points
  uint64_t lines = 0;      // '\n'-separated lines of the whole text
  std::string text;        // the first ReportOptions::text_chars code points
  bool truncated = false;  // text is shorter than the document's
  std::vector<std::pair<std::string, std::string>> extra;  // other metadata (dedup_*, pii_*, ...)
  std::vector<LineMark> marks;
  uint64_t key = 0;  // sampling key (XXH3-64 of id)
};

struct ReasonSample {
  std::string stage, reason;
  uint64_t seen = 0;            // documents with this stage and reason in the shards
  std::vector<SampleDoc> docs;  // at most samples_per_reason, by increasing key
  bool sampled = true;          // false past the first 100 reasons: counts only
};

struct ClusterMember {
  std::string id, reason;
};

struct Cluster {
  std::string id;     // the representative (kept) document's id
  uint64_t size = 0;  // dedup_cluster_size: the representative and its duplicates
  std::string title, url;
  std::vector<ClusterMember> members;  // removed members found in removed/, in shard order
  uint64_t members_seen = 0;
  std::map<std::string, uint64_t> member_reasons;  // members_seen by metadata.reason
};

// One stage's step in the funnel: documents that entered it and what it removed.
struct FunnelStep {
  std::string stage;  // "(unreadable)" for inputs that could not be read
  uint64_t in = 0, removed = 0;
  std::vector<std::pair<std::string, uint64_t>> reasons;  // by decreasing count
};

struct ReportData {
  std::string dir;
  std::string generated;  // ISO 8601 time of the report, UTC
  std::string version;    // this kilang's version
  // DIR/stats.json as embedded in the page: verbatim, but every list cut to its first 100 items
  // (with "<list>_count" = its length).
  std::string stats_json;
  // From stats.json: the funnel, in pipeline order (unreadable first, dedup stages last).
  uint64_t read = 0, kept = 0, removed = 0, unreadable = 0, skipped = 0;
  std::vector<FunnelStep> funnel;
  bool has_facts = false;
  RunFacts facts;
  std::string run_started;  // DIR/.kilang/run.json "now", when present

  // From the shards (one pass):
  uint64_t docs_kept = 0, docs_removed = 0;  // documents found in the shards
  uint64_t shards_read = 0, bad_lines = 0;
  Histogram length_kept, length_removed;             // characters of text (log-spaced bins)
  std::map<std::string, Histogram> length_by_stage;  // removed documents, per stage
  struct LangCount {
    uint64_t kept = 0, removed = 0;
  };
  std::map<std::string, LangCount> langs;         // metadata.lang ("" = none)
  Histogram lang_score_kept, lang_score_removed;  // 20 bins over [0, 1]
  Histogram cluster_sizes;                        // dedup_cluster_size of kept representatives
  uint64_t clusters = 0, clustered_docs = 0;      // clusters (size >= 2) and their documents
  std::vector<Cluster> top_clusters;              // by decreasing size, then id
  // "<key>" -> {documents, lines}: line edits recorded by stages in kept documents
  // (dedup_lines_removed, c4_lines_removed, ...).
  std::map<std::string, std::pair<uint64_t, uint64_t>> line_edits;
  uint64_t total_chars_kept = 0, total_chars_removed = 0;
  std::vector<ReasonSample> removed_samples;  // funnel order, then reasons by decreasing count
  ReasonSample kept_sample;
  std::vector<std::string> pii_placeholders;  // what PII redaction writes (marked in the page)
  bool texts_cut = false;                     // the budget cut the sampled texts ...
  size_t text_cap_bytes = 0;                  // ... to this many bytes each
  std::vector<std::string> warnings;          // problems found while reading (shown on the page)
};

// Reads DIR once and aggregates it. Errors: NotFound (no DIR/stats.json: not a run's output
// folder), Corruption (stats.json is not valid JSON). Damaged shards or lines are warnings.
Result<ReportData> CollectReport(const std::string& dir, const ReportOptions& options);

// The data as one JSON object (what the page's script reads). Pure.
std::string ReportJson(const ReportData& data);

// The whole page: the embedded template with its CSS, JS and ReportJson() inline. Pure.
std::string RenderReportHtml(const ReportData& data);

struct WrittenReport {
  std::string path;
  uint64_t bytes = 0;
  uint64_t documents = 0;  // documents read from the shards
  std::vector<std::string> warnings;
};

// CollectReport + RenderReportHtml, written atomically to `out` (default DIR/report.html).
Result<WrittenReport> WriteReport(const std::string& dir, const ReportOptions& options,
                                  const std::string& out = "");

}  // namespace kilang::report

#endif  // KILANG_REPORT_REPORT_H_
