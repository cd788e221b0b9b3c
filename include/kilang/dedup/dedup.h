// Corpus-scale deduplication: exact, MinHash near-duplicates, and repeated lines (CCNet style),
// run as resumable phases over shards with checksummed intermediate files.
//
// The pipeline gives a ShardedCorpus (shards of documents that can be read again, in the same
// order) and a work directory. Deduplicator::Run() computes a plan in phases:
//   1 signatures   per shard: exact hash, MinHash band keys, full signatures, line hashes, ids
//   2 exact        per hash partition: groups of equal normalised text -> dropped docs
//   3 bands        per LSH band: docs sharing a band key -> candidate pairs (sorted, unique)
//   4 clusters     one pass over all candidate pairs in DocKey order: verification (parallel)
//                  and the assignment of every duplicate to one kept representative
//   5 lines        per hash partition: documents per line (surviving docs only) -> frequent lines
//   6 plan         per shard: verdict file (dropped docs, cluster annotations, the ids they name)
// Then, while writing its output, the pipeline opens a ShardFilter per shard and calls Apply() on
// every document in order. Phases and their tasks skip work whose output file already exists and
// validates, so a run killed at any point resumes where it stopped. See docs/dedup.md.
//
// Document identity: (shard index, position in shard) -> DocKey = shard << 32 | position. The
// deterministic order is DocKey order.
//
// IMPORTANT, the representative rule (no stage ever deletes every copy of a text):
//  - every group of duplicates has exactly one representative, the document that is kept; the
//    exact stage and the MinHash stage agree on it: an exact duplicate of a document that
//    MinHash removes points to that document's representative;
//  - a document removed by MinHash was verified against its representative itself (not against
//    some other member of a chain), so it resembles the document it names;
//  - repeated-line removal never removes a representative: a representative that would be left
//    too short keeps its text, and by default each repeated line is kept in the first document
//    that holds it (LineDedupOptions::keep_first);
//  - removed documents name their representative by its document id (`duplicate_of`,
//    `dedup_cluster_id`), so a cluster can be listed with a text search over the output.
#ifndef KILANG_DEDUP_DEDUP_H_
#define KILANG_DEDUP_DEDUP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kilang/core/document.h"
#include "kilang/dedup/minhash.h"
#include "kilang/dedup/normalize.h"
#include "kilang/pipeline/stage.h"
#include "kilang/util/status.h"

namespace kilang::dedup {

using DocKey = uint64_t;
inline DocKey MakeDocKey(uint32_t shard, uint32_t pos) {
  return (static_cast<uint64_t>(shard) << 32) | pos;
}
inline uint32_t KeyShard(DocKey k) { return static_cast<uint32_t>(k >> 32); }
inline uint32_t KeyPos(DocKey k) { return static_cast<uint32_t>(k); }

// Shards of documents. ReadShard must deliver the same documents in the same order every time
// it is called (the dedup phases read each shard once, the filter once more). Thread-safe for
// concurrent calls on different shards.
class ShardedCorpus {
 public:
  virtual ~ShardedCorpus() = default;
  virtual size_t num_shards() const = 0;
  // Calls fn(doc) for each document of `shard` in order; stops at the first non-OK status of
  // `fn` and returns it.
  virtual Status ReadShard(size_t shard,
                           const std::function<Status(const Document&)>& fn) const = 0;
};

// A corpus held in memory (tests, small runs). Not copyable: it may be large.
class VectorCorpus : public ShardedCorpus {
 public:
  explicit VectorCorpus(std::vector<std::vector<Document>> shards) : shards_(std::move(shards)) {}
  size_t num_shards() const override { return shards_.size(); }
  Status ReadShard(size_t shard, const std::function<Status(const Document&)>& fn) const override;
  const std::vector<std::vector<Document>>& shards() const { return shards_; }

 private:
  std::vector<std::vector<Document>> shards_;
};

enum class VerifyMode {
  kNone,       // every band collision is a duplicate edge (datatrove/FineWeb behaviour)
  kSignature,  // keep a candidate pair when its estimated Jaccard (signatures) >= threshold
  kExact,      // keep it when the exact Jaccard of the shingle-hash sets >= threshold; stores
               // every document's shingle hashes in the work dir (~8 bytes per word)
};

struct LineDedupOptions {
  bool enabled = true;
  NormalizeOptions normalize = NormalizeOptions::ForLines();
  // A line is removed when it occurs in at least this many surviving documents (counted once
  // per document). CCNet's two-pass mode is the equivalent of 2.
  uint32_t min_docs = 5;
  // Count lines per host (metadata.site, else the URL's host): chrome repeated on one site is
  // removed from that site only. Default off (corpus-wide counts, as CCNet).
  bool per_host = false;
  // Lines whose normalised form is shorter than this are neither counted nor removed.
  size_t min_line_chars = 1;
  // A document whose remaining text has fewer characters (bytes) than this after removal is
  // dropped with reason "line_dedup_too_short". Documents from which no line was removed are
  // never dropped by this rule.
  size_t min_doc_chars = 100;
  // Keep each frequent line in the first surviving document (DocKey order) that holds it and
  // remove it from the others, so that a text whose every line is repeated elsewhere is not
  // deleted from every copy. Off: removed from every document (CCNet's behaviour).
  bool keep_first = true;
};

struct DedupOptions {
  // Normalisation of whole texts for exact dedup and MinHash shingles.
  NormalizeOptions normalize = NormalizeOptions::ForDocuments();
  bool exact = true;    // exact dedup of normalised text (XXH3-128)
  bool minhash = true;  // near-duplicate dedup
  MinHashOptions minhash_options;
  VerifyMode verify = VerifyMode::kExact;
  // Candidate pairs with (estimated or exact) Jaccard below this are not joined. 0.75 sits at
  // the knee of the 14x8 S-curve (~0.72).
  double verify_threshold = 0.75;
  LineDedupOptions lines;
  // Hash partitions for the exact and line phases (parallel tasks of phases 2 and 5).
  size_t partitions = 8;
  // Worker threads for every phase.
  size_t threads = 2;
  // Upper bound for the memory held in sort buffers and read buffers by all threads together.
  // Above it, sorters spill sorted runs to the work dir. Not counted: the corpus reader's own
  // memory, 4 bytes per document for union-find, 8 bytes per dropped document and per frequent
  // line hash.
  size_t memory_budget_bytes = size_t{512} << 20;
  // Write metadata.extra annotations (dedup_cluster_id, dedup_cluster_size, duplicate_of).
  bool annotate = true;
  // Progress: called with 0/0 when a phase starts, then after each of its work items (a shard,
  // partition, band, or a chunk of a candidate batch) with the items done and the step's item
  // count; with the phase number (1..6) and name ("signatures", "exact", "bands", "clusters",
  // "lines", "plan"); from the worker threads (the callee synchronises). Not called for phases
  // skipped on resume. Null: silent.
  std::function<void(int phase, std::string_view name, size_t done, size_t total)> progress;
  // Fault-injection seam (tests): called with the phase number (1-6) after each phase that ran
  // or was found complete; returning false stops the run there with
  // Status::Internal("stopped after phase N"), as a kill would. Null: never stops.
  std::function<bool(int phase)> after_phase;
};

struct DedupStats {
  uint64_t documents = 0;
  uint64_t empty_documents = 0;             // no words after normalisation: never deduplicated
  uint64_t exact_duplicates = 0;            // dropped by exact dedup
  uint64_t candidate_pairs = 0;             // unique band-collision pairs (after exact dedup)
  uint64_t verified_pairs = 0;              // candidate pairs that passed verification
  uint64_t skipped_pairs = 0;               // already in one cluster: not verified
  uint64_t clusters = 0;                    // groups of >= 2 documents (exact and MinHash together)
  uint64_t near_duplicates = 0;             // dropped by MinHash
  uint64_t frequent_lines = 0;              // distinct line hashes above the threshold
  uint64_t spilled_runs = 0;                // sorter runs written to disk (memory budget hit)
  uint64_t rebuilt_files = 0;               // intermediate files found corrupt and rebuilt
  std::vector<std::string> phases_skipped;  // phases found complete (resume)
  std::vector<std::pair<int, double>> phase_seconds;  // wall time of each phase run now
};

// Runs phases 1-6 (each skipped when already complete). `work_dir` is created if needed; it
// holds only dedup files. Options that change results must not change between a killed run and
// its resumption: files carry a fingerprint of them and are rebuilt on mismatch.
// Errors: IoError (work dir), a corpus read error, Corruption only if a file keeps failing
// validation after being rebuilt.
Result<DedupStats> RunDedup(const ShardedCorpus& corpus, const std::string& work_dir,
                            const DedupOptions& options);

// The verified pairs of phase 4 as (representative, duplicate): every document MinHash removed,
// with the document it was verified against and assigned to. Pairs whose second document was
// already assigned when reached are not verified and not listed.
Result<std::vector<std::pair<DocKey, DocKey>>> ReadVerifiedPairs(const std::string& work_dir);

class DedupPlan;

// Applies the plan to one shard's documents, in order. Not thread-safe (one per shard/worker).
class ShardFilter {
 public:
  // Decides about document `pos` of the shard and edits it: line removal rewrites doc->text,
  // annotations go to doc->metadata.extra ("duplicate_of" and "dedup_cluster_id": the id of
  // the kept representative; "dedup_cluster_size" on the representative: the documents of its
  // group, itself and exact duplicates included; "dedup_lines_removed"). Reasons:
  // "exact_duplicate", "minhash_duplicate", "line_dedup_too_short". REQUIRES: pos values
  // increase between calls.
  Verdict Apply(uint32_t pos, Document* doc);

 private:
  friend class DedupPlan;
  const DedupPlan* plan_ = nullptr;
  uint32_t shard_ = 0;
  std::vector<uint64_t> verdicts_;  // 4 words per entry: pos, kind, rep key, size (by pos)
  std::vector<std::string> refs_;   // the representative's id, per entry
  size_t next_ = 0;
  std::string norm_, key_buf_;
};

// The result of RunDedup, loaded for filtering. Thread-safe; shared by all shard filters.
class DedupPlan {
 public:
  static Result<std::unique_ptr<DedupPlan>> Open(const std::string& work_dir,
                                                 const DedupOptions& options);
  Result<ShardFilter> ForShard(uint32_t shard) const;

  // Whether line key `hash` is removed from the document `key` (frequent, and not kept there
  // as its first occurrence).
  bool RemovesLine(uint64_t hash, DocKey key) const;
  bool HasFrequentLines() const { return !frequent_lines_.empty(); }
  // Line key as counted in phase 5 ("" host when not per host).
  uint64_t LineKey(std::string_view normalized_line, std::string_view host) const;
  const DedupOptions& options() const { return options_; }
  const Normalizer& line_normalizer() const { return line_norm_; }

 private:
  DedupPlan(std::string dir, const DedupOptions& o)
      : dir_(std::move(dir)), options_(o), line_norm_(o.lines.normalize) {}
  std::string dir_;
  DedupOptions options_;
  Normalizer line_norm_;
  std::vector<std::pair<uint64_t, DocKey>> frequent_lines_;  // (line key, first doc), sorted
  uint64_t tag_ = 0;
};

// The host used for per-host line counts: metadata.site if set, else the URL's host.
std::string_view DocumentHost(const Document& doc);

// Convenience for tests and small corpora: RunDedup, then apply the plan to every shard and
// return the kept documents per shard (removed ones are passed to `removed`, if set).
Result<std::vector<std::vector<Document>>> DedupCorpus(
    const ShardedCorpus& corpus, const std::string& work_dir, const DedupOptions& options,
    DedupStats* stats = nullptr,
    const std::function<void(const Document&, const Verdict&)>& removed = nullptr);

}  // namespace kilang::dedup

#endif  // KILANG_DEDUP_DEDUP_H_
