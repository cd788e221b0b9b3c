#include "kilang/pipeline/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "kilang/io/file.h"

namespace kilang {

void RunOptions::Bind(OptionBinder* b) {
  b->Add("workers", &workers, "worker threads (0: all cores)", 0, 4096);
  b->Add("executor", &executor, "where tasks run", {"local", "slurm"});
  b->Add("compression", &compression, "output shard compression", {"zstd", "gzip", "none"});
  b->Add("compression_level", &compression_level, "0: default (zstd 3, gzip 6)", 0, 19);
  b->Add("pages_per_task", &pages_per_task, "page files per task/shard", 1, uint64_t(1) << 32);
  b->Add("split_bytes", &split_bytes,
         "cut per-record-gzip WARC files into tasks of this size (0: never)");
  b->Add("progress", &progress, "progress display", {"auto", "plain", "none"});
  b->Add("progress_interval", &progress_interval, "seconds between plain progress lines", 0.1,
         86400);
  b->Add("limit", &limit, "read at most this many documents, the first ones (0: all)");
  b->Add("removed", &removed,
         "removed documents written: full record, meta (id, url, stage, "
         "reason, length) or none",
         {"full", "meta", "none"});
}

void BindReaderOptions(ReaderOptions* o, OptionBinder* b) {
  b->Add("jsonl_text_key", &o->jsonl_text_key,
         "JSONL keys holding the text, comma-separated: the first one a record has");
  b->Add("jsonl_id_key", &o->jsonl_id_key, "JSONL keys holding the id, comma-separated");
  b->Add("jsonl_keep_fields", &o->jsonl_keep_fields,
         "keep the JSONL record's other fields in the output's metadata");
  b->Add("jsonl_extract", &o->jsonl_extract, "extract the JSONL text as a page (HTML)");
  b->Add("keep_non_2xx", &o->keep_non_2xx, "keep HTTP responses whose status is not 2xx");
  b->Add("max_record_bytes", &o->max_record_bytes, "larger records are reported unreadable", 1024);
}

namespace {

std::string At(const std::string& name, const YAML::Node& n) {
  return name + ":" + std::to_string(n.Mark().line + 1) + ": ";
}

Status ApplyMap(const YAML::Node& map, OptionBinder* b, const std::string& section,
                const std::string& name) {
  if (map.IsNull()) return Status::Ok();
  if (!map.IsMap()) {
    return Status::InvalidArgument(At(name, map) + "'" + section + "' must be a mapping of keys");
  }
  for (auto it = map.begin(); it != map.end(); ++it) {
    std::string key = it->first.as<std::string>();
    if (!b->Has(key)) {
      return Status::InvalidArgument(At(name, it->first) + "unknown key '" + key + "' in '" +
                                     section + "' (known: " + b->KeyList() + ")");
    }
    if (!it->second.IsScalar()) {
      return Status::InvalidArgument(At(name, it->second) + "'" + section + "." + key +
                                     "': expected a single value");
    }
    Status s = b->Set(key, it->second.Scalar());
    if (!s.ok()) return Status::InvalidArgument(At(name, it->second) + section + "." + s.message());
  }
  return Status::Ok();
}

Result<StageConfig> MakeStage(const StageRegistry& registry, const std::string& stage,
                              const YAML::Node& where, const std::string& name) {
  StageConfig sc;
  sc.name = stage;
  sc.factory = registry.Make(stage);
  if (!sc.factory) {
    std::string known;
    for (const auto& n : registry.Names()) known += (known.empty() ? "" : ", ") + n;
    return Status::InvalidArgument((where ? At(name, where) : name + ": ") + "unknown stage '" +
                                   stage + "' (known: " + known + ")");
  }
  return sc;
}

Status ParseInto(const YAML::Node& root, const std::string& name, const StageRegistry& registry,
                 RunConfig* cfg) {
  if (root.IsNull()) return Status::Ok();
  if (!root.IsMap())
    return Status::InvalidArgument(At(name, root) + "the config must be a mapping");
  for (auto it = root.begin(); it != root.end(); ++it) {
    std::string key = it->first.as<std::string>();
    const YAML::Node v = it->second;  // a copy: it->second is a temporary proxy
    if (key == "run") {
      OptionBinder b;
      cfg->run.Bind(&b);
      KILANG_RETURN_IF_ERROR(ApplyMap(v, &b, "run", name));
    } else if (key == "input") {
      OptionBinder b;
      BindReaderOptions(&cfg->input, &b);
      KILANG_RETURN_IF_ERROR(ApplyMap(v, &b, "input", name));
    } else if (key == "dedup") {
      OptionBinder b;
      cfg->dedup.Bind(&b);
      KILANG_RETURN_IF_ERROR(ApplyMap(v, &b, "dedup", name));
    } else if (key == "pipeline") {
      cfg->stages.clear();
      if (!v.IsSequence()) {
        return Status::InvalidArgument(At(name, v) + "'pipeline' must be a list of stages");
      }
      for (const YAML::Node& item : v) {
        std::string stage;
        YAML::Node opts;
        if (item.IsScalar()) {
          stage = item.Scalar();
        } else if (item.IsMap() && item.size() == 1) {
          stage = item.begin()->first.as<std::string>();
          opts = item.begin()->second;
        } else {
          return Status::InvalidArgument(At(name, item) +
                                         "a pipeline entry is a stage name or 'name: {options}'");
        }
        auto sc = MakeStage(registry, stage, item, name);
        if (!sc.ok()) return sc.status();
        if (sc->factory->TakesYaml()) {
          if (opts && !opts.IsNull() && !opts.IsMap()) {
            return Status::InvalidArgument(At(name, opts) + "'" + stage +
                                           "' options must be a mapping of keys");
          }
          Status st = sc->factory->SetYaml(opts);
          if (!st.ok()) return Status::InvalidArgument(At(name, opts ? opts : item) + st.message());
        } else {
          OptionBinder b;
          sc->factory->BindOptions(&b);
          KILANG_RETURN_IF_ERROR(ApplyMap(opts, &b, stage, name));
        }
        cfg->stages.push_back(std::move(*sc));
      }
    } else {
      return Status::InvalidArgument(At(name, it->first) + "unknown key '" + key +
                                     "' (known: run, input, pipeline, dedup)");
    }
  }
  return Status::Ok();
}

}  // namespace

Status RunConfig::Set(std::string_view dotted_key, std::string_view value) {
  size_t dot = dotted_key.find('.');
  if (dot == std::string_view::npos) {
    return Status::InvalidArgument("'" + std::string(dotted_key) +
                                   "': expected SECTION.KEY (run.*, input.*, dedup.* or STAGE.*)");
  }
  std::string_view section = dotted_key.substr(0, dot), key = dotted_key.substr(dot + 1);
  OptionBinder b;
  if (section == "run") {
    run.Bind(&b);
  } else if (section == "input") {
    BindReaderOptions(&input, &b);
  } else if (section == "dedup") {
    dedup.Bind(&b);
  } else {
    StageConfig* target = nullptr;
    for (StageConfig& sc : stages) {
      if (sc.name == section) {
        target = &sc;
        break;
      }
    }
    if (!target) {
      return Status::InvalidArgument("'" + std::string(section) +
                                     "': no such stage in the pipeline");
    }
    Status s = target->factory->SetKey(key, value);
    if (s.ok()) return s;
    // Filter stages' messages name the stage already ("stage 'langid': unknown option ...").
    if (target->factory->TakesYaml()) return s;
    return Status::InvalidArgument(std::string(section) + "." + s.message());
  }
  Status s = b.Set(key, value);
  if (!s.ok()) return Status::InvalidArgument(std::string(section) + "." + s.message());
  return Status::Ok();
}

std::string RunConfig::Fingerprint() const {
  std::string out = "compression=" + run.compression +
                    "\ncompression_level=" + std::to_string(run.compression_level) +
                    "\npages_per_task=" + std::to_string(run.pages_per_task) +
                    "\nsplit_bytes=" + std::to_string(run.split_bytes) +
                    (run.limit ? "\nlimit=" + std::to_string(run.limit) : std::string()) +
                    (run.removed != "full" ? "\nremoved=" + run.removed : std::string()) +
                    "\n[input]\n";
  OptionBinder ib;
  ReaderOptions copy = input;
  BindReaderOptions(&copy, &ib);
  out += ib.Dump();
  for (const StageConfig& sc : stages) out += "[" + sc.name + "]\n" + sc.factory->Describe();
  RunDedupOptions dcopy = dedup;
  dcopy.keep_intermediate = false;  // does not change the output: a rerun may switch it
  OptionBinder db;
  dcopy.Bind(&db);
  out += "[dedup]\n" + db.Dump();
  return out;
}

namespace {

// A value for YAML output: strings quoted when YAML would read them otherwise.
std::string YamlScalar(const std::string& type, const std::string& value) {
  if (type != "string") return value;
  YAML::Emitter e;
  e << value;
  std::string out = e.c_str();
  return out.empty() ? "\"\"" : out;
}

void AppendOptions(const std::vector<StageOptionInfo>& opts, const std::string& indent,
                   std::string* out) {
  size_t width = 0;
  for (const auto& o : opts) width = std::max(width, o.key.size() + 2 + o.value.size());
  for (const auto& o : opts) {
    std::string line = indent + o.key + ": " + o.value;
    if (!o.help.empty()) {
      line.append(
          indent.size() + width + 2 > line.size() ? indent.size() + width + 2 - line.size() : 1,
          ' ');
      line += "# " + o.help;
    }
    *out += line + "\n";
  }
}

std::vector<StageOptionInfo> FromBinder(const OptionBinder& b) {
  std::vector<StageOptionInfo> out;
  for (const auto& f : b.fields())
    out.push_back({f.key, f.type, YamlScalar(f.type, f.get()), f.help});
  return out;
}

}  // namespace

Result<std::string> RunConfig::ToYaml() const {
  std::string out = "# kilang run config: every option with its value (defaults included)\n";
  RunOptions r = run;
  OptionBinder rb;
  r.Bind(&rb);
  out += "run:\n";
  AppendOptions(FromBinder(rb), "  ", &out);
  ReaderOptions in = input;
  OptionBinder ib;
  BindReaderOptions(&in, &ib);
  out += "input:\n";
  AppendOptions(FromBinder(ib), "  ", &out);
  out += "pipeline:\n";
  for (const StageConfig& sc : stages) {
    auto opts = sc.factory->DescribeOptions();
    if (!opts.ok()) return opts.status();
    if (!sc.factory->TakesYaml()) {  // filter stages describe their values as YAML already
      for (auto& o : *opts) o.value = YamlScalar(o.type, o.value);
    }
    out += "  - " + sc.name + ":" + (opts->empty() ? " {}" : "") + "\n";
    AppendOptions(*opts, "      ", &out);
  }
  RunDedupOptions d = dedup;
  OptionBinder db;
  d.Bind(&db);
  out += "dedup:\n";
  AppendOptions(FromBinder(db), "  ", &out);
  return out;
}

Result<std::vector<std::unique_ptr<DocumentStage>>> RunConfig::BuildStages() const {
  std::vector<std::unique_ptr<DocumentStage>> out;
  for (const StageConfig& sc : stages) {
    auto st = sc.factory->Build();
    if (!st.ok())
      return Status::InvalidArgument("stage '" + sc.name + "': " + st.status().message());
    out.push_back(std::move(*st));
  }
  return out;
}

Result<RunConfig> DefaultRunConfig(const StageRegistry& registry) {
  RunConfig cfg;
  for (const std::string& name : DefaultPipeline()) {
    auto sc = MakeStage(registry, name, YAML::Node(), "default pipeline");
    if (!sc.ok()) return sc.status();
    cfg.stages.push_back(std::move(*sc));
  }
  return cfg;
}

Result<RunConfig> ParseRunConfig(std::string_view yaml, const std::string& name,
                                 const StageRegistry& registry) {
  auto cfg = DefaultRunConfig(registry);
  if (!cfg.ok()) return cfg;
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    KILANG_RETURN_IF_ERROR(ParseInto(root, name, registry, &*cfg));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(name + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return cfg;
}

Result<RunConfig> LoadRunConfig(const std::string& path, const StageRegistry& registry) {
  std::string text;
  Status s = ReadFile(path, 16 << 20, &text);
  if (!s.ok()) return Status::InvalidArgument(path + ": " + s.ToString());
  return ParseRunConfig(text, path, registry);
}

}  // namespace kilang
