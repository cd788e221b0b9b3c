// Stage: one step of a `kilang run` pipeline that looks at one document at a time (extract,
// language ID, quality filters, PII redaction, ...). Corpus-wide steps (dedup) are phased
// stages with their own interface (see dedup/).
//
// A stage is built once from its Options, is immutable afterwards and is shared by all worker
// threads: Process() must be thread-safe. Per-worker scratch (buffers, parser state) lives in the
// StageContext passed in, which a worker reuses across documents.
#ifndef KILANG_PIPELINE_STAGE_H_
#define KILANG_PIPELINE_STAGE_H_

#include <any>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "kilang/core/document.h"

namespace kilang {

// What a stage decided about a document.
struct Verdict {
  bool keep = true;
  std::string reason;  // when !keep: a short stable tag, e.g. "gopher_short_doc"

  static Verdict Keep() { return {}; }
  static Verdict Remove(std::string reason) { return {false, std::move(reason)}; }
};

// Per-worker, per-stage scratch space. A stage stores whatever it wants under its own key; the
// worker keeps the context alive across documents so buffers are reused.
class StageContext {
 public:
  // The scratch object of type T for `key`, default-constructed on first use.
  template <typename T>
  T& Scratch(std::string_view key) {
    auto it = slots_.find(std::string(key));
    if (it == slots_.end()) it = slots_.emplace(std::string(key), std::make_any<T>()).first;
    return std::any_cast<T&>(it->second);
  }

 private:
  std::unordered_map<std::string, std::any> slots_;
};

class DocumentStage {
 public:
  virtual ~DocumentStage() = default;
  // Stable stage name as used in configs and in removed records' metadata.stage.
  virtual std::string_view name() const = 0;
  // Looks at (and may modify: annotate, redact) `doc`. Thread-safe.
  virtual Verdict Process(Document& doc, StageContext& ctx) const = 0;
};

}  // namespace kilang

#endif  // KILANG_PIPELINE_STAGE_H_
