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
#include "kilang/util/hash.h"

namespace kilang {

// What a stage decided about a document.
struct Verdict {
  bool keep = true;
  std::string reason;  // when !keep: a short stable tag, e.g. "gopher_short_doc"

  static Verdict Keep() { return {}; }
  static Verdict Remove(std::string reason) { return {false, std::move(reason)}; }
};

// The raw input a document came from, while it is being processed. Set by the pipeline runner for
// each document; views are valid during that document's pass through the stages only.
struct RawInput {
  std::string_view bytes;             // page bytes as read (HTTP body decoded); empty for text
  bool needs_extraction = false;      // true: `bytes` is a page (HTML or page text) to extract;
                                      // false: doc.text already holds the text (WET, JSONL)
  std::string_view declared_charset;  // charset from the HTTP Content-Type, if any
  std::string_view anchor_time;       // ISO 8601 time that anchors relative dates: the crawl time
                                      // (WARC-Date) when known, else the run's start time
};

// Per-worker, per-stage scratch space. A stage stores whatever it wants under its own key; the
// worker keeps the context alive across documents so buffers are reused.
class StageContext {
 public:
  // The scratch object of type T for `key`, default-constructed on first use.
  template <typename T>
  T& Scratch(std::string_view key) {
    auto it = slots_.find(key);  // no allocation: heterogeneous lookup
    if (it == slots_.end()) it = slots_.emplace(std::string(key), std::make_any<T>()).first;
    return std::any_cast<T&>(it->second);
  }

  // The raw input of the current document; nullptr outside the pipeline runner.
  const RawInput* input() const { return input_; }
  void set_input(const RawInput* input) { input_ = input; }

 private:
  StringMap<std::any> slots_;
  const RawInput* input_ = nullptr;
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
