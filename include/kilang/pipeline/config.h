// RunConfig: everything `kilang run` needs besides its inputs and output folder, read from a
// YAML file, from flags, or both (flags win). All four sections are optional:
//
//   run:                      # RunOptions
//     workers: 4
//     compression: zstd
//   input:                    # ReaderOptions (io/reader.h)
//     jsonl_text_key: text
//   pipeline:                 # stages in order; a name, or a name with its options
//     - extract: {format: auto}
//   dedup:                    # RunDedupOptions (pipeline/dedup_phase.h), after all stages
//     enabled: true
//
// With no `pipeline:` section the built-in default pipeline runs (registry.h DefaultPipeline()).
// Unknown keys and bad values are errors that name the file, line and key.
#ifndef KILANG_PIPELINE_CONFIG_H_
#define KILANG_PIPELINE_CONFIG_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kilang/io/reader.h"
#include "kilang/pipeline/dedup_phase.h"
#include "kilang/pipeline/options.h"
#include "kilang/pipeline/registry.h"
#include "kilang/pipeline/stage.h"
#include "kilang/util/status.h"

namespace kilang {

struct RunOptions {
  int workers = 0;                   // worker threads; 0 = all cores. Does not change the output.
  std::string executor = "local";    // local | slurm (slurm: a later issue)
  std::string compression = "zstd";  // output shards: zstd (.jsonl.zst), gzip (.jsonl.gz), none
  int compression_level = 0;         // 0 = default (zstd 3, gzip 6); higher: smaller, slower
  uint64_t pages_per_task = 1000;    // page files (.html/.txt) grouped per task/shard
  // Per-record-gzip WARC files bigger than this are cut into tasks of about this many stored
  // bytes (at gzip member starts), so one big file uses several workers. 0 = never split.
  uint64_t split_bytes = uint64_t(256) << 20;
  std::string progress = "auto";  // auto (status line on a TTY, else log lines) | plain | none
  double progress_interval = 10;  // seconds between plain progress lines
  // Read at most this many documents (0: all), the first ones in input order, for a quick look.
  // Tasks then run one at a time so that the same documents are taken every time.
  uint64_t limit = 0;
  // What is written of removed documents under DIR/removed/: "full" (the whole record, with
  // metadata.stage and metadata.reason), "meta" (id, url, source, stage, reason, length) or
  // "none" (nothing: stats.json still counts them by stage and reason).
  std::string removed = "full";
  void Bind(OptionBinder* b);
};

// Reader options as config keys (the `input:` section).
void BindReaderOptions(ReaderOptions* o, OptionBinder* b);

struct StageConfig {
  std::string name;
  std::unique_ptr<StageFactory> factory;  // owns the stage's options until Build()
};

struct RunConfig {
  RunOptions run;
  ReaderOptions input;
  std::vector<StageConfig> stages;
  RunDedupOptions dedup;

  // Sets "run.KEY", "input.KEY", "dedup.KEY" or "STAGE.KEY" (the first stage of that name) from text, exactly
  // as the YAML key would. InvalidArgument naming the key on failure.
  Status Set(std::string_view dotted_key, std::string_view value);
  // Canonical text of every option that shapes the output (not workers/progress): two runs with
  // the same fingerprint and inputs produce the same output.
  std::string Fingerprint() const;
  // The config as YAML: every section and option with its current value (defaults included)
  // and a comment of help. ParseRunConfig reads it back to the same options.
  Result<std::string> ToYaml() const;
  // Builds the stages (immutable, shared by all workers).
  Result<std::vector<std::unique_ptr<DocumentStage>>> BuildStages() const;
};

// The default config: default options and the default pipeline.
Result<RunConfig> DefaultRunConfig(const StageRegistry& registry = StageRegistry::Builtin());
// Parses YAML text; `name` (the file name) prefixes error messages: "NAME:LINE: ...".
Result<RunConfig> ParseRunConfig(std::string_view yaml, const std::string& name,
                                 const StageRegistry& registry = StageRegistry::Builtin());
Result<RunConfig> LoadRunConfig(const std::string& path,
                                const StageRegistry& registry = StageRegistry::Builtin());

}  // namespace kilang

#endif  // KILANG_PIPELINE_CONFIG_H_
