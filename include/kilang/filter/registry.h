// The filter stages by name, for the `kilang run` pipeline config:
//
//   pipeline:
//     - extract
//     - langid: {languages: [id, ms], threshold: 0.7}
//     - gopher_quality: {}
//     - pii: {phone_placeholder: "<PHONE>"}
//
// Names: langid, gopher_quality, gopher_repetition, c4, fineweb_quality, pii. Option keys are the
// field names of the stages' Options structs (docs/filters.md). Unknown keys are errors naming
// the key and its line.
#ifndef KILANG_FILTER_REGISTRY_H_
#define KILANG_FILTER_REGISTRY_H_

#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kilang/filter/langid.h"
#include "kilang/filter/pii.h"
#include "kilang/filter/quality.h"
#include "kilang/pipeline/stage.h"
#include "kilang/util/status.h"

namespace kilang {

// Names accepted by MakeFilterStage, in default pipeline order (c4 included; it is off in the
// default pipeline).
std::vector<std::string> FilterStageNames();

// Names of the filter stages of the default pipeline, in order:
// langid, gopher_quality, gopher_repetition, fineweb_quality, pii.
std::vector<std::string> DefaultFilterStageNames();

// Builds stage `name` from its YAML options (a map, or null/undefined for the defaults).
// InvalidArgument for an unknown name, unknown key or bad value (message names the key and
// line); model-loading errors from langid pass through.
Result<std::unique_ptr<DocumentStage>> MakeFilterStage(std::string_view name,
                                                       const YAML::Node& options);

// One option of a filter stage, for `kilang stages` and `kilang config --print`.
struct FilterOptionInfo {
  std::string key;
  std::string type;   // "number", "int", "bool", "string", "list of strings", ...
  std::string value;  // as YAML (flow style): the default, or the value after the options given
  std::string help;   // one line
};

// Option parsers: apply the keys present in `node` onto `*out` (fields not mentioned keep their
// value, so callers start from defaults). Null/undefined node: no change. With `described`, the
// options read are appended to it (key, type, value after reading; no help).
using OptionList = std::vector<std::pair<std::string, std::pair<std::string, std::string>>>;
Status ParseLangIdOptions(const YAML::Node& node, LangIdOptions* out,
                          OptionList* described = nullptr);
Status ParseGopherQualityOptions(const YAML::Node& node, GopherQualityOptions* out,
                                 OptionList* described = nullptr);
Status ParseGopherRepetitionOptions(const YAML::Node& node, GopherRepetitionOptions* out,
                                    OptionList* described = nullptr);
Status ParseC4Options(const YAML::Node& node, C4Options* out, OptionList* described = nullptr);
Status ParseFineWebQualityOptions(const YAML::Node& node, FineWebQualityOptions* out,
                                  OptionList* described = nullptr);
Status ParsePiiOptions(const YAML::Node& node, PiiOptions* out, OptionList* described = nullptr);

// Checks `options` for filter stage `name` without building it (no model is loaded): the same
// errors as MakeFilterStage's option errors, naming the key and listing the known ones.
Status CheckFilterOptions(std::string_view name, const YAML::Node& options);

// Every option of filter stage `name`, in declaration order, with its value after applying
// `options` (null: the defaults) and a line of help. Errors as CheckFilterOptions.
Result<std::vector<FilterOptionInfo>> DescribeFilterOptions(std::string_view name,
                                                            const YAML::Node& options);

// What filter stage `name` does, in one line.
std::string FilterStageSummary(std::string_view name);

}  // namespace kilang

#endif  // KILANG_FILTER_REGISTRY_H_
