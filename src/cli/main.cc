// kilang: the command-line front end. Thin: parses flags into Options and calls libkilang.
//
//   kilang extract [--format auto|html|text] [--url URL] [--now ISO8601] FILE... | -
//   kilang run [CONFIG.yaml] --input PATH... --output DIR [--workers N] [--executor local|slurm]
//              [--limit N] [--dry-run] [--set SECTION.KEY=VALUE]...
//   kilang config [--print] [CONFIG.yaml] [--set SECTION.KEY=VALUE]...
//   kilang stages
//   kilang report DIR [--out FILE]
//
// Exit status (SPEC.md): 0 all inputs processed, 1 some input unreadable, 2 usage error; for
// `run` also 3 the output folder cannot be written (disk full, no permission), 4 internal error,
// 130/143 stopped by SIGINT/SIGTERM (the same command resumes).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "kilang/core/document.h"
#include "kilang/extract/extractor.h"
#include "kilang/io/file.h"
#include "kilang/pipeline/config.h"
#include "kilang/pipeline/runner.h"
#include "kilang/report/report.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUnreadable = 1;
constexpr int kExitUsage = 2;
constexpr int kExitOutput = 3;    // the output folder cannot be created or written (disk full, ...)
constexpr int kExitInternal = 4;  // a bug (e.g. the accounting does not add up)
// Stopped by SIGINT/SIGTERM: 128 + the signal number (130, 143), as shells report it.

// Ctrl-C / SIGTERM: the first asks the run to stop cleanly (it resumes later); a second one
// stops at once, as the default action would.
std::atomic<bool> g_stop{false};
volatile std::sig_atomic_t g_signal = 0;

extern "C" void OnStopSignal(int sig) {
  if (g_signal != 0) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  g_signal = sig;
  g_stop.store(true);
}

// Removes this process's temporary files (`*.tmp.<pid>`) from a run's output folder.
void RemoveOwnTempFiles(const std::string& dir) {
  namespace fs = std::filesystem;
  const std::string mark = ".tmp." + std::to_string(::getpid());
  std::error_code ec;
  for (const char* sub : {"", "/removed", "/.kilang", "/.kilang/done", "/.kilang/stage1",
                          "/.kilang/unreadable", "/.kilang/dedup/done"}) {
    for (const auto& e : fs::directory_iterator(dir + sub, ec)) {
      if (e.path().filename().string().find(mark) != std::string::npos) fs::remove(e.path(), ec);
    }
  }
}

struct ExtractFlags {
  std::string format = "auto";
  std::string url;
  std::string now;
  size_t max_bytes = size_t(256) << 20;
  bool dump_features = false;  // hidden: the learned scorer's features instead of records
  std::vector<std::string> files;
};

// One JSON line per page: {"id", "names": [...], "rows": [{"t": text, "x": [...]}, ...]}.
std::string FeatureJsonLine(const std::string& id, const kilang::FeatureTable& t) {
  std::string out = "{\"id\":";
  kilang::AppendJsonString(id, &out);
  out += ",\"names\":[";
  for (size_t j = 0; j < t.names.size(); ++j) {
    if (j) out.push_back(',');
    kilang::AppendJsonString(t.names[j], &out);
  }
  out += "],\"rows\":[";
  char buf[32];
  for (size_t i = 0; i < t.rows(); ++i) {
    if (i) out.push_back(',');
    out += "{\"t\":";
    kilang::AppendJsonString(t.texts[i], &out);
    out += ",\"x\":[";
    const float* x = t.row(i);
    for (size_t j = 0; j < t.names.size(); ++j) {
      if (j) out.push_back(',');
      // Shortest text that reads back as the same float.
      std::snprintf(buf, sizeof buf, "%.9g", double(x[j]));
      out += buf;
    }
    out += "]}";
  }
  out += "]}\n";
  return out;
}

int RunExtract(const ExtractFlags& flags) {
  kilang::ExtractOptions options;
  auto fmt = kilang::ParseInputFormat(flags.format);
  if (!fmt.ok()) {
    std::fprintf(stderr, "kilang extract: %s\n", fmt.status().message().c_str());
    return kExitUsage;
  }
  options.format = *fmt;
  options.url = flags.url;
  if (!flags.now.empty()) {
    options.now = kilang::DateTime::ParseIso(flags.now);
    if (!options.now) {
      std::fprintf(stderr, "kilang extract: --now: '%s' is not an ISO 8601 date/time\n",
                   flags.now.c_str());
      return kExitUsage;
    }
  } else {
    // SPEC: relative dates default to the page's own date (an absolute date on the page wins
    // over relative ones), else the current time (UTC).
    options.now = kilang::DateTime::FromUnixSeconds(static_cast<int64_t>(std::time(nullptr)), 0);
  }
  const kilang::Extractor extractor;
  int unreadable = 0;
  std::string bytes;
  for (const std::string& path : flags.files) {
    kilang::Status s = kilang::ReadFile(path, flags.max_bytes, &bytes);
    kilang::Document doc;
    doc.id = path == "-" ? "stdin" : kilang::FileStem(path);
    kilang::ExtractReport report;
    if (s.ok() && flags.dump_features) {
      kilang::FeatureTable table;
      s = extractor.ExtractFeatures(bytes, options, &table);
      if (s.ok()) {
        std::string line = FeatureJsonLine(doc.id, table);
        std::fwrite(line.data(), 1, line.size(), stdout);
        continue;
      }
    }
    if (s.ok()) s = extractor.Extract(bytes, options, &doc, &report);
    if (!s.ok()) {
      std::fprintf(stderr, "kilang extract: %s: %s\n", path.c_str(), s.ToString().c_str());
      ++unreadable;
      continue;
    }
    if (report.invalid_utf8) {
      std::fprintf(
          stderr, "kilang extract: %s: warning: %zu invalid UTF-8 sequence(s) replaced by U+FFFD\n",
          path.c_str(), report.invalid_utf8);
    }
    std::string line = kilang::ToJsonLine(doc);
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  std::fflush(stdout);
  if (unreadable) {
    std::fprintf(stderr, "kilang extract: %d of %zu input(s) could not be read\n", unreadable,
                 flags.files.size());
    return kExitUnreadable;
  }
  return kExitOk;
}

struct RunFlags {
  std::string config;
  std::vector<std::string> inputs;
  std::string output;
  std::string workers;
  std::string executor;
  std::string compression;
  std::string progress;
  std::string limit;
  std::string removed;
  bool dry_run = false;
  std::vector<std::string> sets;  // SECTION.KEY=VALUE
  bool keep_intermediate = false;
  bool no_report = false;
};

// The config of `kilang run` / `kilang config`: the file (or the default), then the flags, which
// set the same Options fields as the YAML keys, through the same binder. Prints the error.
kilang::Result<kilang::RunConfig> EffectiveConfig(const char* cmd, const RunFlags& flags) {
  auto cfg =
      flags.config.empty() ? kilang::DefaultRunConfig() : kilang::LoadRunConfig(flags.config);
  if (!cfg.ok()) {
    std::fprintf(stderr, "kilang %s: %s\n", cmd, cfg.status().message().c_str());
    return cfg.status();
  }
  std::vector<std::pair<std::string, std::string>> sets;
  if (!flags.workers.empty()) sets.emplace_back("run.workers", flags.workers);
  if (!flags.executor.empty()) sets.emplace_back("run.executor", flags.executor);
  if (!flags.compression.empty()) sets.emplace_back("run.compression", flags.compression);
  if (!flags.progress.empty()) sets.emplace_back("run.progress", flags.progress);
  if (!flags.limit.empty()) sets.emplace_back("run.limit", flags.limit);
  if (!flags.removed.empty()) sets.emplace_back("run.removed", flags.removed);
  if (flags.keep_intermediate) sets.emplace_back("dedup.keep_intermediate", "true");
  for (const std::string& kv : flags.sets) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos) {
      std::fprintf(stderr, "kilang %s: --set %s: expected SECTION.KEY=VALUE\n", cmd, kv.c_str());
      return kilang::Status::InvalidArgument("--set");
    }
    sets.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  for (const auto& [k, v] : sets) {
    kilang::Status s = cfg->Set(k, v);
    if (!s.ok()) {
      std::fprintf(stderr, "kilang %s: %s\n", cmd, s.message().c_str());
      return s;
    }
  }
  return cfg;
}

int RunConfigPrint(const RunFlags& flags) {
  auto cfg = EffectiveConfig("config", flags);
  if (!cfg.ok()) return kExitUsage;
  auto yaml = cfg->ToYaml();
  if (!yaml.ok()) {
    std::fprintf(stderr, "kilang config: %s\n", yaml.status().message().c_str());
    return kExitUsage;
  }
  std::fwrite(yaml->data(), 1, yaml->size(), stdout);
  return kExitOk;
}

int RunStages() {
  auto text = kilang::DescribeStages(kilang::StageRegistry::Builtin());
  if (!text.ok()) {
    std::fprintf(stderr, "kilang stages: %s\n", text.status().message().c_str());
    return kExitUsage;
  }
  std::fwrite(text->data(), 1, text->size(), stdout);
  return kExitOk;
}

int RunRun(const RunFlags& flags) {
  auto cfg = EffectiveConfig("run", flags);
  if (!cfg.ok()) return kExitUsage;
  if (cfg->run.executor == "slurm") {
    std::fprintf(stderr,
                 "kilang run: --executor slurm is not implemented yet; use --executor local\n");
    return kExitUsage;
  }
  if (flags.dry_run) {
    auto plan = kilang::DescribeRun(*cfg, flags.inputs, flags.output);
    if (!plan.ok()) {
      std::fprintf(stderr, "kilang run: %s\n", plan.status().message().c_str());
      return kExitUsage;
    }
    std::fwrite(plan->data(), 1, plan->size(), stdout);
    return kExitOk;
  }
  // Signals: the run stops between documents and returns Cancelled. Should it not return
  // within a few seconds (a dedup step under way cannot be cut short), a watcher removes this
  // process's temporary files and exits: the run's state is safe on disk as after a kill.
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::atomic<bool> finished{false};
  const std::string resume_hint = "run the same command again to resume";
  std::thread watcher([&] {
    while (!finished.load() && g_signal == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (finished.load()) return;
    std::fprintf(stderr, "\nkilang run: stopping (%s): finishing the documents in hand...\n",
                 g_signal == SIGTERM ? "SIGTERM" : "SIGINT");
    for (int i = 0; i < 100 && !finished.load(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (finished.load()) return;
    RemoveOwnTempFiles(flags.output);
    std::fprintf(stderr, "kilang run: stopped during a dedup step; %s\n", resume_hint.c_str());
    std::fflush(stderr);
    ::_exit(128 + g_signal);
  });
  auto sum = kilang::RunPipeline(*cfg, flags.inputs, flags.output, &g_stop);
  finished.store(true);
  watcher.join();
  if (!sum.ok()) {
    const kilang::StatusCode code = sum.status().code();
    if (code == kilang::StatusCode::kCancelled) {
      std::fprintf(stderr, "kilang run: stopped (%s); %s\n", sum.status().message().c_str(),
                   resume_hint.c_str());
      return 128 + (g_signal ? int(g_signal) : SIGINT);
    }
    std::fprintf(stderr, "kilang run: %s\n", sum.status().message().c_str());
    if (code == kilang::StatusCode::kInvalidArgument) return kExitUsage;
    if (code == kilang::StatusCode::kInternal) return kExitInternal;
    return kExitOutput;
  }
  const kilang::RunStats& st = sum->stats;
  const kilang::RunTimings& tm = sum->timings;
  // At most kShown items of each kind on stderr; stats.json lists more, and every unreadable item
  // is in DIR/unreadable.jsonl.zst.
  constexpr size_t kShown = 20;
  for (size_t i = 0; i < st.unreadable_inputs.size() && i < kShown; ++i) {
    const auto& u = st.unreadable_inputs[i];
    std::fprintf(stderr, "kilang run: %s#%llu: %s\n", u.file.c_str(),
                 static_cast<unsigned long long>(u.offset), u.reason.c_str());
  }
  if (st.unreadable > kShown) {
    std::fprintf(stderr, "kilang run: ... %llu unreadable items in all, by reason:\n",
                 static_cast<unsigned long long>(st.unreadable));
    for (const auto& [reason, n] : st.unreadable_by_reason) {
      std::fprintf(stderr, "kilang run:   %llu  %s\n", static_cast<unsigned long long>(n),
                   reason.c_str());
    }
    std::fprintf(stderr, "kilang run: every one of them (file, offset, reason) is in %s/%s\n",
                 flags.output.c_str(), st.unreadable_file.c_str());
  }
  for (size_t i = 0; i < st.warnings.size() && i < kShown; ++i) {
    const auto& u = st.warnings[i];
    std::fprintf(stderr, "kilang run: warning: %s#%llu: %s\n", u.file.c_str(),
                 static_cast<unsigned long long>(u.offset), u.reason.c_str());
  }
  if (st.warnings_count > kShown) {
    std::fprintf(stderr, "kilang run: ... %llu warnings in all (the first %zu in stats.json)\n",
                 static_cast<unsigned long long>(st.warnings_count), st.warnings.size());
  }
  uint64_t skipped = 0;
  for (const auto& [k, v] : st.skipped) skipped += v;
  std::fprintf(
      stderr,
      "kilang run: read %llu = kept %llu + removed %llu + unreadable %llu (skipped %llu "
      "non-document records); %llu tasks (%llu resumed); %.2fs wall, %.1f MB stored / %.1f MB "
      "decoded read; CPU seconds: read %.2f, stages %.2f, write %.2f\n",
      static_cast<unsigned long long>(st.read), static_cast<unsigned long long>(st.kept),
      static_cast<unsigned long long>(st.removed), static_cast<unsigned long long>(st.unreadable),
      static_cast<unsigned long long>(skipped), static_cast<unsigned long long>(st.tasks),
      static_cast<unsigned long long>(tm.tasks_resumed), tm.wall, tm.bytes_consumed / 1e6,
      tm.bytes_decoded / 1e6, tm.read, tm.stages, tm.write);
  if (tm.worker_cpu.size() > 1) {
    std::string per;
    for (double c : tm.worker_cpu) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%s%.2f", per.empty() ? "" : ", ", c);
      per += buf;
    }
    std::fprintf(stderr, "kilang run:   CPU seconds per worker: %s\n", per.c_str());
  }
  for (const auto& [stage, secs] : tm.per_stage) {
    std::fprintf(stderr, "kilang run:   stage %s: %.2f CPU seconds\n", stage.c_str(), secs);
  }
  // The run's facts (config, inputs, timings) for `kilang report`, then the report itself.
  kilang::Status fs = kilang::report::SaveRunFacts(
      flags.output, kilang::report::MakeRunFacts(*cfg, flags.inputs, *sum));
  if (!fs.ok()) std::fprintf(stderr, "kilang run: warning: %s\n", fs.message().c_str());
  if (!flags.no_report) {
    kilang::report::ReportOptions ro;
    ro.threads = size_t(std::max(0, cfg->run.workers));
    auto rep = kilang::report::WriteReport(flags.output, ro);
    if (rep.ok()) {
      std::fprintf(stderr, "kilang run: report: %s\n", rep->path.c_str());
    } else {
      std::fprintf(stderr, "kilang run: warning: no report: %s\n", rep.status().message().c_str());
    }
  }
  return st.unreadable ? kExitUnreadable : kExitOk;
}

struct ReportFlags {
  std::string dir;
  std::string out;
  kilang::report::ReportOptions options;
};

int RunReport(const ReportFlags& flags) {
  auto written = kilang::report::WriteReport(flags.dir, flags.options, flags.out);
  if (!written.ok()) {
    std::fprintf(stderr, "kilang report: %s\n", written.status().message().c_str());
    return written.status().code() == kilang::StatusCode::kNotFound ? kExitUsage : kExitUnreadable;
  }
  for (const std::string& w : written->warnings) {
    std::fprintf(stderr, "kilang report: warning: %s\n", w.c_str());
  }
  std::fprintf(stderr, "kilang report: wrote %s (%.1f MB, %llu documents read)\n",
               written->path.c_str(), written->bytes / 1e6,
               static_cast<unsigned long long>(written->documents));
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kilang: a web-text refinery (HTML and page text -> clean, structured documents)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "kilang 0.1.0");

  ExtractFlags ex;
  auto* extract = app.add_subcommand("extract", "Extract one JSON record per input file to stdout");
  extract->add_option("--format", ex.format, "auto|html|text (auto: judged by content)")
      ->capture_default_str();
  extract->add_option("--url", ex.url, "the page's URL (metadata.url; hints the site)");
  extract->add_option("--now", ex.now, "ISO 8601 time that anchors relative dates");
  extract->add_option("--max-bytes", ex.max_bytes, "inputs larger than this are reported, not read")
      ->capture_default_str();
  // Hidden (empty group): for scripts/train_extract.py, not a user-facing command.
  extract->add_flag("--dump-features", ex.dump_features, "the learned scorer's block features")
      ->group("");
  extract->add_option("files", ex.files, "input files, or - for stdin")->required();

  RunFlags rf;
  auto* run =
      app.add_subcommand("run", "Run a pipeline over a corpus (WARC/WET/JSONL/page folders)");
  run->add_option("config", rf.config, "YAML config (default: the built-in pipeline)");
  run->add_option("--input", rf.inputs, "input files or folders")->required();
  run->add_option("--output", rf.output, "output folder")->required();
  run->add_option("--workers", rf.workers, "worker threads (default: all cores)");
  run->add_option("--executor", rf.executor, "local|slurm");
  run->add_option("--compression", rf.compression, "zstd|gzip|none (default zstd)");
  run->add_option("--progress", rf.progress, "auto|plain|none");
  run->add_option("--set", rf.sets, "SECTION.KEY=VALUE, as in the YAML config (repeatable)");
  run->add_flag("--keep-intermediate", rf.keep_intermediate,
                "keep the stage-1 shards and dedup work files (default: removed once the final "
                "shards are written and read back)");
  run->add_flag("--no-report", rf.no_report,
                "do not write DIR/report.html at the end (`kilang report DIR` writes it later)");

  ReportFlags rp;
  auto* report = app.add_subcommand(
      "report", "Write a self-contained HTML report of a run's output folder (DIR/report.html)");
  report->add_option("dir", rp.dir, "the output folder of a `kilang run`")->required();
  report->add_option("--out", rp.out, "where to write the page (default DIR/report.html)");
  report
      ->add_option("--samples", rp.options.samples_per_reason,
                   "removed documents sampled per stage and reason")
      ->capture_default_str();
  report->add_option("--kept-samples", rp.options.kept_samples, "kept documents sampled")
      ->capture_default_str();
  report->add_option("--seed", rp.options.seed, "sampling seed")->capture_default_str();
  report->add_option("--threads", rp.options.threads, "shards read in parallel (0: all cores)")
      ->capture_default_str();
  run->add_option("--limit", rf.limit, "read at most N documents, the first ones (a quick look)");
  run->add_option("--removed", rf.removed,
                  "full|meta|none: what is written of removed documents (default full)");
  run->add_flag("--dry-run", rf.dry_run,
                "print the plan (tasks, inputs, effective config) and exit; nothing is written");

  RunFlags cf;
  bool print = false;
  auto* config = app.add_subcommand(
      "config", "Print the effective config of a run, every option with its value");
  config->add_option("config", cf.config, "YAML config (default: the built-in pipeline)");
  config->add_flag("--print", print, "print it as YAML (the default action)");
  config->add_option("--set", cf.sets, "SECTION.KEY=VALUE, as for kilang run (repeatable)");
  auto* stages = app.add_subcommand("stages", "List every stage with its options and defaults");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  if (*extract) return RunExtract(ex);
  if (*run) return RunRun(rf);
  if (*config) return RunConfigPrint(cf);
  if (*stages) return RunStages();
  if (*report) return RunReport(rp);
  return kExitUsage;
}
