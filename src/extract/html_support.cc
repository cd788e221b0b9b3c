// Hints vocabulary, nesting guard, and title/URL/date helpers of the HTML extractor.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "html_internal.h"
#include "kilang/util/embedded.h"
#include "kilang/util/text.h"
#include "kilang/util/utf8.h"

namespace kilang {

namespace html_internal {

namespace {

std::string FoldHint(std::string_view s) {
  std::string out = LowerUtf8(s);
  for (char& c : out) {
    if (c == '_') c = '-';
  }
  return out;
}

bool IsHintBoundary(char c) { return c == ' ' || c == '-' || c == '\t' || c == '\n'; }

}  // namespace

void Hints::PatternSet::Add(Pattern p) {
  size_t dash = p.text.find('-');
  if (p.prefix && dash == std::string::npos) {
    // Kept sorted, with the range of each first byte, so a token is checked against the few
    // prefixes that start like it.
    prefix_tokens_.insert(std::upper_bound(prefix_tokens_.begin(), prefix_tokens_.end(), p.text),
                          p.text);
    prefix_range_.fill({0, 0});
    for (size_t k = 0; k < prefix_tokens_.size(); ++k) {
      auto& r = prefix_range_[static_cast<unsigned char>(prefix_tokens_[k][0])];
      if (r.second == 0) r.first = static_cast<uint16_t>(k);
      r.second = static_cast<uint16_t>(k + 1);
    }
    return;
  }
  std::string first = dash == std::string::npos ? p.text : p.text.substr(0, dash);
  by_first_token_[first].push_back(static_cast<int>(pats_.size()));
  pats_.push_back(std::move(p));
}

bool Hints::PatternSet::Matches(std::string_view value) const {
  size_t i = 0;
  const size_t n = value.size();
  while (i < n) {
    while (i < n && IsHintBoundary(value[i])) ++i;
    if (i >= n) break;
    size_t e = i;
    while (e < n && !IsHintBoundary(value[e])) ++e;
    std::string_view token = value.substr(i, e - i);
    // One-token prefix patterns: "comment*" against "comments", "commentlist".
    auto [lo, hi] = prefix_range_[static_cast<unsigned char>(token[0])];
    for (size_t k = lo; k < hi; ++k) {
      if (StartsWith(token, prefix_tokens_[k])) return true;
    }
    auto it = by_first_token_.find(token);
    if (it != by_first_token_.end()) {
      for (int idx : it->second) {
        const Pattern& p = pats_[idx];
        if (value.compare(i, p.text.size(), p.text) != 0) continue;
        size_t end = i + p.text.size();
        if (p.prefix || end == n || IsHintBoundary(value[end])) return true;
      }
    }
    i = e;
  }
  return false;
}

bool Hints::IsDropLine(std::string_view lower_line) const {
  while (!lower_line.empty() && (lower_line.back() == ':' || lower_line.back() == '.')) {
    lower_line.remove_suffix(1);
  }
  return drop_lines_.count(std::string(TrimSpace(lower_line))) > 0;
}

bool Hints::HasPromoPhrase(std::string_view lower) const {
  for (const std::string& p : promo_phrases_) {
    if (lower.find(p) != std::string_view::npos) return true;
  }
  return false;
}

bool Hints::IsCreditLine(std::string_view lower) const {
  for (const std::string& p : credit_prefixes_) {
    if (StartsWith(lower, p)) return true;
  }
  return false;
}

bool Hints::IsCaptionText(std::string_view lower) const {
  for (const std::string& p : caption_markers_) {
    if (lower.find(p) != std::string_view::npos) return true;
  }
  return false;
}

Result<Hints> Hints::Parse(const std::string& name, const std::string& yaml) {
  Hints h;
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
    if (!root.IsMap()) return Status::InvalidArgument(name + ": expected a mapping");
    auto read = [&](const char* key, PatternSet* out) -> Status {
      YAML::Node n = root[key];
      if (!n) return Status::Ok();
      if (!n.IsSequence()) return Status::InvalidArgument(name + ": " + key + ": expected a list");
      for (const auto& item : n) {
        std::string v = FoldHint(item.as<std::string>());
        Pattern p;
        if (!v.empty() && v.back() == '*') {
          p.prefix = true;
          v.pop_back();
        }
        if (v.empty()) continue;
        p.text = v;
        out->Add(std::move(p));
      }
      return Status::Ok();
    };
    KILANG_RETURN_IF_ERROR(read("remove", &h.remove_));
    KILANG_RETURN_IF_ERROR(read("content", &h.content_));
    KILANG_RETURN_IF_ERROR(read("caption", &h.caption_));
    for (auto [key, out] : {std::pair{"promo_phrases", &h.promo_phrases_},
                            std::pair{"credit_prefixes", &h.credit_prefixes_},
                            std::pair{"caption_markers", &h.caption_markers_}}) {
      YAML::Node n = root[key];
      if (!n) continue;
      if (!n.IsSequence()) {
        return Status::InvalidArgument(name + ": " + key + ": expected a list");
      }
      for (const auto& item : n) out->push_back(LowerUtf8(item.as<std::string>()));
    }
    for (const char* key : {"remove_roles", "drop_lines"}) {
      YAML::Node n = root[key];
      if (!n) continue;
      if (!n.IsSequence()) return Status::InvalidArgument(name + ": " + key + ": expected a list");
      auto& set = std::string(key) == "remove_roles" ? h.remove_roles_ : h.drop_lines_;
      for (const auto& item : n) set.insert(LowerUtf8(item.as<std::string>()));
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(name + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return h;
}

const Hints& Hints::Default() {
  static const Hints* hints = [] {
    for (size_t i = 0; i < kEmbeddedHtmlFileCount; ++i) {
      if (std::string(kEmbeddedHtmlFiles[i].name) != "hints.yaml") continue;
      std::string text(reinterpret_cast<const char*>(kEmbeddedHtmlFiles[i].data),
                       kEmbeddedHtmlFiles[i].size);
      Result<Hints> r = Parse("data/html/hints.yaml", text);
      if (!r.ok()) {
        std::fprintf(stderr, "kilang: invalid built-in HTML hints: %s\n",
                     r.status().ToString().c_str());
        std::abort();
      }
      return new Hints(std::move(r).value());
    }
    std::fprintf(stderr, "kilang: data/html/hints.yaml was not embedded\n");
    std::abort();
    return static_cast<Hints*>(nullptr);
  }();
  return *hints;
}

// ---- pre-pass ----

namespace {

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
inline bool IsHtmlSpace(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
}
inline bool IsAsciiAlpha(char c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }

// Elements that do not deepen the tree as counted here: void elements and elements whose end tag
// may be omitted (the tree builder closes them implicitly).
bool IsUncounted(std::string_view t) {
  static const std::unordered_set<std::string_view> kSet = {
      "area",  "base",  "br",    "col",      "embed",    "hr",      "img",    "input",
      "link",  "meta",  "param", "source",   "track",    "wbr",     "keygen", "p",
      "li",    "dt",    "dd",    "option",   "optgroup", "tr",      "td",     "th",
      "thead", "tbody", "tfoot", "colgroup", "rb",       "rt",      "rp",     "rtc",
      "html",  "head",  "body",  "image",    "basefont", "bgsound", "frame",  "menuitem"};
  return kSet.count(t) > 0;
}

bool IsRawText(std::string_view t) {
  return t == "script" || t == "style" || t == "textarea" || t == "title" || t == "xmp" ||
         t == "iframe" || t == "noembed" || t == "noframes" || t == "plaintext";
}

// Whether `hay` contains `needle` (lower case), ignoring ASCII case.
bool ContainsNoCase(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && AsciiLower(hay[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

}  // namespace

void AppendHintText(std::string_view value, std::string* out) {
  const size_t start = out->size();
  bool ascii = true;
  char prev = 0;
  for (char c : value) {
    if (c >= 'A' && c <= 'Z') {
      if (prev >= 'a' && prev <= 'z') out->push_back('-');
      out->push_back(static_cast<char>(c + 32));
    } else {
      if (static_cast<unsigned char>(c) >= 0x80) ascii = false;
      out->push_back(c);
    }
    prev = c;
  }
  if (!ascii) {
    std::string lower = LowerUtf8(std::string_view(*out).substr(start));
    out->replace(start, std::string::npos, lower);
  }
}

bool KeepsAttribute(std::string_view tag, std::string_view name, std::string_view value) {
  // Read by the extractor (html.cc), every one through Attr()/gumbo_get_attribute.
  static constexpr std::string_view kRead[] = {
      "class", "id", "itemprop", "aria-label", "aria-hidden", "hidden", "role", "rel", "name",
      "property", "content", "type", "datetime", "pubdate", "data-component", "data-testid",
      // Looked at by the tree builder: <font color|face|size> leaves foreign content,
      // <annotation-xml encoding> holds HTML (type is above: <input type=hidden> in tables).
      "color", "face", "size", "encoding"};
  char buf[16];
  if (name.size() > sizeof(buf)) return false;
  for (size_t i = 0; i < name.size(); ++i) buf[i] = AsciiLower(name[i]);
  std::string_view lower(buf, name.size());
  if (lower == "style") return ContainsNoCase(value, "none") || ContainsNoCase(value, "hidden");
  if (lower == "href") return tag == "link";
  for (std::string_view k : kRead) {
    if (k == lower) return true;
  }
  return false;
}

bool PrepareHtml(std::string_view html, int max_depth, const Hints* hints, std::string* out) {
  const size_t n = html.size();
  const char* s = html.data();
  size_t settled = 0;  // html[0, settled) is copied to `out` or left out
  bool reduced = false;
  // Leaves out html[b, e); ranges come in order and do not overlap.
  auto drop = [&](size_t b, size_t e) {
    if (e <= b) return;
    if (!reduced) {
      reduced = true;
      out->clear();
      out->reserve(n / 2);
    }
    out->append(s + settled, b - settled);
    settled = e;
  };
  // Runs of white space at either end of the text html[b, e) shrink to their first character:
  // the extractor collapses white space anyway, and indentation is a large share of the
  // characters the tokenizer would otherwise handle one by one.
  auto squeeze = [&](size_t b, size_t e) {
    size_t k = b;
    while (k < e && IsHtmlSpace(s[k])) ++k;
    if (k - b >= 2) drop(b + 1, k);
    if (k == e) return;
    size_t r = e;
    while (r > k && IsHtmlSpace(s[r - 1])) --r;
    if (e - r >= 2) drop(r + 1, e);
  };
  int depth = 0;
  long dropped_open = 0;
  size_t i = 0;
  char name_buf[16];
  std::vector<std::pair<size_t, size_t>> attr_drops;  // of the current tag
  // Class and id names seen on this page -> whether they give a hint flag.
  std::unordered_map<std::string_view, bool> relevant;
  std::string hint_text;
  auto is_relevant = [&](std::string_view class_name) {
    auto [it, fresh] = relevant.try_emplace(class_name, false);
    if (fresh) {
      hint_text.clear();
      AppendHintText(class_name, &hint_text);
      it->second = hints->IsRelevant(hint_text);
    }
    return it->second;
  };
  // Leaves out the names of class/id value html[b, e) that give no hint flag, or the whole
  // attribute html[attr, end) when none does.
  auto filter_names = [&](size_t attr, size_t end, size_t b, size_t e) {
    std::string_view v(s + b, e - b);
    if (v.find_first_of("&\r") != std::string_view::npos) return;  // rewritten by the tokenizer
    if (v.size() > 300) {  // longer than the extractor reads
      attr_drops.emplace_back(attr, end);
      return;
    }
    const size_t mark = attr_drops.size();
    bool any = false;
    size_t k = b;
    while (k < e) {
      size_t name_start = k;
      while (k < e && s[k] != ' ' && s[k] != '\t' && s[k] != '\n') ++k;
      size_t name_end = k;
      while (k < e && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n')) ++k;
      if (name_end == name_start) continue;  // leading white space
      if (is_relevant(std::string_view(s + name_start, name_end - name_start))) {
        any = true;
      } else {
        attr_drops.emplace_back(name_start, k);
      }
    }
    if (!any) {
      attr_drops.resize(mark);
      attr_drops.emplace_back(attr, end);
    }
  };
  while (i < n) {
    const void* lt = std::memchr(s + i, '<', n - i);
    size_t text_end = lt ? static_cast<const char*>(lt) - s : n;
    squeeze(i, text_end);
    if (!lt) break;
    i = text_end;
    const size_t tag_start = i;
    if (i + 3 < n && s[i + 1] == '!' && s[i + 2] == '-' && s[i + 3] == '-') {
      // A comment ends at "-->" or "--!>"; "<!-->" and "<!--->" are empty comments.
      size_t e = n;
      if (i + 4 < n && s[i + 4] == '>') {
        e = i + 5;
      } else if (i + 5 < n && s[i + 4] == '-' && s[i + 5] == '>') {
        e = i + 6;
      } else {
        for (size_t k = i + 4; (k = html.find("--", k)) != std::string_view::npos; ++k) {
          if (k + 2 < n && s[k + 2] == '>') {
            e = k + 3;
            break;
          }
          if (k + 3 < n && s[k + 2] == '!' && s[k + 3] == '>') {
            e = k + 4;
            break;
          }
        }
      }
      drop(i, e);
      i = e;
      continue;
    }
    const bool end_tag = i + 1 < n && s[i + 1] == '/';
    size_t j = i + (end_tag ? 2 : 1);
    if (j >= n || !IsAsciiAlpha(s[j])) {  // "<!doctype", "<?xml", "a < b": not a tag
      ++i;
      continue;
    }
    // Tag name, then attributes, tokenized as the HTML tokenizer does (quoted values may hold
    // '>'), so that only whole attributes are left out.
    size_t len = 0;
    while (j < n && !IsHtmlSpace(s[j]) && s[j] != '/' && s[j] != '>') {
      if (len < sizeof(name_buf)) name_buf[len] = AsciiLower(s[j]);
      ++len;
      ++j;
    }
    // Longer names are no element named here; they still count for the depth.
    std::string_view name = len <= sizeof(name_buf) ? std::string_view(name_buf, len) : "-";
    size_t gt = std::string_view::npos;
    bool self_closing = false;
    attr_drops.clear();
    while (j < n) {
      char c = s[j];
      if (IsHtmlSpace(c)) {
        ++j;
        continue;
      }
      if (c == '>') {
        gt = j;
        break;
      }
      if (c == '/') {
        if (j + 1 < n && s[j + 1] == '>') {
          self_closing = true;
          gt = j + 1;
          break;
        }
        ++j;
        continue;
      }
      const size_t attr = j++;  // the first character may be '='
      while (j < n && !IsHtmlSpace(s[j]) && s[j] != '/' && s[j] != '>' && s[j] != '=') ++j;
      std::string_view attr_name(s + attr, j - attr);
      while (j < n && IsHtmlSpace(s[j])) ++j;
      std::string_view value;
      size_t value_begin = 0;
      if (j < n && s[j] == '=') {
        ++j;
        while (j < n && IsHtmlSpace(s[j])) ++j;
        if (j < n && (s[j] == '"' || s[j] == '\'')) {
          const void* q = std::memchr(s + j + 1, s[j], n - j - 1);
          if (!q) {
            j = n;
            break;
          }
          size_t qe = static_cast<const char*>(q) - s;
          value_begin = j + 1;
          value = std::string_view(s + j + 1, qe - j - 1);
          j = qe + 1;
        } else {
          value_begin = j;
          while (j < n && !IsHtmlSpace(s[j]) && s[j] != '>') ++j;
          value = std::string_view(s + value_begin, j - value_begin);
        }
        while (j < n && IsHtmlSpace(s[j])) ++j;
      }
      // The attribute goes with the white space after it, so a separator stays in front of the
      // next one.
      if (end_tag || !KeepsAttribute(name, attr_name, value)) {
        attr_drops.emplace_back(attr, j);
      } else if (hints && !value.empty() && attr_name.size() <= 5 &&
                 (EqualsIgnoreAsciiCase(attr_name, "class") ||
                  EqualsIgnoreAsciiCase(attr_name, "id"))) {
        filter_names(attr, j, value_begin, value_begin + value.size());
      }
    }
    if (gt == std::string_view::npos) break;  // the tokenizer drops a tag cut by the end of input
    i = gt + 1;
    const bool raw = IsRawText(name) || name == "svg";  // never counted for the depth
    if (!end_tag && raw && !(name == "svg" && self_closing)) {
      for (const auto& [b, e] : attr_drops) drop(b, e);
      // Find the matching end tag, case-insensitively.
      size_t k = i;
      while (true) {
        size_t c = html.find("</", k);
        if (c == std::string_view::npos) {
          k = n;
          break;
        }
        bool match = c + 2 + len <= n;
        for (size_t m = 0; match && m < len; ++m) {
          if (AsciiLower(s[c + 2 + m]) != name[m]) match = false;
        }
        if (match) {
          k = c;
          break;
        }
        k = c + 2;
      }
      // Script, style and inline SVG bodies are never text: leave them out (JSON-LD stays).
      bool strip = name == "style" || name == "svg";
      if (name == "script") {
        strip = html.substr(tag_start, gt - tag_start).find("json") == std::string_view::npos;
      }
      if (strip) drop(i, k);
      i = k;
      continue;
    }
    // Past the depth cap the whole tag goes; otherwise the attributes nobody reads.
    bool counted = !raw && !IsUncounted(name) && !self_closing;
    if (counted && ((end_tag && dropped_open > 0) || (!end_tag && depth >= max_depth))) {
      drop(tag_start, i);
      if (end_tag) {
        --dropped_open;
      } else {
        ++dropped_open;
      }
      continue;
    }
    for (const auto& [b, e] : attr_drops) drop(b, e);
    if (!counted) continue;
    if (end_tag) {
      if (depth > 0) --depth;
    } else {
      ++depth;
    }
  }
  if (!reduced) return false;
  out->append(s + settled, n - settled);
  return true;
}

// ---- entities ----

namespace {}  // namespace

std::string DecodeEntities(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return std::string(s);
  static const std::pair<std::string_view, uint32_t> kNamed[] = {
      {"amp", '&'},       {"quot", '"'},     {"apos", '\''},    {"lt", '<'},
      {"gt", '>'},        {"nbsp", 0xA0},    {"lsquo", 0x2018}, {"rsquo", 0x2019},
      {"ldquo", 0x201C},  {"rdquo", 0x201D}, {"ndash", 0x2013}, {"mdash", 0x2014},
      {"hellip", 0x2026}, {"laquo", 0xAB},   {"raquo", 0xBB},   {"copy", 0xA9},
      {"reg", 0xAE},      {"trade", 0x2122}, {"eacute", 0xE9},  {"egrave", 0xE8},
      {"aacute", 0xE1},   {"oacute", 0xF3},  {"iacute", 0xED},  {"uacute", 0xFA},
      {"ntilde", 0xF1},   {"ccedil", 0xE7},  {"uuml", 0xFC},    {"ouml", 0xF6},
      {"auml", 0xE4},     {"szlig", 0xDF}};
  std::string out;
  out.reserve(s.size());
  // Twice at most: "&amp;#8216;" is a doubly-encoded entity.
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '&') {
      out.push_back(s[i++]);
      continue;
    }
    size_t semi = s.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 10) {
      out.push_back(s[i++]);
      continue;
    }
    std::string_view name = s.substr(i + 1, semi - i - 1);
    uint32_t cp = 0;
    if (!name.empty() && name[0] == '#') {
      bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
      std::string_view digits = name.substr(hex ? 2 : 1);
      bool ok = !digits.empty();
      for (char c : digits) {
        int v = (c >= '0' && c <= '9')          ? c - '0'
                : (hex && c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (hex && c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                : -1;
        if (v < 0)
          ok = false;
        else
          cp = cp * (hex ? 16 : 10) + v;
        if (cp > 0x10FFFF) ok = false;
        if (!ok) break;
      }
      if (!ok) cp = 0;
    } else {
      for (const auto& [n, c] : kNamed) {
        if (name == n) cp = c;
      }
    }
    if (cp == 0) {
      out.push_back(s[i++]);
      continue;
    }
    AppendUtf8(cp, &out);
    i = semi + 1;
  }
  if (out.find('&') != std::string::npos && out.find(';') != std::string::npos && out != s) {
    std::string again = DecodeEntities(out);
    return again;
  }
  return out;
}

// ---- dates, titles, hosts ----

std::optional<DateTime> ParseMachineDate(std::string_view s) {
  s = TrimSpace(s);
  if (s.size() < 8 || s.size() > 64) return std::nullopt;
  if (auto d = DateTime::ParseIso(s)) return d;
  std::string t(s);
  // "2019-11-21T10:00:00 +0000", "2019-11-21T10:00:00 GMT", "2019-11-21T10:00:00.000Z"
  if (t.size() >= 19) {
    std::string head = t.substr(0, 19);
    std::string rest(TrimSpace(std::string_view(t).substr(19)));
    if (!rest.empty() && rest[0] == '.') {
      size_t k = 1;
      while (k < rest.size() && rest[k] >= '0' && rest[k] <= '9') ++k;
      rest = std::string(TrimSpace(std::string_view(rest).substr(k)));
    }
    if (rest == "GMT" || rest == "UTC" || rest == "Z") rest = "Z";
    if (auto d = DateTime::ParseIso(head + rest)) return d;
    if (auto d = DateTime::ParseIso(head)) return d;
  }
  // "20191121" / "2019/11/21"
  if (t.size() >= 10 && t[4] == '/' && t[7] == '/') {
    std::string u = t;
    u[4] = u[7] = '-';
    if (auto d = DateTime::ParseIso(u.substr(0, 10))) return d;
  }
  if (t.size() == 8 && t.find_first_not_of("0123456789") == std::string::npos) {
    return DateTime::ParseIso(t.substr(0, 4) + "-" + t.substr(4, 2) + "-" + t.substr(6, 2));
  }
  if (t.size() >= 10) {
    if (auto d = DateTime::ParseIso(t.substr(0, 10))) return d;
  }
  return std::nullopt;
}

std::string HostOf(std::string_view url) {
  size_t p = url.find("://");
  if (p == std::string_view::npos) {
    if (StartsWith(url, "//"))
      p = 0;
    else
      return "";
  }
  url.remove_prefix(p + (p == 0 && StartsWith(url, "//") ? 2 : 3));
  size_t e = url.find_first_of("/?#:");
  std::string host = LowerUtf8(url.substr(0, e));
  if (StartsWith(host, "www.")) host = host.substr(4);
  return host;
}

namespace {

// Letters and digits only, lower-cased: "The Verge" -> "theverge".
std::string Squash(std::string_view s) {
  std::string low = LowerUtf8(s), out;
  for (unsigned char c : low) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) out.push_back(c);
  }
  return out;
}

size_t CountWords(std::string_view s) {
  std::vector<std::string_view> w;
  SplitWords(s, &w);
  return w.size();
}

}  // namespace

std::string CleanTitle(std::string_view title_in, std::string_view site, std::string_view h1) {
  std::string title = CollapseSpace(title_in);
  if (title.empty()) return title;
  // Split on separators surrounded by spaces.
  static const char* kSeps[] = {
      " | ", " - ", " – ", " — ", " :: ", " · ", " / ", " » ", " « ", " : "};
  std::vector<std::string> parts;
  std::string_view rest = title;
  while (true) {
    size_t best = std::string_view::npos, blen = 0;
    for (const char* sep : kSeps) {
      size_t p = rest.find(sep);
      if (p != std::string_view::npos && p < best) best = p, blen = std::strlen(sep);
    }
    if (best == std::string_view::npos) break;
    parts.emplace_back(TrimSpace(rest.substr(0, best)));
    rest.remove_prefix(best + blen);
  }
  parts.emplace_back(TrimSpace(rest));
  if (parts.size() == 1) return title;
  std::string site_sq = Squash(site), h1_sq = Squash(h1);
  auto is_site = [&](const std::string& p) {
    std::string sq = Squash(p);
    if (sq.empty()) return true;
    if (site_sq.empty()) return false;
    if (sq == site_sq || (sq.size() >= 3 && site_sq.find(sq) != std::string::npos)) return true;
    // "The Daily Example Online" is the site; "The Guardian view on Hong Kong" is not.
    return sq.find(site_sq) != std::string::npos && CountWords(p) <= CountWords(site) + 2;
  };
  // An h1 that equals the title or one part of it is the headline (an <h1> that is the site's
  // name, as on many blogs, says nothing about it).
  if (!h1_sq.empty() && !is_site(std::string(h1))) {
    if (Squash(title) == h1_sq) return title;
    for (const std::string& p : parts) {
      if (Squash(p) == h1_sq) return p;
    }
  }

  // Drop site parts from both ends, then short trailing section names.
  size_t b = 0, e = parts.size();
  while (e - b > 1 && is_site(parts[e - 1])) --e;
  while (e - b > 1 && is_site(parts[b])) ++b;
  if (e - b > 1) {
    // Keep the longest remaining part when the others are short (names, sections).
    size_t longest = b;
    for (size_t i = b; i < e; ++i) {
      if (CountWords(parts[i]) > CountWords(parts[longest])) longest = i;
    }
    bool others_short = true;
    for (size_t i = b; i < e; ++i) {
      if (i != longest && CountWords(parts[i]) > 4) others_short = false;
    }
    if (others_short && CountWords(parts[longest]) >= 3) return parts[longest];
    // Otherwise join back what is left: the separator was part of the headline.
    std::string joined;
    size_t pos = 0;
    std::string_view t = title;
    // Rebuild from the original text between parts b and e-1.
    size_t start = t.find(parts[b]);
    size_t last = t.rfind(parts[e - 1]);
    if (start != std::string_view::npos && last != std::string_view::npos && last >= start) {
      return std::string(t.substr(start, last + parts[e - 1].size() - start));
    }
    (void)pos;
    return title;
  }
  return parts[b];
}

}  // namespace html_internal
}  // namespace kilang
