// HtmlExtractor: the main content and metadata of an HTML page.
//
// Thread-safety: const methods are thread-safe.
#ifndef KILANG_EXTRACT_HTML_H_
#define KILANG_EXTRACT_HTML_H_

#include <optional>
#include <string>
#include <string_view>

#include "kilang/core/document.h"
#include "kilang/extract/date.h"
#include "kilang/extract/lexicon.h"

namespace kilang {

struct HtmlOptions {
  // Markup beyond this many bytes (counted after script/style bodies and comments are dropped)
  // is cut before parsing; the record is still produced. Peak memory is about 15x this value
  // plus the input.
  size_t max_html_bytes = 16 << 20;
  // DOM depth beyond which nested elements are flattened, bounding recursion.
  int max_depth = 512;
  // Keep image/table captions (<figcaption>, <caption>) of the article in the text.
  bool keep_captions = false;
};

class HtmlExtractor {
 public:
  explicit HtmlExtractor(const Lexicon& lexicon = Lexicon::Default(), HtmlOptions options = {});

  // `html` is valid UTF-8 (the caller decodes). Fills doc->text and doc->metadata
  // ({title,date,author,site}; url when the page names its canonical URL and doc has none).
  // Never fails: an empty or non-article page yields an empty text.
  void Extract(std::string_view html, const std::optional<DateTime>& now, Document* doc) const;

 private:
  const Lexicon& lex_;
  DateParser dates_;
  HtmlOptions options_;
};

}  // namespace kilang

#endif  // KILANG_EXTRACT_HTML_H_
