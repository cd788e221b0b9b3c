// Internal: reads a stage's options from a YAML map, rejecting unknown keys with their line.
#ifndef KILANG_SRC_FILTER_YAML_OPTIONS_H_
#define KILANG_SRC_FILTER_YAML_OPTIONS_H_

#include <yaml-cpp/yaml.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kilang/util/status.h"

namespace kilang::filter_internal {

// Usage: OptionReader r(node, "gopher_quality"); r.Get("min_doc_words", &o.min_doc_words); ...
// return r.Finish();   // first error, or an unknown-key error naming the key and its line.
// A null/absent node means "no options". Not thread-safe; cheap.
class OptionReader {
 public:
  OptionReader(const YAML::Node& node, std::string_view stage);

  void Get(const char* key, double* out);
  void Get(const char* key, int* out);
  void Get(const char* key, bool* out);
  void Get(const char* key, std::string* out);
  void Get(const char* key, std::vector<std::string>* out);
  void Get(const char* key, std::map<std::string, double>* out);
  // A map {n: fraction} or a list of [n, fraction] pairs (FineWeb-2 style).
  void Get(const char* key, std::vector<std::pair<int, double>>* out);
  // Marks `key` as known without reading it (handled by the caller).
  void Skip(const char* key) { known_.insert(key); }
  // The node under `key`, or an undefined node. Marks the key as known.
  YAML::Node Child(const char* key);

  Status Finish();

  // Records every option read (key, type, value after reading, as YAML text) into `sink` when
  // Finish() succeeds: the options' description for `kilang stages` / `config --print`.
  void DescribeInto(
      std::vector<std::pair<std::string, std::pair<std::string, std::string>>>* sink) {
    sink_ = sink;
  }

 private:
  void Note(const char* key, const char* type, std::function<std::string()> value) {
    if (sink_) notes_.push_back({key, type, std::move(value)});
  }
  struct NoteEntry {
    std::string key, type;
    std::function<std::string()> value;
  };
  std::vector<NoteEntry> notes_;
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>>* sink_ = nullptr;

  YAML::Node Find(const char* key);
  void Fail(const char* key, const YAML::Node& value, std::string_view what);

  YAML::Node node_;
  std::string stage_;
  std::set<std::string> known_;
  Status status_;
};

// "line N" of a node (1-based), or "" when yaml-cpp has no mark.
std::string LineOf(const YAML::Node& node);

}  // namespace kilang::filter_internal

#endif  // KILANG_SRC_FILTER_YAML_OPTIONS_H_
