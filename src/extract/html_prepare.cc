// PrepareHtml: the pass that shrinks a page before the tree builder (see html_internal.h).
//
// gumbo costs per input character (its tokenizer decodes and re-appends every one), per node and
// per attribute (a malloc each). This pass removes what the extractor never reads with a cheap
// scan: memchr from tag to tag, tags tokenized as the HTML tokenizer does so that only whole
// attributes (or whole class names) go.
#include <cstring>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "html_internal.h"
#include "kilang/util/text.h"

namespace kilang::html_internal {

namespace {

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
inline bool IsHtmlSpace(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
}
inline bool IsAsciiAlpha(char c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
// The separators Hints::PatternSet sees inside a class value (after the tokenizer turned CR
// into LF).
inline bool IsNameSeparator(char c) { return c == ' ' || c == '\t' || c == '\n'; }

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

enum class TagKind : uint8_t {
  kCounted,    // deepens the tree
  kUncounted,  // void, or its end tag may be omitted (the tree builder closes it implicitly)
  kRawText,    // textarea, title, xmp, iframe, noembed, noframes, plaintext: text, not markup
  kScript,
  kStyle,
  kSvg,
  kLink,
  kMeta,
};

// `t` is lower-cased.
TagKind ClassifyTag(std::string_view t) {
  auto any = [&](std::initializer_list<std::string_view> names) {
    for (std::string_view n : names) {
      if (n == t) return true;
    }
    return false;
  };
  switch (t.size()) {
    case 1:
      return t == "p" ? TagKind::kUncounted : TagKind::kCounted;
    case 2:
      return any({"br", "hr", "li", "dt", "dd", "tr", "td", "th", "rb", "rt", "rp"})
                 ? TagKind::kUncounted
                 : TagKind::kCounted;
    case 3:
      if (t == "svg") return TagKind::kSvg;
      if (t == "xmp") return TagKind::kRawText;
      return any({"col", "img", "wbr", "rtc"}) ? TagKind::kUncounted : TagKind::kCounted;
    case 4:
      if (t == "link") return TagKind::kLink;
      if (t == "meta") return TagKind::kMeta;
      return any({"area", "base", "html", "head", "body"}) ? TagKind::kUncounted
                                                           : TagKind::kCounted;
    case 5:
      if (t == "style") return TagKind::kStyle;
      if (t == "title") return TagKind::kRawText;
      return any({"embed", "input", "param", "track", "thead", "tbody", "tfoot", "image", "frame"})
                 ? TagKind::kUncounted
                 : TagKind::kCounted;
    case 6:
      if (t == "script") return TagKind::kScript;
      if (t == "iframe") return TagKind::kRawText;
      return any({"source", "keygen", "option"}) ? TagKind::kUncounted : TagKind::kCounted;
    case 7:
      if (t == "noembed") return TagKind::kRawText;
      return any({"bgsound"}) ? TagKind::kUncounted : TagKind::kCounted;
    case 8:
      if (t == "textarea" || t == "noframes") return TagKind::kRawText;
      return any({"optgroup", "colgroup", "basefont", "menuitem"}) ? TagKind::kUncounted
                                                                   : TagKind::kCounted;
    case 9:
      return t == "plaintext" ? TagKind::kRawText : TagKind::kCounted;
    default:
      return TagKind::kCounted;
  }
}

enum class AttrKind : uint8_t {
  kDrop,
  kKeep,
  kClassOrId,  // hint text, filtered by name
  kHintText,   // aria-label, data-component, data-testid
  kItemprop,   // hint text and meta name
  kName,       // meta name
  kProperty,   // meta name
  kType,
  kRel,
  kStyle,
  kHref,
};

// `a` is lower-cased. The attributes html.cc reads (every one an AttrId of html_dom.h, read
// through Attr(), ElemAttrs or Dom::HasAttr), and the few the tree builder looks at: <font
// color|face|size> leaves foreign content, <annotation-xml encoding> holds HTML, <input
// type=hidden> stays in a table.
AttrKind ClassifyAttribute(std::string_view a) {
  switch (a.size()) {
    case 2:
      return a == "id" ? AttrKind::kClassOrId : AttrKind::kDrop;
    case 3:
      return a == "rel" ? AttrKind::kRel : AttrKind::kDrop;
    case 4:
      if (a == "type") return AttrKind::kType;
      if (a == "href") return AttrKind::kHref;
      if (a == "name") return AttrKind::kName;
      return a == "role" || a == "face" || a == "size" ? AttrKind::kKeep : AttrKind::kDrop;
    case 5:
      if (a == "class") return AttrKind::kClassOrId;
      if (a == "style") return AttrKind::kStyle;
      return a == "color" ? AttrKind::kKeep : AttrKind::kDrop;
    case 6:
      return a == "hidden" ? AttrKind::kKeep : AttrKind::kDrop;
    case 7:
      return a == "content" || a == "pubdate" ? AttrKind::kKeep : AttrKind::kDrop;
    case 8:
      if (a == "itemprop") return AttrKind::kItemprop;
      if (a == "property") return AttrKind::kProperty;
      return a == "datetime" || a == "encoding" ? AttrKind::kKeep : AttrKind::kDrop;
    case 10:
      return a == "aria-label" ? AttrKind::kHintText : AttrKind::kDrop;
    case 11:
      if (a == "data-testid") return AttrKind::kHintText;
      return a == "aria-hidden" ? AttrKind::kKeep : AttrKind::kDrop;
    case 14:
      return a == "data-component" ? AttrKind::kHintText : AttrKind::kDrop;
    default:
      return AttrKind::kDrop;
  }
}

// Whether `v` is not plain ASCII text the tokenizer passes through unchanged (character
// references, CR, non-ASCII that lower-cases in Unicode): such values are kept to be safe.
bool IsUnusual(std::string_view v) {
  for (char c : v) {
    if (c == '&' || c == '\r' || static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

// What a start tag's attributes say about dropping the whole element (first value of each).
struct TagFacts {
  std::string_view type, rel, property, name, itemprop;
  bool has_type = false, has_rel = false, has_property = false, has_name = false,
       has_itemprop = false;
  bool author_hint = false;  // a hint value or rel may make it a byline element
};

// Which class/id names give a hint flag (Hints::IsRelevant), remembered per thread across pages:
// sites share most of their class names ("container", "row", "entry-content").
class RelevanceCache {
 public:
  bool IsRelevant(const Hints& hints, std::string_view name) {
    if (&hints != hints_ || map_.size() >= kMaxEntries) {
      map_.clear();
      hints_ = &hints;
    }
    auto it = map_.find(name);
    if (it != map_.end()) return it->second;
    text_.clear();
    AppendHintText(name, &text_);
    bool relevant = hints.IsRelevant(text_);
    map_.emplace(std::string(name), relevant);
    return relevant;
  }

 private:
  static constexpr size_t kMaxEntries = 1 << 13;
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  const Hints* hints_ = nullptr;  // Hints are immutable: Default() lives for the process
  std::unordered_map<std::string, bool, Hash, std::equal_to<>> map_;
  std::string text_;
};

// `s` as the tokenizer passes raw text on: CR LF and lone CR become LF, NUL becomes U+FFFD.
std::string TokenizerText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\r') {
      out.push_back('\n');
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else if (c == '\0') {
      out.append("\xEF\xBF\xBD");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

class Preparer {
 public:
  Preparer(std::string_view html, int max_depth, const Hints* hints, std::string* out,
           std::vector<LiftedScript>* lifted)
      : s_(html.data()),
        n_(html.size()),
        max_depth_(max_depth),
        hints_(hints),
        out_(out),
        lifted_(lifted) {}

  bool Run();

 private:
  // Leaves out s_[b, e); ranges come in order and do not overlap.
  void Drop(size_t b, size_t e);
  // Runs of white space at either end of the text s_[b, e) shrink to their first character: the
  // extractor collapses white space anyway, and indentation is a large share of the characters
  // the tokenizer would otherwise handle one by one.
  void Squeeze(size_t b, size_t e);
  // The end of the comment opening at i ("<!--"): after "-->" or "--!>"; "<!-->" and "<!--->"
  // are empty comments.
  size_t CommentEnd(size_t i) const;
  // Where the end tag "</name" of a raw-text element whose content starts at `from` begins
  // (ASCII case-insensitive, followed by white space, '/' or '>'), or n_.
  size_t RawTextEnd(size_t from, std::string_view name) const;
  // Reads the attributes of a tag from s_[j] to its '>' as the tokenizer does (quoted values may
  // hold '>'), noting in attr_drops_ those to leave out and in `facts` what decides about the
  // whole element. Returns the position of the '>', or npos when the input ends first.
  size_t ScanAttributes(size_t j, TagKind kind, bool end_tag, TagFacts* facts, bool* self_closing);
  // For the class/id attribute s_[attr, end) with value s_[b, e): leaves out the names that give
  // no hint flag, or the whole attribute when none does.
  void FilterNames(size_t attr, size_t end, size_t b, size_t e);
  // Whether a <meta> with these facts is read: named as kMeta*Names, or possibly a byline
  // element.
  static bool IsReadMeta(const TagFacts& f);

  const char* s_;
  const size_t n_;
  const int max_depth_;
  const Hints* hints_;
  std::string* out_;
  std::vector<LiftedScript>* lifted_;
  size_t settled_ = 0;  // s_[0, settled_) is copied to out_ or left out
  bool reduced_ = false;
  std::vector<std::pair<size_t, size_t>> attr_drops_;  // of the current tag
};

void Preparer::Drop(size_t b, size_t e) {
  if (e <= b) return;
  if (!reduced_) {
    reduced_ = true;
    out_->clear();
    out_->reserve(n_ / 2);
  }
  out_->append(s_ + settled_, b - settled_);
  settled_ = e;
}

void Preparer::Squeeze(size_t b, size_t e) {
  size_t k = b;
  while (k < e && IsHtmlSpace(s_[k])) ++k;
  if (k - b >= 2) Drop(b + 1, k);
  if (k == e) return;
  size_t r = e;
  while (r > k && IsHtmlSpace(s_[r - 1])) --r;
  if (e - r >= 2) Drop(r + 1, e);
}

size_t Preparer::CommentEnd(size_t i) const {
  if (i + 4 < n_ && s_[i + 4] == '>') return i + 5;
  if (i + 5 < n_ && s_[i + 4] == '-' && s_[i + 5] == '>') return i + 6;
  std::string_view html(s_, n_);
  for (size_t k = i + 4; (k = html.find("--", k)) != std::string_view::npos; ++k) {
    if (k + 2 < n_ && s_[k + 2] == '>') return k + 3;
    if (k + 3 < n_ && s_[k + 2] == '!' && s_[k + 3] == '>') return k + 4;
  }
  return n_;
}

size_t Preparer::RawTextEnd(size_t from, std::string_view name) const {
  for (size_t k = from; k < n_;) {
    const void* lt = std::memchr(s_ + k, '<', n_ - k);
    if (!lt) break;
    size_t c = static_cast<const char*>(lt) - s_;
    if (c + 2 + name.size() < n_ && s_[c + 1] == '/') {
      size_t m = 0;
      while (m < name.size() && AsciiLower(s_[c + 2 + m]) == name[m]) ++m;
      char after = s_[c + 2 + m];
      if (m == name.size() && (IsHtmlSpace(after) || after == '/' || after == '>')) return c;
    }
    k = c + 1;
  }
  return n_;
}

size_t Preparer::ScanAttributes(size_t j, TagKind kind, bool end_tag, TagFacts* facts,
                                bool* self_closing) {
  attr_drops_.clear();
  *self_closing = false;
  while (j < n_) {
    char c = s_[j];
    if (IsHtmlSpace(c)) {
      ++j;
      continue;
    }
    if (c == '>') return j;
    if (c == '/') {
      if (j + 1 < n_ && s_[j + 1] == '>') {
        *self_closing = true;
        return j + 1;
      }
      ++j;
      continue;
    }
    const size_t attr = j++;  // the first character may be '='
    char abuf[16];
    size_t alen = 0;
    abuf[alen++] = AsciiLower(c);
    while (j < n_ && !IsHtmlSpace(s_[j]) && s_[j] != '/' && s_[j] != '>' && s_[j] != '=') {
      if (alen < sizeof(abuf)) abuf[alen] = AsciiLower(s_[j]);
      ++alen;
      ++j;
    }
    while (j < n_ && IsHtmlSpace(s_[j])) ++j;
    size_t value_begin = j, value_end = j;
    if (j < n_ && s_[j] == '=') {
      ++j;
      while (j < n_ && IsHtmlSpace(s_[j])) ++j;
      if (j < n_ && (s_[j] == '"' || s_[j] == '\'')) {
        const void* q = std::memchr(s_ + j + 1, s_[j], n_ - j - 1);
        if (!q) return std::string_view::npos;
        value_begin = j + 1;
        value_end = static_cast<const char*>(q) - s_;
        j = value_end + 1;
      } else {
        value_begin = j;
        while (j < n_ && !IsHtmlSpace(s_[j]) && s_[j] != '>') ++j;
        value_end = j;
      }
      while (j < n_ && IsHtmlSpace(s_[j])) ++j;
    }
    // An attribute goes with the white space after it, so a separator stays in front of the
    // next one.
    const std::string_view value(s_ + value_begin, value_end - value_begin);
    const AttrKind akind = end_tag || alen > sizeof(abuf)
                               ? AttrKind::kDrop
                               : ClassifyAttribute(std::string_view(abuf, alen));
    // Only <link> and <meta> may go whole, for which this is needed.
    auto note_hint = [&] {
      if ((kind == TagKind::kMeta || kind == TagKind::kLink) && !facts->author_hint &&
          (ContainsNoCase(value, "author") || ContainsNoCase(value, "byline") ||
           IsUnusual(value))) {
        facts->author_hint = true;
      }
    };
    switch (akind) {
      case AttrKind::kDrop:
        attr_drops_.emplace_back(attr, j);
        break;
      case AttrKind::kKeep:
        break;
      case AttrKind::kClassOrId:
        note_hint();
        if (hints_ && !value.empty()) FilterNames(attr, j, value_begin, value_end);
        break;
      case AttrKind::kHintText:
        note_hint();
        break;
      case AttrKind::kItemprop:
        note_hint();
        if (!facts->has_itemprop) facts->itemprop = value, facts->has_itemprop = true;
        break;
      case AttrKind::kName:
        if (!facts->has_name) facts->name = value, facts->has_name = true;
        break;
      case AttrKind::kProperty:
        if (!facts->has_property) facts->property = value, facts->has_property = true;
        break;
      case AttrKind::kType:
        if (!facts->has_type) facts->type = value, facts->has_type = true;
        break;
      case AttrKind::kRel:
        note_hint();
        if (!facts->has_rel) facts->rel = value, facts->has_rel = true;
        break;
      case AttrKind::kStyle:  // kept when it can hide the element
        if (!ContainsNoCase(value, "none") && !ContainsNoCase(value, "hidden") &&
            value.find('&') == std::string_view::npos) {
          attr_drops_.emplace_back(attr, j);
        }
        break;
      case AttrKind::kHref:  // read on <link rel=canonical> only
        if (kind != TagKind::kLink) attr_drops_.emplace_back(attr, j);
        break;
    }
  }
  return std::string_view::npos;
}

void Preparer::FilterNames(size_t attr, size_t end, size_t b, size_t e) {
  for (size_t k = b; k < e; ++k) {
    if (s_[k] == '&' || s_[k] == '\r') return;  // rewritten by the tokenizer: kept whole
  }
  if (e - b > 300) {  // longer than the extractor reads
    attr_drops_.emplace_back(attr, end);
    return;
  }
  thread_local RelevanceCache cache;
  const size_t mark = attr_drops_.size();
  bool any = false;
  size_t k = b;
  while (k < e) {
    size_t name_start = k;
    while (k < e && !IsNameSeparator(s_[k])) ++k;
    size_t name_end = k;
    while (k < e && IsNameSeparator(s_[k])) ++k;
    if (name_end == name_start) continue;  // leading white space
    if (cache.IsRelevant(*hints_, std::string_view(s_ + name_start, name_end - name_start))) {
      any = true;
    } else {
      attr_drops_.emplace_back(name_start, k);
    }
  }
  if (!any) {
    attr_drops_.resize(mark);
    attr_drops_.emplace_back(attr, end);
  }
}

bool Preparer::IsReadMeta(const TagFacts& f) {
  if (f.author_hint) return true;
  // html.cc: the property, else the name, else the itemprop value.
  std::string_view key = !f.property.empty() ? f.property : !f.name.empty() ? f.name : f.itemprop;
  if (IsUnusual(key)) return true;
  char buf[32];
  if (key.size() > sizeof(buf)) return false;  // longer than any read name
  for (size_t i = 0; i < key.size(); ++i) buf[i] = AsciiLower(key[i]);
  return IsReadMetaName(std::string_view(buf, key.size()));
}

bool Preparer::Run() {
  int depth = 0;
  long dropped_open = 0;
  char name_buf[16];
  size_t i = 0;
  while (i < n_) {
    const void* lt = std::memchr(s_ + i, '<', n_ - i);
    const size_t text_end = lt ? static_cast<const char*>(lt) - s_ : n_;
    Squeeze(i, text_end);
    if (!lt) break;
    i = text_end;
    const size_t tag_start = i;
    if (i + 3 < n_ && s_[i + 1] == '!' && s_[i + 2] == '-' && s_[i + 3] == '-') {
      size_t e = CommentEnd(i);
      Drop(i, e);
      i = e;
      continue;
    }
    const bool end_tag = i + 1 < n_ && s_[i + 1] == '/';
    size_t j = i + (end_tag ? 2 : 1);
    if (j >= n_ || !IsAsciiAlpha(s_[j])) {  // "<!doctype", "<?xml", "a < b": not a tag
      ++i;
      continue;
    }
    size_t len = 0;
    while (j < n_ && !IsHtmlSpace(s_[j]) && s_[j] != '/' && s_[j] != '>') {
      if (len < sizeof(name_buf)) name_buf[len] = AsciiLower(s_[j]);
      ++len;
      ++j;
    }
    // Longer names are no element named here; they still count for the depth.
    const std::string_view name =
        len <= sizeof(name_buf) ? std::string_view(name_buf, len) : std::string_view();
    const TagKind kind = name.empty() ? TagKind::kCounted : ClassifyTag(name);
    TagFacts facts;
    bool self_closing = false;
    const size_t gt = ScanAttributes(j, kind, end_tag, &facts, &self_closing);
    if (gt == std::string_view::npos) break;  // the tokenizer drops a tag cut by the end of input
    i = gt + 1;
    if (!end_tag) {
      bool raw = kind == TagKind::kRawText || kind == TagKind::kScript || kind == TagKind::kStyle ||
                 (kind == TagKind::kSvg && !self_closing);
      // Scripts (but JSON-LD, "ld+json" in the type as html.cc reads it; a type with a character
      // reference is kept to be safe), styles and inline SVG go whole, end tag included: never
      // text, and the tree builder places what follows them as if they were not there.
      bool strip = kind == TagKind::kStyle || kind == TagKind::kSvg ||
                   (kind == TagKind::kScript && !ContainsNoCase(facts.type, "ld+json") &&
                    facts.type.find('&') == std::string_view::npos);
      if (raw) {
        size_t k = RawTextEnd(i, name);
        if (strip) {
          // From here on the input is left to the tree builder as it is when the element may not
          // end at the first end tag: a script body holding "<!--" can be in the tokenizer's
          // escaped states ("<!-- document.write('<script>..</script>') -->" does not end
          // there), and <svg> is foreign content, not raw text (an unclosed one is closed by
          // the tree builder; a nested one ends at its own end tag).
          const std::string_view body(s_ + i, std::min(k, n_) - i);
          if ((kind == TagKind::kScript && body.find("<!--") != std::string_view::npos) ||
              (kind == TagKind::kSvg && (k >= n_ || ContainsNoCase(body, "<svg")))) {
            for (const auto& [b, e] : attr_drops_) Drop(b, e);
            break;
          }
          size_t end = n_;
          if (k < n_) {
            TagFacts ignored;
            bool sc;
            size_t egt = ScanAttributes(k + 2 + name.size(), kind, true, &ignored, &sc);
            if (egt != std::string_view::npos) end = egt + 1;
          }
          Drop(tag_start, end);
          i = end;
        } else {
          std::string_view body(s_ + i, k - i);
          if (kind == TagKind::kScript && lifted_ && !body.empty() &&
              body.find("<!--") == std::string_view::npos) {
            // Nothing between settled_ and tag_start goes any more.
            size_t tag_offset = (reduced_ ? out_->size() : 0) + (tag_start - settled_);
            lifted_->push_back({tag_offset, TokenizerText(body)});
            for (const auto& [b, e] : attr_drops_) Drop(b, e);
            Drop(i, k);
          } else {
            for (const auto& [b, e] : attr_drops_) Drop(b, e);
          }
          i = k;
        }
        continue;
      }
      // Void elements read for rel=canonical / rel=author (<link>) or for a few names (<meta>).
      if ((kind == TagKind::kLink && !facts.author_hint &&
           !ContainsNoCase(facts.rel, "canonical")) ||
          (kind == TagKind::kMeta && !IsReadMeta(facts))) {
        Drop(tag_start, i);
        continue;
      }
    }
    // Past the depth cap the whole tag goes; otherwise the attributes nobody reads.
    const bool counted = kind == TagKind::kCounted && !self_closing;
    if (counted && ((end_tag && dropped_open > 0) || (!end_tag && depth >= max_depth_))) {
      Drop(tag_start, i);
      if (end_tag) {
        --dropped_open;
      } else {
        ++dropped_open;
      }
      continue;
    }
    for (const auto& [b, e] : attr_drops_) Drop(b, e);
    if (!counted) continue;
    if (end_tag) {
      if (depth > 0) --depth;
    } else {
      ++depth;
    }
  }
  if (!reduced_) return false;
  out_->append(s_ + settled_, n_ - settled_);
  return true;
}

}  // namespace

bool KeepsAttribute(std::string_view tag, std::string_view name, std::string_view value) {
  char buf[16];
  if (name.empty() || name.size() > sizeof(buf)) return false;
  for (size_t i = 0; i < name.size(); ++i) buf[i] = AsciiLower(name[i]);
  switch (ClassifyAttribute(std::string_view(buf, name.size()))) {
    case AttrKind::kDrop:
      return false;
    case AttrKind::kStyle:
      return ContainsNoCase(value, "none") || ContainsNoCase(value, "hidden") ||
             value.find('&') != std::string_view::npos;
    case AttrKind::kHref:
      return tag == "link";
    default:
      return true;
  }
}

bool IsReadMetaName(std::string_view lower) {
  for (auto names : {std::span<const std::string_view>(kMetaSiteNames),
                     std::span<const std::string_view>(kMetaAppNames),
                     std::span<const std::string_view>(kMetaUrlNames),
                     std::span<const std::string_view>(kMetaTitleNames),
                     std::span<const std::string_view>(kMetaPublishedNames),
                     std::span<const std::string_view>(kMetaModifiedNames),
                     std::span<const std::string_view>(kMetaAuthorNames)}) {
    for (std::string_view n : names) {
      if (n == lower) return true;
    }
  }
  return false;
}

bool PrepareHtml(std::string_view html, int max_depth, const Hints* hints, std::string* out,
                 std::vector<LiftedScript>* lifted) {
  return Preparer(html, max_depth, hints, out, lifted).Run();
}

}  // namespace kilang::html_internal
