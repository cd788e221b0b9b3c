// Phase 6 of the dedup driver (the per-shard verdict files), and their reader: DedupPlan and
// ShardFilter, which the pipeline applies to each shard while it writes the output.
#include <xxhash.h>

#include <algorithm>
#include <fstream>

#include "dedup_internal.h"

namespace kilang::dedup {
namespace internal {

// Per shard: `.plan` records {pos, kind, representative's key, group size} from phase 4 and
// `.refs`, the representative's document id of each record (read from the phase-1 id tables,
// each shard's table opened once per task).
Status DedupRun::WriteShardPlans() {
  counters_["shards"] = shards_;
  std::unique_ptr<RecordFile> p4;
  if (o_.exact || o_.minhash) {
    auto f = OpenValid(P4(), 4);
    if (!f.ok()) return f.status();
    p4 = std::move(f).value();
  }
  return ForEachItem(shards_, [&](size_t s) -> Status {
    if (ValidFile(P6(s), 4) && (!p4 || ValidFile(P6Refs(s), 1, false))) return Status::Ok();
    std::vector<uint64_t> recs;  // 4 words each
    if (p4) {
      uint64_t rec[4];
      SectionCursor c(p4.get(), s, 1 << 14, true);
      while (c.Next(rec)) recs.insert(recs.end(), {KeyPos(rec[0]), rec[3], rec[1], rec[2]});
      KILANG_RETURN_IF_ERROR(c.status());
    }
    const size_t m = recs.size() / 4;
    // Resolve the representatives' ids, grouped by the shard that holds them.
    std::vector<std::string> ids(m);
    std::vector<std::pair<uint64_t, size_t>> wanted;  // (rep key, record index)
    wanted.reserve(m);
    for (size_t i = 0; i < m; ++i) wanted.emplace_back(recs[4 * i + 2], i);
    std::sort(wanted.begin(), wanted.end());
    std::unique_ptr<RecordFile> table;
    size_t table_shard = SIZE_MAX;
    for (size_t i = 0; i < wanted.size(); ++i) {
      const uint64_t key = wanted[i].first;
      if (i > 0 && wanted[i - 1].first == key) {
        ids[wanted[i].second] = ids[wanted[i - 1].second];
        continue;
      }
      if (KeyShard(key) != table_shard) {
        table_shard = KeyShard(key);
        auto f = OpenValid(P1(table_shard, ".ids"), 1);
        if (!f.ok()) return f.status();
        table = std::move(f).value();
      }
      auto id = ReadTableString(*table, KeyPos(key));
      if (!id.ok()) return id.status();
      ids[wanted[i].second] = std::move(id).value();
    }
    RecordFileWriter w(P6(s), 4, 1, tag_);
    KILANG_RETURN_IF_ERROR(w.Open());
    for (size_t i = 0; i < recs.size(); i += 4) w.Append(0, &recs[i]);
    KILANG_RETURN_IF_ERROR(w.Finish());
    if (p4) {
      StringTableWriter refs(P6Refs(s), tag_);
      KILANG_RETURN_IF_ERROR(refs.Open());
      for (const std::string& id : ids) refs.Add(id);
      KILANG_RETURN_IF_ERROR(refs.Finish());
      Produced(P6Refs(s));
    }
    Produced(P6(s));
    return Status::Ok();
  });
}

}  // namespace internal

using internal::kClusterKept;
using internal::kExactDup;
using internal::kNearDup;
using internal::OptionsTag;
using internal::ReadTableString;
using internal::RecordFile;
using internal::SectionCursor;
using internal::ShardName;

uint64_t DedupPlan::LineKey(std::string_view normalized_line, std::string_view host) const {
  std::string buf(host);
  buf.push_back('\0');
  buf.append(normalized_line);
  return XXH3_64bits(buf.data(), buf.size());
}

bool DedupPlan::RemovesLine(uint64_t hash, DocKey key) const {
  auto it = std::lower_bound(frequent_lines_.begin(), frequent_lines_.end(),
                             std::pair<uint64_t, DocKey>(hash, 0));
  if (it == frequent_lines_.end() || it->first != hash) return false;
  return !(options_.lines.keep_first && it->second == key);
}

Result<std::unique_ptr<DedupPlan>> DedupPlan::Open(const std::string& work_dir,
                                                   const DedupOptions& options) {
  std::unique_ptr<DedupPlan> plan(new DedupPlan(work_dir, options));
  std::ifstream in(work_dir + "/phase6.done");
  std::string tag, k;
  uint64_t v = 0, shards = 0;
  if (!in || !(in >> tag)) return Status::NotFound(work_dir + ": dedup plan not complete");
  while (in >> k >> v) {
    if (k == "shards") shards = v;
  }
  plan->tag_ = std::stoull(tag);
  if (OptionsTag(options, shards) != plan->tag_) {
    return Status::InvalidArgument(work_dir + ": the plan was computed with other options");
  }
  if (options.lines.enabled) {
    for (size_t p = 0; p < options.partitions; ++p) {
      auto f = RecordFile::Open(work_dir + "/p5/" + ShardName(p) + ".lines", 2, plan->tag_);
      if (!f.ok()) return f.status();
      SectionCursor c(f->get(), 0, 1 << 16, true);
      uint64_t h[2];
      while (c.Next(h)) plan->frequent_lines_.emplace_back(h[0], h[1]);
      KILANG_RETURN_IF_ERROR(c.status());
    }
    std::sort(plan->frequent_lines_.begin(), plan->frequent_lines_.end());
  }
  return plan;
}

Result<ShardFilter> DedupPlan::ForShard(uint32_t shard) const {
  auto f = RecordFile::Open(dir_ + "/p6/" + ShardName(shard) + ".plan", 4, tag_);
  if (!f.ok()) return f.status();
  ShardFilter sf;
  sf.plan_ = this;
  sf.shard_ = shard;
  sf.verdicts_.resize((*f)->section_records(0) * 4);
  SectionCursor c(f->get(), 0, 1 << 16, true);
  for (size_t i = 0; i < sf.verdicts_.size(); i += 4) c.Next(&sf.verdicts_[i]);
  uint64_t extra[4];
  c.Next(extra);  // reaching the end verifies the checksum
  KILANG_RETURN_IF_ERROR(c.status());
  const size_t m = sf.verdicts_.size() / 4;
  if (m > 0) {
    auto refs = RecordFile::Open(dir_ + "/p6/" + ShardName(shard) + ".refs", 1, tag_);
    if (!refs.ok()) return refs.status();
    KILANG_RETURN_IF_ERROR((*refs)->Validate(false));
    if (internal::TableStrings(**refs) != m) {
      return Status::Corruption((*refs)->path() + ": does not match its plan");
    }
    sf.refs_.reserve(m);
    for (size_t i = 0; i < m; ++i) {
      auto id = ReadTableString(**refs, i);
      if (!id.ok()) return id.status();
      sf.refs_.push_back(std::move(id).value());
    }
  }
  return sf;
}

Verdict ShardFilter::Apply(uint32_t pos, Document* doc) {
  const DedupOptions& o = plan_->options();
  auto& extra = doc->metadata.extra;
  bool representative = false;  // kept for a group of >= 2: never removed by line dedup
  while (next_ < verdicts_.size() && verdicts_[next_] < pos) next_ += 4;
  if (next_ < verdicts_.size() && verdicts_[next_] == pos) {
    const uint64_t* v = &verdicts_[next_];
    const std::string& ref = refs_[next_ / 4];
    switch (v[1]) {
      case kExactDup:
      case kNearDup:
        if (o.annotate) {
          extra.emplace_back("duplicate_of", ref);
          extra.emplace_back("dedup_cluster_id", ref);
        }
        return Verdict::Remove(v[1] == kExactDup ? "exact_duplicate" : "minhash_duplicate");
      case kClusterKept:
        representative = true;
        if (o.annotate) {
          extra.emplace_back("dedup_cluster_id", ref);
          extra.emplace_back("dedup_cluster_size", std::to_string(v[3]));
        }
        break;
      default:
        break;
    }
  }
  if (!o.lines.enabled || !plan_->HasFrequentLines()) return Verdict::Keep();
  std::string_view host = o.lines.per_host ? DocumentHost(*doc) : std::string_view();
  std::string_view text = doc->text;
  const DocKey key = MakeDocKey(shard_, pos);
  std::string out;
  size_t removed = 0;
  size_t i = 0;
  while (i <= text.size()) {
    size_t e = text.find('\n', i);
    if (e == std::string_view::npos) e = text.size();
    std::string_view line = text.substr(i, e - i);
    plan_->line_normalizer().Normalize(line, &norm_);
    bool drop = norm_.size() >= std::max<size_t>(1, o.lines.min_line_chars) &&
                plan_->RemovesLine(plan_->LineKey(norm_, host), key);
    if (drop) {
      ++removed;
    } else {
      if (!out.empty()) out.push_back('\n');
      out.append(line);
    }
    i = e + 1;
  }
  if (removed == 0) return Verdict::Keep();
  if (out.size() < o.lines.min_doc_chars) {
    // The representative of a group keeps its text: removing it would delete the group.
    if (representative) return Verdict::Keep();
    doc->text = std::move(out);
    if (o.annotate) extra.emplace_back("dedup_lines_removed", std::to_string(removed));
    return Verdict::Remove("line_dedup_too_short");
  }
  doc->text = std::move(out);
  if (o.annotate) extra.emplace_back("dedup_lines_removed", std::to_string(removed));
  return Verdict::Keep();
}

}  // namespace kilang::dedup
