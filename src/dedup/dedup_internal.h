// Internal to dedup: the phase driver shared by the files of src/dedup/, one per phase:
//   signatures.cc        1 per shard: exact hash, band keys, verification data, line keys, ids
//   exact.cc             2 per hash partition: groups of equal normalised text
//   candidate_pairs.cc   3 per LSH band: documents sharing a band key -> candidate pairs
//   representatives.cc   4 one pass over all pairs: verification, one representative per group
//   frequent_lines.cc    5 per hash partition: lines in >= min_docs surviving documents
//   plan.cc              6 per shard: the verdict file the ShardFilter reads; DedupPlan
// and dedup.cc: the driver (phase markers, resume, rebuild of corrupt files) and the public entry
// points. See include/kilang/dedup/dedup.h for the contract and docs/dedup.md for the design.
#ifndef KILANG_SRC_DEDUP_DEDUP_INTERNAL_H_
#define KILANG_SRC_DEDUP_DEDUP_INTERNAL_H_

#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "kilang/dedup/dedup.h"
#include "kilang/util/parallel.h"
#include "record_file.h"

namespace kilang::dedup::internal {

// Plan record kinds.
constexpr uint64_t kExactDup = 1, kNearDup = 2, kClusterKept = 3;

inline std::string ShardName(size_t s) {
  char b[16];
  std::snprintf(b, sizeof(b), "%06zu", s);
  return b;
}

inline Status MakeDir(const std::string& d) {
  if (::mkdir(d.c_str(), 0755) != 0 && errno != EEXIST) return ErrnoStatus("mkdir " + d);
  return Status::Ok();
}

inline bool FileExists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

// Fingerprint of every option that changes results, plus the shard count: the `tag` of every
// intermediate file (a file written with other options is rebuilt, never reused).
uint64_t OptionsTag(const DedupOptions& o, size_t shards);

// Partition of a uniformly distributed 64-bit hash: its top bits scaled to [0, p).
inline size_t PartitionOf(uint64_t h, size_t p) {
  return static_cast<size_t>((static_cast<unsigned __int128>(h) * p) >> 64);
}

// Opens section `section` of the file kind `ext` of every shard as sorted cursors.
struct ShardCursors {
  std::vector<std::unique_ptr<RecordFile>> files;
  std::vector<std::unique_ptr<SectionCursor>> cursors;
  std::vector<RecordStream*> raw;
};

// One run of the dedup phases over a corpus and a work directory (RunDedup).
class DedupRun {
 public:
  DedupRun(const ShardedCorpus& corpus, std::string dir, const DedupOptions& o)
      : corpus_(corpus),
        dir_(std::move(dir)),
        o_(o),
        shards_(corpus.num_shards()),
        tag_(OptionsTag(o, corpus.num_shards())),
        norm_(o.normalize),
        hasher_(o.minhash_options),
        line_norm_(o.lines.normalize) {}

  Result<DedupStats> Run();

 private:
  // File names.
  std::string P1(size_t s, const char* ext) const { return dir_ + "/p1/" + ShardName(s) + ext; }
  std::string P2(size_t p) const { return dir_ + "/p2/" + ShardName(p) + ".exact"; }
  std::string P3(size_t b) const { return dir_ + "/p3/" + ShardName(b) + ".pairs"; }
  std::string P4() const { return dir_ + "/p4/clusters"; }
  std::string P5(size_t p) const { return dir_ + "/p5/" + ShardName(p) + ".lines"; }
  std::string P6(size_t s) const { return dir_ + "/p6/" + ShardName(s) + ".plan"; }
  std::string P6Refs(size_t s) const { return dir_ + "/p6/" + ShardName(s) + ".refs"; }
  std::string Marker(int phase) const { return dir_ + "/phase" + std::to_string(phase) + ".done"; }
  // ParallelFor over the current phase's n items, reporting progress (DedupOptions::progress).
  Status ForEachItem(size_t n, const std::function<Status(size_t)>& fn) {
    if (!o_.progress) return ParallelFor(n, o_.threads, fn);
    const int phase = phase_;
    return ParallelFor(n, o_.threads, fn,
                       [&](size_t done) { o_.progress(phase, PhaseName(phase), done, n); });
  }
  static const char* PhaseName(int phase) {
    static const char* const kNames[] = {"",         "signatures", "exact", "bands",
                                         "clusters", "lines",      "plan"};
    return phase >= 1 && phase <= 6 ? kNames[phase] : "";
  }
  int phase_ = 0;  // the phase RunPhase is running

  size_t BandWords() const { return 2; }
  size_t SigWords() const { return o_.minhash_options.num_hashes(); }
  bool NeedSig() const { return o_.minhash && o_.verify == VerifyMode::kSignature; }
  bool NeedShingles() const { return o_.minhash && o_.verify == VerifyMode::kExact; }
  // Document ids, for annotations that name the representative.
  bool NeedIds() const { return o_.exact || o_.minhash; }
  size_t SorterBudget(size_t sorters) const {
    return std::max<size_t>(4096, o_.memory_budget_bytes / std::max<size_t>(1, o_.threads) /
                                      std::max<size_t>(1, sorters));
  }
  size_t CursorBuffer(size_t cursors) const {
    size_t b =
        o_.memory_budget_bytes / std::max<size_t>(1, o_.threads) / 2 / std::max<size_t>(1, cursors);
    return std::clamp<size_t>(b, 4096, 1 << 20);
  }

  // Whether `path` holds a valid file of this run (validated at most once per process).
  // `sorted`: the file's sections must be in ascending order (not for shingle sets and ids).
  bool ValidFile(const std::string& path, size_t words, bool sorted = true);
  Result<std::unique_ptr<RecordFile>> OpenValid(const std::string& path, size_t words);
  void Produced(const std::string& path) {
    std::lock_guard<std::mutex> l(mu_);
    valid_.insert(path);
  }

  // Phase markers hold the tag and the phase's counters.
  bool PhaseDone(int phase, std::map<std::string, uint64_t>* counters);
  Status MarkPhase(int phase, const std::map<std::string, uint64_t>& counters);
  Status RunPhase(int phase, const std::function<Status()>& body);

  Status ComputeSignatures();
  Status ComputeShardSignatures(size_t s);
  bool ShardSignaturesDone(size_t s);
  Status FindExactDuplicates();
  Status CollectCandidatePairs();
  Status AssignRepresentatives();
  // Phase 4's state, per dense document number: rep = the document it is a duplicate of (itself
  // when kept); kind = 0 (kept), kExactDup or kNearDup.
  struct Assignment {
    std::vector<uint32_t> rep;
    std::vector<uint8_t> kind;
  };
  uint32_t Dense(DocKey k) const;
  DocKey KeyOfDense(uint64_t d) const;
  Status LoadExactAssignments(Assignment* as);
  Status AssignNearDuplicates(Assignment* as);
  Status WriteGroups(Assignment* as);
  Status FindFrequentLines();
  Status WriteShardPlans();
  Status LoadShardCounts();
  // The documents removed by exact dedup as phase 2 found them or, with `resolved`, by exact or
  // MinHash dedup as phase 4 resolved them; sorted.
  Status LoadDropped(bool resolved, std::vector<uint64_t>* out);
  // Deletes every intermediate file that fails validation (and the markers of their phases).
  size_t RevalidateAll();

  const ShardedCorpus& corpus_;
  std::string dir_;
  DedupOptions o_;
  size_t shards_;
  uint64_t tag_;
  Normalizer norm_;
  MinHasher hasher_;
  Normalizer line_norm_;
  std::mutex mu_;
  std::set<std::string> valid_;
  std::map<std::string, uint64_t> counters_;  // current phase's counters
  std::vector<uint64_t> shard_docs_, shard_offset_;
  DedupStats stats_;
  uint64_t rebuilt_ = 0;
};

}  // namespace kilang::dedup::internal

#endif  // KILANG_SRC_DEDUP_DEDUP_INTERNAL_H_
