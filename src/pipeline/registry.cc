#include "kilang/pipeline/registry.h"

#include <algorithm>

#include "kilang/filter/registry.h"
#include "kilang/pipeline/extract_stage.h"

namespace kilang {

const StageRegistry& StageRegistry::Builtin() {
  static const StageRegistry* r = [] {
    auto* reg = new StageRegistry();
    RegisterBuiltinStages(reg);
    return reg;
  }();
  return *r;
}

Status StageRegistry::Register(std::string name, Maker maker) {
  if (makers_.count(name)) return Status::InvalidArgument("stage '" + name + "' registered twice");
  makers_.emplace(std::move(name), std::move(maker));
  return Status::Ok();
}

std::unique_ptr<StageFactory> StageRegistry::Make(std::string_view name) const {
  auto it = makers_.find(name);
  return it == makers_.end() ? nullptr : it->second();
}

std::vector<std::string> StageRegistry::Names() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : makers_) out.push_back(k);
  return out;
}

namespace {

// A filter stage (filter/registry.h) in the pipeline: its options are the YAML map as written,
// validated by the filter's own option reader when the stage is built.
class FilterStageFactory : public StageFactory {
 public:
  explicit FilterStageFactory(std::string name) : name_(std::move(name)) {}
  void BindOptions(OptionBinder*) override {}
  bool TakesYaml() const override { return true; }
  Status SetYaml(const YAML::Node& options) override {
    KILANG_RETURN_IF_ERROR(CheckFilterOptions(name_, options));
    options_ = options;
    return Status::Ok();
  }
  Status SetKey(std::string_view key, std::string_view value) override {
    YAML::Node n =
        options_ && options_.IsMap() ? YAML::Clone(options_) : YAML::Node(YAML::NodeType::Map);
    YAML::Node v;
    try {
      v = YAML::Load(std::string(value));
    } catch (const YAML::Exception& e) {
      return Status::InvalidArgument("'" + std::string(key) + "': bad value '" +
                                     std::string(value) + "': " + e.msg);
    }
    n[std::string(key)] = v;
    Status s = CheckFilterOptions(name_, n);
    if (!s.ok()) {
      std::string m = s.message();  // a line number means nothing for a single value
      size_t at = m.find(" (line 1)");
      if (at != std::string::npos) m.erase(at, 9);
      return Status::InvalidArgument(m);
    }
    options_ = n;
    return Status::Ok();
  }
  Result<std::vector<StageOptionInfo>> DescribeOptions() override {
    auto d = DescribeFilterOptions(name_, options_);
    if (!d.ok()) return d.status();
    std::vector<StageOptionInfo> out;
    for (auto& o : *d) out.push_back({o.key, o.type, o.value, o.help});
    return out;
  }
  std::string Describe() override {
    if (!options_ || options_.IsNull()) return "";
    YAML::Emitter e;
    e.SetMapFormat(YAML::Flow);
    e.SetSeqFormat(YAML::Flow);
    e << options_;
    return std::string(e.c_str()) + "\n";
  }
  Result<std::unique_ptr<DocumentStage>> Build() override {
    return MakeFilterStage(name_, options_);
  }

 private:
  std::string name_;
  YAML::Node options_;
};

}  // namespace

void RegisterBuiltinStages(StageRegistry* r) {
  r->Register("extract", MakeFactory<ExtractStage, ExtractStageOptions>);
  for (const std::string& name : FilterStageNames()) {
    r->Register(name, [name] { return std::make_unique<FilterStageFactory>(name); });
  }
}

StageTraits TraitsOfStage(std::string_view name) {
  StageTraits t;
  if (name == "extract") {
    t.sets_text = true;
  } else if (name == "langid") {
    t.needs_text = t.sets_lang = true;
  } else if (name == "pii") {
    t.needs_text = true;
  } else if (name == "gopher_quality" || name == "gopher_repetition" || name == "c4" ||
             name == "fineweb_quality") {
    t.needs_text = t.uses_lang = true;
  }
  return t;
}

Status CheckStageOrder(const std::vector<std::string>& names) {
  size_t extract = names.size(), langid = names.size();
  for (size_t i = 0; i < names.size(); ++i) {
    StageTraits t = TraitsOfStage(names[i]);
    if (t.sets_text && extract == names.size()) extract = i;
    if (t.sets_lang && langid == names.size()) langid = i;
  }
  for (size_t i = 0; i < names.size(); ++i) {
    StageTraits t = TraitsOfStage(names[i]);
    if (t.needs_text && extract < names.size() && i < extract) {
      return Status::InvalidArgument(
          "pipeline: '" + names[i] +
          "' comes before 'extract', so it would see pages before "
          "their text is extracted (and remove or judge them on empty text): put 'extract' first");
    }
    if (t.uses_lang && langid < names.size() && i < langid) {
      return Status::InvalidArgument(
          "pipeline: '" + names[i] +
          "' picks its rules by metadata.lang, which 'langid' sets "
          "later: put 'langid' before it (or set its default_language and drop langid)");
    }
  }
  return Status::Ok();
}

std::string StageSummary(std::string_view name) {
  if (name == "extract") {
    return "extraction: the article text and metadata of HTML or page-text pages (JSONL text "
           "passes as is)";
  }
  return FilterStageSummary(name);
}

Result<std::string> DescribeStages(const StageRegistry& registry) {
  std::vector<std::string> names = DefaultPipeline();
  for (const std::string& n : registry.Names()) {
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  }
  const std::vector<std::string> defaults = DefaultPipeline();
  std::string out =
      "Stages of `kilang run` (config: pipeline: [...]; a flag: --set STAGE.KEY=VALUE)\n";
  for (const std::string& n : names) {
    auto factory = registry.Make(n);
    if (!factory) continue;
    bool in_default = std::find(defaults.begin(), defaults.end(), n) != defaults.end();
    out += "\n" + n + (in_default ? "  (default pipeline)" : "  (not in the default pipeline)") +
           "\n  " + StageSummary(n) + "\n";
    auto opts = factory->DescribeOptions();
    if (!opts.ok()) return opts.status();
    size_t width = 0;
    for (const auto& o : *opts) width = std::max(width, o.key.size());
    for (const auto& o : *opts) {
      out += "    " + o.key + std::string(width - o.key.size() + 2, ' ') + o.type + ", default " +
             (o.value.empty() ? "\"\"" : o.value) + (o.help.empty() ? "" : ": " + o.help) + "\n";
    }
  }
  out +=
      "\nCorpus dedup runs after the stages (config: dedup:, flags: --set dedup.KEY=VALUE);\n"
      "see docs/dedup.md. `kilang config --print` shows a whole config with every value.\n";
  return out;
}

std::vector<std::string> DefaultPipeline() {
  // SPEC order: extract -> langid -> gopher quality -> gopher repetition -> fineweb quality ->
  // PII -> (exact dedup -> near dedup -> repeated lines: phased, see docs/dedup.md).
  std::vector<std::string> out = {"extract"};
  for (const std::string& name : DefaultFilterStageNames()) out.push_back(name);
  return out;
}

}  // namespace kilang
