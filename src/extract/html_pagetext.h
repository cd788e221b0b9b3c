// RenderPageText: an HTML page's Dom as page text, the way a naive scraper (or a browser's
// innerText) shows it: every visible text node, block elements on their own lines, paragraph
// elements separated by a blank line, scripts/styles/hidden parts dropped. The same rendering as
// ../shared/tools/html2pagetext.py, which made the benchmarks' pagetext/ dumps, so the learned
// page-text model reads it as it read its training data. Used by HtmlExtractor's fallback.
#ifndef KILANG_SRC_EXTRACT_HTML_PAGETEXT_H_
#define KILANG_SRC_EXTRACT_HTML_PAGETEXT_H_

#include <string>

#include "html_dom.h"

namespace kilang::html_internal {

// Appends the page text of `dom` (from <body>, else the root) to `out`. Lines are trimmed, runs
// of blank lines are one blank line, and the text ends with one '\n' (empty for an empty page).
void RenderPageText(const Dom& dom, std::string* out);

}  // namespace kilang::html_internal

#endif  // KILANG_SRC_EXTRACT_HTML_PAGETEXT_H_
