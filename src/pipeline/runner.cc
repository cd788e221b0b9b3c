#include "kilang/pipeline/runner.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "kilang/core/document.h"
#include "kilang/extract/date.h"
#include "kilang/io/file.h"
#include "kilang/io/lock.h"
#include "kilang/io/reader.h"
#include "kilang/io/writer.h"

namespace kilang {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// CPU time of the calling thread, in seconds.
double ThreadCpu() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// A task's outcome: what its done-marker holds.
struct TaskResult {
  uint64_t read = 0, kept = 0, removed = 0, unreadable = 0, output_bytes = 0;
  uint64_t unreadable_bytes = 0;  // decoded input bytes inside unreadable items (where known)
  std::map<std::string, uint64_t> skipped;
  std::map<std::string, std::map<std::string, uint64_t>> removed_by;
  std::map<std::string, uint64_t> counters;  // annotations summed over documents (pii_*)
  std::vector<UnreadableItem> unreadable_items;  // the first kListedItems of them
  std::map<std::string, uint64_t> unreadable_by_reason;
  std::vector<UnreadableItem> warnings;  // the first kListedItems of them
  uint64_t warnings_count = 0;
  bool limited = false;  // run.limit stopped this task's reading (or kept it from starting)
  std::vector<std::string> shards;  // relative paths written (kept first, then removed)
};

uint64_t Fnv1a(std::string_view s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string ShardName(size_t i, size_t width) {
  std::string n = std::to_string(i);
  if (n.size() < width) n.insert(0, width - n.size(), '0');
  return "part-" + n;
}

// Unreadable items and warnings kept in memory, in done-markers and in stats.json: the first
// this many (per task, and per run); every unreadable item is also written to the task's
// .kilang/unreadable/part-<i>.jsonl.zst, joined into DIR/unreadable.jsonl.zst at the end.
constexpr size_t kListedItems = 100;

// The stable part of a reason, to count items by: digit runs become '#', and details after
// " (" or "; " are dropped ("corrupt input: Content-Length # does not match the record").
std::string ReasonKey(std::string_view reason) {
  std::string out;
  for (size_t i = 0; i < reason.size(); ++i) {
    if (reason.compare(i, 2, " (") == 0 || reason.compare(i, 2, "; ") == 0) break;
    char c = reason[i];
    if (c >= '0' && c <= '9') {
      if (out.empty() || out.back() != '#') out.push_back('#');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string ItemJson(const UnreadableItem& u) {
  std::string out = "{\"file\":";
  AppendJsonString(u.file, &out);
  out += ",\"offset\":" + std::to_string(u.offset) + ",\"reason\":";
  AppendJsonString(u.reason, &out);
  out.push_back('}');
  return out;
}

// ---- done-markers (JSON) ----

void AppendCounts(const std::map<std::string, uint64_t>& m, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const auto& [k, v] : m) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(k, out);
    out->append(":" + std::to_string(v));
  }
  out->push_back('}');
}

void AppendRemovedBy(const std::map<std::string, std::map<std::string, uint64_t>>& m,
                     std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const auto& [stage, reasons] : m) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(stage, out);
    out->push_back(':');
    AppendCounts(reasons, out);
  }
  out->push_back('}');
}

void AppendUnreadable(const std::vector<UnreadableItem>& items, std::string* out, const char* sep) {
  out->push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out->push_back(',');
    out->append(sep);
    out->append(ItemJson(items[i]));
  }
  out->push_back(']');
}

void AppendStrings(const std::vector<std::string>& v, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out->push_back(',');
    AppendJsonString(v[i], out);
  }
  out->push_back(']');
}

std::string MarkerJson(const TaskResult& r) {
  std::string out = "{\"read\":" + std::to_string(r.read) + ",\"kept\":" + std::to_string(r.kept) +
                    ",\"removed\":" + std::to_string(r.removed) +
                    ",\"unreadable\":" + std::to_string(r.unreadable) +
                    ",\"output_bytes\":" + std::to_string(r.output_bytes) +
                    ",\"unreadable_bytes\":" + std::to_string(r.unreadable_bytes) + ",\"skipped\":";
  AppendCounts(r.skipped, &out);
  out += ",\"removed_by\":";
  AppendRemovedBy(r.removed_by, &out);
  out += ",\"counters\":";
  AppendCounts(r.counters, &out);
  out += ",\"unreadable_by_reason\":";
  AppendCounts(r.unreadable_by_reason, &out);
  out += ",\"unreadable_inputs\":";
  AppendUnreadable(r.unreadable_items, &out, "");
  out += ",\"warnings_count\":" + std::to_string(r.warnings_count);
  out += ",\"warnings\":";
  AppendUnreadable(r.warnings, &out, "");
  if (r.limited) out += ",\"limited\":true";
  out += ",\"shards\":";
  AppendStrings(r.shards, &out);
  out += "}\n";
  return out;
}

Status ParseMarker(const std::string& path, simdjson::dom::parser& parser, TaskResult* r) {
  std::string text;
  KILANG_RETURN_IF_ERROR(ReadFile(path, 0, &text));
  simdjson::dom::element doc;
  if (parser.parse(text).get(doc)) return Status::Corruption(path + ": not a done-marker");
  auto u = [&](const char* k) {
    uint64_t v = 0;
    if (doc[k].get(v)) v = 0;
    return v;
  };
  r->read = u("read");
  r->kept = u("kept");
  r->removed = u("removed");
  r->unreadable = u("unreadable");
  r->output_bytes = u("output_bytes");
  r->unreadable_bytes = u("unreadable_bytes");
  r->warnings_count = u("warnings_count");
  bool limited = false;
  r->limited = !doc["limited"].get(limited) && limited;
  simdjson::dom::object obj;
  if (!doc["skipped"].get(obj)) {
    for (auto [k, v] : obj) r->skipped[std::string(k)] = uint64_t(v.get_uint64().value_unsafe());
  }
  if (!doc["counters"].get(obj)) {
    for (auto [k, v] : obj) r->counters[std::string(k)] = uint64_t(v.get_uint64().value_unsafe());
  }
  if (!doc["unreadable_by_reason"].get(obj)) {
    for (auto [k, v] : obj) {
      r->unreadable_by_reason[std::string(k)] = uint64_t(v.get_uint64().value_unsafe());
    }
  }
  if (!doc["removed_by"].get(obj)) {
    for (auto [stage, reasons] : obj) {
      simdjson::dom::object ro;
      if (reasons.get(ro)) continue;
      for (auto [k, v] : ro)
        r->removed_by[std::string(stage)][std::string(k)] = uint64_t(v.get_uint64().value_unsafe());
    }
  }
  simdjson::dom::array arr;
  for (auto [key, list] : {std::pair{"unreadable_inputs", &r->unreadable_items},
                           std::pair{"warnings", &r->warnings}}) {
    if (doc[key].get(arr)) continue;
    for (auto item : arr) {
      UnreadableItem it;
      std::string_view s;
      if (!item["file"].get(s)) it.file.assign(s);
      if (item["offset"].get(it.offset)) it.offset = 0;
      if (!item["reason"].get(s)) it.reason.assign(s);
      list->push_back(std::move(it));
    }
  }
  if (!doc["shards"].get(arr)) {
    for (auto item : arr) {
      std::string_view s;
      if (!item.get(s)) r->shards.emplace_back(s);
    }
  }
  return Status::Ok();
}

std::string StatsJson(const RunStats& s) {
  std::string out =
      "{\n  \"read\": " + std::to_string(s.read) + ",\n  \"kept\": " + std::to_string(s.kept) +
      ",\n  \"removed\": " + std::to_string(s.removed) +
      ",\n  \"unreadable\": " + std::to_string(s.unreadable) +
      ",\n  \"unreadable_bytes\": " + std::to_string(s.unreadable_bytes) + ",\n  \"skipped\": ";
  uint64_t skipped = 0;
  for (const auto& [k, v] : s.skipped) skipped += v;
  out += std::to_string(skipped) + ",\n  \"skipped_by_reason\": ";
  AppendCounts(s.skipped, &out);
  out += ",\n  \"removed_by_stage\": ";
  AppendRemovedBy(s.removed_by, &out);
  out += ",\n  \"counters\": ";
  AppendCounts(s.counters, &out);
  out += ",\n  \"unreadable_by_reason\": ";
  AppendCounts(s.unreadable_by_reason, &out);
  out += ",\n  \"unreadable_inputs\": ";
  AppendUnreadable(s.unreadable_inputs, &out, "\n    ");
  if (!s.unreadable_file.empty()) {
    out += ",\n  \"unreadable_file\": ";
    AppendJsonString(s.unreadable_file, &out);
  }
  out += ",\n  \"warnings_count\": " + std::to_string(s.warnings_count);
  out += ",\n  \"warnings\": ";
  AppendUnreadable(s.warnings, &out, "\n    ");
  out += ",\n  \"ignored_files\": ";
  AppendStrings(s.ignored_files, &out);
  if (s.limit > 0) {
    out += ",\n  \"limit\": " + std::to_string(s.limit) +
           ",\n  \"limited\": " + (s.limited ? "true" : "false");
  }
  out += ",\n  \"tasks\": " + std::to_string(s.tasks) +
         ",\n  \"input_bytes\": " + std::to_string(s.input_bytes) +
         ",\n  \"output_bytes\": " + std::to_string(s.output_bytes) + ",\n  \"shards\": ";
  AppendStrings(s.shards, &out);
  if (!s.dedup_json.empty()) out += ",\n  \"dedup\": " + s.dedup_json;
  out += "\n}\n";
  return out;
}

std::string FormatDuration(double s) {
  char buf[32];
  if (s < 0 || s > 1e7) return "?";
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%.0fs", s);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%dm%02ds", int(s) / 60, int(s) % 60);
  else
    std::snprintf(buf, sizeof buf, "%dh%02dm", int(s) / 3600, (int(s) % 3600) / 60);
  return buf;
}

// ---- the run ----

// The usage errors a run request can have, found without touching the output folder (the
// stages are built by the caller: that is the last check).
Status CheckRequest(const RunConfig& cfg, const std::vector<std::string>& inputs) {
  if (inputs.empty()) return Status::InvalidArgument("no --input given");
  if (cfg.run.executor != "local") {
    return Status::InvalidArgument("--executor " + cfg.run.executor +
                                   " is not implemented yet (use local)");
  }
  auto comp = ParseOutputCompression(cfg.run.compression);
  if (!comp.ok()) return comp.status();
  for (const std::string& in : inputs) {
    if (IsRemoteInput(in)) {
      return Status::InvalidArgument(
          "--input " + in +
          ": remote inputs are not supported; kilang reads local files and folders only "
          "(copy the data first, e.g. with aws s3 cp, huggingface-cli download or curl)");
    }
  }
  if (std::count(inputs.begin(), inputs.end(), "-") > 1) {
    return Status::InvalidArgument("--input -: standard input can be named once");
  }
  std::vector<std::string> names;
  for (const StageConfig& sc : cfg.stages) names.push_back(sc.name);
  return CheckStageOrder(names);
}

bool HasExtract(const RunConfig& cfg) {
  for (const StageConfig& sc : cfg.stages) {
    if (TraitsOfStage(sc.name).sets_text) return true;
  }
  return false;
}

// Pages that no stage would extract: HTML/text page files, or JSONL read as pages.
Status CheckExtraction(const RunConfig& cfg, const RunPlan& plan) {
  if (HasExtract(cfg)) return Status::Ok();
  if (cfg.input.jsonl_extract) {
    return Status::InvalidArgument(
        "input.jsonl_extract is true but the pipeline has no 'extract' stage: the pages would "
        "keep an empty text; add 'extract' first in the pipeline");
  }
  for (const Task& t : plan.tasks) {
    if (t.kind == InputKind::kPage) {
      return Status::InvalidArgument(
          "the inputs hold pages to extract (" + t.files[0] +
          ", ...) but the pipeline has no 'extract' stage: they would keep an empty text; add "
          "'extract' first in the pipeline");
    }
  }
  return Status::Ok();
}

std::string Megabytes(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", double(bytes) / 1e6);
  return buf;
}

// One document's outcome, made by whichever worker processed it.
struct DocOutcome {
  bool removed = false;
  std::string stage, reason;  // when removed
  std::string line;           // the JSON line to write ("" = nothing to write)
  std::vector<std::pair<std::string, uint64_t>> counters;  // pii_* redaction counts
  bool unextracted = false;  // a page, and the pipeline has no extract stage
};

// Consecutive documents of one task, processed together by any worker.
struct Batch {
  explicit Batch(bool pages) : pages_task(pages) {}
  bool pages_task;
  std::vector<InputRecord> recs;
  std::vector<DocOutcome> out;  // parallel to recs, once done
  size_t bytes = 0;
  std::atomic<bool> done{false};
};
constexpr size_t kBatchDocs = 64;
constexpr size_t kBatchBytes = size_t(4) << 20;

class Run {
 public:
  Run(const RunConfig& cfg, std::string dir, const std::atomic<bool>* stop)
      : cfg_(cfg), dir_(std::move(dir)), stop_(stop) {}

  Result<RunSummary> Go(const std::vector<std::string>& inputs);

 private:
  struct Worker {
    StageContext ctx;
    RunTimings t;
  };

  Status OpenFolder();
  void AbandonFolder();
  bool NothingFinished() const;
  void ClearPartialRun();
  Status SpoolStdin(std::vector<std::string>* inputs);
  Status Prepare();
  Status RunTask(size_t i, Worker* w);
  DocOutcome ProcessDoc(InputRecord& rec, bool pages_task, Worker* w);
  void Submit(const std::shared_ptr<Batch>& b);
  bool HelpOnce(Worker* w);
  void ProcessBatch(Batch& b, Worker* w);
  void WaitForBatch(const Batch& b);
  void HelpUntilAllTasksEnd(Worker* w);
  void WorkerLoop(Worker* w);
  void ProgressLoop();
  std::string MarkerPath(size_t i) const {
    return dir_ + "/.kilang/done/" + ShardName(i, width_) + ".json";
  }

  bool Stopping() const { return stop_ && stop_->load(std::memory_order_relaxed); }

  const RunConfig& cfg_;
  std::string dir_;
  const std::atomic<bool>* stop_;  // the caller's stop request (may be null)
  std::vector<Task> tasks_;
  std::vector<std::string> ignored_;
  std::vector<UnreadableItem> plan_warnings_;
  std::vector<InputState> input_states_;  // recorded in the manifest, checked on resume
  std::vector<std::unique_ptr<DocumentStage>> stages_;
  OutputCompression compression_ = OutputCompression::kZstd;
  size_t width_ = 5;
  std::string run_now_;
  std::unique_ptr<FileLock> lock_;  // DIR/.kilang/lock, held for the whole run
  uint64_t docs_taken_ = 0;         // documents read, against run.limit (one worker then)
  bool created_dir_ = false;        // this invocation created DIR
  // Batches of documents that idle workers help with (within-file parallelism).
  bool batching_ = false;  // more than one worker
  size_t max_inflight_ = 4;  // batches in flight for the whole run (2 per worker)
  std::mutex batch_mu_;
  std::condition_variable batch_cv_;
  std::deque<std::shared_ptr<Batch>> batch_queue_;
  // Tasks claimed and not over (changed under batch_mu_; read without it for the in-flight cap).
  std::atomic<size_t> tasks_active_{0};
  std::atomic<uint64_t> kept_docs_{0}, removed_docs_{0};  // for the progress line
  bool has_extract_ = false;                              // the pipeline has an extract stage

  std::atomic<size_t> next_{0};
  std::atomic<bool> failed_{false};
  std::mutex mu_;
  Status fatal_;
  std::atomic<uint64_t> docs_{0}, bytes_{0}, decoded_{0}, tasks_done_{0}, bytes_done_tasks_{0};
  uint64_t total_bytes_ = 0;
  std::mutex progress_mu_;
  std::condition_variable progress_cv_;
  bool stop_progress_ = false;
  Clock::time_point start_;
};

// A folder this invocation created and then could not use goes again: a failed command must
// not leave a folder behind.
void Run::AbandonFolder() {
  lock_.reset();
  std::error_code ec;
  if (created_dir_) fs::remove_all(dir_, ec);
}

Status Run::OpenFolder() {
  std::error_code ec;
  created_dir_ = !fs::exists(dir_, ec);
  fs::create_directories(dir_ + "/.kilang", ec);
  if (ec) return Status::IoError(dir_ + ": cannot create the output folder: " + ec.message());
  // One run at a time in a folder: everything after this reads and rewrites the folder's state.
  auto lock = FileLock::TryAcquire(dir_ + "/.kilang/lock");
  if (!lock.ok()) {
    if (lock.status().code() != StatusCode::kResourceExhausted) return lock.status();
    return Status::InvalidArgument(dir_ + ": another kilang run is writing into this folder (" +
                                   lock.status().message() +
                                   "); wait for it to end, or use another output folder");
  }
  lock_ = std::move(*lock);
  return Status::Ok();
}

bool Run::NothingFinished() const {
  // No task finished with a document (kept or removed): at most unreadable items, e.g. every
  // input mistyped. Nothing there is worth keeping.
  std::error_code ec;
  simdjson::dom::parser parser;
  for (const auto& e : fs::directory_iterator(dir_ + "/.kilang/done", ec)) {
    if (e.path().extension() != ".json") continue;
    TaskResult r;
    if (!ParseMarker(e.path().string(), parser, &r).ok() || r.kept + r.removed > 0) return false;
  }
  return !ec || ec == std::errc::no_such_file_or_directory;
}

void Run::ClearPartialRun() {
  std::error_code ec;
  fs::remove(dir_ + "/stats.json", ec);
  fs::remove_all(dir_ + "/.kilang/done", ec);
  for (const std::string& d : {dir_, dir_ + "/removed"}) {
    for (const auto& e : fs::directory_iterator(d, ec)) {
      std::string n = e.path().filename().string();
      if (n.rfind("part-", 0) == 0 || n.rfind("dedup-part-", 0) == 0 ||
          n == "unreadable.jsonl.zst") {
        fs::remove(e.path(), ec);
      }
    }
  }
  for (const char* d : {"/.kilang/stage1", "/.kilang/unreadable", "/.kilang/dedup"}) {
    fs::remove_all(dir_ + d, ec);
  }
}

// "-" (standard input) is copied to DIR/.kilang/stdin.jsonl first and read from there: the
// readers need a file, and a rerun compares the new standard input with it by size and digest
// (the copy's time stamp is fixed so that only the bytes count).
Status Run::SpoolStdin(std::vector<std::string>* inputs) {
  auto it = std::find(inputs->begin(), inputs->end(), "-");
  if (it == inputs->end()) return Status::Ok();
  const std::string spool = dir_ + "/.kilang/stdin.jsonl";
  auto w = ShardWriter::Create(spool, OutputCompression::kNone);
  if (!w.ok()) return w.status();
  std::vector<char> buf(size_t(1) << 20);
  for (;;) {
    ssize_t n = ::read(0, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(std::string("standard input: ") + std::strerror(errno));
    if (n == 0) break;
    KILANG_RETURN_IF_ERROR((*w)->WriteRaw(std::string_view(buf.data(), size_t(n))));
  }
  KILANG_RETURN_IF_ERROR((*w)->Finish());
  struct timespec times[2] = {{0, 0}, {0, 0}};
  ::utimensat(AT_FDCWD, spool.c_str(), times, 0);
  *it = spool;
  return Status::Ok();
}

Status Run::Prepare() {
  std::error_code ec;
  fs::create_directories(dir_ + "/.kilang/done", ec);
  if (!ec) fs::create_directories(dir_ + "/removed", ec);
  if (ec) return Status::IoError(dir_ + ": cannot create the output folder: " + ec.message());
  // The plan: config fingerprint + task list. A rerun must match it.
  std::string plan = cfg_.Fingerprint();
  for (const Task& t : tasks_) {
    plan += std::string(InputKindName(t.kind)) + "\t" + std::to_string(t.begin) + "\t" +
            std::to_string(t.end);
    for (const auto& f : t.files) plan += "\t" + f;
    plan += "\n";
  }
  std::string fp = Hex(Fnv1a(plan));
  std::string manifest = dir_ + "/.kilang/run.json";
  std::string text;
  bool fresh = false;
  if (ReadFile(manifest, 0, &text).ok()) {
    simdjson::dom::parser p;
    simdjson::dom::element doc;
    std::string_view old_fp, now;
    if (p.parse(text).get(doc) || doc["fingerprint"].get(old_fp) || doc["now"].get(now)) {
      return Status::InvalidArgument(manifest + ": unreadable run manifest");
    }
    // Inputs that changed since the run started (appended to, replaced, edited, added,
    // removed): resuming would mix results of the old and the new input.
    simdjson::dom::array recorded;
    std::string changes;
    if (!doc["inputs"].get(recorded)) {
      std::vector<InputState> before;
      for (auto item : recorded) {
        InputState s;
        std::string_view path, digest;
        int64_t mtime = 0;
        if (item["path"].get(path) || item["size"].get(s.size) || item["mtime_ns"].get(mtime) ||
            item["digest"].get(digest)) {
          return Status::InvalidArgument(manifest + ": unreadable run manifest");
        }
        s.path.assign(path);
        s.mtime_ns = mtime;
        s.digest = std::strtoull(std::string(digest).c_str(), nullptr, 16);
        before.push_back(std::move(s));
      }
      changes = DescribeInputChanges(before, input_states_);
    }
    if (changes.empty() && old_fp == fp) {
      run_now_.assign(now);
    } else if (NothingFinished()) {
      // A run that produced no document (it stopped early, or every input was mistyped)
      // leaves nothing to resume: the corrected command starts over.
      ClearPartialRun();
      fresh = true;
    } else if (!changes.empty()) {
      return Status::InvalidArgument(
          dir_ + ": the inputs changed since this run started (" + changes +
          "); its results would mix old and new input: use a new output folder (or delete "
          "this one to start over)");
    } else {
      return Status::InvalidArgument(dir_ +
                                     ": the output folder holds a run with other inputs or "
                                     "another config; use a new folder (or delete this one)");
    }
  } else {
    fresh = true;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
      std::string n = e.path().filename().string();
      if (n != ".kilang" && n != "removed") {
        return Status::InvalidArgument(dir_ +
                                       ": the output folder is not empty and holds no kilang run");
      }
    }
  }
  if (fresh) {
    run_now_ = DateTime::FromUnixSeconds(int64_t(std::time(nullptr)), 0).ToIso();
    std::string m = "{\"fingerprint\":\"" + fp + "\",\"now\":\"" + run_now_ +
                    "\",\"tasks\":" + std::to_string(tasks_.size()) + ",\"inputs\":[";
    for (size_t i = 0; i < input_states_.size(); ++i) {
      const InputState& s = input_states_[i];
      m += i ? ",\n{\"path\":" : "\n{\"path\":";
      AppendJsonString(s.path, &m);
      m += ",\"size\":" + std::to_string(s.size) + ",\"mtime_ns\":" + std::to_string(s.mtime_ns) +
           ",\"digest\":\"" + Hex(s.digest) + "\"}";
    }
    m += "]}\n";
    KILANG_RETURN_IF_ERROR(WriteFileAtomic(manifest, m));
  }
  for (const char* d : {"/.kilang/done", "/removed", "/.kilang/unreadable"}) {
    if (!ec) fs::create_directories(dir_ + d, ec);
  }
  if (!ec && cfg_.dedup.enabled) fs::create_directories(dir_ + "/.kilang/stage1", ec);
  if (ec) return Status::IoError(dir_ + ": cannot create the output folder: " + ec.message());
  // Temporary files of a killed run are garbage.
  for (const std::string& d : {dir_, dir_ + "/removed", dir_ + "/.kilang/done", dir_ + "/.kilang",
                               dir_ + "/.kilang/stage1", dir_ + "/.kilang/unreadable"}) {
    for (const auto& e : fs::directory_iterator(d, ec)) {
      if (e.path().filename().string().find(".tmp.") != std::string::npos) fs::remove(e.path(), ec);
    }
  }
  return Status::Ok();
}

Status Run::RunTask(size_t i, Worker* w) {
  const Task& task = tasks_[i];
  TaskResult r;
  std::string name = ShardName(i, width_);
  if (cfg_.dedup.enabled) {
    // The task's stage-1 shard is being redone: so must be its dedup output.
    std::error_code ec;
    fs::remove(dir_ + "/.kilang/dedup/done/" + name + ".json", ec);
  }
  std::string suffix(OutputSuffix(compression_));
  std::unique_ptr<ShardWriter> kept, removed;
  auto writer = [&](std::unique_ptr<ShardWriter>* slot, const std::string& rel) -> Status {
    if (*slot) return Status::Ok();
    auto wr = ShardWriter::Create(dir_ + "/" + rel, compression_, cfg_.run.compression_level);
    if (!wr.ok()) return wr.status();
    *slot = std::move(*wr);
    return Status::Ok();
  };

  {
    std::error_code ec;  // a log left by an earlier attempt at this task
    fs::remove(dir_ + "/.kilang/unreadable/" + name + ".jsonl.zst", ec);
  }
  // Every unreadable item is counted by reason and logged to the task's unreadable file; the
  // first kListedItems are kept for the marker and stats.json.
  std::unique_ptr<ShardWriter> unreadable_log;
  auto add_unreadable = [&](UnreadableItem it, uint64_t bytes) -> Status {
    ++r.unreadable;
    r.unreadable_bytes += bytes;
    ++r.unreadable_by_reason[ReasonKey(it.reason)];
    if (!unreadable_log) {
      auto wr = ShardWriter::Create(dir_ + "/.kilang/unreadable/" + name + ".jsonl.zst",
                                    OutputCompression::kZstd);
      if (!wr.ok()) return wr.status();
      unreadable_log = std::move(*wr);
    }
    Status ws = unreadable_log->WriteLine(ItemJson(it));
    if (r.unreadable_items.size() < kListedItems) r.unreadable_items.push_back(std::move(it));
    return ws;
  };
  auto add_warning = [&](UnreadableItem it) {
    ++r.warnings_count;
    if (r.warnings.size() < kListedItems) r.warnings.push_back(std::move(it));
  };

  std::unique_ptr<RecordReader> reader;
  if (task.kind == InputKind::kPage) {
    reader = MakePageFilesReader(task.files, cfg_.input);
  } else if (task.kind == InputKind::kUnknown) {
    std::error_code ec;
    std::string why = !task.problem.empty()            ? task.problem
                      : !fs::exists(task.files[0], ec) ? "not found"
                      : fs::is_directory(task.files[0], ec)
                          ? "cannot list folder"
                          : "not a WARC, WET, JSONL or page (.html/.txt) file";
    KILANG_RETURN_IF_ERROR(add_unreadable({task.files[0], 0, why}, 0));
  } else {
    auto rd = task.begin > 0 || task.end != UINT64_MAX
                  ? OpenWarcRange(task.files[0], task.begin, task.end, cfg_.input)
                  : OpenRecordReader(task.files[0], task.kind, cfg_.input);
    if (rd.ok())
      reader = std::move(*rd);
    else
      KILANG_RETURN_IF_ERROR(add_unreadable({task.files[0], 0, rd.status().ToString()}, 0));
  }

  if (cfg_.run.limit > 0 && docs_taken_ >= cfg_.run.limit) {
    reader.reset();  // the limit was reached by earlier tasks: this one reads nothing
    r.limited = true;
  }
  uint64_t unextracted = 0;  // pages read by a pipeline without an extract stage
  // Writes one document's outcome (in input order: the shard's bytes never depend on which
  // worker processed what).
  auto write = [&](DocOutcome& o) -> Status {
    double t0 = ThreadCpu();
    for (const auto& [k, v] : o.counters) r.counters[k] += v;
    if (o.unextracted) ++unextracted;
    Status ws;
    if (o.removed) {
      ++r.removed;
      removed_docs_.fetch_add(1, std::memory_order_relaxed);
      ++r.removed_by[o.stage][o.reason];
      if (!o.line.empty()) {
        ws = writer(&removed, "removed/" + name + suffix);
        if (ws.ok()) ws = removed->WriteLine(o.line);
      }
    } else {
      ++r.kept;
      kept_docs_.fetch_add(1, std::memory_order_relaxed);
      // With dedup on, kept documents are stage-1 output, finalised by the dedup phase.
      ws = writer(&kept, (cfg_.dedup.enabled ? ".kilang/stage1/" : "") + name + suffix);
      if (ws.ok()) ws = kept->WriteLine(o.line);
    }
    w->t.write += ThreadCpu() - t0;
    return ws;
  };
  // With several workers, documents go in batches to a queue that idle workers help with (one
  // big file uses every worker; the reader stays in this thread, so a compressed input is
  // decompressed once); results are written in batch order.
  std::deque<std::shared_ptr<Batch>> inflight;
  std::shared_ptr<Batch> batch;
  const bool pages_task = task.kind == InputKind::kPage;
  auto drain = [&](bool all) -> Status {
    while (!inflight.empty()) {
      Batch& b = *inflight.front();
      if (!b.done.load(std::memory_order_acquire)) {
        // The run's in-flight budget is shared by the tasks running now: one task alone keeps
        // every worker busy, several keep memory bounded (at most ~2 batches per worker).
        const size_t cap = std::max<size_t>(2, max_inflight_ / std::max<size_t>(1, tasks_active_));
        if (!all && inflight.size() < cap) return Status::Ok();
        if (!HelpOnce(w)) WaitForBatch(b);
        continue;
      }
      for (DocOutcome& o : b.out) KILANG_RETURN_IF_ERROR(write(o));
      inflight.pop_front();
    }
    return Status::Ok();
  };
  InputRecord rec;
  uint64_t consumed = 0, decoded = 0;
  while (reader && !failed_.load(std::memory_order_relaxed)) {
    if (Stopping()) return Status::Cancelled("");  // no marker: the task is redone on resume
    double t0 = ThreadCpu();
    auto more = reader->Next(&rec);
    double t1 = ThreadCpu();
    w->t.read += t1 - t0;
    uint64_t c = reader->bytes_consumed(), d = reader->bytes_decoded();
    bytes_.fetch_add(c - consumed, std::memory_order_relaxed);
    decoded_.fetch_add(d - decoded, std::memory_order_relaxed);
    w->t.bytes_consumed += c - consumed;
    w->t.bytes_decoded += d - decoded;
    consumed = c;
    decoded = d;
    if (!more.ok()) {
      KILANG_RETURN_IF_ERROR(add_unreadable({task.files[0], 0, more.status().ToString()}, 0));
      break;
    }
    if (!*more) break;
    if (rec.kind == InputRecord::Kind::kUnreadable) {
      KILANG_RETURN_IF_ERROR(
          add_unreadable({rec.file, rec.offset, rec.error.ToString()}, rec.bytes));
      continue;
    }
    if (cfg_.run.limit > 0 && docs_taken_ >= cfg_.run.limit) {
      r.limited = true;  // one worker with a limit: the first `limit` documents in task order
      break;
    }
    ++docs_taken_;
    ++r.read;
    if (!batching_) {
      DocOutcome o = ProcessDoc(rec, pages_task, w);
      KILANG_RETURN_IF_ERROR(write(o));
      continue;
    }
    if (!batch) batch = std::make_shared<Batch>(pages_task);
    batch->bytes += rec.body.size();
    batch->recs.push_back(std::move(rec));
    rec = InputRecord();
    if (batch->recs.size() >= kBatchDocs || batch->bytes >= kBatchBytes) {
      Submit(batch);
      inflight.push_back(std::move(batch));
      batch.reset();
      KILANG_RETURN_IF_ERROR(drain(false));
    }
  }
  if (batch) {
    Submit(batch);
    inflight.push_back(std::move(batch));
  }
  KILANG_RETURN_IF_ERROR(drain(true));
  if (Stopping()) return Status::Cancelled("");
  if (failed_.load()) return Status::Ok();  // another task failed; leave no marker
  if (unextracted > 0) {
    add_warning({task.files[0], 0,
                 std::to_string(unextracted) +
                     " page(s) were not extracted (the pipeline has no 'extract' stage): their "
                     "text is empty"});
  }
  if (reader) {
    r.skipped = reader->skip_counts();
    for (const auto& wn : reader->warnings()) add_warning({task.files[0], wn.offset, wn.reason});
  }
  if (task.kind != InputKind::kPage && task.kind != InputKind::kUnknown && task.bytes == 0 &&
      task.begin == 0 && r.unreadable == 0) {
    add_warning({task.files[0], 0, "empty file: no records"});
  }
  if (unreadable_log) KILANG_RETURN_IF_ERROR(unreadable_log->Finish());
  double t3 = ThreadCpu();
  if (kept) {
    r.output_bytes += kept->bytes_in();
    KILANG_RETURN_IF_ERROR(kept->Finish());
    r.shards.push_back((cfg_.dedup.enabled ? ".kilang/stage1/" : "") + name + suffix);
  }
  if (removed) {
    r.output_bytes += removed->bytes_in();
    KILANG_RETURN_IF_ERROR(removed->Finish());
    r.shards.push_back("removed/" + name + suffix);
  }
  // Unreadable items count as read (read = kept + removed + unreadable).
  r.read += r.unreadable;
  Status s = WriteFileAtomic(MarkerPath(i), MarkerJson(r));
  w->t.write += ThreadCpu() - t3;
  return s;
}

DocOutcome Run::ProcessDoc(InputRecord& rec, bool pages_task, Worker* w) {
  docs_.fetch_add(1, std::memory_order_relaxed);
  ++w->t.docs;
  double t1 = ThreadCpu();
  RawInput raw;
  w->ctx.set_input(&raw);
  Document doc;
  doc.id = rec.id.empty() ? FileStem(rec.file) + "-" + std::to_string(rec.offset) : rec.id;
  doc.metadata.url = rec.url;
  doc.metadata.json_fields = std::move(rec.fields);
  DocOutcome o;
  bool page = rec.kind == InputRecord::Kind::kPage;
  o.unextracted = page && !has_extract_;
  if (!page) doc.text = std::move(rec.body);
  raw.bytes = page ? std::string_view(rec.body) : std::string_view();
  raw.needs_extraction = page;
  raw.declared_charset = rec.charset;
  raw.anchor_time = !rec.date.empty() && DateTime::ParseIso(rec.date) ? std::string_view(rec.date)
                                                                      : std::string_view(run_now_);
  const DocumentStage* remover = nullptr;
  Verdict verdict;
  double s0 = t1;
  for (const auto& st : stages_) {
    verdict = st->Process(doc, w->ctx);
    double s1 = ThreadCpu();
    double dt = s1 - s0;
    s0 = s1;
    w->t.stages += dt;
    w->t.per_stage[std::string(st->name())] += dt;
    if (!verdict.keep) {
      remover = st.get();
      break;
    }
  }
  w->ctx.set_input(nullptr);
  double t2 = s0;
  if (doc.metadata.url.empty()) doc.metadata.url = rec.url;
  doc.metadata.source = pages_task ? rec.file : rec.file + "#" + std::to_string(rec.offset);
  if (!rec.date.empty()) doc.metadata.extra.emplace_back("warc_date", rec.date);
  // PII redaction counts ("pii_email", ...) are summed into stats.json's "counters".
  for (const auto& [k, v] : doc.metadata.extra) {
    if (k.rfind("pii_", 0) == 0) o.counters.emplace_back(k, std::strtoull(v.c_str(), nullptr, 10));
  }
  if (remover) {
    o.removed = true;
    o.stage = std::string(remover->name());
    o.reason = verdict.reason;
    doc.metadata.extra.emplace_back("stage", o.stage);
    doc.metadata.extra.emplace_back("reason", o.reason);
  }
  // run.removed: the whole record, its short form, or nothing for a removed document.
  const std::string& mode = cfg_.run.removed;
  o.line = !o.removed || mode == "full" ? ToJsonLine(doc)
           : mode == "meta"             ? ToRemovedMetaLine(doc)
                                        : std::string();
  w->t.write += ThreadCpu() - t2;
  return o;
}

void Run::Submit(const std::shared_ptr<Batch>& b) {
  {
    std::lock_guard<std::mutex> l(batch_mu_);
    batch_queue_.push_back(b);
  }
  batch_cv_.notify_one();
}

bool Run::HelpOnce(Worker* w) {
  std::shared_ptr<Batch> b;
  {
    std::lock_guard<std::mutex> l(batch_mu_);
    if (batch_queue_.empty()) return false;
    b = std::move(batch_queue_.front());
    batch_queue_.pop_front();
  }
  ProcessBatch(*b, w);
  return true;
}

void Run::ProcessBatch(Batch& b, Worker* w) {
  b.out.reserve(b.recs.size());
  for (InputRecord& rec : b.recs) b.out.push_back(ProcessDoc(rec, b.pages_task, w));
  b.recs.clear();
  {
    std::lock_guard<std::mutex> l(batch_mu_);
    b.done.store(true, std::memory_order_release);
  }
  batch_cv_.notify_all();
}

void Run::WaitForBatch(const Batch& b) {
  std::unique_lock<std::mutex> l(batch_mu_);
  batch_cv_.wait(l, [&] { return b.done.load() || !batch_queue_.empty(); });
}

// A worker with no task left to start helps with the batches of the tasks still running.
void Run::HelpUntilAllTasksEnd(Worker* w) {
  for (;;) {
    std::shared_ptr<Batch> b;
    {
      std::unique_lock<std::mutex> l(batch_mu_);
      batch_cv_.wait(l, [&] { return !batch_queue_.empty() || tasks_active_ == 0; });
      if (batch_queue_.empty()) return;
      b = std::move(batch_queue_.front());
      batch_queue_.pop_front();
    }
    ProcessBatch(*b, w);
  }
}

void Run::WorkerLoop(Worker* w) {
  for (;;) {
    size_t i;
    bool claimed;
    {
      std::lock_guard<std::mutex> l(batch_mu_);
      i = next_.fetch_add(1);
      claimed = i < tasks_.size() && !failed_.load() && !Stopping();
      if (claimed) ++tasks_active_;
    }
    if (!claimed) {
      if (batching_) HelpUntilAllTasksEnd(w);
      return;
    }
    struct Active {  // the task is over (run, resumed or failed): helpers may stop waiting
      Run* run;
      ~Active() {
        {
          std::lock_guard<std::mutex> l(run->batch_mu_);
          --run->tasks_active_;
        }
        run->batch_cv_.notify_all();
      }
    } active{this};
    if (access(MarkerPath(i).c_str(), F_OK) == 0) {
      if (cfg_.run.limit > 0) {  // its documents count toward the limit (one worker: in order)
        simdjson::dom::parser parser;
        TaskResult done;
        if (ParseMarker(MarkerPath(i), parser, &done).ok())
          docs_taken_ += done.read - done.unreadable;
      }
      ++w->t.tasks_resumed;
      bytes_done_tasks_.fetch_add(tasks_[i].bytes);
      tasks_done_.fetch_add(1);
      continue;
    }
    Status s = RunTask(i, w);
    if (s.code() == StatusCode::kCancelled) return;  // stopping: the guard ends the task
    if (!s.ok()) {
      std::lock_guard<std::mutex> l(mu_);
      if (fatal_.ok()) fatal_ = s;
      failed_ = true;
      return;
    }
    ++w->t.tasks_run;
    tasks_done_.fetch_add(1);
  }
}

void Run::ProgressLoop() {
  const std::string& mode = cfg_.run.progress;
  if (mode == "none") return;
  bool tty = mode == "auto" && isatty(2);
  double interval = tty ? 0.5 : cfg_.run.progress_interval;
  std::unique_lock<std::mutex> l(progress_mu_);
  bool printed = false;
  for (;;) {
    progress_cv_.wait_for(l, std::chrono::duration<double>(interval),
                          [&] { return stop_progress_; });
    double el = Seconds(Clock::now() - start_);
    uint64_t docs = docs_.load(), bytes = bytes_.load(), done = tasks_done_.load();
    double decoded_rate = el > 0 ? double(decoded_.load()) / el : 0;
    uint64_t covered = bytes + bytes_done_tasks_.load();
    double rate = el > 0 ? double(bytes) / el : 0;
    double eta = rate > 0 && total_bytes_ > covered ? double(total_bytes_ - covered) / rate : 0;
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "kilang run: %llu/%zu tasks, %llu docs (kept %llu, removed %llu), %.0f docs/s, "
                  "%.1f MB/s stored (%.1f MB/s decoded), %s elapsed, ETA %s",
                  static_cast<unsigned long long>(done), tasks_.size(),
                  static_cast<unsigned long long>(docs),
                  static_cast<unsigned long long>(kept_docs_.load()),
                  static_cast<unsigned long long>(removed_docs_.load()),
                  el > 0 ? double(docs) / el : 0.0, rate / 1e6, decoded_rate / 1e6,
                  FormatDuration(el).c_str(), stop_progress_ ? "0s" : FormatDuration(eta).c_str());
    if (tty) {
      std::fprintf(stderr, "\r%s\033[K", buf);
      printed = true;
    } else if (!stop_progress_) {
      std::fprintf(stderr, "%s\n", buf);
    }
    if (stop_progress_) {
      if (printed) std::fprintf(stderr, "\n");
      return;
    }
  }
}

Result<RunSummary> Run::Go(const std::vector<std::string>& inputs) {
  start_ = Clock::now();
  // Every usage error is found before the output folder is touched.
  KILANG_RETURN_IF_ERROR(CheckRequest(cfg_, inputs));
  compression_ = *ParseOutputCompression(cfg_.run.compression);
  has_extract_ = HasExtract(cfg_);
  auto stages = cfg_.BuildStages();
  if (!stages.ok()) return stages.status();
  stages_ = std::move(*stages);
  std::vector<std::string> paths = ExpandInputPatterns(inputs);
  KILANG_RETURN_IF_ERROR(OpenFolder());
  if (Status s = SpoolStdin(&paths); !s.ok()) {
    AbandonFolder();
    return s;
  }
  RunPlan plan = PlanRun(paths, cfg_.run.pages_per_task, cfg_.run.split_bytes, dir_);
  if (Status s = CheckExtraction(cfg_, plan); !s.ok()) {
    AbandonFolder();
    return s;
  }
  input_states_ = PlanInputStates(plan);
  tasks_ = std::move(plan.tasks);
  ignored_ = std::move(plan.ignored);
  plan_warnings_ = std::move(plan.warnings);
  total_bytes_ = plan.total_bytes;
  width_ = std::max<size_t>(5, std::to_string(tasks_.size()).size());
  KILANG_RETURN_IF_ERROR(Prepare());

  size_t n = cfg_.run.workers > 0 ? size_t(cfg_.run.workers)
                                  : std::max(1u, std::thread::hardware_concurrency());
  const size_t dedup_threads = std::max<size_t>(1, std::min(n, tasks_.size()));
  // Not capped by the task count: workers without a task of their own help with the others'
  // documents (batches), so one big file uses every worker.
  n = std::max<size_t>(1, n);
  if (cfg_.run.limit > 0) n = 1;  // the first `limit` documents in task order, every time
  batching_ = n > 1;
  max_inflight_ = 2 * n;
  std::vector<Worker> workers(n);
  std::thread progress([this] { ProgressLoop(); });
  std::vector<std::thread> threads;
  for (size_t i = 0; i < n; ++i)
    threads.emplace_back([this, &workers, i] { WorkerLoop(&workers[i]); });
  for (auto& t : threads) t.join();
  {
    std::lock_guard<std::mutex> l(progress_mu_);
    stop_progress_ = true;
  }
  progress_cv_.notify_all();
  progress.join();
  if (!fatal_.ok()) return fatal_;
  if (Stopping()) {
    return Status::Cancelled(std::to_string(tasks_done_.load()) + " of " +
                             std::to_string(tasks_.size()) + " tasks done");
  }

  RunSummary sum;
  RunStats& st = sum.stats;
  st.tasks = tasks_.size();
  st.limit = cfg_.run.limit;
  st.ignored_files = ignored_;
  for (auto& u : plan_warnings_) {
    ++st.warnings_count;
    if (st.warnings.size() < kListedItems) st.warnings.push_back(u);
  }
  simdjson::dom::parser parser;
  std::vector<DedupShardInput> stage1;
  for (size_t i = 0; i < tasks_.size(); ++i) {
    st.input_bytes += tasks_[i].bytes;
    TaskResult r;
    KILANG_RETURN_IF_ERROR(ParseMarker(MarkerPath(i), parser, &r));
    st.read += r.read;
    st.kept += r.kept;
    st.removed += r.removed;
    st.unreadable += r.unreadable;
    st.unreadable_bytes += r.unreadable_bytes;
    st.output_bytes += r.output_bytes;
    for (const auto& [k, v] : r.skipped) st.skipped[k] += v;
    for (const auto& [k, v] : r.counters) st.counters[k] += v;
    for (const auto& [stage, reasons] : r.removed_by) {
      for (const auto& [k, v] : reasons) st.removed_by[stage][k] += v;
    }
    for (const auto& [k, v] : r.unreadable_by_reason) st.unreadable_by_reason[k] += v;
    for (auto& u : r.unreadable_items) {
      if (st.unreadable_inputs.size() < kListedItems) st.unreadable_inputs.push_back(std::move(u));
    }
    st.limited |= r.limited;
    st.warnings_count += r.warnings_count;
    for (auto& u : r.warnings) {
      if (st.warnings.size() < kListedItems) st.warnings.push_back(std::move(u));
    }
    for (auto& s : r.shards) {
      if (s.rfind(".kilang/stage1/", 0) == 0) {
        stage1.push_back({ShardName(i, width_), dir_ + "/" + s});
      } else if (s.rfind("removed/", 0) != 0) {
        st.shards.push_back(std::move(s));
      }
    }
  }
  if (cfg_.dedup.enabled) {
    // The corpus dedup phase over the stage-1 shards, in task order (dedup_phase.h).
    // Progress lines as the task phase prints them: none, a rewritten terminal line, or plain
    // lines at most every progress_interval seconds.
    const std::string& mode = cfg_.run.progress;
    const bool tty = mode == "auto" && isatty(2);
    Clock::time_point last_line{};
    bool printed = false;
    std::function<void(const std::string&)> progress;
    if (mode != "none") {
      progress = [&](const std::string& line) {
        const Clock::time_point now = Clock::now();
        const double gap = tty ? 0.2 : cfg_.run.progress_interval;
        if (printed && Seconds(now - last_line) < gap) return;
        last_line = now;
        printed = true;
        const std::string text =
            "kilang run: " + line + ", " + FormatDuration(Seconds(now - start_)) + " elapsed";
        if (tty) {
          std::fprintf(stderr, "\r%s\033[K", text.c_str());
        } else {
          std::fprintf(stderr, "%s\n", text.c_str());
        }
      };
    }
    RunDedupOptions dedup_options = cfg_.dedup;
    dedup_options.removed = cfg_.run.removed;
    auto dd = RunDedupPhase(dedup_options, stage1, dir_, compression_, cfg_.run.compression_level,
                            std::max<size_t>(1, dedup_threads), progress, stop_);
    if (tty && printed) std::fprintf(stderr, "\n");
    if (!dd.ok()) return dd.status();
    for (const DedupShardResult& r : dd->shards) {
      st.kept -= r.in - r.kept;
      st.removed += r.in - r.kept;
      st.output_bytes += r.out_bytes;
      st.output_bytes -= r.in_bytes;
      for (const auto& [stage, reasons] : r.removed_by) {
        for (const auto& [k, v] : reasons) st.removed_by[stage][k] += v;
      }
      for (const std::string& s : r.shards) {
        if (s.rfind("removed/", 0) != 0) st.shards.push_back(s);
      }
    }
    st.dedup_json = dd->summary_json;
  }
  if (st.read != st.kept + st.removed + st.unreadable) {
    return Status::Internal("accounting mismatch: read " + std::to_string(st.read) + " != kept " +
                            std::to_string(st.kept) + " + removed " + std::to_string(st.removed) +
                            " + unreadable " + std::to_string(st.unreadable));
  }
  // Every unreadable item, in task order, in one file (stats.json lists the first ones).
  std::error_code ec;
  if (st.unreadable > 0) {
    std::vector<std::string> logs;
    for (size_t i = 0; i < tasks_.size(); ++i) {
      std::string log = dir_ + "/.kilang/unreadable/" + ShardName(i, width_) + ".jsonl.zst";
      if (fs::exists(log, ec)) logs.push_back(std::move(log));
    }
    KILANG_RETURN_IF_ERROR(ConcatenateFilesAtomic(logs, dir_ + "/unreadable.jsonl.zst"));
    st.unreadable_file = "unreadable.jsonl.zst";
  } else {
    fs::remove(dir_ + "/unreadable.jsonl.zst", ec);
  }
  KILANG_RETURN_IF_ERROR(WriteFileAtomic(dir_ + "/stats.json", StatsJson(st)));

  RunTimings& tm = sum.timings;
  for (const Worker& w : workers) {
    tm.read += w.t.read;
    tm.stages += w.t.stages;
    tm.write += w.t.write;
    for (const auto& [k, v] : w.t.per_stage) tm.per_stage[k] += v;
    tm.tasks_run += w.t.tasks_run;
    tm.tasks_resumed += w.t.tasks_resumed;
    tm.docs += w.t.docs;
    tm.bytes_consumed += w.t.bytes_consumed;
    tm.bytes_decoded += w.t.bytes_decoded;
    tm.worker_cpu.push_back(w.t.read + w.t.stages + w.t.write);
  }
  tm.wall = Seconds(Clock::now() - start_);
  return sum;
}

}  // namespace

Result<std::string> DescribeRun(const RunConfig& config, const std::vector<std::string>& inputs,
                                const std::string& output_dir) {
  KILANG_RETURN_IF_ERROR(CheckRequest(config, inputs));
  auto stages = config.BuildStages();
  if (!stages.ok()) return stages.status();
  std::vector<std::string> paths = ExpandInputPatterns(inputs);
  bool stdin_input = std::find(paths.begin(), paths.end(), "-") != paths.end();
  paths.erase(std::remove(paths.begin(), paths.end(), "-"), paths.end());
  RunPlan plan = PlanRun(paths, config.run.pages_per_task, config.run.split_bytes, output_dir);
  KILANG_RETURN_IF_ERROR(CheckExtraction(config, plan));
  size_t tasks = plan.tasks.size() + (stdin_input ? 1 : 0);
  size_t width = std::max<size_t>(5, std::to_string(tasks).size());
  std::string out = "kilang run --dry-run: the plan (nothing is read or written)\n";
  std::error_code ec;
  std::string state = !fs::exists(output_dir, ec) ? "does not exist yet (it will be created)"
                      : fs::exists(output_dir + "/stats.json", ec)
                          ? "holds a finished run (the same command resumes it; another is refused)"
                      : fs::exists(output_dir + "/.kilang/run.json", ec)
                          ? "holds an unfinished run (the same command resumes it)"
                          : "exists";
  out += "output: " + output_dir + " " + state + "\n";
  out += "tasks: " + std::to_string(tasks) + ", " + Megabytes(plan.total_bytes) + " stored" +
         (stdin_input ? " + standard input" : "") + "\n";
  size_t i = 0;
  for (const Task& t : plan.tasks) {
    std::string line = "  " + ShardName(i++, width) + "  ";
    if (!t.problem.empty() || t.kind == InputKind::kUnknown ||
        (t.kind != InputKind::kPage && !fs::exists(t.files[0], ec))) {
      std::string why = t.problem;
      if (why.empty()) {
        why = !fs::exists(t.files[0], ec) ? "not found" : "not a WARC, WET, JSONL or page file";
      }
      line += "unreadable  " + t.files[0] + ": " + why;
    } else if (t.kind == InputKind::kPage) {
      line += "pages  " + std::to_string(t.files.size()) + " files, " + Megabytes(t.bytes) + "  " +
              t.files.front() + (t.files.size() > 1 ? " ... " + t.files.back() : "");
    } else {
      line += std::string(InputKindName(t.kind)) + "  " + Megabytes(t.bytes) + "  " + t.files[0];
      if (t.begin > 0 || t.end != UINT64_MAX) {
        line += " [bytes " + std::to_string(t.begin) + "-" +
                (t.end == UINT64_MAX ? std::string("end") : std::to_string(t.end)) + ")";
      }
    }
    out += line + "\n";
  }
  if (stdin_input) out += "  " + ShardName(i, width) + "  jsonl  standard input\n";
  if (!plan.ignored.empty()) {
    out += "ignored (not inputs): " + std::to_string(plan.ignored.size()) + " file(s)\n";
    for (size_t j = 0; j < plan.ignored.size() && j < 10; ++j) out += "  " + plan.ignored[j] + "\n";
    if (plan.ignored.size() > 10) out += "  ...\n";
  }
  for (const auto& w : plan.warnings) out += "warning: " + w.file + ": " + w.reason + "\n";
  size_t workers = config.run.workers > 0 ? size_t(config.run.workers)
                                          : std::max(1u, std::thread::hardware_concurrency());
  out +=
      "workers: " +
      std::to_string(config.run.limit > 0 ? 1 : std::min(workers, std::max<size_t>(1, tasks))) +
      (config.run.limit > 0 ? " (--limit " + std::to_string(config.run.limit) + ": one at a time)"
                            : "") +
      "\n";
  auto yaml = config.ToYaml();
  if (!yaml.ok()) return yaml.status();
  out += "effective config:\n" + *yaml;
  return out;
}

Result<RunSummary> RunPipeline(const RunConfig& config, const std::vector<std::string>& inputs,
                               const std::string& output_dir, const std::atomic<bool>* stop) {
  Run run(config, output_dir, stop);
  return run.Go(inputs);
}

}  // namespace kilang
