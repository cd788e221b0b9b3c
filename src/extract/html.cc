#include "kilang/extract/html.h"

#include <gumbo.h>

#include <string>

#include "kilang/util/text.h"

namespace kilang {

HtmlExtractor::HtmlExtractor(const Lexicon& lexicon, HtmlOptions options)
    : lex_(lexicon), dates_(lexicon), options_(options) {}

namespace {

// First cut: all visible text, one line per block element. Replaced by the scoring extractor.
void Walk(const GumboNode* node, int depth, int max_depth, std::string* out) {
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE) {
    out->append(node->v.text.text);
    return;
  }
  if (node->type != GUMBO_NODE_ELEMENT || depth > max_depth) return;
  GumboTag tag = node->v.element.tag;
  if (tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_NOSCRIPT ||
      tag == GUMBO_TAG_HEAD || tag == GUMBO_TAG_TEMPLATE)
    return;
  const GumboVector& ch = node->v.element.children;
  for (unsigned i = 0; i < ch.length; ++i)
    Walk(static_cast<const GumboNode*>(ch.data[i]), depth + 1, max_depth, out);
  if (tag == GUMBO_TAG_P || tag == GUMBO_TAG_DIV || tag == GUMBO_TAG_BR || tag == GUMBO_TAG_LI ||
      tag == GUMBO_TAG_H1 || tag == GUMBO_TAG_H2 || tag == GUMBO_TAG_H3 || tag == GUMBO_TAG_TR)
    out->push_back('\n');
}

}  // namespace

void HtmlExtractor::Extract(std::string_view html, const std::optional<DateTime>& now,
                            Document* doc) const {
  if (html.size() > options_.max_html_bytes) html = html.substr(0, options_.max_html_bytes);
  GumboOptions opts = kGumboDefaultOptions;
  opts.max_errors = 0;
  GumboOutput* out = gumbo_parse_with_options(&opts, html.data(), html.size());
  std::string raw;
  Walk(out->root, 0, options_.max_depth, &raw);
  gumbo_destroy_output(&opts, out);
  std::string text;
  size_t pos = 0;
  while (pos <= raw.size()) {
    size_t nl = raw.find('\n', pos);
    if (nl == std::string::npos) nl = raw.size();
    std::string line = CollapseSpace(std::string_view(raw).substr(pos, nl - pos));
    if (!line.empty()) {
      if (!text.empty()) text.push_back('\n');
      text += line;
    }
    pos = nl + 1;
  }
  doc->text = std::move(text);
}

}  // namespace kilang
