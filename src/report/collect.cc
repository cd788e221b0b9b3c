// CollectReport: one pass over a run's output folder (report.h).
//
// Two phases, each over its shards in parallel: the kept shards first (distributions, the kept
// sample, the dedup clusters and which of them are the largest), then removed/ (distributions,
// the per-reason samples, and the members of the largest clusters). Every thread owns an
// accumulator; they are merged at the end. Merging is order-independent (sums and bottom-k
// samples), so the result does not depend on the number of threads.
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "kilang/extract/date.h"
#include "kilang/filter/pii.h"
#include "kilang/io/file.h"
#include "kilang/io/stream.h"
#include "kilang/report/report.h"
#include "kilang/util/parallel.h"
#include "report_internal.h"

namespace kilang::report {

namespace fs = std::filesystem;
using internal::BottomK;

namespace {

constexpr char kUnreadableStep[] = "(unreadable)";
// Bounds that keep the page small whatever the run holds (docs/report.md).
constexpr size_t kMaxWarnings = 20;
constexpr size_t kMaxIdBytes = 200;
constexpr size_t kMaxExtras = 16;
constexpr size_t kMaxExtraValueBytes = 200;
constexpr size_t kMaxTitleBytes = 300;
constexpr size_t kMaxUrlBytes = 600;
constexpr size_t kMaxSampledReasons = 100;  // (stage, reason) pairs with samples
constexpr size_t kMaxStatsListItems = 100;  // items of each stats.json list embedded

Histogram MakeHistogram(std::vector<double> edges) {
  Histogram h;
  h.counts.assign(edges.size() - 1, 0);
  h.edges = std::move(edges);
  return h;
}

// Text lengths in code points: [0, 1) for empty texts, then four bins per decade from 10 to
// 10^7 (rounded), the last bin open-ended.
Histogram LengthHistogram() {
  std::vector<double> e = {0, 1};
  for (int k = 4; k <= 28; ++k) e.push_back(std::round(std::pow(10.0, k / 4.0)));
  return MakeHistogram(std::move(e));
}

Histogram ScoreHistogram() {
  std::vector<double> e;
  for (int i = 0; i <= 20; ++i) e.push_back(i / 20.0);
  return MakeHistogram(std::move(e));
}

Histogram ClusterHistogram() { return MakeHistogram({2, 3, 4, 5, 6, 11, 21, 51, 101, 1001, 1e18}); }

std::string ValueText(simdjson::dom::element v) {
  std::string_view s;
  if (!v.get(s)) return std::string(s);
  return simdjson::minify(v);
}

uint64_t ValueUint(simdjson::dom::element v) {
  std::string_view s;
  if (!v.get(s)) return std::strtoull(std::string(s).c_str(), nullptr, 10);
  uint64_t u;
  if (!v.get(u)) return u;
  double d;
  if (!v.get(d) && d > 0) return uint64_t(d);
  return 0;
}

struct ClusterCand {
  uint64_t key = 0;  // UINT64_MAX - size: the largest clusters have the smallest keys
  std::string id;
  Cluster cluster;
};

struct MemberCand {
  uint64_t key = 0;  // the member's position: shard order
  std::string id;
  std::string reason;
};

struct ShardFile {
  std::string path;
  bool removed = false;
};

using ReasonKey = std::pair<std::string, std::string>;

struct Acc {
  explicit Acc(const ReportOptions& o)
      : length_kept(LengthHistogram()),
        length_removed(LengthHistogram()),
        score_kept(ScoreHistogram()),
        score_removed(ScoreHistogram()),
        cluster_sizes(ClusterHistogram()),
        top(o.top_clusters),
        kept(o.kept_samples) {}

  simdjson::dom::parser parser;
  uint64_t docs_kept = 0, docs_removed = 0, bad_lines = 0, shards = 0;
  Histogram length_kept, length_removed, score_kept, score_removed, cluster_sizes;
  std::map<std::string, Histogram> length_by_stage;
  std::unordered_map<std::string, ReportData::LangCount> langs;
  uint64_t clusters = 0, clustered_docs = 0;
  BottomK<ClusterCand> top;
  std::map<std::string, std::pair<uint64_t, uint64_t>> line_edits;
  uint64_t chars_kept = 0, chars_removed = 0;
  std::map<ReasonKey, BottomK<SampleDoc>> removed;
  std::map<ReasonKey, uint64_t> seen;
  BottomK<SampleDoc> kept;
  std::unordered_map<std::string, BottomK<MemberCand>> members;  // phase 2: the largest clusters
  std::unordered_map<std::string, std::map<std::string, uint64_t>> members_seen;  // by reason
  std::vector<std::string> warnings;

  void Merge(Acc& o) {
    docs_kept += o.docs_kept;
    docs_removed += o.docs_removed;
    bad_lines += o.bad_lines;
    shards += o.shards;
    length_kept.Merge(o.length_kept);
    length_removed.Merge(o.length_removed);
    score_kept.Merge(o.score_kept);
    score_removed.Merge(o.score_removed);
    cluster_sizes.Merge(o.cluster_sizes);
    for (auto& [k, h] : o.length_by_stage) {
      auto it = length_by_stage.find(k);
      if (it == length_by_stage.end()) {
        length_by_stage.emplace(k, h);
      } else {
        it->second.Merge(h);
      }
    }
    for (auto& [k, c] : o.langs) {
      langs[k].kept += c.kept;
      langs[k].removed += c.removed;
    }
    clusters += o.clusters;
    clustered_docs += o.clustered_docs;
    top.Merge(std::move(o.top));
    for (auto& [k, v] : o.line_edits) {
      line_edits[k].first += v.first;
      line_edits[k].second += v.second;
    }
    chars_kept += o.chars_kept;
    chars_removed += o.chars_removed;
    for (auto& [k, s] : o.removed) {
      auto it = removed.find(k);
      if (it == removed.end()) {
        removed.emplace(k, std::move(s));
      } else {
        it->second.Merge(std::move(s));
      }
    }
    for (auto& [k, n] : o.seen) seen[k] += n;
    kept.Merge(std::move(o.kept));
    for (auto& [k, s] : o.members) {
      auto it = members.find(k);
      if (it == members.end()) {
        members.emplace(k, std::move(s));
      } else {
        it->second.Merge(std::move(s));
      }
    }
    for (auto& [k, by] : o.members_seen) {
      for (auto& [r, n] : by) members_seen[k][r] += n;
    }
    for (auto& w : o.warnings) warnings.push_back(std::move(w));
    o.warnings.clear();
  }
};

// Calls fn(line) for each '\n'-terminated line of a (compressed) JSONL file. A damaged stream
// ends the file with a warning.
Status ForEachLine(const std::string& path, std::string* warning,
                   const std::function<void(std::string_view)>& fn) {
  auto in = InputStream::Open(path);
  if (!in.ok()) return in.status();
  InputStream& st = **in;
  std::string carry;
  for (;;) {
    const size_t n = st.Ensure(size_t(1) << 16);
    if (n == 0) {
      if (st.at_break()) *warning = st.TakeBreak().ToString();
      break;
    }
    std::string_view v = st.Peek();
    size_t start = 0;
    for (;;) {
      const size_t nl = v.find('\n', start);
      if (nl == std::string_view::npos) break;
      if (carry.empty()) {
        fn(v.substr(start, nl - start));
      } else {
        carry.append(v.substr(start, nl - start));
        fn(carry);
        carry.clear();
      }
      start = nl + 1;
    }
    carry.append(v.substr(start));
    st.Consume(v.size());
  }
  if (!carry.empty()) fn(carry);
  return Status::Ok();
}

// stats.json as embedded in the page: every list cut to its first kStatsListItems items (an
// older run could list millions of unreadable items), with "<list>_count" holding the length
// when the file does not already.
std::string TrimmedStatsJson(simdjson::dom::element st) {
  internal::JsonWriter w;
  w.BeginObject();
  simdjson::dom::object obj = st.get_object().value_unsafe();
  for (auto [k, v] : obj) {
    simdjson::dom::array arr;
    if (v.get(arr) || arr.size() <= kMaxStatsListItems) {
      w.Key(k).Raw(simdjson::minify(v));
      continue;
    }
    w.Key(k).BeginArray();
    size_t i = 0;
    for (auto e : arr) {
      if (i++ == kMaxStatsListItems) break;
      w.Raw(simdjson::minify(e));
    }
    w.EndArray();
    const std::string count_key = std::string(k) + "_count";
    simdjson::dom::element existing;
    if (obj[count_key].get(existing)) w.Key(count_key).Uint(arr.size());
  }
  w.EndObject();
  return w.Take();
}

class Collector {
 public:
  Collector(const std::string& dir, const ReportOptions& o) : dir_(dir), o_(o) {}

  Result<ReportData> Run();

 private:
  Status ReadStats(ReportData* d);
  void ListShards(const std::vector<std::string>& stats_shards, ReportData* d);
  void ReadShard(size_t index, Acc* acc);
  void Doc(simdjson::dom::element el, bool removed, uint64_t order, Acc* acc);
  SampleDoc MakeSample(std::string_view id, std::string_view text, const simdjson::dom::object* md,
                       uint64_t key) const;
  Status Phase(bool removed, std::vector<std::unique_ptr<Acc>>* pool);

  std::string dir_;
  const ReportOptions& o_;
  std::vector<ShardFile> shards_;
  // Funnel order and the stats.json counts per (stage, reason).
  std::vector<std::string> order_;
  std::map<ReasonKey, uint64_t> stats_reasons_;
  std::unordered_set<std::string> wanted_clusters_;
};

Status Collector::ReadStats(ReportData* d) {
  const std::string path = dir_ + "/stats.json";
  Status s = ReadFile(path, size_t(256) << 20, &d->stats_json);
  if (!s.ok()) {
    if (s.code() == StatusCode::kNotFound) {
      return Status::NotFound(dir_ +
                              ": no stats.json: not the output folder of a finished "
                              "`kilang run`");
    }
    return Status(s.code(), path + ": " + s.message());
  }
  simdjson::dom::parser parser;
  simdjson::dom::element st;
  if (parser.parse(d->stats_json).get(st) || !st.is_object()) {
    return Status::Corruption(path + ": not a JSON object");
  }
  d->stats_json = TrimmedStatsJson(st);
  auto u = [&](const char* k) {
    uint64_t v = 0;
    if (st[k].get(v)) {
      if (d->warnings.size() < kMaxWarnings) {
        d->warnings.push_back(std::string("stats.json has no integer '") + k + "'");
      }
      v = 0;
    }
    return v;
  };
  d->read = u("read");
  d->kept = u("kept");
  d->removed = u("removed");
  d->unreadable = u("unreadable");
  uint64_t skipped = 0;
  if (!st["skipped"].get(skipped)) d->skipped = skipped;

  std::vector<std::string> in_stats;
  std::map<std::string, std::vector<std::pair<std::string, uint64_t>>> by_stage;
  simdjson::dom::object rbs;
  if (!st["removed_by_stage"].get(rbs)) {
    for (auto [stage, reasons] : rbs) {
      simdjson::dom::object ro;
      if (reasons.get(ro)) continue;
      std::string sname(stage);
      in_stats.push_back(sname);
      auto& list = by_stage[sname];
      for (auto [reason, n] : ro) {
        uint64_t v = ValueUint(n);
        list.emplace_back(std::string(reason), v);
        stats_reasons_[{sname, std::string(reason)}] = v;
      }
      std::stable_sort(list.begin(), list.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
    }
  }
  std::vector<std::string> configured =
      d->has_facts && !d->facts.stages.empty() ? d->facts.stages : internal::DefaultStageOrder();
  if (!d->has_facts) {
    // Without the run's facts, show the stages known to have run: those that removed something.
    std::vector<std::string> known;
    for (const std::string& s : configured) {
      if (by_stage.count(s)) known.push_back(s);
    }
    configured = std::move(known);
  } else {
    simdjson::dom::element dedup;
    if (!st["dedup"].get(dedup)) {
      for (const char* s : {"exact_dedup", "minhash_dedup", "line_dedup"}) configured.push_back(s);
    }
  }
  order_ = internal::StageOrder(configured, in_stats);

  uint64_t remaining = d->read;
  if (d->unreadable > 0) {
    d->funnel.push_back({kUnreadableStep, remaining, d->unreadable, {}});
    remaining -= std::min(remaining, d->unreadable);
  }
  for (const std::string& stage : order_) {
    FunnelStep step;
    step.stage = stage;
    step.in = remaining;
    auto it = by_stage.find(stage);
    if (it != by_stage.end()) {
      step.reasons = it->second;
      for (const auto& [r, n] : it->second) step.removed += n;
    }
    remaining -= std::min(remaining, step.removed);
    d->funnel.push_back(std::move(step));
  }
  if (remaining != d->kept) {
    d->warnings.push_back("stats.json does not add up: read " + std::to_string(d->read) +
                          " minus unreadable and removed leaves " + std::to_string(remaining) +
                          ", but kept is " + std::to_string(d->kept));
  }

  std::vector<std::string> stats_shards;
  simdjson::dom::array arr;
  if (!st["shards"].get(arr)) {
    for (auto e : arr) {
      std::string_view v;
      if (!e.get(v)) stats_shards.emplace_back(v);
    }
  }
  ListShards(stats_shards, d);
  return Status::Ok();
}

bool IsShardName(const std::string& name) {
  return name.find(".jsonl") != std::string::npos && name.find(".tmp.") == std::string::npos;
}

void Collector::ListShards(const std::vector<std::string>& stats_shards, ReportData* d) {
  std::error_code ec;
  std::vector<std::string> kept;
  if (!stats_shards.empty()) {
    for (const std::string& s : stats_shards) {
      if (fs::exists(dir_ + "/" + s, ec)) {
        kept.push_back(dir_ + "/" + s);
      } else if (d->warnings.size() < kMaxWarnings) {
        d->warnings.push_back("kept shard " + s + " (listed in stats.json) is missing");
      }
    }
  } else {
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
      const std::string n = e.path().filename().string();
      if (e.is_regular_file(ec) && n.rfind("part-", 0) == 0 && IsShardName(n)) {
        kept.push_back(e.path().string());
      }
    }
    std::sort(kept.begin(), kept.end());
  }
  std::vector<std::string> removed;
  for (const auto& e : fs::directory_iterator(dir_ + "/removed", ec)) {
    const std::string n = e.path().filename().string();
    if (e.is_regular_file(ec) && IsShardName(n)) removed.push_back(e.path().string());
  }
  std::sort(removed.begin(), removed.end());
  for (auto& p : kept) shards_.push_back({std::move(p), false});
  for (auto& p : removed) shards_.push_back({std::move(p), true});
}

SampleDoc Collector::MakeSample(std::string_view id, std::string_view text,
                                const simdjson::dom::object* md, uint64_t key) const {
  SampleDoc s;
  s.id.assign(id);
  s.key = key;
  s.chars = internal::CountCodePoints(text);
  s.lines = text.empty() ? 0 : uint64_t(std::count(text.begin(), text.end(), '\n')) + 1;
  s.text.assign(internal::CutCodePoints(text, o_.text_chars, &s.truncated));
  if (md == nullptr) return s;
  for (auto [k, v] : *md) {
    if (k == "lang_score") {
      double x;
      if (!v.get(x)) s.lang_score = x;
      continue;
    }
    std::string val = ValueText(v);
    if (k == "url") {
      s.url.assign(internal::CutBytes(val, kMaxUrlBytes));
    } else if (k == "title") {
      s.title.assign(internal::CutBytes(val, kMaxTitleBytes));
    } else if (k == "date") {
      s.date.assign(internal::CutBytes(val, kMaxExtraValueBytes));
    } else if (k == "lang") {
      s.lang.assign(internal::CutBytes(val, kMaxExtraValueBytes));
    } else if (k == "source") {
      s.source.assign(internal::CutBytes(val, kMaxUrlBytes));
    } else if (k == "stage") {
      s.stage = std::move(val);
    } else if (k == "reason") {
      s.reason = std::move(val);
    } else if (s.extra.size() < kMaxExtras) {
      s.extra.emplace_back(std::string(internal::CutBytes(k, kMaxExtraValueBytes)),
                           std::string(internal::CutBytes(val, kMaxExtraValueBytes)));
    }
  }
  return s;
}

void Collector::Doc(simdjson::dom::element el, bool removed, uint64_t order, Acc* a) {
  std::string_view id, text;
  if (el["id"].get(id)) id = {};
  if (el["text"].get(text)) text = {};
  simdjson::dom::object md;
  bool has_md = !el["metadata"].get(md);
  std::string_view lang, stage = "(unknown)", reason = "(unknown)", cluster_id;
  double score = -1;
  uint64_t cluster_size = 0;
  if (has_md) {
    for (auto [k, v] : md) {
      if (k == "lang") {
        if (v.get(lang)) lang = {};
      } else if (k == "lang_score") {
        if (v.get(score)) score = -1;
      } else if (k == "stage") {
        if (v.get(stage)) stage = "(unknown)";
      } else if (k == "reason") {
        if (v.get(reason)) reason = "(unknown)";
      } else if (k == "dedup_cluster_size") {
        cluster_size = ValueUint(v);
      } else if (k == "dedup_cluster_id") {
        if (v.get(cluster_id)) cluster_id = {};
      } else if (!removed && k.size() > 14 && k.substr(k.size() - 14) == "_lines_removed") {
        auto& e = a->line_edits[std::string(k)];
        ++e.first;
        e.second += ValueUint(v);
      }
    }
  }
  const uint64_t chars = internal::CountCodePoints(text);
  auto& lc = a->langs[std::string(lang)];
  const uint64_t key = internal::SampleKey(id, o_.seed);
  if (!removed) {
    ++a->docs_kept;
    a->chars_kept += chars;
    a->length_kept.Add(double(chars));
    ++lc.kept;
    if (score >= 0) a->score_kept.Add(score);
    if (cluster_size >= 2) {
      ++a->clusters;
      a->clustered_docs += cluster_size;
      a->cluster_sizes.Add(double(cluster_size));
      const uint64_t ckey = UINT64_MAX - cluster_size;
      if (a->top.Wants(ckey, id, order)) {
        ClusterCand c;
        c.key = ckey;
        c.id.assign(id);
        c.cluster.id.assign(id);
        c.cluster.size = cluster_size;
        if (has_md) {
          std::string_view s;
          if (!md["title"].get(s)) c.cluster.title.assign(internal::CutBytes(s, kMaxTitleBytes));
          if (!md["url"].get(s)) c.cluster.url.assign(internal::CutBytes(s, kMaxUrlBytes));
        }
        a->top.Offer(std::move(c), order);
      }
    }
    if (a->kept.Wants(key, id, order)) {
      a->kept.Offer(MakeSample(id, text, has_md ? &md : nullptr, key), order);
    }
    return;
  }
  ++a->docs_removed;
  a->chars_removed += chars;
  a->length_removed.Add(double(chars));
  std::string stage_name(stage);
  auto hs = a->length_by_stage.find(stage_name);
  if (hs == a->length_by_stage.end()) {
    hs = a->length_by_stage.emplace(stage_name, LengthHistogram()).first;
  }
  hs->second.Add(double(chars));
  ++lc.removed;
  if (score >= 0) a->score_removed.Add(score);
  ReasonKey rk{std::move(stage_name), std::string(reason)};
  ++a->seen[rk];
  auto sit = a->removed.find(rk);
  if (sit == a->removed.end()) {
    sit = a->removed.emplace(rk, BottomK<SampleDoc>(o_.samples_per_reason)).first;
  }
  if (sit->second.Wants(key, id, order)) {
    sit->second.Offer(MakeSample(id, text, has_md ? &md : nullptr, key), order);
  }
  if (!cluster_id.empty() && !wanted_clusters_.empty()) {
    std::string cid(cluster_id);
    if (wanted_clusters_.count(cid)) {
      ++a->members_seen[cid][std::string(reason)];
      auto mit = a->members.find(cid);
      if (mit == a->members.end()) {
        mit = a->members.emplace(cid, BottomK<MemberCand>(o_.cluster_members)).first;
      }
      if (mit->second.Wants(order, id, order)) {
        mit->second.Offer(MemberCand{order, std::string(id), std::string(reason)}, order);
      }
    }
  }
}

void Collector::ReadShard(size_t index, Acc* a) {
  const ShardFile& sf = shards_[index];
  ++a->shards;
  uint64_t line_no = 0;
  std::string warning;
  Status s = ForEachLine(sf.path, &warning, [&](std::string_view line) {
    const uint64_t order = (uint64_t(index) << 32) | line_no++;
    if (line.empty()) return;
    simdjson::dom::element el;
    if (a->parser.parse(line.data(), line.size()).get(el) || !el.is_object()) {
      ++a->bad_lines;
      return;
    }
    Doc(el, sf.removed, order, a);
  });
  const std::string rel = fs::path(sf.path).lexically_relative(dir_).string();
  if (!s.ok()) {
    a->warnings.push_back(rel + ": " + s.ToString());
  } else if (!warning.empty()) {
    a->warnings.push_back(rel + ": damaged after line " + std::to_string(line_no) + ": " + warning);
  }
}

Status Collector::Phase(bool removed, std::vector<std::unique_ptr<Acc>>* pool) {
  std::vector<size_t> items;
  for (size_t i = 0; i < shards_.size(); ++i) {
    if (shards_[i].removed == removed) items.push_back(i);
  }
  std::mutex mu;
  std::vector<Acc*> free;
  for (auto& a : *pool) free.push_back(a.get());
  return ParallelFor(items.size(), pool->size(), [&](size_t i) {
    Acc* a;
    {
      std::lock_guard<std::mutex> l(mu);
      a = free.back();
      free.pop_back();
    }
    ReadShard(items[i], a);
    std::lock_guard<std::mutex> l(mu);
    free.push_back(a);
    return Status::Ok();
  });
}

std::string NowIso() { return DateTime::FromUnixSeconds(int64_t(std::time(nullptr)), 0).ToIso(); }

Result<ReportData> Collector::Run() {
  ReportData d;
  d.dir = dir_;
  d.version = KilangVersion();
  d.generated = NowIso();
  auto facts = LoadRunFacts(dir_);
  if (facts.ok()) {
    d.has_facts = true;
    d.facts = std::move(*facts);
  } else if (facts.status().code() != StatusCode::kNotFound) {
    d.warnings.push_back(facts.status().message());
  }
  {
    std::string text;
    if (ReadFile(dir_ + "/.kilang/run.json", 1 << 20, &text).ok()) {
      simdjson::dom::parser p;
      simdjson::dom::element el;
      std::string_view now;
      if (!p.parse(text).get(el) && !el["now"].get(now)) d.run_started.assign(now);
    }
  }
  KILANG_RETURN_IF_ERROR(ReadStats(&d));

  size_t threads = o_.threads ? o_.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = std::max<size_t>(1, std::min(threads, shards_.size()));
  std::vector<std::unique_ptr<Acc>> pool;
  for (size_t i = 0; i < threads; ++i) pool.push_back(std::make_unique<Acc>(o_));

  // Phase 1: kept shards; then the largest clusters are known.
  KILANG_RETURN_IF_ERROR(Phase(false, &pool));
  BottomK<ClusterCand> top(o_.top_clusters);
  for (auto& a : pool) top.Merge(std::move(a->top));
  std::vector<ClusterCand> largest = top.Take();
  for (const ClusterCand& c : largest) wanted_clusters_.insert(c.id);
  // Phase 2: removed shards.
  KILANG_RETURN_IF_ERROR(Phase(true, &pool));
  Acc total(o_);
  for (auto& a : pool) total.Merge(*a);

  d.docs_kept = total.docs_kept;
  d.docs_removed = total.docs_removed;
  d.shards_read = total.shards;
  d.bad_lines = total.bad_lines;
  d.length_kept = std::move(total.length_kept);
  d.length_removed = std::move(total.length_removed);
  d.length_by_stage = std::move(total.length_by_stage);
  for (auto& [k, c] : total.langs) d.langs[k] = c;
  d.lang_score_kept = std::move(total.score_kept);
  d.lang_score_removed = std::move(total.score_removed);
  d.cluster_sizes = std::move(total.cluster_sizes);
  d.clusters = total.clusters;
  d.clustered_docs = total.clustered_docs;
  d.line_edits = std::move(total.line_edits);
  d.total_chars_kept = total.chars_kept;
  d.total_chars_removed = total.chars_removed;
  for (ClusterCand& c : largest) {
    Cluster cl = std::move(c.cluster);
    auto it = total.members.find(cl.id);
    if (it != total.members.end()) {
      for (MemberCand& m : it->second.Take()) {
        cl.members.push_back({std::move(m.id), std::move(m.reason)});
      }
    }
    cl.member_reasons = total.members_seen[cl.id];
    for (const auto& [r, n] : cl.member_reasons) cl.members_seen += n;
    d.top_clusters.push_back(std::move(cl));
  }

  // Samples: stats.json's reasons in funnel order, then any found only in the shards.
  std::set<ReasonKey> done;
  auto take = [&](const ReasonKey& k) {
    if (!done.insert(k).second) return;
    ReasonSample rs;
    rs.stage = k.first;
    rs.reason = k.second;
    rs.seen = total.seen.count(k) ? total.seen[k] : 0;
    auto it = total.removed.find(k);
    if (it != total.removed.end()) rs.docs = it->second.Take();
    d.removed_samples.push_back(std::move(rs));
  };
  for (const FunnelStep& step : d.funnel) {
    for (const auto& [reason, n] : step.reasons) take({step.stage, reason});
  }
  for (const auto& [k, n] : total.seen) take(k);
  for (size_t i = kMaxSampledReasons; i < d.removed_samples.size(); ++i) {
    d.removed_samples[i].docs.clear();
    d.removed_samples[i].sampled = false;
  }
  d.kept_sample.stage = "";
  d.kept_sample.reason = "kept";
  d.kept_sample.seen = total.docs_kept;
  d.kept_sample.docs = total.kept.Take();

  // The budget: the samples' fields other than text take at most half of it (else fewer
  // metadata keys, then fewer documents per reason are kept); the texts share the rest, cut to
  // one byte cap that fits.
  for (Cluster& c : d.top_clusters) {
    c.id.resize(internal::CutBytes(c.id, kMaxIdBytes).size());
    for (ClusterMember& m : c.members) m.id.resize(internal::CutBytes(m.id, kMaxIdBytes).size());
  }
  auto fields = [](const SampleDoc& s) {
    size_t n = 160 + s.id.size() + s.title.size() + s.url.size() + s.source.size() + s.date.size() +
               s.lang.size() + s.stage.size() + s.reason.size();
    for (const auto& [k, v] : s.extra) n += k.size() + v.size() + 8;
    return n;
  };
  auto for_all = [&](const std::function<void(SampleDoc&)>& fn) {
    for (auto& rs : d.removed_samples) {
      for (auto& s : rs.docs) fn(s);
    }
    for (auto& s : d.kept_sample.docs) fn(s);
  };
  auto overhead = [&] {
    size_t n = 0;
    for_all([&](SampleDoc& s) { n += fields(s); });
    return n;
  };
  for_all([](SampleDoc& s) { s.id.resize(internal::CutBytes(s.id, kMaxIdBytes).size()); });
  const size_t half = o_.sample_budget_bytes / 2;
  if (overhead() > half) {
    for_all([](SampleDoc& s) {
      if (s.extra.size() > 4) s.extra.resize(4);
      for (auto& [k, v] : s.extra) v.resize(internal::CutBytes(v, 80).size());
    });
  }
  for (size_t per = o_.samples_per_reason; per > 1 && overhead() > half; per = per * 3 / 4) {
    for (auto& rs : d.removed_samples) {
      if (rs.docs.size() > per) rs.docs.resize(per);
    }
    if (d.kept_sample.docs.size() > per * 10) d.kept_sample.docs.resize(per * 10);
  }
  std::vector<size_t> sizes;
  for_all([&](SampleDoc& s) { sizes.push_back(s.text.size()); });
  const size_t used = overhead();
  const size_t cap =
      internal::FitBudget(sizes, o_.sample_budget_bytes > used ? o_.sample_budget_bytes - used : 0);
  d.texts_cut = cap != SIZE_MAX;
  d.text_cap_bytes = d.texts_cut ? cap : 0;
  std::vector<SampleDoc*> all;
  for_all([&](SampleDoc& s) { all.push_back(&s); });
  const PiiOptions pii;
  d.pii_placeholders = {pii.email_placeholder, pii.ipv4_placeholder, pii.ipv6_placeholder,
                        pii.phone_placeholder};
  const std::vector<std::string>& placeholders = d.pii_placeholders;
  for (SampleDoc* s : all) {
    if (cap != SIZE_MAX && s->text.size() > cap) {
      s->text.resize(internal::CutBytes(s->text, cap).size());
      s->truncated = true;
    }
    s->marks = internal::MarkLines(*s, placeholders);
  }

  // Cross-checks: the shards should hold what stats.json counts.
  for (auto& w : total.warnings) {
    if (d.warnings.size() < kMaxWarnings) d.warnings.push_back(std::move(w));
  }
  if (d.bad_lines > 0) {
    d.warnings.push_back(std::to_string(d.bad_lines) +
                         " line(s) in the shards are not JSON objects");
  }
  if (d.docs_kept != d.kept) {
    d.warnings.push_back("the kept shards hold " + std::to_string(d.docs_kept) +
                         " documents; stats.json counts " + std::to_string(d.kept));
  }
  size_t mismatches = 0;
  for (const ReasonSample& rs : d.removed_samples) {
    auto it = stats_reasons_.find({rs.stage, rs.reason});
    uint64_t expected = it == stats_reasons_.end() ? 0 : it->second;
    if (expected != rs.seen && mismatches++ < 5 && d.warnings.size() < kMaxWarnings) {
      d.warnings.push_back("removed/ holds " + std::to_string(rs.seen) + " documents of " +
                           rs.stage + " / " + rs.reason + "; stats.json counts " +
                           std::to_string(expected));
    }
  }
  return d;
}

}  // namespace

Result<ReportData> CollectReport(const std::string& dir, const ReportOptions& options) {
  std::error_code ec;
  std::string d = fs::absolute(dir, ec).lexically_normal().string();
  if (ec) d = dir;
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  Collector c(d, options);
  return c.Run();
}

}  // namespace kilang::report
