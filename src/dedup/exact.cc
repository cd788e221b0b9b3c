// Phase 2 of the dedup driver: groups of equal normalised text, per hash partition.
#include <algorithm>
#include <atomic>

#include "dedup_internal.h"

namespace kilang::dedup::internal {

Status DedupRun::FindExactDuplicates() {
  std::atomic<uint64_t> dups{0};
  Status st = ForEachItem(o_.partitions, [&](size_t p) -> Status {
    if (ValidFile(P2(p), 2)) {
      auto f = OpenValid(P2(p), 2);
      if (!f.ok()) return f.status();
      uint64_t n = 0;
      for (size_t s = 0; s < (*f)->num_sections(); ++s) n += (*f)->section_records(s);
      dups += n;
      return Status::Ok();
    }
    ShardCursors c;
    for (size_t s = 0; s < shards_; ++s) {
      auto f = OpenValid(P1(s, ".exact"), 3);
      if (!f.ok()) return f.status();
      c.cursors.push_back(
          std::make_unique<SectionCursor>(f->get(), p, CursorBuffer(shards_), true));
      c.raw.push_back(c.cursors.back().get());
      c.files.push_back(std::move(f).value());
    }
    ExternalSorter drops(2, SorterBudget(2), dir_ + "/tmp", "x" + ShardName(p));
    uint64_t cur_hi = 0, cur_lo = 0, kept = 0;
    bool have = false;
    Status add_st;
    KILANG_RETURN_IF_ERROR(MergeStreams(c.raw, 3, false, [&](const uint64_t* r) {
      if (have && r[0] == cur_hi && r[1] == cur_lo) {
        uint64_t rec[2] = {r[2], kept};
        Status a = drops.Add(rec);
        if (!a.ok() && add_st.ok()) add_st = a;
        return;
      }
      have = true;
      cur_hi = r[0];
      cur_lo = r[1];
      kept = r[2];
    }));
    KILANG_RETURN_IF_ERROR(add_st);
    RecordFileWriter w(P2(p), 2, shards_, tag_);
    KILANG_RETURN_IF_ERROR(w.Open());
    KILANG_RETURN_IF_ERROR(
        drops.Drain(true, [&](const uint64_t* r) { w.Append(KeyShard(r[0]), r); }));
    dups += w.records();
    KILANG_RETURN_IF_ERROR(w.Finish());
    Produced(P2(p));
    return Status::Ok();
  });
  counters_["exact_duplicates"] = dups;
  return st;
}

Status DedupRun::LoadDropped(bool resolved, std::vector<uint64_t>* out) {
  out->clear();
  std::vector<uint64_t> rec(4);
  if (resolved) {
    if (!o_.exact && !o_.minhash) return Status::Ok();
    auto f = OpenValid(P4(), 4);
    if (!f.ok()) return f.status();
    for (size_t s = 0; s < (*f)->num_sections(); ++s) {
      SectionCursor c(f->get(), s, 1 << 16, true);
      while (c.Next(rec.data())) {
        if (rec[3] != kClusterKept) out->push_back(rec[0]);
      }
      KILANG_RETURN_IF_ERROR(c.status());
    }
  } else if (o_.exact) {
    for (size_t p = 0; p < o_.partitions; ++p) {
      auto f = OpenValid(P2(p), 2);
      if (!f.ok()) return f.status();
      for (size_t s = 0; s < (*f)->num_sections(); ++s) {
        SectionCursor c(f->get(), s, 1 << 16, true);
        while (c.Next(rec.data())) out->push_back(rec[0]);
        KILANG_RETURN_IF_ERROR(c.status());
      }
    }
  }
  std::sort(out->begin(), out->end());
  return Status::Ok();
}

}  // namespace kilang::dedup::internal
