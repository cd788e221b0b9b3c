#include "kilang/pipeline/dedup_phase.h"

#include <simdjson.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "kilang/core/document.h"
#include "kilang/io/file.h"
#include "kilang/io/stream.h"
#include "kilang/util/parallel.h"

namespace kilang {

namespace fs = std::filesystem;

namespace {

// Parses one output line (core/document.h ToJsonLine) back into a Document; unknown metadata
// keys go to metadata.extra in order, so ToJsonLine(parsed) reproduces the line.
Status ParseDocumentLine(simdjson::dom::parser& parser, std::string_view line, Document* doc) {
  simdjson::dom::element el;
  if (parser.parse(line.data(), line.size()).get(el)) return Status::Corruption("bad JSON line");
  *doc = Document();
  std::string_view s;
  if (!el["id"].get(s)) doc->id.assign(s);
  if (!el["text"].get(s)) doc->text.assign(s);
  simdjson::dom::object md;
  if (el["metadata"].get(md)) return Status::Ok();
  Metadata& m = doc->metadata;
  for (auto [k, v] : md) {
    if (k == "lang_score") {
      double d;
      if (!v.get(d)) m.lang_score = d;
      continue;
    }
    std::string val;
    if (!v.get(s)) {
      val.assign(s);
    } else {
      val = simdjson::minify(v);
    }
    if (k == "url")
      m.url = val;
    else if (k == "title")
      m.title = val;
    else if (k == "date")
      m.date = val;
    else if (k == "author")
      m.author = val;
    else if (k == "site")
      m.site = val;
    else if (k == "lang")
      m.lang = val;
    else if (k == "source")
      m.source = val;
    else
      m.extra.emplace_back(std::string(k), std::move(val));
  }
  return Status::Ok();
}

// Calls fn(line) for each line of a (compressed) JSONL shard.
Status ForEachLine(const std::string& path, const std::function<Status(std::string_view)>& fn) {
  auto in = InputStream::Open(path);
  if (!in.ok()) return in.status();
  InputStream& st = **in;
  std::string carry;
  for (;;) {
    size_t n = st.Ensure(1 << 16);
    if (n == 0) {
      if (st.at_break()) return Status::Corruption(path + ": " + st.TakeBreak().ToString());
      break;
    }
    std::string_view v = st.Peek();
    size_t start = 0;
    for (size_t nl; (nl = v.find('\n', start)) != std::string_view::npos; start = nl + 1) {
      if (!carry.empty()) {
        carry.append(v.substr(start, nl - start));
        KILANG_RETURN_IF_ERROR(fn(carry));
        carry.clear();
      } else {
        KILANG_RETURN_IF_ERROR(fn(v.substr(start, nl - start)));
      }
    }
    carry.append(v.substr(start));
    st.Consume(v.size());
  }
  if (!carry.empty()) KILANG_RETURN_IF_ERROR(fn(carry));
  return Status::Ok();
}

Status ForEachDoc(const std::string& path, const std::function<Status(const Document&)>& fn,
                  uint64_t* bytes = nullptr) {
  simdjson::dom::parser parser;
  Document doc;
  return ForEachLine(path, [&](std::string_view line) -> Status {
    if (bytes) *bytes += line.size() + 1;
    Status s = ParseDocumentLine(parser, line, &doc);
    if (!s.ok()) return Status::Corruption(path + ": " + s.message());
    return fn(doc);
  });
}

class ShardFiles : public dedup::ShardedCorpus {
 public:
  explicit ShardFiles(const std::vector<DedupShardInput>& in) : in_(in) {}
  size_t num_shards() const override { return in_.size(); }
  Status ReadShard(size_t shard, const std::function<Status(const Document&)>& fn) const override {
    return ForEachDoc(in_[shard].path, fn);
  }

 private:
  const std::vector<DedupShardInput>& in_;
};

std::string StageOf(const std::string& reason) {
  if (reason == "exact_duplicate") return "exact_dedup";
  if (reason == "minhash_duplicate") return "minhash_dedup";
  return "line_dedup";
}

std::string MarkerJson(const DedupShardResult& r) {
  std::string out = "{\"in\":" + std::to_string(r.in) + ",\"kept\":" + std::to_string(r.kept) +
                    ",\"in_bytes\":" + std::to_string(r.in_bytes) +
                    ",\"out_bytes\":" + std::to_string(r.out_bytes) + ",\"removed_by\":{";
  bool first = true;
  for (const auto& [stage, reasons] : r.removed_by) {
    for (const auto& [reason, n] : reasons) {
      if (!first) out += ",";
      first = false;
      AppendJsonString(stage + "/" + reason, &out);
      out += ":" + std::to_string(n);
    }
  }
  out += "},\"shards\":[";
  for (size_t i = 0; i < r.shards.size(); ++i) {
    if (i) out += ",";
    AppendJsonString(r.shards[i], &out);
  }
  out += "]}\n";
  return out;
}

Status ParseMarker(const std::string& path, DedupShardResult* r) {
  std::string text;
  KILANG_RETURN_IF_ERROR(ReadFile(path, 1 << 20, &text));
  simdjson::dom::parser p;
  simdjson::dom::element el;
  if (p.parse(text).get(el)) return Status::Corruption(path + ": not a dedup marker");
  auto u = [&](const char* k) {
    uint64_t v = 0;
    if (el[k].get(v)) v = 0;
    return v;
  };
  r->in = u("in");
  r->kept = u("kept");
  r->in_bytes = u("in_bytes");
  r->out_bytes = u("out_bytes");
  simdjson::dom::object o;
  if (!el["removed_by"].get(o)) {
    for (auto [k, v] : o) {
      std::string key(k);
      size_t slash = key.find('/');
      uint64_t n = 0;
      if (slash == std::string::npos || v.get(n)) continue;
      r->removed_by[key.substr(0, slash)][key.substr(slash + 1)] += n;
    }
  }
  simdjson::dom::array a;
  if (!el["shards"].get(a)) {
    for (auto item : a) {
      std::string_view s;
      if (!item.get(s)) r->shards.emplace_back(s);
    }
  }
  return Status::Ok();
}

Status ApplyShard(const dedup::DedupPlan& plan, uint32_t index, const DedupShardInput& in,
                  const std::string& dir, OutputCompression compression, int level,
                  DedupShardResult* r) {
  auto filter = plan.ForShard(index);
  if (!filter.ok()) return filter.status();
  std::string suffix(OutputSuffix(compression));
  std::string kept_rel = in.name + suffix, removed_rel = "removed/dedup-" + in.name + suffix;
  std::unique_ptr<ShardWriter> kept, removed;
  uint32_t pos = 0;
  Document doc;
  Status s = ForEachDoc(
      in.path,
      [&](const Document& d) -> Status {
        doc = d;
        Verdict v = filter->Apply(pos++, &doc);
        ++r->in;
        std::unique_ptr<ShardWriter>* slot = &kept;
        const std::string* rel = &kept_rel;
        if (v.keep) {
          ++r->kept;
        } else {
          std::string stage = StageOf(v.reason);
          ++r->removed_by[stage][v.reason];
          doc.metadata.extra.emplace_back("stage", stage);
          doc.metadata.extra.emplace_back("reason", v.reason);
          slot = &removed;
          rel = &removed_rel;
        }
        if (!*slot) {
          auto w = ShardWriter::Create(dir + "/" + *rel, compression, level);
          if (!w.ok()) return w.status();
          *slot = std::move(*w);
        }
        return (*slot)->WriteLine(ToJsonLine(doc));
      },
      &r->in_bytes);
  if (!s.ok()) return s;
  std::error_code ec;
  const uint64_t lines[2] = {r->kept, r->in - r->kept};
  int k = 0;
  for (auto [w, rel] : {std::pair{&kept, &kept_rel}, std::pair{&removed, &removed_rel}}) {
    if (*w) {
      r->out_bytes += (*w)->bytes_in();
      KILANG_RETURN_IF_ERROR((*w)->Finish());
      // Read the shard back before anything is deleted on its account: every record whole.
      uint64_t n = 0;
      Status v = ForEachLine(dir + "/" + *rel, [&](std::string_view) {
        ++n;
        return Status::Ok();
      });
      if (!v.ok() || n != lines[k]) {
        return Status::IoError(
            dir + "/" + *rel + ": written shard does not read back (" +
            (v.ok() ? std::to_string(n) + " of " + std::to_string(lines[k]) + " records"
                    : v.ToString()) +
            ")");
      }
      r->shards.push_back(*rel);
    } else {
      fs::remove(dir + "/" + *rel, ec);  // none now: no stale file may remain
    }
    ++k;
  }
  return Status::Ok();
}

}  // namespace

void RunDedupOptions::Bind(OptionBinder* b) {
  dedup::DedupOptions& o = options;
  b->Add("enabled", &enabled, "run corpus dedup after the per-document stages");
  b->Add("exact", &o.exact, "exact dedup of normalised text");
  b->Add("minhash", &o.minhash, "MinHash near-duplicate dedup");
  b->Add("ngram", &o.minhash_options.ngram, "words per MinHash shingle", 1, 64);
  b->Add("bands", &o.minhash_options.bands, "LSH bands", 1, 1024);
  b->Add("rows", &o.minhash_options.rows, "hashes per band", 1, 1024);
  b->Add("seed", &o.minhash_options.seed, "MinHash seed");
  b->Add("verify", &verify, "candidate pair verification", {"none", "signature", "exact"});
  b->Add("verify_threshold", &o.verify_threshold, "minimum Jaccard of a verified pair", 0, 1);
  b->Add("lines", &o.lines.enabled, "repeated-line removal");
  b->Add("line_min_docs", &line_min_docs, "a line in this many documents is removed", 2,
         UINT32_MAX);
  b->Add("line_per_host", &o.lines.per_host, "count lines per host");
  b->Add("line_min_chars", &o.lines.min_line_chars, "shorter lines are not counted");
  b->Add("line_min_doc_chars", &o.lines.min_doc_chars,
         "drop a doc shorter than this after line removal");
  b->Add("line_keep_first", &o.lines.keep_first,
         "keep each repeated line in the first document that holds it");
  b->Add("partitions", &o.partitions, "hash partitions of the exact and line phases", 1, 4096);
  b->Add("memory_mb", &memory_mb, "memory budget of the dedup sorters (MB)", 16);
  b->Add("annotate", &o.annotate, "write dedup_cluster_id/size annotations");
  b->Add("keep_intermediate", &keep_intermediate,
         "keep the stage-1 shards and dedup work files after the run completes");
}

dedup::DedupOptions RunDedupOptions::Resolved(size_t threads) const {
  dedup::DedupOptions o = options;
  o.verify = verify == "none"        ? dedup::VerifyMode::kNone
             : verify == "signature" ? dedup::VerifyMode::kSignature
                                     : dedup::VerifyMode::kExact;
  o.memory_budget_bytes = size_t(memory_mb) << 20;
  o.lines.min_docs = uint32_t(line_min_docs);
  o.threads = std::max<size_t>(1, threads);
  return o;
}

Result<DedupPhaseResult> RunDedupPhase(const RunDedupOptions& options,
                                       const std::vector<DedupShardInput>& inputs,
                                       const std::string& dir, OutputCompression compression,
                                       int compression_level, size_t threads,
                                       const std::function<void(const std::string&)>& progress) {
  std::mutex progress_mu;
  auto report = [&](const std::string& line) {
    if (!progress) return;
    std::lock_guard<std::mutex> l(progress_mu);
    progress(line);
  };
  const std::string base = dir + "/.kilang/dedup";
  std::error_code ec;
  fs::create_directories(base + "/done", ec);
  if (ec) return Status::IoError(base + ": " + ec.message());
  for (const auto& e : fs::directory_iterator(base + "/done", ec)) {
    if (e.path().filename().string().find(".tmp.") != std::string::npos) fs::remove(e.path(), ec);
  }
  dedup::DedupOptions o = options.Resolved(threads);
  // "dedup 4/6 clusters: 1200000/1500000 pairs, 310000 pairs/s": the phase, its items done and
  // their rate since the phase started.
  std::atomic<int64_t> phase_start_ns{0};
  if (progress) {
    o.progress = [&](int phase, std::string_view name, size_t done, size_t total) {
      static const char* const kItems[] = {"",      "shards",     "partitions", "bands",
                                           "pairs", "partitions", "shards"};
      const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::steady_clock::now().time_since_epoch())
                              .count();
      if (total == 0) phase_start_ns = now;  // the phase starts
      std::string line = "dedup " + std::to_string(phase) + "/6 " + std::string(name);
      if (total > 0) {
        const char* items = phase >= 1 && phase <= 6 ? kItems[phase] : "items";
        line += ": " + std::to_string(done) + "/" + std::to_string(total) + " " + items;
        const double secs = double(now - phase_start_ns.load()) / 1e9;
        if (secs > 0.05) {
          char rate[64];
          std::snprintf(rate, sizeof(rate), ", %.4g %s/s", double(done) / secs, items);
          line += rate;
        }
      }
      report(line);
    };
  }
  DedupPhaseResult out;
  out.shards.resize(inputs.size());
  const std::string summary_path = base + "/summary.json";
  if (inputs.empty()) {
    out.summary_json = "{\"documents\": 0}";
    return out;
  }
  if (access(summary_path.c_str(), F_OK) != 0) {
    ShardFiles corpus(inputs);
    auto st = dedup::RunDedup(corpus, base + "/work", o);
    if (!st.ok()) return st.status();
    std::string j = "{\"documents\": " + std::to_string(st->documents) +
                    ", \"exact_duplicates\": " + std::to_string(st->exact_duplicates) +
                    ", \"candidate_pairs\": " + std::to_string(st->candidate_pairs) +
                    ", \"verified_pairs\": " + std::to_string(st->verified_pairs) +
                    ", \"clusters\": " + std::to_string(st->clusters) +
                    ", \"near_duplicates\": " + std::to_string(st->near_duplicates) +
                    ", \"frequent_lines\": " + std::to_string(st->frequent_lines) + "}";
    KILANG_RETURN_IF_ERROR(WriteFileAtomic(summary_path, j + "\n"));
  }
  KILANG_RETURN_IF_ERROR(ReadFile(summary_path, 1 << 20, &out.summary_json));
  while (!out.summary_json.empty() && out.summary_json.back() == '\n') out.summary_json.pop_back();

  auto marker = [&](size_t i) { return base + "/done/" + inputs[i].name + ".json"; };
  // Shards to (re)write: no marker, or a file it lists went missing.
  std::vector<size_t> todo;
  for (size_t i = 0; i < inputs.size(); ++i) {
    bool whole = false;
    if (access(marker(i).c_str(), F_OK) == 0) {
      DedupShardResult old;
      whole = ParseMarker(marker(i), &old).ok();
      for (const std::string& f : old.shards) {
        whole = whole && access((dir + "/" + f).c_str(), F_OK) == 0;
      }
    }
    if (!whole) todo.push_back(i);
  }
  std::unique_ptr<dedup::DedupPlan> plan;  // only needed when some shard is (re)written
  if (!todo.empty()) {
    auto p = dedup::DedupPlan::Open(base + "/work", o);
    if (!p.ok()) {
      if (access(inputs[todo[0]].path.c_str(), F_OK) != 0) {
        return Status::NotFound(dir + ": output shard " + inputs[todo[0]].name +
                                " is missing and the run's intermediate files were removed when "
                                "it completed (dedup.keep_intermediate: true keeps them); run "
                                "again into a new folder");
      }
      return p.status();
    }
    plan = std::move(p).value();
  }
  std::atomic<size_t> written{0};
  std::atomic<bool> failed{false};  // the first failure stops the shards not yet started
  KILANG_RETURN_IF_ERROR(ParallelFor(todo.size(), threads, [&](size_t k) -> Status {
    if (failed.load()) return Status::Ok();
    const size_t i = todo[k];
    DedupShardResult r;
    Status s = ApplyShard(*plan, uint32_t(i), inputs[i], dir, compression, compression_level, &r);
    if (s.ok() && options.before_marker && !options.before_marker(i)) {
      s = Status::Internal("dedup phase stopped before marker " + std::to_string(i));
    }
    if (s.ok()) s = WriteFileAtomic(marker(i), MarkerJson(r));
    if (!s.ok()) {
      failed = true;
      return s;
    }
    report("dedup writing: " + std::to_string(written.fetch_add(1) + 1) + "/" +
           std::to_string(todo.size()) + " shards");
    return Status::Ok();
  }));
  for (size_t i = 0; i < inputs.size(); ++i) {
    KILANG_RETURN_IF_ERROR(ParseMarker(marker(i), &out.shards[i]));
  }
  // Every shard is final and was read back whole: the stage-1 copies and the dedup work files
  // are no longer read (a rerun finds every marker whole and needs neither). Markers and
  // summary.json stay. stats.json says which it was.
  // The size is measured once, before anything is removed, and kept in a file so that a
  // resumed run reports the same figure.
  const std::string size_path = base + "/intermediate_bytes";
  std::string size_text;
  if (!ReadFile(size_path, 64, &size_text).ok()) {
    uint64_t total = 0;
    for (const DedupShardInput& in : inputs) {
      auto sz = fs::file_size(in.path, ec);
      if (!ec) total += sz;
    }
    for (const auto& e : fs::recursive_directory_iterator(base + "/work", ec)) {
      auto sz = e.is_regular_file(ec) ? e.file_size(ec) : 0;
      if (!ec) total += sz;
    }
    size_text = std::to_string(total);
    KILANG_RETURN_IF_ERROR(WriteFileAtomic(size_path, size_text));
  }
  const uint64_t bytes = std::strtoull(size_text.c_str(), nullptr, 10);
  if (!options.keep_intermediate) {
    for (const DedupShardInput& in : inputs) fs::remove(in.path, ec);
    fs::remove_all(base + "/work", ec);
  }
  if (!out.summary_json.empty() && out.summary_json.back() == '}') {
    out.summary_json.pop_back();
    out.summary_json += std::string(", \"intermediate\": \"") +
                        (options.keep_intermediate ? "kept" : "removed") +
                        "\", \"intermediate_bytes\": " + std::to_string(bytes) + "}";
  }
  return out;
}

}  // namespace kilang
