// The corpus dedup phase of `kilang run` (SPEC default pipeline: ... PII -> exact dedup ->
// MinHash near-dup dedup -> repeated-line removal -> write), run after every per-document task.
//
// With dedup enabled, task i writes its kept documents to DIR/.kilang/stage1/part-<i>.jsonl.zst
// (never modified afterwards). The phase then
//   1. runs dedup::RunDedup over those shards (in task order) with work dir DIR/.kilang/dedup/work
//      (resumable phases), and records its figures in DIR/.kilang/dedup/summary.json;
//   2. per stage-1 shard, applies the plan and writes DIR/part-<i>.jsonl.zst (kept, possibly
//      edited by repeated-line removal) and DIR/removed/dedup-part-<i>.jsonl.zst (dropped, with
//      metadata.stage = exact_dedup | minhash_dedup | line_dedup and metadata.reason), both via a
//      temporary name + rename, then the marker DIR/.kilang/dedup/done/part-<i>.json (last).
// Every state after a kill is recoverable: stage-1 shards are read-only inputs, a shard without a
// marker is simply rewritten (same bytes), and summary.json only exists once RunDedup finished.
// When every shard has its marker, the stage-1 shards and the work dir are removed (unless
// keep_intermediate): a rerun then finds every marker whole and reads neither; a final shard
// deleted by hand after that cannot be rebuilt (NotFound, with a hint).
#ifndef KILANG_PIPELINE_DEDUP_PHASE_H_
#define KILANG_PIPELINE_DEDUP_PHASE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "kilang/dedup/dedup.h"
#include "kilang/io/writer.h"
#include "kilang/pipeline/options.h"
#include "kilang/util/status.h"

namespace kilang {

// The `dedup:` config section. Defaults: on, exact + MinHash + repeated lines.
struct RunDedupOptions {
  bool enabled = true;
  // Keep DIR/.kilang/stage1/ and DIR/.kilang/dedup/work/ after the phase completes (default:
  // removed then, so the kept output is not stored twice).
  bool keep_intermediate = false;
  dedup::DedupOptions options;
  // Local mirrors of options fields that have no binder type of their own.
  std::string verify = "exact";  // none | signature | exact
  uint64_t memory_mb = 512;
  uint64_t line_min_docs = 5;
  // Fault-injection seam (tests; not a config key): called before shard i's marker is written;
  // returning false stops the phase with Status::Internal, as a kill between a shard's rename
  // and its marker would. Null: never stops.
  std::function<bool(size_t shard)> before_marker;
  void Bind(OptionBinder* b);
  // Copies the mirrored fields into `options` (call after setting keys).
  dedup::DedupOptions Resolved(size_t threads) const;
};

// One stage-1 shard to deduplicate.
struct DedupShardInput {
  std::string name;  // "part-00003" (the task's shard name)
  std::string path;  // the stage-1 file
};

// The result for one shard (its marker).
struct DedupShardResult {
  uint64_t in = 0, kept = 0;
  uint64_t in_bytes = 0, out_bytes = 0;  // uncompressed JSONL bytes read / written
  std::map<std::string, std::map<std::string, uint64_t>> removed_by;  // stage -> reason -> n
  std::vector<std::string> shards;  // written, relative to DIR (kept first)
};

struct DedupPhaseResult {
  std::vector<DedupShardResult> shards;  // parallel to the inputs
  std::string summary_json;              // the `dedup` object of stats.json
};

// Runs the phase (see above). `threads` >= 1. Output does not depend on `threads`.
// `progress`, when set, receives one-line progress reports ("dedup 1/6 signatures: 3/8",
// "dedup writing: 5/8 shards"), from worker threads, serialised by the phase.
Result<DedupPhaseResult> RunDedupPhase(
    const RunDedupOptions& options, const std::vector<DedupShardInput>& inputs,
    const std::string& dir, OutputCompression compression, int compression_level, size_t threads,
    const std::function<void(const std::string&)>& progress = nullptr);

}  // namespace kilang

#endif  // KILANG_PIPELINE_DEDUP_PHASE_H_
