#include "kilang/pipeline/registry.h"

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

void RegisterBuiltinStages(StageRegistry* r) {
  r->Register("extract", MakeFactory<ExtractStage, ExtractStageOptions>);
  // Filters, PII redaction and dedup register here as they land.
}

std::vector<std::string> DefaultPipeline() {
  // SPEC order: extract -> langid -> gopher quality -> gopher repetition -> fineweb quality ->
  // PII -> exact dedup -> near dedup -> repeated lines. Add each name here once it is registered.
  return {"extract"};
}

}  // namespace kilang
