// Extractor: raw page bytes in, one SPEC record out. The entry point of `kilang extract` and of
// the pipeline's extract stage. Decodes the bytes (BOM, UTF-16, charset, invalid UTF-8 repair),
// tells HTML from page text by content, and runs the matching extractor.
//
// Thread-safety: an Extractor is immutable after construction and may be shared by threads.
#ifndef KILANG_EXTRACT_EXTRACTOR_H_
#define KILANG_EXTRACT_EXTRACTOR_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kilang/core/document.h"
#include "kilang/extract/date.h"
#include "kilang/extract/features.h"
#include "kilang/extract/lexicon.h"
#include "kilang/util/status.h"

namespace kilang {

enum class InputFormat { kAuto, kHtml, kText };

// "auto" | "html" | "text".
Result<InputFormat> ParseInputFormat(std::string_view name);
std::string_view InputFormatName(InputFormat f);

// Whether decoded text is HTML (markup near the start: a doctype, <html>, <head>, <body>, or
// several well-formed tags), judged by content, never by file name.
InputFormat DetectFormat(std::string_view text);

struct ExtractOptions {
  InputFormat format = InputFormat::kAuto;  // --format; kAuto detects by content
  std::string url;                          // --url: written to metadata.url, hints `site`
  std::optional<DateTime> now;              // --now: anchors relative dates; default: page date
  std::string declared_charset;             // charset from a transport header (WARC/HTTP), if any
};

// What happened to one input, beyond its record.
struct ExtractReport {
  InputFormat format = InputFormat::kAuto;  // the format used
  std::string encoding;                     // the source encoding decoded from
  size_t invalid_utf8 = 0;                  // invalid sequences repaired to U+FFFD
};

class Extractor {
 public:
  explicit Extractor(const Lexicon& lexicon = Lexicon::Default());
  ~Extractor();
  Extractor(const Extractor&) = delete;
  Extractor& operator=(const Extractor&) = delete;

  // Extracts `bytes` (a whole page) into `doc` (text + metadata; `doc->id` is left alone).
  // Returns a non-OK Status only when the bytes are not a page at all (binary data); a page with
  // no article is OK with an empty text.
  Status Extract(std::string_view bytes, const ExtractOptions& options, Document* doc,
                 ExtractReport* report) const;

  // The learned block scorer's input for `bytes` (decoded and format-detected as Extract()
  // does): one row per block with its text and feature vector. For training only
  // (`kilang extract --dump-features`). Unsupported for HTML until the HTML side has a learned
  // scorer; otherwise the same errors as Extract().
  Status ExtractFeatures(std::string_view bytes, const ExtractOptions& options,
                         FeatureTable* table) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kilang

#endif  // KILANG_EXTRACT_EXTRACTOR_H_
