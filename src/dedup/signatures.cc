// Phase 1 of the dedup driver: per shard, the records every later phase reads (see
// dedup_internal.h).
#include <xxhash.h>

#include <algorithm>
#include <string>
#include <vector>

#include "dedup_internal.h"

namespace kilang::dedup::internal {

bool DedupRun::ShardSignaturesDone(size_t s) {
  if (!ValidFile(P1(s, ".count"), 2)) return false;
  if (o_.minhash && !ValidFile(P1(s, ".band"), 2)) return false;
  if (o_.exact && !ValidFile(P1(s, ".exact"), 3)) return false;
  if (o_.lines.enabled && !ValidFile(P1(s, ".lines"), 2)) return false;
  if (NeedSig() && !ValidFile(P1(s, ".sig"), SigWords())) return false;
  if (NeedShingles() && !ValidFile(P1(s, ".shing"), 1, false)) return false;
  if (NeedIds() && !ValidFile(P1(s, ".ids"), 1, false)) return false;
  return true;
}

Status DedupRun::ComputeShardSignatures(size_t s) {
  ::unlink(P1(s, ".count").c_str());  // the count file marks completion: remove it first
  const size_t nsorters = 3;
  const std::string tmp = dir_ + "/tmp";
  ExternalSorter band_sorter(3, SorterBudget(nsorters), tmp, "b" + ShardName(s));
  ExternalSorter exact_sorter(4, SorterBudget(nsorters), tmp, "e" + ShardName(s));
  ExternalSorter line_sorter(3, SorterBudget(nsorters), tmp, "l" + ShardName(s));
  std::unique_ptr<RecordFileWriter> sig_w, shing_w;
  if (NeedSig()) {
    sig_w = std::make_unique<RecordFileWriter>(P1(s, ".sig"), SigWords(), 1, tag_);
    KILANG_RETURN_IF_ERROR(sig_w->Open());
  }
  std::unique_ptr<StringTableWriter> ids_w;
  if (NeedIds()) {
    ids_w = std::make_unique<StringTableWriter>(P1(s, ".ids"), tag_);
    KILANG_RETURN_IF_ERROR(ids_w->Open());
  }
  std::vector<uint64_t> shing_offsets{0};
  if (NeedShingles()) {
    shing_w = std::make_unique<RecordFileWriter>(P1(s, ".shing"), 1, 2, tag_);
    KILANG_RETURN_IF_ERROR(shing_w->Open());
  }
  uint32_t pos = 0;
  uint64_t empty = 0;
  std::string norm, line_norm, key_buf;
  std::vector<uint64_t> sig, keys, shingles;
  Status st = corpus_.ReadShard(s, [&](const Document& doc) -> Status {
    const DocKey key = MakeDocKey(static_cast<uint32_t>(s), pos++);
    if (ids_w) ids_w->Add(doc.id);
    norm_.Normalize(doc.text, &norm);
    if (norm.empty()) {
      ++empty;
      if (sig_w) {
        sig.assign(SigWords(), UINT64_MAX);
        sig_w->Append(0, sig.data());
      }
      if (shing_w) shing_offsets.push_back(shing_offsets.back());
      return Status::Ok();
    }
    if (o_.exact) {
      XXH128_hash_t h = XXH3_128bits(norm.data(), norm.size());
      uint64_t rec[4] = {PartitionOf(h.high64, o_.partitions), h.high64, h.low64, key};
      KILANG_RETURN_IF_ERROR(exact_sorter.Add(rec));
    }
    if (o_.minhash) {
      hasher_.Signature(norm, &sig, shing_w ? &shingles : nullptr);
      hasher_.BandKeys(sig, &keys);
      for (size_t b = 0; b < keys.size(); ++b) {
        uint64_t rec[3] = {b, keys[b], key};
        KILANG_RETURN_IF_ERROR(band_sorter.Add(rec));
      }
      if (sig_w) sig_w->Append(0, sig.data());
      if (shing_w) {
        std::sort(shingles.begin(), shingles.end());
        shingles.erase(std::unique(shingles.begin(), shingles.end()), shingles.end());
        for (uint64_t h : shingles) shing_w->Append(0, &h);
        shing_offsets.push_back(shing_offsets.back() + shingles.size());
      }
    }
    if (o_.lines.enabled) {
      std::string_view host = o_.lines.per_host ? DocumentHost(doc) : std::string_view();
      std::string_view text = doc.text;
      size_t i = 0;
      while (i <= text.size()) {
        size_t e = text.find('\n', i);
        if (e == std::string_view::npos) e = text.size();
        line_norm_.Normalize(text.substr(i, e - i), &line_norm);
        if (line_norm.size() >= std::max<size_t>(1, o_.lines.min_line_chars)) {
          key_buf.assign(host);
          key_buf.push_back('\0');
          key_buf.append(line_norm);
          uint64_t lk = XXH3_64bits(key_buf.data(), key_buf.size());
          uint64_t rec[3] = {PartitionOf(lk, o_.partitions), lk, key};
          KILANG_RETURN_IF_ERROR(line_sorter.Add(rec));
        }
        i = e + 1;
      }
    }
    return Status::Ok();
  });
  KILANG_RETURN_IF_ERROR(st);
  auto write_sorted = [&](ExternalSorter& sorter, size_t words, size_t sections,
                          const std::string& path) -> Status {
    RecordFileWriter w(path, words - 1, sections, tag_);
    KILANG_RETURN_IF_ERROR(w.Open());
    KILANG_RETURN_IF_ERROR(sorter.Drain(true, [&](const uint64_t* r) { w.Append(r[0], r + 1); }));
    KILANG_RETURN_IF_ERROR(w.Finish());
    Produced(path);
    return Status::Ok();
  };
  uint64_t spilled =
      band_sorter.spilled_runs() + exact_sorter.spilled_runs() + line_sorter.spilled_runs();
  if (o_.minhash) {
    KILANG_RETURN_IF_ERROR(write_sorted(band_sorter, 3, o_.minhash_options.bands, P1(s, ".band")));
  }
  if (o_.exact)
    KILANG_RETURN_IF_ERROR(write_sorted(exact_sorter, 4, o_.partitions, P1(s, ".exact")));
  if (o_.lines.enabled) {
    KILANG_RETURN_IF_ERROR(write_sorted(line_sorter, 3, o_.partitions, P1(s, ".lines")));
  }
  if (sig_w) {
    KILANG_RETURN_IF_ERROR(sig_w->Finish());
    Produced(P1(s, ".sig"));
  }
  if (shing_w) {
    for (uint64_t off : shing_offsets) shing_w->Append(1, &off);
    KILANG_RETURN_IF_ERROR(shing_w->Finish());
    Produced(P1(s, ".shing"));
  }
  if (ids_w) {
    KILANG_RETURN_IF_ERROR(ids_w->Finish());
    Produced(P1(s, ".ids"));
  }
  RecordFileWriter cw(P1(s, ".count"), 2, 1, tag_);
  KILANG_RETURN_IF_ERROR(cw.Open());
  uint64_t rec[2] = {pos, empty};
  cw.Append(0, rec);
  KILANG_RETURN_IF_ERROR(cw.Finish());
  Produced(P1(s, ".count"));
  std::lock_guard<std::mutex> l(mu_);
  counters_["spilled_runs"] += spilled;
  return Status::Ok();
}

Status DedupRun::ComputeSignatures() {
  return ForEachItem(shards_, [&](size_t s) -> Status {
    if (ShardSignaturesDone(s)) return Status::Ok();
    Status st = ComputeShardSignatures(s);
    if (!st.ok()) return Status(st.code(), "shard " + std::to_string(s) + ": " + st.message());
    return st;
  });
}

Status DedupRun::LoadShardCounts() {
  shard_docs_.assign(shards_, 0);
  shard_offset_.assign(shards_ + 1, 0);
  uint64_t empty = 0;
  for (size_t s = 0; s < shards_; ++s) {
    auto f = OpenValid(P1(s, ".count"), 2);
    if (!f.ok()) return f.status();
    uint64_t rec[2];
    KILANG_RETURN_IF_ERROR((*f)->ReadRecord(0, 0, rec));
    shard_docs_[s] = rec[0];
    empty += rec[1];
    shard_offset_[s + 1] = shard_offset_[s] + rec[0];
  }
  stats_.documents = shard_offset_[shards_];
  stats_.empty_documents = empty;
  return Status::Ok();
}

}  // namespace kilang::dedup::internal
