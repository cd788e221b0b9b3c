#include "kilang/filter/lang_config.h"

#include <cstddef>
#include <exception>
#include <mutex>

#include "yaml_options.h"

#include "kilang/util/embedded.h"

namespace kilang {


namespace {

Status ParseOne(std::string_view file, std::string_view text, FilterLanguageConfig* out) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const std::exception& e) {
    return Status::Corruption(std::string(file) + ": " + e.what());
  }
  std::string stage = "data/filters/" + std::string(file);
  filter_internal::OptionReader r(root, stage);
  r.Get("code", &out->code);
  r.Get("name", &out->name);
  r.Get("source", &out->source);
  r.Get("language_score", &out->language_score);
  r.Get("stopwords", &out->stopwords);
  out->gopher_quality = r.Child("gopher_quality");
  out->gopher_repetition = r.Child("gopher_repetition");
  out->fineweb_quality = r.Child("fineweb_quality");
  out->c4 = r.Child("c4");
  Status st = r.Finish();
  if (!st.ok()) return Status::Corruption(st.message());
  if (out->code.empty()) return Status::Corruption(stage + ": missing 'code'");
  return Status::Ok();
}

struct Loaded {
  Status status;
  std::map<std::string, FilterLanguageConfig> configs;
};

const Loaded& Load() {
  static const Loaded* loaded = [] {
    auto* l = new Loaded();
    for (size_t i = 0; i < kEmbeddedFilterFileCount; ++i) {
      const auto& f = kEmbeddedFilterFiles[i];
      FilterLanguageConfig c;
      Status st =
          ParseOne(f.name, std::string_view(reinterpret_cast<const char*>(f.data), f.size), &c);
      if (!st.ok()) {
        l->status = st;
        l->configs.clear();
        break;
      }
      l->configs[c.code] = std::move(c);
    }
    return l;
  }();
  return *loaded;
}

}  // namespace

Result<const std::map<std::string, FilterLanguageConfig>*> FilterLanguageConfigs() {
  const Loaded& l = Load();
  if (!l.status.ok()) return l.status;
  return &l.configs;
}

const FilterLanguageConfig* FindFilterLanguageConfig(std::string_view lang) {
  const Loaded& l = Load();
  auto it = l.configs.find(std::string(lang));
  return it == l.configs.end() ? nullptr : &it->second;
}

}  // namespace kilang
