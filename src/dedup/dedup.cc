#include "kilang/dedup/dedup.h"

#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "record_file.h"

namespace kilang::dedup {

using internal::ExternalSorter;
using internal::MergeStreams;
using internal::ReadTableString;
using internal::RecordFile;
using internal::RecordFileWriter;
using internal::RecordStream;
using internal::SectionCursor;
using internal::StringTableWriter;

Status VectorCorpus::ReadShard(size_t shard,
                               const std::function<Status(const Document&)>& fn) const {
  if (shard >= shards_.size()) return Status::InvalidArgument("no such shard");
  for (const auto& d : shards_[shard]) KILANG_RETURN_IF_ERROR(fn(d));
  return Status::Ok();
}

std::string_view DocumentHost(const Document& doc) {
  if (!doc.metadata.site.empty()) return doc.metadata.site;
  std::string_view u = doc.metadata.url;
  size_t p = u.find("://");
  if (p == std::string_view::npos) return {};
  u.remove_prefix(p + 3);
  size_t e = u.find_first_of("/?#");
  if (e != std::string_view::npos) u = u.substr(0, e);
  size_t at = u.rfind('@');
  if (at != std::string_view::npos) u.remove_prefix(at + 1);
  size_t colon = u.rfind(':');
  if (colon != std::string_view::npos && u.find(']') == std::string_view::npos) {
    u = u.substr(0, colon);
  }
  return u;
}

namespace {

std::function<bool(int)>& PhaseHook() {
  static std::function<bool(int)> hook;
  return hook;
}

// Plan record kinds.
constexpr uint64_t kExactDup = 1, kNearDup = 2, kClusterKept = 3;

std::string ShardName(size_t s) {
  char b[16];
  std::snprintf(b, sizeof(b), "%06zu", s);
  return b;
}

Status MakeDir(const std::string& d) {
  if (::mkdir(d.c_str(), 0755) != 0 && errno != EEXIST) return internal::ErrnoStatus("mkdir " + d);
  return Status::Ok();
}

bool FileExists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

// Runs fn(0..n-1) on up to `threads` threads; returns the first error (others still finish).
// `on_done(k)`, when set, is called after each item with the number of items finished so far.
Status ParallelFor(size_t n, size_t threads, const std::function<Status(size_t)>& fn,
                   const std::function<void(size_t)>& on_done = nullptr) {
  std::atomic<size_t> next{0}, finished{0};
  std::mutex mu;
  Status first;
  auto worker = [&]() {
    for (;;) {
      size_t i = next.fetch_add(1);
      if (i >= n) return;
      Status st = fn(i);
      if (!st.ok()) {
        std::lock_guard<std::mutex> l(mu);
        if (first.ok()) first = st;
      }
      if (on_done) on_done(finished.fetch_add(1) + 1);
    }
  };
  size_t t = std::max<size_t>(1, std::min(threads, n));
  std::vector<std::thread> pool;
  for (size_t i = 1; i < t; ++i) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  return first;
}

uint64_t OptionsTag(const DedupOptions& o, size_t shards) {
  std::ostringstream s;
  auto norm = [&](const NormalizeOptions& n) {
    s << n.lowercase << n.strip_accents << static_cast<int>(n.digits) << static_cast<int>(n.punct)
      << n.collapse_whitespace << ';';
  };
  s << "v2;" << shards << ';';
  norm(o.normalize);
  s << o.exact << o.minhash << ';' << o.minhash_options.ngram << ',' << o.minhash_options.bands
    << ',' << o.minhash_options.rows << ',' << o.minhash_options.seed << ';'
    << static_cast<int>(o.verify) << ',' << o.verify_threshold << ';' << o.lines.enabled;
  norm(o.lines.normalize);
  s << o.lines.min_docs << ',' << o.lines.per_host << ',' << o.lines.min_line_chars << ','
    << o.partitions << ',' << o.lines.keep_first;
  std::string str = s.str();
  return XXH3_64bits(str.data(), str.size());
}

// Partition of a uniformly distributed 64-bit hash: its top bits scaled to [0, p).
inline size_t PartitionOf(uint64_t h, size_t p) {
  return static_cast<size_t>((static_cast<unsigned __int128>(h) * p) >> 64);
}

class Runner {
 public:
  Runner(const ShardedCorpus& corpus, std::string dir, const DedupOptions& o)
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

  Status Phase1();
  Status Phase1Shard(size_t s);
  bool Phase1Done(size_t s);
  Status Phase2();
  Status Phase3();
  Status Phase4();
  Status Phase5();
  Status Phase6();
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

bool Runner::ValidFile(const std::string& path, size_t words, bool sorted) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (valid_.count(path)) return true;
  }
  auto f = RecordFile::Open(path, words, tag_);
  if (!f.ok()) return false;
  if (!(*f)->Validate(sorted).ok()) return false;
  Produced(path);
  return true;
}

Result<std::unique_ptr<RecordFile>> Runner::OpenValid(const std::string& path, size_t words) {
  return RecordFile::Open(path, words, tag_);
}

bool Runner::PhaseDone(int phase, std::map<std::string, uint64_t>* counters) {
  std::ifstream in(Marker(phase));
  if (!in) return false;
  std::string tag;
  if (!(in >> tag) || tag != std::to_string(tag_)) return false;
  std::string k;
  uint64_t v;
  while (in >> k >> v) (*counters)[k] = v;
  return true;
}

Status Runner::MarkPhase(int phase, const std::map<std::string, uint64_t>& counters) {
  std::string tmp = Marker(phase) + ".tmp";
  {
    std::ofstream out(tmp);
    out << tag_ << "\n";
    for (const auto& [k, v] : counters) out << k << " " << v << "\n";
    if (!out) return Status::IoError("write " + tmp);
  }
  if (::rename(tmp.c_str(), Marker(phase).c_str()) != 0) return internal::ErrnoStatus("rename");
  return Status::Ok();
}

Status Runner::RunPhase(int phase, const std::function<Status()>& body) {
  std::map<std::string, uint64_t> counters;
  if (PhaseDone(phase, &counters)) {
    stats_.phases_skipped.push_back(std::to_string(phase));
  } else {
    counters_.clear();
    phase_ = phase;
    if (o_.progress) o_.progress(phase, PhaseName(phase), 0, 0);  // the phase starts
    auto t0 = std::chrono::steady_clock::now();
    KILANG_RETURN_IF_ERROR(body());
    stats_.phase_seconds.emplace_back(
        phase, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    counters = counters_;
    KILANG_RETURN_IF_ERROR(MarkPhase(phase, counters));
  }
  auto get = [&](const char* k) { return counters.count(k) ? counters[k] : 0; };
  switch (phase) {
    case 2:
      stats_.exact_duplicates = get("exact_duplicates");
      break;
    case 3:
      stats_.candidate_pairs = get("band_pairs");
      break;
    case 4:
      stats_.candidate_pairs = get("candidate_pairs");
      stats_.verified_pairs = get("verified_pairs");
      stats_.skipped_pairs = get("skipped_pairs");
      stats_.clusters = get("clusters");
      stats_.near_duplicates = get("near_duplicates");
      break;
    case 5:
      stats_.frequent_lines = get("frequent_lines");
      break;
  }
  stats_.spilled_runs += get("spilled_runs");
  auto& hook = PhaseHook();
  if (hook && !hook(phase)) {
    return Status::Internal("stopped after phase " + std::to_string(phase));
  }
  return Status::Ok();
}

// ---------------- phase 1: per-shard signatures ----------------

bool Runner::Phase1Done(size_t s) {
  if (!ValidFile(P1(s, ".count"), 2)) return false;
  if (o_.minhash && !ValidFile(P1(s, ".band"), 2)) return false;
  if (o_.exact && !ValidFile(P1(s, ".exact"), 3)) return false;
  if (o_.lines.enabled && !ValidFile(P1(s, ".lines"), 2)) return false;
  if (NeedSig() && !ValidFile(P1(s, ".sig"), SigWords())) return false;
  if (NeedShingles() && !ValidFile(P1(s, ".shing"), 1, false)) return false;
  if (NeedIds() && !ValidFile(P1(s, ".ids"), 1, false)) return false;
  return true;
}

Status Runner::Phase1Shard(size_t s) {
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

Status Runner::Phase1() {
  return ForEachItem(shards_, [&](size_t s) -> Status {
    if (Phase1Done(s)) return Status::Ok();
    Status st = Phase1Shard(s);
    if (!st.ok()) return Status(st.code(), "shard " + std::to_string(s) + ": " + st.message());
    return st;
  });
}

Status Runner::LoadShardCounts() {
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

// Opens section `section` of the file kind `ext` of every shard as sorted cursors.
struct ShardCursors {
  std::vector<std::unique_ptr<RecordFile>> files;
  std::vector<std::unique_ptr<SectionCursor>> cursors;
  std::vector<RecordStream*> raw;
};

// ---------------- phase 2: exact duplicates per partition ----------------

Status Runner::Phase2() {
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

Status Runner::LoadDropped(bool resolved, std::vector<uint64_t>* out) {
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

// ---------------- phase 3: candidate pairs per band ----------------

Status Runner::Phase3() {
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

// ---------------- phase 4: verification and representatives ----------------

// Phase 4 walks the unique candidate pairs (a, b), a < b, in DocKey order, so every pair (x, a)
// that could make `a` a duplicate is decided before the first pair (a, ·): when `a` is reached
// as the first document of a pair its status is final. A document that is still unassigned then
// is a representative; a representative never becomes a duplicate later, and a duplicate is
// only ever assigned to a representative after the pair (representative, duplicate) passed
// verification. So there are no chains: every removed document resembles the document it
// names, and every group has one kept document. (Union-find over the verified edges, the former
// design, joined unrelated documents through chains of similar ones and then removed all of
// them in favour of one that resembled none.)
//
// For a pair (a, b) whose `a` is itself a duplicate, b is verified against a's representative.
// Verification runs in parallel on batches of pairs, speculatively against the state at the
// start of the batch; a pair whose anchor changed within the batch is verified again.
Status Runner::Phase4() {
  const uint64_t n = shard_offset_[shards_];
  if (n >= UINT32_MAX) return Status::ResourceExhausted("more than 2^32-1 documents");
  auto dense = [&](uint64_t k) {
    return static_cast<uint32_t>(shard_offset_[KeyShard(k)] + KeyPos(k));
  };
  auto key_of = [&](uint64_t d) {
    size_t s =
        std::upper_bound(shard_offset_.begin(), shard_offset_.end(), d) - shard_offset_.begin() - 1;
    return MakeDocKey(static_cast<uint32_t>(s), static_cast<uint32_t>(d - shard_offset_[s]));
  };
  // rep[d]: the document d is a duplicate of (d itself when it is kept); kind[d]: 0 kept,
  // kExactDup or kNearDup.
  std::vector<uint32_t> rep(n);
  for (uint64_t i = 0; i < n; ++i) rep[i] = static_cast<uint32_t>(i);
  std::vector<uint8_t> kind(n, 0);
  if (o_.exact) {
    uint64_t r[2];
    for (size_t p = 0; p < o_.partitions; ++p) {
      auto f = OpenValid(P2(p), 2);
      if (!f.ok()) return f.status();
      for (size_t s = 0; s < (*f)->num_sections(); ++s) {
        SectionCursor c(f->get(), s, 1 << 16, true);
        while (c.Next(r)) {
          rep[dense(r[0])] = dense(r[1]);
          kind[dense(r[0])] = kExactDup;
        }
        KILANG_RETURN_IF_ERROR(c.status());
      }
    }
  }
  uint64_t candidates = 0, verified = 0, skipped = 0, reverified = 0;
  if (o_.minhash) {
    std::vector<std::unique_ptr<RecordFile>> vfiles(shards_);
    if (o_.verify != VerifyMode::kNone) {
      for (size_t s = 0; s < shards_; ++s) {
        auto f = NeedSig() ? OpenValid(P1(s, ".sig"), SigWords()) : OpenValid(P1(s, ".shing"), 1);
        if (!f.ok()) return f.status();
        vfiles[s] = std::move(f).value();
      }
    }
    const size_t k = SigWords();
    auto verify = [&](uint64_t a, uint64_t b, std::vector<uint64_t>* sa,
                      std::vector<uint64_t>* sb) -> Result<bool> {
      if (o_.verify == VerifyMode::kNone) return true;
      const RecordFile* fa = vfiles[KeyShard(a)].get();
      const RecordFile* fb = vfiles[KeyShard(b)].get();
      if (o_.verify == VerifyMode::kSignature) {
        sa->resize(k);
        sb->resize(k);
        KILANG_RETURN_IF_ERROR(fa->ReadRecord(0, KeyPos(a), sa->data()));
        KILANG_RETURN_IF_ERROR(fb->ReadRecord(0, KeyPos(b), sb->data()));
        return MinHasher::EstimateJaccard(sa->data(), sb->data(), k) >= o_.verify_threshold;
      }
      auto load = [&](const RecordFile* f, uint64_t key, std::vector<uint64_t>* v) -> Status {
        uint64_t off[2];
        KILANG_RETURN_IF_ERROR(f->ReadRecords(1, KeyPos(key), 2, off));
        if (off[1] < off[0]) return Status::Corruption(f->path() + ": bad offsets");
        v->resize(off[1] - off[0]);
        if (v->empty()) return Status::Ok();
        return f->ReadRecords(0, off[0], v->size(), v->data());
      };
      KILANG_RETURN_IF_ERROR(load(fa, a, sa));
      KILANG_RETURN_IF_ERROR(load(fb, b, sb));
      size_t i = 0, j = 0, inter = 0;
      while (i < sa->size() && j < sb->size()) {
        if ((*sa)[i] < (*sb)[j]) {
          ++i;
        } else if ((*sa)[i] > (*sb)[j]) {
          ++j;
        } else {
          ++inter;
          ++i;
          ++j;
        }
      }
      size_t uni = sa->size() + sb->size() - inter;
      return uni > 0 &&
             static_cast<double>(inter) / static_cast<double>(uni) >= o_.verify_threshold;
    };
    // The document a pair's second member is checked against: the first member, or its
    // representative when the first member is a duplicate.
    auto anchor_of = [&](uint32_t a) { return kind[a] == kNearDup ? rep[a] : a; };

    ShardCursors c;
    for (size_t b = 0; b < o_.minhash_options.bands; ++b) {
      auto f = OpenValid(P3(b), 2);
      if (!f.ok()) return f.status();
      c.cursors.push_back(std::make_unique<SectionCursor>(
          f->get(), 0, CursorBuffer(o_.minhash_options.bands), true));
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
    std::vector<uint64_t> sa, sb;  // for the sequential re-verification
    auto flush = [&]() {
      if (batch.empty() || !batch_st.ok()) return;
      const size_t m = batch.size() / 2;
      spec.assign(m, UINT32_MAX);
      ok.assign(m, 0);
      for (size_t i = 0; i < m; ++i) {
        const uint32_t a = batch[2 * i], b = batch[2 * i + 1];
        if (kind[b] == 0) spec[i] = anchor_of(a);
      }
      const size_t chunks = std::max<size_t>(1, std::min<size_t>(o_.threads, m / 64 + 1));
      Status st = ParallelFor(chunks, o_.threads, [&](size_t t) -> Status {
        std::vector<uint64_t> va, vb;
        for (size_t i = t; i < m; i += chunks) {
          if (spec[i] == UINT32_MAX) continue;
          auto r = verify(key_of(spec[i]), key_of(batch[2 * i + 1]), &va, &vb);
          if (!r.ok()) return r.status();
          ok[i] = *r ? 1 : 0;
        }
        return Status::Ok();
      });
      if (!st.ok()) {
        batch_st = st;
        return;
      }
      for (size_t i = 0; i < m; ++i) {
        const uint32_t b = batch[2 * i + 1];
        if (kind[b] != 0) {
          ++skipped;
          continue;
        }
        const uint32_t anchor = anchor_of(batch[2 * i]);
        bool same = ok[i] != 0;
        if (anchor != spec[i]) {  // the first member was assigned within this batch
          ++reverified;
          auto r = verify(key_of(anchor), key_of(b), &sa, &sb);
          if (!r.ok()) {
            batch_st = r.status();
            return;
          }
          same = *r;
        }
        if (!same) continue;
        ++verified;
        rep[b] = anchor;
        kind[b] = kNearDup;
        uint64_t e[2] = {key_of(anchor), key_of(b)};
        edges.Append(0, e);
      }
      batch.clear();
      if (o_.progress) {
        o_.progress(4, PhaseName(4), candidates, std::max(candidates, stats_.candidate_pairs));
      }
    };
    KILANG_RETURN_IF_ERROR(MergeStreams(c.raw, 2, true, [&](const uint64_t* r) {
      ++candidates;
      batch.push_back(dense(r[0]));
      batch.push_back(dense(r[1]));
      if (batch.size() / 2 >= kBatch) flush();
    }));
    flush();
    KILANG_RETURN_IF_ERROR(batch_st);
    KILANG_RETURN_IF_ERROR(edges.Finish());
  }

  // Final representatives: an exact duplicate of a document MinHash removed follows it to its
  // representative (never a chain longer than that: representatives are kept).
  for (uint64_t d = 0; d < n; ++d) {
    if (kind[d] == kExactDup && kind[rep[d]] == kNearDup) rep[d] = rep[rep[d]];
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
      const uint64_t k = kind[d] == 0 ? kClusterKept : kind[d];
      uint64_t rec[4] = {MakeDocKey(static_cast<uint32_t>(s), static_cast<uint32_t>(p)), key_of(r),
                         size[r], k};
      if (k == kClusterKept) ++clusters;
      if (k == kNearDup) ++near;
      w.Append(s, rec);
    }
  }
  KILANG_RETURN_IF_ERROR(w.Finish());
  Produced(P4());
  counters_["candidate_pairs"] = candidates;
  counters_["verified_pairs"] = verified;
  counters_["skipped_pairs"] = skipped;
  counters_["reverified_pairs"] = reverified;
  counters_["clusters"] = clusters;
  counters_["near_duplicates"] = near;
  return Status::Ok();
}

// ---------------- phase 5: frequent lines ----------------

// Records {line key, first document}: the line keys found in >= min_docs surviving documents,
// with the first of those documents (DocKey order), which keeps the line when keep_first is on.
Status Runner::Phase5() {
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

// ---------------- phase 6: per-shard plan ----------------

// Per shard: `.plan` records {pos, kind, representative's key, group size} from phase 4 and
// `.refs`, the representative's document id of each record (read from the phase-1 id tables,
// each shard's table opened once per task).
Status Runner::Phase6() {
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

size_t Runner::RevalidateAll() {
  size_t bad = 0;
  std::lock_guard<std::mutex> l(mu_);
  valid_.clear();
  auto check = [&](const std::string& path, size_t words, int phase, bool sorted = true) {
    if (!FileExists(path)) return;
    auto f = RecordFile::Open(path, words, tag_);
    if (f.ok() && (*f)->Validate(sorted).ok()) return;
    ::unlink(path.c_str());
    ::unlink(Marker(phase).c_str());
    ++bad;
  };
  for (size_t s = 0; s < shards_; ++s) {
    check(P1(s, ".count"), 2, 1);
    check(P1(s, ".band"), 2, 1);
    check(P1(s, ".exact"), 3, 1);
    check(P1(s, ".lines"), 2, 1);
    check(P1(s, ".sig"), SigWords(), 1);
    check(P1(s, ".shing"), 1, 1, false);
    check(P1(s, ".ids"), 1, 1, false);
    check(P6(s), 4, 6);
    check(P6Refs(s), 1, 6, false);
  }
  // A rebuilt phase-1 shard must also lose its count file so the shard task reruns entirely.
  for (size_t s = 0; s < shards_; ++s) {
    bool missing = (o_.minhash && !FileExists(P1(s, ".band"))) ||
                   (o_.exact && !FileExists(P1(s, ".exact"))) ||
                   (o_.lines.enabled && !FileExists(P1(s, ".lines"))) ||
                   (NeedShingles() && !FileExists(P1(s, ".shing"))) ||
                   (NeedIds() && !FileExists(P1(s, ".ids")));
    if (missing) ::unlink(P1(s, ".count").c_str());
  }
  for (size_t p = 0; p < o_.partitions; ++p) {
    check(P2(p), 2, 2);
    check(P5(p), 2, 5);
  }
  for (size_t b = 0; b < o_.minhash_options.bands; ++b) check(P3(b), 2, 3);
  check(P4(), 4, 4);
  return bad;
}

Result<DedupStats> Runner::Run() {
  if (shards_ >= UINT32_MAX) return Status::InvalidArgument("too many shards");
  if (o_.partitions == 0 || o_.minhash_options.bands == 0 || o_.minhash_options.rows == 0 ||
      o_.minhash_options.ngram == 0 || o_.minhash_options.ngram > 64) {
    return Status::InvalidArgument("dedup: partitions, bands, rows must be > 0, ngram in 1..64");
  }
  for (const char* sub : {"", "/p1", "/p2", "/p3", "/p4", "/p5", "/p6", "/tmp"}) {
    KILANG_RETURN_IF_ERROR(MakeDir(dir_ + sub));
  }
  // Leftovers of a killed run: sorter spill runs and half-written ".tmp" files are never reused.
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir_ + "/tmp", ec)) {
    std::filesystem::remove(e.path(), ec);
  }
  for (int attempt = 0;; ++attempt) {
    stats_ = DedupStats();
    Status st = RunPhase(1, [&] { return Phase1(); });
    if (st.ok()) {
      // Shard counts are needed by later phases even when phase 1 was skipped.
      st = LoadShardCounts();
    }
    if (st.ok() && o_.exact) st = RunPhase(2, [&] { return Phase2(); });
    if (st.ok() && o_.minhash) st = RunPhase(3, [&] { return Phase3(); });
    if (st.ok() && (o_.exact || o_.minhash)) st = RunPhase(4, [&] { return Phase4(); });
    if (st.ok() && o_.lines.enabled) st = RunPhase(5, [&] { return Phase5(); });
    if (st.ok()) st = RunPhase(6, [&] { return Phase6(); });
    if (st.ok()) {
      stats_.rebuilt_files = rebuilt_;
      return stats_;
    }
    // A file that fails while being read: find every bad file, delete it and its phase's
    // marker, and run again (the phases rebuild what is missing).
    if ((st.code() != StatusCode::kCorruption && st.code() != StatusCode::kNotFound) ||
        attempt >= 2) {
      return st;
    }
    size_t bad = RevalidateAll();
    if (bad == 0 && st.code() == StatusCode::kCorruption) return st;
    rebuilt_ += bad;
    if (bad == 0) {
      // NotFound with every file valid: a phase marker outlived its files; drop all markers.
      for (int ph = 1; ph <= 6; ++ph) ::unlink(Marker(ph).c_str());
    }
  }
}

}  // namespace

Result<std::vector<std::pair<DocKey, DocKey>>> ReadVerifiedPairs(const std::string& work_dir) {
  std::ifstream in(work_dir + "/phase4.done");
  std::string tag;
  if (!in || !(in >> tag)) return Status::NotFound(work_dir + ": phase 4 not complete");
  auto f = RecordFile::Open(work_dir + "/p4/clusters.edges", 2, std::stoull(tag));
  if (!f.ok()) return f.status();
  std::vector<std::pair<DocKey, DocKey>> out;
  SectionCursor c(f->get(), 0, 1 << 16, false);
  uint64_t r[2];
  while (c.Next(r)) out.emplace_back(r[0], r[1]);
  KILANG_RETURN_IF_ERROR(c.status());
  return out;
}

void SetPhaseHookForTesting(std::function<bool(int)> hook) { PhaseHook() = std::move(hook); }

Result<DedupStats> RunDedup(const ShardedCorpus& corpus, const std::string& work_dir,
                            const DedupOptions& options) {
  Runner r(corpus, work_dir, options);
  return r.Run();
}

// ---------------- plan and filter ----------------

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

Result<std::vector<std::vector<Document>>> DedupCorpus(
    const ShardedCorpus& corpus, const std::string& work_dir, const DedupOptions& options,
    DedupStats* stats, const std::function<void(const Document&, const Verdict&)>& removed) {
  auto st = RunDedup(corpus, work_dir, options);
  if (!st.ok()) return st.status();
  if (stats) *stats = *st;
  auto plan = DedupPlan::Open(work_dir, options);
  if (!plan.ok()) return plan.status();
  std::vector<std::vector<Document>> out(corpus.num_shards());
  for (size_t s = 0; s < corpus.num_shards(); ++s) {
    auto f = (*plan)->ForShard(static_cast<uint32_t>(s));
    if (!f.ok()) return f.status();
    uint32_t pos = 0;
    KILANG_RETURN_IF_ERROR(corpus.ReadShard(s, [&](const Document& d) -> Status {
      Document copy = d;
      Verdict v = f->Apply(pos++, &copy);
      if (v.keep) {
        out[s].push_back(std::move(copy));
      } else if (removed) {
        removed(copy, v);
      }
      return Status::Ok();
    }));
  }
  return out;
}

}  // namespace kilang::dedup
