// The dedup driver: phase markers, resume and rebuild of corrupt intermediate files, and the
// public entry points of include/kilang/dedup/dedup.h. The phases are in their own files (see
// dedup_internal.h).
#include "kilang/dedup/dedup.h"

#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dedup_internal.h"

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

namespace internal {

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

bool DedupRun::ValidFile(const std::string& path, size_t words, bool sorted) {
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

Result<std::unique_ptr<RecordFile>> DedupRun::OpenValid(const std::string& path, size_t words) {
  return RecordFile::Open(path, words, tag_);
}

bool DedupRun::PhaseDone(int phase, std::map<std::string, uint64_t>* counters) {
  std::ifstream in(Marker(phase));
  if (!in) return false;
  std::string tag;
  if (!(in >> tag) || tag != std::to_string(tag_)) return false;
  std::string k;
  uint64_t v;
  while (in >> k >> v) (*counters)[k] = v;
  return true;
}

Status DedupRun::MarkPhase(int phase, const std::map<std::string, uint64_t>& counters) {
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

Status DedupRun::RunPhase(int phase, const std::function<Status()>& body) {
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
  if (o_.after_phase && !o_.after_phase(phase)) {
    return Status::Internal("stopped after phase " + std::to_string(phase));
  }
  return Status::Ok();
}

size_t DedupRun::RevalidateAll() {
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

Result<DedupStats> DedupRun::Run() {
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
    Status st = RunPhase(1, [&] { return ComputeSignatures(); });
    if (st.ok()) {
      // Shard counts are needed by later phases even when phase 1 was skipped.
      st = LoadShardCounts();
    }
    if (st.ok() && o_.exact) st = RunPhase(2, [&] { return FindExactDuplicates(); });
    if (st.ok() && o_.minhash) st = RunPhase(3, [&] { return CollectCandidatePairs(); });
    if (st.ok() && (o_.exact || o_.minhash))
      st = RunPhase(4, [&] { return AssignRepresentatives(); });
    if (st.ok() && o_.lines.enabled) st = RunPhase(5, [&] { return FindFrequentLines(); });
    if (st.ok()) st = RunPhase(6, [&] { return WriteShardPlans(); });
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

}  // namespace internal

using internal::RecordFile;
using internal::SectionCursor;

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

Result<DedupStats> RunDedup(const ShardedCorpus& corpus, const std::string& work_dir,
                            const DedupOptions& options) {
  internal::DedupRun r(corpus, work_dir, options);
  return r.Run();
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
