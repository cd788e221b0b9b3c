// RunPipeline: `kilang run` on one machine. Plans tasks over the inputs, runs them on a thread
// pool through the configured stages, writes shards, and accounts for every input document.
//
// Tasks: one per WARC/WET/JSONL file, and one per `pages_per_task` page files (.html/.htm/.txt)
// of a folder, in input order (folders listed recursively, sorted by path). Task i writes
//   DIR/part-<i>.jsonl.zst          kept documents (only when there are any)
//   DIR/removed/part-<i>.jsonl.zst  removed documents, with metadata.stage and metadata.reason
//   DIR/.kilang/done/part-<i>.json  the done-marker: the task's counts (written last, atomically)
// Shard names follow input order, never completion order, and each shard's bytes depend only on
// its input and the config: output is byte-identical whatever the number of workers.
//
// Resume: DIR/.kilang/run.json records the config fingerprint and the run's start time (the
// anchor for relative dates when a page has no crawl date). A rerun with the same inputs and
// config skips tasks that have a done-marker, redoes the others (a half-written shard only ever
// exists under a temporary name), and rebuilds DIR/stats.json from all markers. A rerun with
// different inputs or config into the same folder is refused.
//
// Accounting: read = kept + removed + unreadable, checked at the end (Internal error if not).
// `read` counts documents and unreadable items; records that are not documents (WARC request,
// metadata, non-HTML responses, ...) are counted under `skipped` only.
#ifndef KILANG_PIPELINE_RUNNER_H_
#define KILANG_PIPELINE_RUNNER_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kilang/pipeline/config.h"
#include "kilang/pipeline/plan.h"
#include "kilang/util/status.h"

namespace kilang {

// What stats.json holds (see docs/pipeline.md).
struct RunStats {
  uint64_t read = 0, kept = 0, removed = 0, unreadable = 0;
  uint64_t unreadable_bytes = 0;  // decoded input bytes inside unreadable items (where known)
  std::map<std::string, uint64_t> skipped;                            // by reason
  std::map<std::string, std::map<std::string, uint64_t>> removed_by;  // stage -> reason -> n
  std::map<std::string, uint64_t> counters;  // per-document annotations summed (pii_email, ...)
  // The first 100 unreadable items, in input order; every one of them is in `unreadable_file`
  // (DIR/unreadable.jsonl.zst, one {file, offset, reason} per line) when there are any.
  std::vector<UnreadableItem> unreadable_inputs;
  std::map<std::string, uint64_t> unreadable_by_reason;  // all items, by reason (digits as '#')
  std::string unreadable_file;                           // relative to DIR; "" when none
  // Inputs that cost no document but deserve a look (e.g. an empty WARC/JSONL file): the first
  // 100, and how many there are.
  std::vector<UnreadableItem> warnings;
  uint64_t warnings_count = 0;
  std::vector<std::string> ignored_files;  // files in input folders that are not inputs
  uint64_t limit = 0;                      // run.limit (0: none)
  bool limited = false;  // the limit stopped the reading (inputs were left unread)
  uint64_t tasks = 0;
  uint64_t input_bytes = 0;         // size of the input files as stored
  uint64_t output_bytes = 0;        // uncompressed JSONL bytes written (kept + removed)
  std::vector<std::string> shards;  // kept shards, relative to DIR
  std::string dedup_json;           // the dedup phase's figures (a JSON object), if it ran
};

// Where the time went, summed over workers, for this invocation only. read/stages/write are
// thread CPU seconds (not wall time), so they stay meaningful on a busy machine.
struct RunTimings {
  double wall = 0;
  double read = 0;    // reading: file I/O, decompression, WARC/HTTP/JSON parsing
  double stages = 0;  // all stages (extract, filters, ...)
  double write = 0;   // JSON serialisation, compression, file writes
  std::map<std::string, double> per_stage;
  uint64_t tasks_run = 0, tasks_resumed = 0;
  uint64_t docs = 0;            // documents processed in this invocation
  uint64_t bytes_consumed = 0;  // stored input bytes consumed in this invocation
  uint64_t bytes_decoded = 0;   // the same, decompressed
  // Per worker thread: its CPU seconds reading, in stages and writing (how evenly the work was
  // spread: one big file is shared by every worker through batches).
  std::vector<double> worker_cpu;
};

struct RunSummary {
  RunStats stats;
  RunTimings timings;
};

// Runs the pipeline. Errors: InvalidArgument (no inputs, unsupported executor, output folder
// holds another run or unrelated files), IoError (the output cannot be written). Bad inputs are
// not errors: they are counted in stats.unreadable.
//
// `stop` (may be null): when it turns true (a signal handler sets it), the run stops as soon as
// it can — between documents, and between shards of the dedup phase; a dedup step already
// under way runs to its end — leaving no temporary file (`*.tmp.<pid>`) behind, and returns
// Cancelled; the same command resumes it. Errors of the output folder (it cannot be created or
// written, disk full) are IoError; other folder trouble (a run's intermediate files missing) is
// NotFound or Corruption.
Result<RunSummary> RunPipeline(const RunConfig& config, const std::vector<std::string>& inputs,
                               const std::string& output_dir,
                               const std::atomic<bool>* stop = nullptr);

// What RunPipeline would do (`kilang run --dry-run`), as text, without reading any input beyond
// its first bytes (to tell its kind) and without touching the output folder: the output folder's
// state, the tasks with their inputs and sizes, ignored files, problems found while planning,
// the worker count and the effective config (RunConfig::ToYaml). The same usage errors as
// RunPipeline.
Result<std::string> DescribeRun(const RunConfig& config, const std::vector<std::string>& inputs,
                                const std::string& output_dir);

}  // namespace kilang

#endif  // KILANG_PIPELINE_RUNNER_H_
