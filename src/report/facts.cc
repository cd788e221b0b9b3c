// DIR/.kilang/facts.json: what `kilang run` knew about itself (report.h RunFacts).
#include <simdjson.h>

#include <cmath>
#include <ctime>
#include <filesystem>

#include "kilang/extract/date.h"
#include "kilang/io/file.h"
#include "kilang/io/writer.h"
#include "kilang/report/report.h"
#include "report_internal.h"

#ifndef KILANG_VERSION
#define KILANG_VERSION "unknown"
#endif

namespace kilang::report {

const char* KilangVersion() { return KILANG_VERSION; }

RunFacts MakeRunFacts(const RunConfig& config, const std::vector<std::string>& inputs,
                      const RunSummary& summary) {
  RunFacts f;
  f.version = KilangVersion();
  f.config = config.Fingerprint();
  for (const StageConfig& sc : config.stages) f.stages.push_back(sc.name);
  f.inputs = inputs;
  f.workers = config.run.workers;
  const RunTimings& t = summary.timings;
  const int64_t now = int64_t(std::time(nullptr));
  f.finished = DateTime::FromUnixSeconds(now, 0).ToIso();
  f.started = DateTime::FromUnixSeconds(now - int64_t(std::llround(t.wall)), 0).ToIso();
  f.wall_seconds = t.wall;
  f.read_cpu = t.read;
  f.stages_cpu = t.stages;
  f.write_cpu = t.write;
  f.stage_cpu = t.per_stage;
  f.docs = t.docs;
  f.bytes_stored = t.bytes_consumed;
  f.bytes_decoded = t.bytes_decoded;
  f.tasks_run = t.tasks_run;
  f.tasks_resumed = t.tasks_resumed;
  return f;
}

namespace {

std::string FactsPath(const std::string& dir) { return dir + "/.kilang/facts.json"; }

}  // namespace

Status SaveRunFacts(const std::string& dir, const RunFacts& f) {
  internal::JsonWriter w;
  w.BeginObject();
  w.Key("version").String(f.version);
  w.Key("config").String(f.config);
  w.Key("stages").BeginArray();
  for (const auto& s : f.stages) w.String(s);
  w.EndArray();
  w.Key("inputs").BeginArray();
  for (const auto& s : f.inputs) w.String(s);
  w.EndArray();
  w.Key("workers").Int(f.workers);
  w.Key("started").String(f.started);
  w.Key("finished").String(f.finished);
  w.Key("wall_seconds").Double(f.wall_seconds);
  w.Key("read_cpu").Double(f.read_cpu);
  w.Key("stages_cpu").Double(f.stages_cpu);
  w.Key("write_cpu").Double(f.write_cpu);
  w.Key("stage_cpu").BeginObject();
  for (const auto& [k, v] : f.stage_cpu) w.Key(k).Double(v);
  w.EndObject();
  w.Key("docs").Uint(f.docs);
  w.Key("bytes_stored").Uint(f.bytes_stored);
  w.Key("bytes_decoded").Uint(f.bytes_decoded);
  w.Key("tasks_run").Uint(f.tasks_run);
  w.Key("tasks_resumed").Uint(f.tasks_resumed);
  w.EndObject();
  std::error_code ec;
  std::filesystem::create_directories(dir + "/.kilang", ec);
  if (ec) return Status::IoError(dir + "/.kilang: " + ec.message());
  return WriteFileAtomic(FactsPath(dir), w.Take() + "\n");
}

Result<RunFacts> LoadRunFacts(const std::string& dir) {
  const std::string path = FactsPath(dir);
  std::string text;
  Status s = ReadFile(path, size_t(16) << 20, &text);
  if (!s.ok()) {
    if (s.code() == StatusCode::kNotFound) return s;
    return Status::Corruption(path + ": " + s.message());
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(text).get(doc) || !doc.is_object()) {
    return Status::Corruption(path + ": not a JSON object");
  }
  RunFacts f;
  auto str = [&](const char* k, std::string* out) {
    std::string_view v;
    if (!doc[k].get(v)) out->assign(v);
  };
  auto num = [&](const char* k, double* out) {
    double v;
    if (!doc[k].get(v)) *out = v;
  };
  auto u64 = [&](const char* k, uint64_t* out) {
    uint64_t v;
    if (!doc[k].get(v)) *out = v;
  };
  auto list = [&](const char* k, std::vector<std::string>* out) {
    simdjson::dom::array a;
    if (doc[k].get(a)) return;
    for (auto e : a) {
      std::string_view v;
      if (!e.get(v)) out->emplace_back(v);
    }
  };
  str("version", &f.version);
  str("config", &f.config);
  list("stages", &f.stages);
  list("inputs", &f.inputs);
  int64_t workers;
  if (!doc["workers"].get(workers)) f.workers = int(workers);
  str("started", &f.started);
  str("finished", &f.finished);
  num("wall_seconds", &f.wall_seconds);
  num("read_cpu", &f.read_cpu);
  num("stages_cpu", &f.stages_cpu);
  num("write_cpu", &f.write_cpu);
  simdjson::dom::object o;
  if (!doc["stage_cpu"].get(o)) {
    for (auto [k, v] : o) {
      double d;
      if (!v.get(d)) f.stage_cpu[std::string(k)] = d;
    }
  }
  u64("docs", &f.docs);
  u64("bytes_stored", &f.bytes_stored);
  u64("bytes_decoded", &f.bytes_decoded);
  u64("tasks_run", &f.tasks_run);
  u64("tasks_resumed", &f.tasks_resumed);
  return f;
}

}  // namespace kilang::report
