// HtmlExtractor: the main content and metadata of an HTML page.
//
// The text is the article only: paragraphs, headings, list items, table rows and quotes that
// belong to it, one per line; navigation, share bars, related/read-more blocks, comments, cookie
// banners, bylines, datelines and the headline itself are left out. The container is chosen by
// block scoring (text density, link density, punctuation, stopword density, tag semantics and
// class/id/role hints from data/html/hints.yaml); see docs/html.md. No rule names a site.
//
// Metadata precedence: JSON-LD (Article/NewsArticle/BlogPosting..., @graph) > OpenGraph /
// article:* > <time datetime> > other <meta> > rel=author > visible text. Dates are ISO 8601 via
// DateTime (offset kept when given); the title loses its " - Site" / " | Site" part; the site is
// og:site_name, else the JSON-LD publisher, else the host of the canonical URL.
//
// Cost: one linear pre-pass, a gumbo parse (the dominant cost) and a few linear walks; all walks
// are iterative and the nesting depth is capped before parsing, so hostile markup (100,000-deep
// nesting, NUL bytes, invalid JSON-LD) neither recurses deeply nor goes quadratic.
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
#include "kilang/extract/pagetext.h"

namespace kilang {
namespace html_internal {
class Dom;
}

struct HtmlOptions {
  // Markup beyond this many bytes (counted after script/style bodies and comments are dropped)
  // is cut before parsing; the record is still produced. Peak memory is about 15x this value
  // plus the input.
  size_t max_html_bytes = 16 << 20;
  // Element nesting cap: start tags nested deeper than about this are dropped before parsing
  // (their text is kept), which bounds the tree depth and the parser's work.
  int max_depth = 512;
  // Keep image/table captions (<figcaption>, <caption>, <figure> text, "(Image: ...)" lines) of
  // the article in the text. Off by default: article-extraction gold standards leave them out.
  bool keep_captions = false;
  // Fallback cascade: when the block scorer's text has fewer than `fallback_words` words and
  // fewer than `fallback_ratio` times the words of the learned page-text extractor's result on
  // the page rendered as page text, that result is the text instead (docs/html.md). 0: off.
  // Defaults chosen by per-set F1 on AEB and the five wceb-dev sets; the same on every set left
  // out in turn.
  size_t fallback_words = 80;
  double fallback_ratio = 0.7;
};

class HtmlExtractor {
 public:
  explicit HtmlExtractor(const Lexicon& lexicon = Lexicon::Default(), HtmlOptions options = {});

  // `html` is valid UTF-8 (the caller decodes). Fills doc->text and doc->metadata
  // ({title,date,author,site}; url when the page names its canonical URL and doc has none).
  // Never fails: an empty or non-article page yields an empty text.
  void Extract(std::string_view html, const std::optional<DateTime>& now, Document* doc) const;

 private:
  void Fallback(const html_internal::Dom& dom, const std::optional<DateTime>& now,
                Document* doc) const;
  const Lexicon& lex_;
  DateParser dates_;
  HtmlOptions options_;
  PageTextExtractor pagetext_;  // the fallback's extractor
};

}  // namespace kilang

#endif  // KILANG_EXTRACT_HTML_H_
