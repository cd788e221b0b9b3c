// Phase 4 of the dedup driver: verification and one representative per group.
//
// The phase walks the unique candidate pairs (a, b), a < b, in DocKey order, so every pair (x, a)
// that could make `a` a duplicate is decided before the first pair (a, ·): when `a` is reached as
// the first document of a pair its status is final. A document that is still unassigned then is
// a representative; a representative never becomes a duplicate later, and a duplicate is only
// ever assigned to a representative after the pair (representative, duplicate) passed
// verification. So there are no chains: every removed document resembles the document it names,
// and every group has one kept document. (Union-find over the verified edges, the former design,
// joined unrelated documents through chains of similar ones and then removed all of them in
// favour of one that resembled none.)
//
// For a pair (a, b) whose `a` is itself a duplicate, b is verified against a's representative.
// Verification runs in parallel on batches of pairs, speculatively against the state at the start
// of the batch; a pair whose anchor changed within the batch is verified again.
#include <algorithm>
#include <vector>

#include "dedup_internal.h"

namespace kilang::dedup::internal {
namespace {

// Reads the phase-1 verification data (shingle sets or signatures) and decides whether two
// documents are similar enough. Thread-safe (pread); each thread passes its own buffers.
class PairVerifier {
 public:
  PairVerifier(const DedupOptions& o, size_t sig_words) : o_(o), k_(sig_words) {}
  // Takes the opened `.shing` (kExact) or `.sig` (kSignature) file of each shard.
  void AddShard(std::unique_ptr<RecordFile> f) { files_.push_back(std::move(f)); }

  struct Buffers {
    std::vector<uint64_t> a, b;
  };
  Result<bool> Similar(DocKey a, DocKey b, Buffers* buf) const {
    if (o_.verify == VerifyMode::kNone) return true;
    const RecordFile* fa = files_[KeyShard(a)].get();
    const RecordFile* fb = files_[KeyShard(b)].get();
    if (o_.verify == VerifyMode::kSignature) {
      buf->a.resize(k_);
      buf->b.resize(k_);
      KILANG_RETURN_IF_ERROR(fa->ReadRecord(0, KeyPos(a), buf->a.data()));
      KILANG_RETURN_IF_ERROR(fb->ReadRecord(0, KeyPos(b), buf->b.data()));
      return MinHasher::EstimateJaccard(buf->a.data(), buf->b.data(), k_) >= o_.verify_threshold;
    }
    KILANG_RETURN_IF_ERROR(LoadSet(fa, a, &buf->a));
    KILANG_RETURN_IF_ERROR(LoadSet(fb, b, &buf->b));
    return Jaccard(buf->a, buf->b) >= o_.verify_threshold;
  }

 private:
  // The sorted, unique shingle hashes of document `key`.
  static Status LoadSet(const RecordFile* f, DocKey key, std::vector<uint64_t>* v) {
    uint64_t off[2];
    KILANG_RETURN_IF_ERROR(f->ReadRecords(1, KeyPos(key), 2, off));
    if (off[1] < off[0]) return Status::Corruption(f->path() + ": bad offsets");
    v->resize(off[1] - off[0]);
    if (v->empty()) return Status::Ok();
    return f->ReadRecords(0, off[0], v->size(), v->data());
  }
  static double Jaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
    size_t i = 0, j = 0, inter = 0;
    while (i < a.size() && j < b.size()) {
      if (a[i] < b[j]) {
        ++i;
      } else if (a[i] > b[j]) {
        ++j;
      } else {
        ++inter;
        ++i;
        ++j;
      }
    }
    const size_t uni = a.size() + b.size() - inter;
    return uni == 0 ? 0.0 : static_cast<double>(inter) / static_cast<double>(uni);
  }

  const DedupOptions& o_;
  const size_t k_;
  std::vector<std::unique_ptr<RecordFile>> files_;
};

}  // namespace

// Documents are numbered densely in DocKey order for the arrays of this phase.
uint32_t DedupRun::Dense(DocKey k) const {
  return static_cast<uint32_t>(shard_offset_[KeyShard(k)] + KeyPos(k));
}

DocKey DedupRun::KeyOfDense(uint64_t d) const {
  // The last shard whose first document is <= d (empty shards share their offset).
  const size_t s =
      std::upper_bound(shard_offset_.begin(), shard_offset_.end(), d) - shard_offset_.begin() - 1;
  return MakeDocKey(static_cast<uint32_t>(s), static_cast<uint32_t>(d - shard_offset_[s]));
}

Status DedupRun::LoadExactAssignments(Assignment* as) {
  uint64_t r[2];
  for (size_t p = 0; p < o_.partitions; ++p) {
    auto f = OpenValid(P2(p), 2);
    if (!f.ok()) return f.status();
    for (size_t s = 0; s < (*f)->num_sections(); ++s) {
      SectionCursor c(f->get(), s, 1 << 16, true);
      while (c.Next(r)) {
        as->rep[Dense(r[0])] = Dense(r[1]);
        as->kind[Dense(r[0])] = kExactDup;
      }
      KILANG_RETURN_IF_ERROR(c.status());
    }
  }
  return Status::Ok();
}

Status DedupRun::AssignNearDuplicates(Assignment* as) {
  PairVerifier verifier(o_, SigWords());
  if (o_.verify != VerifyMode::kNone) {
    for (size_t s = 0; s < shards_; ++s) {
      auto f = NeedSig() ? OpenValid(P1(s, ".sig"), SigWords()) : OpenValid(P1(s, ".shing"), 1);
      if (!f.ok()) return f.status();
      verifier.AddShard(std::move(f).value());
    }
  }
  std::vector<uint32_t>& rep = as->rep;
  std::vector<uint8_t>& kind = as->kind;
  // The document a pair's second member is checked against: the first member, or its
  // representative when the first member is a duplicate.
  auto anchor_of = [&](uint32_t a) { return kind[a] == kNearDup ? rep[a] : a; };

  ShardCursors c;
  for (size_t b = 0; b < o_.minhash_options.bands; ++b) {
    auto f = OpenValid(P3(b), 2);
    if (!f.ok()) return f.status();
    c.cursors.push_back(
        std::make_unique<SectionCursor>(f->get(), 0, CursorBuffer(o_.minhash_options.bands), true));
    c.raw.push_back(c.cursors.back().get());
    c.files.push_back(std::move(f).value());
  }
  // The assignments, for inspection and quality measurement (ReadVerifiedPairs).
  RecordFileWriter edges(P4() + ".edges", 2, 1, tag_);
  KILANG_RETURN_IF_ERROR(edges.Open());
  const size_t kBatch = 1 << 14;
  std::vector<uint32_t> batch;  // pairs, dense
  std::vector<uint32_t> spec;   // speculative anchor per pair (UINT32_MAX: not checked)
  std::vector<uint8_t> ok;
  Status batch_st;
  PairVerifier::Buffers seq;  // for the sequential re-verification
  uint64_t candidates = 0, verified = 0, skipped = 0, reverified = 0;
  auto flush = [&]() {
    if (batch.empty() || !batch_st.ok()) return;
    const size_t m = batch.size() / 2;
    spec.assign(m, UINT32_MAX);
    ok.assign(m, 0);
    for (size_t i = 0; i < m; ++i) {
      if (kind[batch[2 * i + 1]] == 0) spec[i] = anchor_of(batch[2 * i]);
    }
    const size_t chunks = std::max<size_t>(1, std::min<size_t>(o_.threads, m / 64 + 1));
    batch_st = ParallelFor(chunks, o_.threads, [&](size_t t) -> Status {
      PairVerifier::Buffers buf;
      for (size_t i = t; i < m; i += chunks) {
        if (spec[i] == UINT32_MAX) continue;
        auto r = verifier.Similar(KeyOfDense(spec[i]), KeyOfDense(batch[2 * i + 1]), &buf);
        if (!r.ok()) return r.status();
        ok[i] = *r ? 1 : 0;
      }
      return Status::Ok();
    });
    for (size_t i = 0; i < m && batch_st.ok(); ++i) {
      const uint32_t b = batch[2 * i + 1];
      if (kind[b] != 0) {
        ++skipped;
        continue;
      }
      const uint32_t anchor = anchor_of(batch[2 * i]);
      bool similar = ok[i] != 0;
      if (anchor != spec[i]) {  // the first member was assigned within this batch
        ++reverified;
        auto r = verifier.Similar(KeyOfDense(anchor), KeyOfDense(b), &seq);
        if (!r.ok()) batch_st = r.status();
        similar = r.ok() && *r;
      }
      if (!similar) continue;
      ++verified;
      rep[b] = anchor;
      kind[b] = kNearDup;
      uint64_t e[2] = {KeyOfDense(anchor), KeyOfDense(b)};
      edges.Append(0, e);
    }
    batch.clear();
    if (o_.progress) {
      o_.progress(4, PhaseName(4), candidates, std::max(candidates, stats_.candidate_pairs));
    }
  };
  KILANG_RETURN_IF_ERROR(MergeStreams(c.raw, 2, true, [&](const uint64_t* r) {
    ++candidates;
    batch.push_back(Dense(r[0]));
    batch.push_back(Dense(r[1]));
    if (batch.size() / 2 >= kBatch) flush();
  }));
  flush();
  KILANG_RETURN_IF_ERROR(batch_st);
  KILANG_RETURN_IF_ERROR(edges.Finish());
  counters_["candidate_pairs"] = candidates;
  counters_["verified_pairs"] = verified;
  counters_["skipped_pairs"] = skipped;
  counters_["reverified_pairs"] = reverified;
  return Status::Ok();
}

Status DedupRun::WriteGroups(Assignment* as) {
  const uint64_t n = as->rep.size();
  std::vector<uint32_t>& rep = as->rep;
  // Final representatives: an exact duplicate of a document MinHash removed follows it to its
  // representative (never a chain longer than that: representatives are kept).
  for (uint64_t d = 0; d < n; ++d) {
    if (as->kind[d] == kExactDup && as->kind[rep[d]] == kNearDup) rep[d] = rep[rep[d]];
  }
  // Group sizes (the representative, its exact and its near duplicates), then one record per
  // member of every group of >= 2 documents: {key, representative's key, size, kind}.
  std::vector<uint32_t> size(n, 0);
  for (uint64_t d = 0; d < n; ++d) ++size[rep[d]];
  RecordFileWriter w(P4(), 4, shards_, tag_);
  KILANG_RETURN_IF_ERROR(w.Open());
  uint64_t clusters = 0, near = 0;
  for (size_t s = 0; s < shards_; ++s) {
    for (uint64_t p = 0; p < shard_docs_[s]; ++p) {
      const uint64_t d = shard_offset_[s] + p;
      const uint32_t r = rep[d];
      if (size[r] < 2) continue;
      const uint64_t k = as->kind[d] == 0 ? kClusterKept : as->kind[d];
      uint64_t rec[4] = {MakeDocKey(static_cast<uint32_t>(s), static_cast<uint32_t>(p)),
                         KeyOfDense(r), size[r], k};
      if (k == kClusterKept) ++clusters;
      if (k == kNearDup) ++near;
      w.Append(s, rec);
    }
  }
  KILANG_RETURN_IF_ERROR(w.Finish());
  Produced(P4());
  counters_["clusters"] = clusters;
  counters_["near_duplicates"] = near;
  return Status::Ok();
}

Status DedupRun::AssignRepresentatives() {
  const uint64_t n = shard_offset_[shards_];
  if (n >= UINT32_MAX) return Status::ResourceExhausted("more than 2^32-1 documents");
  Assignment as;
  as.rep.resize(n);
  for (uint64_t i = 0; i < n; ++i) as.rep[i] = static_cast<uint32_t>(i);
  as.kind.assign(n, 0);
  if (o_.exact) KILANG_RETURN_IF_ERROR(LoadExactAssignments(&as));
  if (o_.minhash) KILANG_RETURN_IF_ERROR(AssignNearDuplicates(&as));
  return WriteGroups(&as);
}

}  // namespace kilang::dedup::internal
