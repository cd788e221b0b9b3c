// kilang: the command-line front end. Thin: parses flags into Options and calls libkilang.
//
//   kilang extract [--format auto|html|text] [--url URL] [--now ISO8601] FILE... | -
//   kilang run [CONFIG.yaml] --input PATH... --output DIR [--workers N] [--executor local|slurm]
//   kilang report DIR [--out FILE]
//
// Exit status (SPEC.md): 0 all inputs processed, 1 some input unreadable, 2 usage error.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string>
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
  std::vector<std::string> sets;  // SECTION.KEY=VALUE
  bool keep_intermediate = false;
  bool no_report = false;
};

int RunRun(const RunFlags& flags) {
  auto cfg =
      flags.config.empty() ? kilang::DefaultRunConfig() : kilang::LoadRunConfig(flags.config);
  if (!cfg.ok()) {
    std::fprintf(stderr, "kilang run: %s\n", cfg.status().message().c_str());
    return kExitUsage;
  }
  // Flags set the same Options fields as the YAML keys, through the same binder.
  std::vector<std::pair<std::string, std::string>> sets;
  if (!flags.workers.empty()) sets.emplace_back("run.workers", flags.workers);
  if (!flags.executor.empty()) sets.emplace_back("run.executor", flags.executor);
  if (!flags.compression.empty()) sets.emplace_back("run.compression", flags.compression);
  if (!flags.progress.empty()) sets.emplace_back("run.progress", flags.progress);
  if (flags.keep_intermediate) sets.emplace_back("dedup.keep_intermediate", "true");
  for (const std::string& kv : flags.sets) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos) {
      std::fprintf(stderr, "kilang run: --set %s: expected SECTION.KEY=VALUE\n", kv.c_str());
      return kExitUsage;
    }
    sets.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  for (const auto& [k, v] : sets) {
    kilang::Status s = cfg->Set(k, v);
    if (!s.ok()) {
      std::fprintf(stderr, "kilang run: %s\n", s.message().c_str());
      return kExitUsage;
    }
  }
  if (cfg->run.executor == "slurm") {
    std::fprintf(stderr,
                 "kilang run: --executor slurm is not implemented yet; use --executor local\n");
    return kExitUsage;
  }
  auto sum = kilang::RunPipeline(*cfg, flags.inputs, flags.output);
  if (!sum.ok()) {
    std::fprintf(stderr, "kilang run: %s\n", sum.status().message().c_str());
    return sum.status().code() == kilang::StatusCode::kInvalidArgument ? kExitUsage
                                                                       : kExitUnreadable;
  }
  const kilang::RunStats& st = sum->stats;
  const kilang::RunTimings& tm = sum->timings;
  for (const auto& u : st.unreadable_inputs) {
    std::fprintf(stderr, "kilang run: %s#%llu: %s\n", u.file.c_str(),
                 static_cast<unsigned long long>(u.offset), u.reason.c_str());
  }
  for (const auto& u : st.warnings) {
    std::fprintf(stderr, "kilang run: warning: %s#%llu: %s\n", u.file.c_str(),
                 static_cast<unsigned long long>(u.offset), u.reason.c_str());
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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  if (*extract) return RunExtract(ex);
  if (*run) return RunRun(rf);
  if (*report) return RunReport(rp);
  return kExitUsage;
}
