// StageRegistry: per-document stages by name, so a config can list them ("extract", "langid",
// ...) and new stages plug in without touching the runner.
//
// A stage registers a factory. A factory owns the stage's Options struct, describes its fields to
// an OptionBinder (so YAML keys and flags set them), and builds the immutable stage from them.
//
// To add a stage: implement DocumentStage (stage.h) and an Options struct with Bind(), then add a
// line to RegisterBuiltinStages() in src/pipeline/registry.cc:
//
//   r->Register("my_filter", MakeFactory<MyFilter, MyFilterOptions>);
//
// (Explicit registration, not static initialisers: a static library drops unreferenced objects.)
#ifndef KILANG_PIPELINE_REGISTRY_H_
#define KILANG_PIPELINE_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "kilang/pipeline/options.h"
#include "kilang/pipeline/stage.h"
#include "kilang/util/status.h"

namespace kilang {

// One option of a stage, for `kilang stages` and `kilang config --print`.
struct StageOptionInfo {
  std::string key;
  std::string type;   // "bool", "int", "uint", "double"/"number", "string", "list of strings", ...
  std::string value;  // the current value as YAML text (the default until something sets it)
  std::string help;   // one line
};

class StageFactory {
 public:
  virtual ~StageFactory() = default;
  // Describes the stage's options (fields of an Options struct owned by this factory).
  virtual void BindOptions(OptionBinder* binder) = 0;
  // Builds the stage from the options as set. InvalidArgument for inconsistent options.
  virtual Result<std::unique_ptr<DocumentStage>> Build() = 0;

  // Stages whose options are richer than key=value scalars (lists, maps: the filters) take
  // their YAML map whole instead of through BindOptions; Build() then validates it, naming
  // unknown keys and their lines. Default: not taken.
  virtual bool TakesYaml() const { return false; }
  virtual Status SetYaml(const YAML::Node& options) { return Status::Ok(); }
  // Sets one option from its text, as `--set STAGE.KEY=VALUE` and the YAML key do (a YAML
  // value: "0.9", "[id, ms]"). InvalidArgument naming the key (with the known ones when it is
  // unknown) or the bad value; the options are unchanged then.
  virtual Status SetKey(std::string_view key, std::string_view value) {
    OptionBinder b;
    BindOptions(&b);
    return b.Set(key, value);
  }
  // Every option with its current value, in declaration order.
  virtual Result<std::vector<StageOptionInfo>> DescribeOptions() {
    OptionBinder b;
    BindOptions(&b);
    std::vector<StageOptionInfo> out;
    for (const auto& f : b.fields()) out.push_back({f.key, f.type, f.get(), f.help});
    return out;
  }
  // A canonical text of the options, for the run's fingerprint (resume safety).
  virtual std::string Describe() {
    OptionBinder b;
    BindOptions(&b);
    return b.Dump();
  }
};

// A factory for a stage constructible as StageT(const OptionsT&), where OptionsT has
// `void Bind(OptionBinder*)` and optionally `Status Validate() const`.
template <typename StageT, typename OptionsT>
class OptionsStageFactory : public StageFactory {
 public:
  void BindOptions(OptionBinder* binder) override { options_.Bind(binder); }
  Result<std::unique_ptr<DocumentStage>> Build() override {
    if constexpr (requires(const OptionsT& o) { o.Validate(); }) {
      Status s = options_.Validate();
      if (!s.ok()) return s;
    }
    return std::unique_ptr<DocumentStage>(std::make_unique<StageT>(options_));
  }

 private:
  OptionsT options_;
};

template <typename StageT, typename OptionsT>
std::unique_ptr<StageFactory> MakeFactory() {
  return std::make_unique<OptionsStageFactory<StageT, OptionsT>>();
}

class StageRegistry {
 public:
  using Maker = std::function<std::unique_ptr<StageFactory>()>;

  // The registry holding every built-in stage. Thread-safe to read after first use.
  static const StageRegistry& Builtin();

  // InvalidArgument if `name` is taken.
  Status Register(std::string name, Maker maker);
  // A fresh factory for `name`; nullptr when unknown.
  std::unique_ptr<StageFactory> Make(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, Maker, std::less<>> makers_;
};

// Registers kilang's own stages into `r`.
void RegisterBuiltinStages(StageRegistry* r);

// What a built-in stage needs from the stages before it and gives to those after it, for the
// pipeline's sanity checks.
struct StageTraits {
  bool sets_text = false;   // turns pages into text (extract)
  bool needs_text = false;  // reads doc.text: useless (and harmful) before extraction
  bool sets_lang = false;   // sets metadata.lang (langid)
  bool uses_lang = false;   // picks its rules by metadata.lang (default_language when unset)
};
StageTraits TraitsOfStage(std::string_view name);

// The order rules of a pipeline (stage names in order): a stage that reads the text cannot come
// before 'extract' (it would see pages' empty text: [langid, extract] removed everything as
// lang_empty), and a stage that picks its rules by language cannot come before 'langid' when
// langid is in the pipeline. InvalidArgument explaining the fix.
Status CheckStageOrder(const std::vector<std::string>& names);

// What built-in stage `name` does, in one line ("" for an unknown name).
std::string StageSummary(std::string_view name);

// `kilang stages`: every stage of `registry` (the default pipeline's first, in its order), a
// line of what it does, then each option with its type, default and a line of help.
Result<std::string> DescribeStages(const StageRegistry& registry);

// The stage names of the built-in default pipeline, in order (SPEC.md "The default pipeline"):
// the stages of that list that are implemented so far.
std::vector<std::string> DefaultPipeline();

}  // namespace kilang

#endif  // KILANG_PIPELINE_REGISTRY_H_
