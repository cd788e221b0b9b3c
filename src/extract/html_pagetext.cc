#include "html_pagetext.h"

#include <algorithm>
#include <string_view>

namespace kilang::html_internal {

namespace {

constexpr std::string_view kSkip[] = {"script", "style",  "noscript", "template",
                                      "head",   "svg",    "math",     "iframe",
                                      "object", "canvas", "select",   "option"};
constexpr std::string_view kPara[] = {"p",  "h1",         "h2",  "h3",    "h4",     "h5",
                                      "h6", "blockquote", "pre", "table", "figure", "hr"};
constexpr std::string_view kBlock[] = {
    "div",     "section",    "article", "header",  "footer", "nav",   "aside", "main",
    "ul",      "ol",         "li",      "dl",      "dt",     "dd",    "form",  "fieldset",
    "address", "figcaption", "tr",      "caption", "thead",  "tbody", "tfoot", "details",
    "summary", "center",     "menu",    "dialog",  "legend", "label", "button"};

template <size_t N>
bool In(const std::string_view (&set)[N], std::string_view name) {
  return std::find(std::begin(set), std::end(set), name) != std::end(set);
}

bool Hidden(const Dom& dom, NodeId n) {
  if (dom.HasAttr(n, AttrId::kHidden)) return true;
  std::string style;
  for (char c : dom.Attr(n, AttrId::kStyle)) {
    if (c != ' ') style.push_back(c >= 'A' && c <= 'Z' ? char(c + 32) : c);
  }
  return style.find("display:none") != std::string::npos ||
         style.find("visibility:hidden") != std::string::npos;
}

// Break markers in the raw rendering, resolved at the end: a run of breaks counts as the
// largest one required, not their sum.
constexpr char kBreak1 = '\x01', kBreak2 = '\x02';

void Walk(const Dom& dom, NodeId n, std::string* raw) {
  const DomNode& node = dom[n];
  if (node.kind == NodeKind::kText) {
    raw->append(node.str);
    return;
  }
  std::string_view name = node.str;
  if (In(kSkip, name) || Hidden(dom, n)) return;
  if (name == "br") raw->push_back('\n');
  if (name == "td" || name == "th") raw->push_back('\t');
  const char brk = In(kPara, name) ? kBreak2 : In(kBlock, name) ? kBreak1 : 0;
  if (brk) raw->push_back(brk);
  for (NodeId c = dom.FirstChild(n); c != kNoNode; c = dom.NextSibling(c)) Walk(dom, c, raw);
  if (brk) raw->push_back(brk);
}

bool IsInlineSpace(std::string_view s, size_t i, size_t* len) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
    *len = 1;
    return true;
  }
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
    *len = 2;  // U+00A0
    return true;
  }
  return false;
}

}  // namespace

void RenderPageText(const Dom& dom, std::string* out) {
  if (dom.empty()) return;
  NodeId body = kNoNode;
  for (NodeId i = 0; i < dom.size() && body == kNoNode; ++i) {
    if (dom.IsElement(i) && dom[i].str == "body") body = i;
  }
  std::string raw;
  Walk(dom, body == kNoNode ? 0 : body, &raw);
  // Lines: inline white space collapsed and trimmed; break runs resolved to newlines.
  std::string text;
  text.reserve(raw.size());
  size_t pending_newlines = 0;  // newlines owed before the next visible character
  bool pending_space = false;
  for (size_t i = 0; i < raw.size();) {
    size_t len = 0;
    char c = raw[i];
    if (c == '\n' || c == kBreak1 || c == kBreak2) {
      // A run of breaks and newlines (white space between them included).
      size_t newlines = 0, need = 0;
      while (i < raw.size()) {
        char d = raw[i];
        if (d == '\n') {
          ++newlines;
          ++i;
        } else if (d == kBreak1) {
          need = std::max<size_t>(need, 1);
          ++i;
        } else if (d == kBreak2) {
          need = 2;
          ++i;
        } else if (IsInlineSpace(raw, i, &len)) {
          i += len;
        } else {
          break;
        }
      }
      pending_newlines = std::max(pending_newlines, std::min<size_t>(2, std::max(need, newlines)));
      pending_space = false;
      continue;
    }
    if (IsInlineSpace(raw, i, &len)) {
      pending_space = true;
      i += len;
      continue;
    }
    if (!text.empty()) {
      if (pending_newlines) {
        text.append(pending_newlines, '\n');
      } else if (pending_space) {
        text.push_back(' ');
      }
    }
    pending_newlines = 0;
    pending_space = false;
    text.push_back(c);
    ++i;
  }
  if (!text.empty()) {
    out->append(text);
    out->push_back('\n');
  }
}

}  // namespace kilang::html_internal
