// Per-language filter settings, FineWeb-2 style: data/filters/<lang>.yaml, embedded into the
// library at build time (format: data/filters/README.md).
#ifndef KILANG_FILTER_LANG_CONFIG_H_
#define KILANG_FILTER_LANG_CONFIG_H_

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kilang/util/status.h"

namespace kilang {

struct FilterLanguageConfig {
  std::string code;            // "id"
  std::string name;            // "Indonesian"
  std::string source;          // where the numbers come from
  double language_score = -1;  // langid threshold for this language; < 0: absent
  std::vector<std::string> stopwords;
  // Per-stage option overrides (YAML maps with the stage's option keys); undefined when absent.
  YAML::Node gopher_quality, gopher_repetition, fineweb_quality, c4;
};

// Every embedded config, keyed by code. Parsed once (thread-safe); the map lives for the whole
// process. Error (Corruption) when an embedded file is malformed, which tests rule out.
Result<const std::map<std::string, FilterLanguageConfig>*> FilterLanguageConfigs();

// The config for `lang` (e.g. "id"), or null when there is none or the configs failed to parse.
const FilterLanguageConfig* FindFilterLanguageConfig(std::string_view lang);

}  // namespace kilang

#endif  // KILANG_FILTER_LANG_CONFIG_H_
