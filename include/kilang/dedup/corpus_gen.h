// Seeded, deterministic corpus generators for dedup tests and benchmarks.
//
// NearDupCorpus: from base texts (e.g. articleBody of /work/shared/data/aeb/gold/*.json) it
// builds copies with controlled edits until the copy's exact Jaccard similarity with its base
// (word 5-gram shingles of the normalised text, as MinHash sees them) first drops to or below a
// target drawn from `targets`. The achieved similarity is recorded with each copy.
//
// SyntheticCorpus: fast generation of many documents (benchmarks) with a known share of exact
// and near duplicates, from a fixed vocabulary; no file input.
#ifndef KILANG_DEDUP_CORPUS_GEN_H_
#define KILANG_DEDUP_CORPUS_GEN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "kilang/core/document.h"
#include "kilang/dedup/normalize.h"
#include "kilang/util/status.h"

namespace kilang::dedup {

enum class EditKind { kSubstitute, kInsert, kDelete, kBoilerplate, kReorder, kMixed };
const char* EditKindName(EditKind k);

struct NearDupOptions {
  uint64_t seed = 42;
  size_t copies_per_base = 6;
  size_t min_base_words = 40;  // bases with fewer words get no copies (still in the corpus)
  std::vector<double> targets = {0.55, 0.65, 0.72, 0.78, 0.82, 0.86, 0.9, 0.94, 0.97, 1.0};
  size_t ngram = 5;
  NormalizeOptions normalize;
  size_t shards = 4;
};

struct GeneratedCopy {
  size_t base_doc;  // index into NearDupCorpus::docs of the base document
  size_t copy_doc;  // index of the copy
  EditKind kind;
  double target;
  double jaccard;  // achieved exact Jaccard with the base
};

struct NearDupCorpus {
  std::vector<Document> docs;  // bases first (ids "base-N"), then copies ("copy-N-M")
  std::vector<GeneratedCopy> copies;
  // Shard assignment: a seeded shuffle of docs into `shards` shards (position = order within).
  std::vector<std::vector<size_t>> shards;
};

// Builds the corpus. Deterministic for given inputs and options.
NearDupCorpus MakeNearDupCorpus(const std::vector<std::string>& bases, const NearDupOptions& o);

// Reads the "articleBody" strings of every *.json file in `dir` (sorted by file name).
Result<std::vector<std::string>> LoadArticleBodies(const std::string& dir);

struct SyntheticOptions {
  uint64_t seed = 7;
  size_t docs = 100000;
  size_t words_min = 150, words_max = 900;  // document length in words
  double exact_dup_rate = 0.05;             // share of docs that are exact copies of an earlier one
  double near_dup_rate = 0.10;              // share that are edited copies (~3% of words changed)
};

// Document `i` of the synthetic corpus (generated on demand; the same for the same i and
// options). Thread-safe.
class SyntheticCorpus {
 public:
  explicit SyntheticCorpus(const SyntheticOptions& o);
  void MakeDoc(size_t i, Document* doc) const;
  size_t size() const { return o_.docs; }

 private:
  void Original(uint64_t key, std::string* text) const;
  SyntheticOptions o_;
  std::vector<std::string> vocab_;
};

}  // namespace kilang::dedup

#endif  // KILANG_DEDUP_CORPUS_GEN_H_
