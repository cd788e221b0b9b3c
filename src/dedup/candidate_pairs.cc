// Phase 3 of the dedup driver: candidate pairs from LSH band collisions, per band.
#include <algorithm>
#include <atomic>

#include "dedup_internal.h"

namespace kilang::dedup::internal {

Status DedupRun::CollectCandidatePairs() {
  std::vector<uint64_t> dropped;
  KILANG_RETURN_IF_ERROR(LoadDropped(false, &dropped));
  auto is_dropped = [&](uint64_t k) {
    return std::binary_search(dropped.begin(), dropped.end(), k);
  };
  std::atomic<uint64_t> pairs{0}, spilled{0};
  Status st = ForEachItem(o_.minhash_options.bands, [&](size_t b) -> Status {
    if (ValidFile(P3(b), 2)) {
      auto f = OpenValid(P3(b), 2);
      if (!f.ok()) return f.status();
      pairs += (*f)->section_records(0);
      return Status::Ok();
    }
    ShardCursors c;
    for (size_t s = 0; s < shards_; ++s) {
      auto f = OpenValid(P1(s, ".band"), 2);
      if (!f.ok()) return f.status();
      c.cursors.push_back(
          std::make_unique<SectionCursor>(f->get(), b, CursorBuffer(shards_), true));
      c.raw.push_back(c.cursors.back().get());
      c.files.push_back(std::move(f).value());
    }
    ExternalSorter sorter(2, SorterBudget(1), dir_ + "/tmp", "p" + ShardName(b));
    uint64_t cur = 0, first = 0, prev = 0;
    size_t members = 0;
    Status add_st;
    auto add = [&](uint64_t a, uint64_t bb) {
      uint64_t rec[2] = {a, bb};
      Status s2 = sorter.Add(rec);
      if (!s2.ok() && add_st.ok()) add_st = s2;
    };
    KILANG_RETURN_IF_ERROR(MergeStreams(c.raw, 2, false, [&](const uint64_t* r) {
      if (is_dropped(r[1])) return;
      if (members == 0 || r[0] != cur) {
        cur = r[0];
        first = prev = r[1];
        members = 1;
        return;
      }
      // Star from the group's first document plus a chain between neighbours: linear in the
      // group size, and a false-positive first member cannot isolate the others.
      add(first, r[1]);
      if (members >= 2) add(prev, r[1]);
      prev = r[1];
      ++members;
    }));
    KILANG_RETURN_IF_ERROR(add_st);
    RecordFileWriter w(P3(b), 2, 1, tag_);
    KILANG_RETURN_IF_ERROR(w.Open());
    KILANG_RETURN_IF_ERROR(sorter.Drain(true, [&](const uint64_t* r) { w.Append(0, r); }));
    pairs += w.records();
    spilled += sorter.spilled_runs();
    KILANG_RETURN_IF_ERROR(w.Finish());
    Produced(P3(b));
    return Status::Ok();
  });
  counters_["band_pairs"] = pairs;
  counters_["spilled_runs"] = spilled;
  return st;
}

}  // namespace kilang::dedup::internal
