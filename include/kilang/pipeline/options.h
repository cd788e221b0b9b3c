// OptionBinder: one description of an Options struct's fields, used by every front end that sets
// them — the YAML config (pipeline/config.h), the `kilang run` flags, and later Python kwargs — so
// a key means the same thing, with the same validation, everywhere.
//
// An Options struct describes itself with a Bind() method:
//
//   struct RunOptions {
//     int workers = 0;  // 0 = all cores
//     void Bind(OptionBinder* b) { b->Add("workers", &workers, "worker threads (0: all cores)", 0,
//     4096); }
//   };
//
// The binder keeps pointers into the struct: REQUIRES the struct to outlive the binder.
#ifndef KILANG_PIPELINE_OPTIONS_H_
#define KILANG_PIPELINE_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "kilang/util/status.h"

namespace kilang {

class OptionBinder {
 public:
  struct Field {
    std::string key;
    std::string help;
    std::string type;                             // "bool", "int", "uint", "double", "string"
    std::function<Status(std::string_view)> set;  // parses and stores a textual value
    std::function<std::string()> get;             // the current value, as text
  };

  void Add(std::string key, bool* v, std::string help);
  void Add(std::string key, int* v, std::string help, int64_t min, int64_t max);
  void Add(std::string key, uint64_t* v, std::string help, uint64_t min = 0,
           uint64_t max = UINT64_MAX);
  void Add(std::string key, double* v, std::string help, double min, double max);
  // `choices` empty: any string.
  void Add(std::string key, std::string* v, std::string help,
           std::vector<std::string> choices = {});

  // Sets `key` from `value`. InvalidArgument naming the key when the key is unknown (listing the
  // known ones) or the value does not parse or is out of range.
  Status Set(std::string_view key, std::string_view value);
  bool Has(std::string_view key) const;
  const std::vector<Field>& fields() const { return fields_; }
  // "key=value" lines for every field, in declaration order (a canonical form of the options).
  std::string Dump() const;
  // The known keys, comma-separated.
  std::string KeyList() const;

 private:
  std::vector<Field> fields_;
};

}  // namespace kilang

#endif  // KILANG_PIPELINE_OPTIONS_H_
