// Phase 5 of the dedup driver: repeated lines, per hash partition.
#include <algorithm>
#include <atomic>

#include "dedup_internal.h"

namespace kilang::dedup::internal {

// Records {line key, first document}: the line keys found in >= min_docs surviving documents,
// with the first of those documents (DocKey order), which keeps the line when keep_first is on.
Status DedupRun::FindFrequentLines() {
  std::vector<uint64_t> dropped;
  KILANG_RETURN_IF_ERROR(LoadDropped(true, &dropped));
  std::atomic<uint64_t> frequent{0};
  const uint32_t min_docs = std::max<uint32_t>(1, o_.lines.min_docs);
  Status st = ForEachItem(o_.partitions, [&](size_t p) -> Status {
    if (ValidFile(P5(p), 2)) {
      auto f = OpenValid(P5(p), 2);
      if (!f.ok()) return f.status();
      frequent += (*f)->section_records(0);
      return Status::Ok();
    }
    ShardCursors c;
    for (size_t s = 0; s < shards_; ++s) {
      auto f = OpenValid(P1(s, ".lines"), 2);
      if (!f.ok()) return f.status();
      c.cursors.push_back(
          std::make_unique<SectionCursor>(f->get(), p, CursorBuffer(shards_), true));
      c.raw.push_back(c.cursors.back().get());
      c.files.push_back(std::move(f).value());
    }
    RecordFileWriter w(P5(p), 2, 1, tag_);
    KILANG_RETURN_IF_ERROR(w.Open());
    uint64_t cur = 0, first = 0;
    uint32_t count = 0;
    bool have = false;
    auto close = [&]() {
      if (have && count >= min_docs) {
        uint64_t rec[2] = {cur, first};
        w.Append(0, rec);
      }
    };
    KILANG_RETURN_IF_ERROR(MergeStreams(c.raw, 2, true, [&](const uint64_t* r) {
      if (!have || r[0] != cur) {
        close();
        have = true;
        cur = r[0];
        count = 0;
      }
      if (!std::binary_search(dropped.begin(), dropped.end(), r[1])) {
        if (count == 0) first = r[1];
        ++count;
      }
    }));
    close();
    frequent += w.records();
    KILANG_RETURN_IF_ERROR(w.Finish());
    Produced(P5(p));
    return Status::Ok();
  });
  counters_["frequent_lines"] = frequent;
  return st;
}

}  // namespace kilang::dedup::internal
