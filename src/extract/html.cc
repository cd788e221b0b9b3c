// HtmlExtractor: main-content extraction by block scoring over the parsed tree (html_dom.h).
//
// Steps (every DOM walk is iterative; the tree depth is capped before parsing):
//  1. Parse (gumbo, into a Dom), after PrepareHtml dropped script/style bodies and capped runaway
//     nesting. Everything after parsing reads the Dom only.
//  2. Index the element tree: parent, tag, hints (class/id/role/itemprop/aria-label against
//     data/html/hints.yaml), visibility, subtree text and link-text sizes; gather metadata
//     (<title>, <meta>, <link>, JSON-LD, <time>, author hints) on the way.
//  3. Decide which subtrees are site chrome (nav/aside/footer/header, chrome roles, remove
//     hints, hidden elements), shielding any subtree that holds most of the page's prose.
//  4. Cut the rest into text blocks (one per paragraph, heading, list item, cell, line break).
//  5. Value each block: prose (long, punctuated, stopword-rich, few links) counts for, link
//     lists and chrome phrases count against. The container with the highest total wins.
//  6. Emit the container's blocks minus chrome lines, bylines, datelines and the headline.
#include "kilang/extract/html.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "html_dom.h"
#include "html_internal.h"
#include "html_pagetext.h"
#include "kilang/util/text.h"
#include "kilang/util/utf8.h"

namespace kilang {

using html_internal::AttrId;
using html_internal::Dom;
using html_internal::Hints;
using html_internal::NodeId;
using html_internal::NodeKind;
using html_internal::Tag;

HtmlExtractor::HtmlExtractor(const Lexicon& lexicon, HtmlOptions options)
    : lex_(lexicon), dates_(lexicon), options_(options), pagetext_(lexicon) {
  Hints::Default();  // load (and validate) once, up front
}

namespace {

enum ElemFlags : uint16_t {
  kSkip = 1 << 0,          // never text (script, style, form controls, media...)
  kHidden = 1 << 1,        // hidden attribute, aria-hidden, display:none
  kChromeTag = 1 << 2,     // nav, aside, footer, header, menu, or a chrome ARIA role
  kRemoveHint = 1 << 3,    // class/id names chrome
  kContentHint = 1 << 4,   // class/id names the article
  kRemoved = 1 << 5,       // decided: dropped with its subtree
  kInLink = 1 << 6,        // inside <a>
  kBylineHint = 1 << 7,    // class/rel/itemprop names an author
  kNoscript = 1 << 8,      // a <noscript> element
  kContentTag = 1 << 9,    // <article>, <main>
  kCaptionHint = 1 << 10,  // class/id names a caption ("wp-caption-text")
  kArticleBody = 1 << 11,  // itemprop=articleBody (schema.org microdata)
};

struct Elem {
  NodeId node = html_internal::kNoNode;
  int parent = -1;
  Tag tag = Tag::kUnknown;
  uint16_t flags = 0;
  int64_t text = 0;         // subtree text units (own, then aggregated)
  int64_t link = 0;         // subtree text units inside links
  int end = 0;              // one past the last descendant's id (ids are in pre-order)
  int paragraphs = 0;       // <p> elements in the subtree
  bool has_anchor = false;  // subtree holds an <h1>, <article> or <main>
};

enum class BlockKind : uint8_t { kText, kHeading, kListItem, kCell, kPre, kQuote, kCaption };

struct Block {
  std::string text;
  std::string lower;  // LowerUtf8(text), set by ValueBlocks
  int owner = -1;     // innermost block-level element
  BlockKind kind = BlockKind::kText;
  int heading_level = 0;
  double units = 0, link_units = 0;
  int words = 0, stopwords = 0, punct = 0;
  double value = 0;
  bool prose = false, bad = false;
  bool teaser = false;  // a long text cut with an ellipsis: an excerpt of another page
  bool card = false;    // the summary in a small block with a linked headline
  bool in_ld = false;   // found in the JSON-LD articleBody
};

bool IsSkipTag(Tag t) {
  switch (t) {
    case Tag::kScript:
    case Tag::kStyle:
    case Tag::kTemplate:
    case Tag::kSvg:
    case Tag::kMath:
    case Tag::kIframe:
    case Tag::kObject:
    case Tag::kEmbed:
    case Tag::kCanvas:
    case Tag::kVideo:
    case Tag::kAudio:
    case Tag::kSelect:
    case Tag::kOption:
    case Tag::kOptgroup:
    case Tag::kDatalist:
    case Tag::kButton:
    case Tag::kInput:
    case Tag::kTextarea:
    case Tag::kMap:
    case Tag::kNoframes:
    case Tag::kNoembed:
    case Tag::kFrameset:
    case Tag::kApplet:
    case Tag::kMenuitem:
    case Tag::kKeygen:
    case Tag::kProgress:
    case Tag::kMeter:
      return true;
    default:
      return false;
  }
}

bool IsBlockTag(Tag t) {
  switch (t) {
    case Tag::kAddress:
    case Tag::kArticle:
    case Tag::kAside:
    case Tag::kBlockquote:
    case Tag::kBody:
    case Tag::kCenter:
    case Tag::kDd:
    case Tag::kDetails:
    case Tag::kDir:
    case Tag::kDiv:
    case Tag::kDl:
    case Tag::kDt:
    case Tag::kFieldset:
    case Tag::kFigcaption:
    case Tag::kFigure:
    case Tag::kFooter:
    case Tag::kForm:
    case Tag::kH1:
    case Tag::kH2:
    case Tag::kH3:
    case Tag::kH4:
    case Tag::kH5:
    case Tag::kH6:
    case Tag::kHeader:
    case Tag::kHgroup:
    case Tag::kHr:
    case Tag::kLi:
    case Tag::kMain:
    case Tag::kMenu:
    case Tag::kNav:
    case Tag::kOl:
    case Tag::kP:
    case Tag::kPre:
    case Tag::kSection:
    case Tag::kSummary:
    case Tag::kTable:
    case Tag::kTbody:
    case Tag::kTfoot:
    case Tag::kThead:
    case Tag::kTr:
    case Tag::kUl:
    case Tag::kCaption:
    case Tag::kLegend:
    case Tag::kHtml:
    case Tag::kNoscript:
    case Tag::kBr:
    case Tag::kOption:
      return true;
    default:
      return false;
  }
}

int HeadingLevel(Tag t) {
  switch (t) {
    case Tag::kH1:
      return 1;
    case Tag::kH2:
      return 2;
    case Tag::kH3:
      return 3;
    case Tag::kH4:
      return 4;
    case Tag::kH5:
      return 5;
    case Tag::kH6:
      return 6;
    default:
      return 0;
  }
}

// Every attribute read here or in ElemAttrs must be one html_internal::KeepsAttribute keeps:
// PrepareHtml drops all others before parsing (and one with an AttrId: the Dom stores no other).
std::string_view Attr(const Dom& dom, NodeId n, AttrId name) { return dom.Attr(n, name); }

// Decodes one UTF-8 code point at s[*i], advancing *i (invalid bytes yield U+FFFD).
inline uint32_t NextCp(std::string_view s, size_t* i) {
  unsigned char c = s[*i];
  if (c < 0x80) {
    ++*i;
    return c;
  }
  int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (len == 1 || *i + len > s.size()) {
    ++*i;
    return 0xFFFD;
  }
  uint32_t cp = c & (0x3F >> (len - 1));
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[*i + k]) & 0x3F);
  *i += len;
  return cp;
}

// Text size in "units": one per visible character, three per character of the scripts written
// without spaces (about one word each), none for white space.
double TextUnits(std::string_view s) {
  double u = 0;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      if (c > ' ') u += 1;
      continue;
    }
    uint32_t cp = NextCp(s, &i);
    if (IsUnspacedScript(cp))
      u += 3;
    else if (!IsSpace(cp))
      u += 1;
  }
  return u;
}

bool IsSentencePunct(uint32_t cp) {
  switch (cp) {
    case '.':
    case ',':
    case ';':
    case ':':
    case '!':
    case '?':
    case 0x3002:
    case 0xFF0C:
    case 0x3001:
    case 0xFF01:
    case 0xFF1F:
    case 0x060C:
    case 0x061F:
    case 0x0964:
    case 0xFF1B:
    case 0xFF1A:
    case 0x061B:
      return true;
    default:
      return false;
  }
}

// Whether `v`, lower-cased, equals `lower` (ASCII letters): an ASCII comparison when `v` is ASCII.
bool LowerEquals(std::string_view v, std::string_view lower) {
  for (char c : v) {
    if (static_cast<unsigned char>(c) >= 0x80) return LowerUtf8(v) == lower;
  }
  return EqualsIgnoreAsciiCase(v, lower);
}

// The attributes of an element that the index walk reads, found in one pass over its attribute
// list (the first one of each name, as Dom::Attr would return).
struct ElemAttrs {
  std::string_view cls, id, itemprop, aria_label, aria_hidden, role, rel, style, data_component,
      data_testid;
  bool hidden = false;

  explicit ElemAttrs(std::span<const html_internal::DomAttr> attrs) {
    for (const html_internal::DomAttr& a : attrs) {
      std::string_view* slot = nullptr;
      switch (a.id) {
        case AttrId::kId:
          slot = &id;
          break;
        case AttrId::kRel:
          slot = &rel;
          break;
        case AttrId::kRole:
          slot = &role;
          break;
        case AttrId::kClass:
          slot = &cls;
          break;
        case AttrId::kStyle:
          slot = &style;
          break;
        case AttrId::kHidden:
          hidden = true;
          break;
        case AttrId::kItemprop:
          slot = &itemprop;
          break;
        case AttrId::kAriaLabel:
          slot = &aria_label;
          break;
        case AttrId::kAriaHidden:
          slot = &aria_hidden;
          break;
        case AttrId::kDataTestid:
          slot = &data_testid;
          break;
        case AttrId::kDataComponent:
          slot = &data_component;
          break;
        default:
          break;
      }
      if (slot && slot->data() == nullptr) *slot = a.value;
    }
  }

  // The hint texts (AppendHintText) of the class/id/itemprop/aria-label/data-component/
  // data-testid values, joined by spaces, written to `out`.
  void HintText(std::string* out) const {
    out->clear();
    for (std::string_view v : {cls, id, itemprop, aria_label, data_component, data_testid}) {
      if (v.empty() || v.size() > 300) continue;
      if (!out->empty()) out->push_back(' ');
      html_internal::AppendHintText(v, out);
    }
  }
};

bool StyleHides(std::string_view style) {
  if (style.empty()) return false;
  std::string s;
  for (char c : style) {
    if (c != ' ') s.push_back(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  return s.find("display:none") != std::string::npos ||
         s.find("visibility:hidden") != std::string::npos;
}

// Gathers the text below `root` (in document order, a linear scan of its id range), up to `cap`
// bytes.
std::string SubtreeText(const Dom& dom, NodeId root, size_t cap) {
  std::string out;
  NodeId end = dom[root].end;
  for (NodeId i = root; i < end && out.size() < cap;) {
    const html_internal::DomNode& n = dom[i];
    if (n.kind == NodeKind::kText) {
      out.append(n.str);
      ++i;
      continue;
    }
    if (IsSkipTag(n.tag)) {
      i = n.end;
      continue;
    }
    if (IsBlockTag(n.tag)) out.push_back(' ');
    ++i;
  }
  return CollapseSpace(out);
}

// Lower-cased letters and digits only: "It's 5 p.m." -> "its5pm". Used to compare page text with
// the JSON-LD articleBody whatever the spacing, markup and punctuation.
std::string SquashText(std::string_view s) {
  std::string low = LowerUtf8(s), out;
  out.reserve(low.size());
  size_t i = 0;
  while (i < low.size()) {
    size_t start = i;
    uint32_t cp = NextCp(low, &i);
    if (IsLetter(cp) || IsDigit(cp)) out.append(low, start, i - start);
  }
  return out;
}

bool LooksLikeUrl(std::string_view s) {
  return StartsWith(s, "http://") || StartsWith(s, "https://") || StartsWith(s, "//") ||
         StartsWith(s, "www.");
}

// Metadata candidates collected during the index walk.
struct MetaBag {
  std::string title_tag;
  std::vector<std::pair<std::string, std::string>> metas;  // (lower name/property, content)
  std::string canonical;
  std::vector<std::string> jsonld;
  std::vector<std::string> time_datetimes;  // <time datetime>, pubdate first
  std::vector<int> byline_elems;            // elements hinted as author
  std::string rel_author;

  // The first non-blank content of a meta named `names[0]`, else `names[1]`, ...
  std::string Meta(std::span<const std::string_view> names) const {
    for (std::string_view want : names) {
      for (const auto& [k, v] : metas) {
        if (k == want && !TrimSpace(v).empty()) return std::string(TrimSpace(v));
      }
    }
    return "";
  }
};

class Run {
 public:
  Run(const Lexicon& lex, const DateParser& dates, const HtmlOptions& opt, const Hints& hints)
      : lex_(lex), dates_(dates), opt_(opt), hints_(hints) {}

  // `dom` is the parsed page; it must outlive the Run.
  void Extract(const Dom& dom, const std::optional<DateTime>& now, Document* doc);
  // The JSON-LD bodies PrepareHtml lifted out of `markup`, the text the parser parsed.
  void SetLifted(const std::vector<html_internal::LiftedScript>* lifted, std::string_view markup) {
    lifted_ = lifted;
    markup_ = markup;
  }

 private:
  void Index();
  // The lifted body of the <script> element `n` (found by the offset of its start tag), or "".
  std::string LiftedBody(NodeId n) const;
  void DecideRemovals(bool drop_noscript);
  void BuildBlocks();
  void Flush(std::string* buf, double* link_units, int owner, int in_heading, int in_li,
             int in_cell, int in_pre, int in_quote, int in_caption);
  void ValueBlocks();
  int ChooseContainer() const;
  std::string Emit(int container, const std::string& title);
  void FillMetadata(const std::optional<DateTime>& now, Document* doc, std::string* title_out);
  bool IsChromeLine(const Block& b, const std::string& lower) const;
  bool IsBylineLine(const std::string& lower, int words) const;
  bool IsDateLine(const Block& b, const std::optional<DateTime>& now) const;
  bool IsPromoLine(const Block& b, const std::string& lower) const;
  bool IsPromoPhraseLine(const std::string& lower) const;
  bool IsSlideCounter(const std::string& lower) const;
  // An author value without byline prefix, label and trailing date.
  std::string CleanAuthor(std::string a) const;
  // "— Name (@handle) date": the credit line of a quote or embedded post, part of the article.
  static bool IsAttributionLine(std::string_view lower);
  bool IsAuthorBio(const Block& b, const std::string& lower) const;
  // KILANG_HTML_DEBUG=1: the blocks, their values and owners, and the container, on stderr.
  void DebugDump(int container) const;

  const Lexicon& lex_;
  const DateParser& dates_;
  const HtmlOptions& opt_;
  const Hints& hints_;
  const Dom* dom_ = nullptr;
  std::vector<Elem> elems_;
  std::vector<Block> blocks_;
  MetaBag meta_;
  int body_ = -1;
  std::string h1_;
  bool stopwords_usable_ = false;
  std::optional<DateTime> now_;
  std::vector<std::string> author_lower_;  // author names from the metadata, lower-cased
  std::string ld_body_;  // JSON-LD articleBody, squashed (SquashText); empty when absent
  std::unordered_map<std::string, uint16_t> hint_cache_;  // hint value -> hint flags
  std::string hint_buf_;  // ElemAttrs::HintText of the element being indexed
  const std::vector<html_internal::LiftedScript>* lifted_ = nullptr;
  std::string_view markup_;
};

std::string Run::LiftedBody(NodeId n) const {
  if (!lifted_ || lifted_->empty()) return "";
  uint32_t offset_in_markup = (*dom_)[n].source_offset;
  if (offset_in_markup == html_internal::kNoOffset || offset_in_markup >= markup_.size()) return "";
  size_t offset = offset_in_markup;
  auto it = std::lower_bound(
      lifted_->begin(), lifted_->end(), offset,
      [](const html_internal::LiftedScript& l, size_t off) { return l.tag_offset < off; });
  return it != lifted_->end() && it->tag_offset == offset ? it->body : "";
}

void Run::Index() {
  const Dom& dom = *dom_;
  struct Frame {
    NodeId node;
    int elem;
    NodeId next;  // the next child to visit, or the node's end
  };
  std::vector<Frame> stack;
  elems_.reserve(1024);
  auto enter = [&](NodeId n, int parent) {
    Elem e;
    e.node = n;
    e.parent = parent;
    e.tag = dom[n].tag;
    uint16_t pflags = parent >= 0 ? elems_[parent].flags : 0;
    if (pflags & kInLink) e.flags |= kInLink;
    if (e.tag == Tag::kA) e.flags |= kInLink;
    Tag t = e.tag;
    int id = static_cast<int>(elems_.size());
    // Metadata.
    switch (t) {
      case Tag::kTitle:
        if (meta_.title_tag.empty()) meta_.title_tag = SubtreeText(dom, n, 2000);
        break;
      case Tag::kMeta: {
        std::string_view name = Attr(dom, n, AttrId::kProperty);
        if (name.empty()) name = Attr(dom, n, AttrId::kName);
        if (name.empty()) name = Attr(dom, n, AttrId::kItemprop);
        std::string_view content = Attr(dom, n, AttrId::kContent);
        if (!name.empty() && !content.empty() && name.size() < 100 && content.size() < 4000) {
          meta_.metas.emplace_back(LowerUtf8(name), std::string(content));
        }
        break;
      }
      case Tag::kLink: {
        std::string rel = LowerUtf8(Attr(dom, n, AttrId::kRel));
        if (rel == "canonical" && meta_.canonical.empty()) {
          meta_.canonical = Attr(dom, n, AttrId::kHref);
        }
        break;
      }
      case Tag::kScript: {
        std::string type = LowerUtf8(Attr(dom, n, AttrId::kType));
        if (type.find("ld+json") != std::string::npos && meta_.jsonld.size() < 32) {
          std::string body;
          for (NodeId c = dom.FirstChild(n); c != html_internal::kNoNode; c = dom.NextSibling(c)) {
            if (dom[c].kind == NodeKind::kText) body.append(dom[c].str);
          }
          if (dom.FirstChild(n) == html_internal::kNoNode) body = LiftedBody(n);
          meta_.jsonld.push_back(std::move(body));
        }
        break;
      }
      case Tag::kTime: {
        std::string_view dt = Attr(dom, n, AttrId::kDatetime);
        if (!dt.empty() && meta_.time_datetimes.size() < 16) {
          bool pub =
              dom.HasAttr(n, AttrId::kPubdate) ||
              LowerUtf8(Attr(dom, n, AttrId::kItemprop)).find("datepublished") != std::string::npos;
          if (pub)
            meta_.time_datetimes.insert(meta_.time_datetimes.begin(), std::string(dt));
          else
            meta_.time_datetimes.emplace_back(dt);
        }
        break;
      }
      default:
        break;
    }
    if (IsSkipTag(t)) e.flags |= kSkip;
    if (t == Tag::kHead) e.flags |= kHidden;  // walked for metadata, never text
    if (t == Tag::kNoscript) e.flags |= kNoscript;
    if (t == Tag::kBody && body_ < 0) body_ = id;
    if (t == Tag::kNav || t == Tag::kAside || t == Tag::kFooter || t == Tag::kHeader ||
        t == Tag::kMenu)
      e.flags |= kChromeTag;
    std::span<const html_internal::DomAttr> attrs = dom.attrs(n);
    if (!attrs.empty()) {
      ElemAttrs a(attrs);
      if (a.hidden || (!a.aria_hidden.empty() && LowerEquals(a.aria_hidden, "true")) ||
          StyleHides(a.style))
        e.flags |= kHidden;
      if (!a.role.empty() && hints_.IsRemoveRole(LowerUtf8(a.role))) e.flags |= kChromeTag;
      a.HintText(&hint_buf_);
      const std::string& hint = hint_buf_;
      if (!hint.empty() && t != Tag::kBody && t != Tag::kHtml) {
        // Pages repeat the same class names many times: match each distinct value once.
        auto it = hint_cache_.find(hint);
        if (it == hint_cache_.end()) {
          uint16_t f = 0;
          if (hints_.IsRemove(hint)) f |= kRemoveHint;
          if (hints_.IsContent(hint)) f |= kContentHint;
          if (hints_.IsCaption(hint)) f |= kCaptionHint;
          if (hint.find("author") != std::string::npos || hint.find("byline") != std::string::npos)
            f |= kBylineHint;
          it = hint_cache_.emplace(hint, f).first;
        }
        e.flags |= it->second;
      }
      if (!a.rel.empty() && LowerEquals(a.rel, "author")) {
        e.flags |= kBylineHint;
        if (meta_.rel_author.empty()) meta_.rel_author = SubtreeText(dom, n, 200);
      }
      if (e.flags & kBylineHint) {
        if (meta_.byline_elems.size() < 32) meta_.byline_elems.push_back(id);
      }
      if (!a.itemprop.empty() && LowerEquals(a.itemprop, "articlebody")) e.flags |= kArticleBody;
    }
    if (t == Tag::kArticle || t == Tag::kMain) e.flags |= kContentTag;
    elems_.push_back(e);
    stack.push_back({n, id, n + 1});
  };
  if (dom.empty() || !dom.IsElement(0)) return;
  enter(0, -1);
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.next >= dom[f.node].end || (elems_[f.elem].flags & kSkip)) {
      stack.pop_back();
      continue;
    }
    NodeId c = f.next;
    f.next = dom[c].end;
    int parent = f.elem;
    if (dom.IsElement(c)) {
      if (static_cast<int>(stack.size()) >= opt_.max_depth) continue;
      enter(c, parent);
    } else {
      double u = TextUnits(dom[c].str);
      elems_[parent].text += static_cast<int64_t>(u);
      if (elems_[parent].flags & kInLink) elems_[parent].link += static_cast<int64_t>(u);
    }
  }
  // Aggregate subtree sizes (children have larger ids than their parents).
  for (size_t i = 0; i < elems_.size(); ++i) elems_[i].end = static_cast<int>(i) + 1;
  for (size_t i = elems_.size(); i-- > 1;) {
    const Elem& e = elems_[i];
    if (e.parent >= 0) elems_[e.parent].end = std::max(elems_[e.parent].end, e.end);
    if (e.parent >= 0) {
      Elem& p = elems_[e.parent];
      p.paragraphs += e.paragraphs + (e.tag == Tag::kP ? 1 : 0);
      p.has_anchor = p.has_anchor || e.has_anchor || e.tag == Tag::kH1 || e.tag == Tag::kArticle ||
                     e.tag == Tag::kMain;
    }
    if (e.parent < 0 || (e.flags & kSkip)) continue;
    elems_[e.parent].text += e.text;
    elems_[e.parent].link += e.link;
  }
}

void Run::DecideRemovals(bool drop_noscript) {
  int64_t body_prose = body_ >= 0 ? elems_[body_].text - elems_[body_].link : 0;
  for (size_t i = 0; i < elems_.size(); ++i) {
    Elem& e = elems_[i];
    e.flags &= ~kRemoved;
    if (e.parent >= 0 && (elems_[e.parent].flags & kRemoved)) {
      e.flags |= kRemoved;
      continue;
    }
    if ((e.flags & (kSkip | kHidden)) || (drop_noscript && (e.flags & kNoscript))) {
      e.flags |= kRemoved;
      continue;
    }
    if (!(e.flags & (kChromeTag | kRemoveHint))) continue;
    // Named both ways ("article modal-enabled", "entry-content-read-more"): the content name
    // wins, as the chrome words are often modifiers.
    if ((e.flags & kRemoveHint) && (e.flags & kContentHint) && !(e.flags & kChromeTag)) continue;
    if (e.tag == Tag::kBody || e.tag == Tag::kHtml || e.tag == Tag::kMain) continue;
    // A subtree holding most of the page's prose, in several paragraphs or around the headline,
    // is (or wraps) the article whatever its name says.
    int64_t prose = e.text - e.link;
    if (body_prose > 0 && prose * 2 > body_prose && (e.paragraphs >= 3 || e.has_anchor)) continue;
    e.flags |= kRemoved;
  }
}

void Run::Flush(std::string* buf, double* link_units, int owner, int in_heading, int in_li,
                int in_cell, int in_pre, int in_quote, int in_caption) {
  if (buf->empty()) return;
  std::string text = CollapseSpace(*buf);
  buf->clear();
  double lu = *link_units;
  *link_units = 0;
  if (text.empty()) return;
  // Strip replacement characters left from NUL bytes and invalid input.
  if (text.find("\xEF\xBF\xBD") != std::string::npos) {
    std::string t;
    for (size_t p = 0; p < text.size();) {
      if (text.compare(p, 3, "\xEF\xBF\xBD") == 0) {
        p += 3;
      } else {
        t.push_back(text[p++]);
      }
    }
    text = CollapseSpace(t);
    if (text.empty()) return;
  }
  Block b;
  b.text = std::move(text);
  b.owner = owner;
  b.link_units = lu;
  if (in_heading)
    b.kind = BlockKind::kHeading, b.heading_level = in_heading;
  else if (in_pre)
    b.kind = BlockKind::kPre;
  else if (in_caption)
    b.kind = BlockKind::kCaption;
  else if (in_li)
    b.kind = BlockKind::kListItem;
  else if (in_quote)
    b.kind = BlockKind::kQuote;
  else if (in_cell)
    b.kind = BlockKind::kCell;
  blocks_.push_back(std::move(b));
}

void Run::BuildBlocks() {
  blocks_.clear();
  if (elems_.empty()) return;
  // Walk the elements in pre-order again; ids are assigned in the same order as in Index.
  const Dom& dom = *dom_;
  struct Frame {
    int elem;
    NodeId next;  // the next child node to visit, or the node's end
  };
  std::string buf;
  double link_units = 0;
  std::vector<int> block_stack;
  int in_heading = 0, in_li = 0, in_cell = 0, in_pre = 0, in_quote = 0, in_caption = 0;
  int heading_level = 0;
  std::vector<Frame> stack;
  int next_id = 0;
  auto is_removed = [&](int id) { return (elems_[id].flags & kRemoved) != 0; };
  auto owner = [&]() { return block_stack.empty() ? 0 : block_stack.back(); };
  auto flush = [&]() {
    Flush(&buf, &link_units, owner(), in_heading ? heading_level : 0, in_li, in_cell, in_pre,
          in_quote, in_caption);
  };
  auto adjust = [&](int id, int d) {
    Tag t = elems_[id].tag;
    if (elems_[id].flags & kCaptionHint) in_caption += d;
    if (HeadingLevel(t)) {
      in_heading += d;
      if (d > 0) heading_level = HeadingLevel(t);
    }
    if (t == Tag::kLi || t == Tag::kDd || t == Tag::kDt) in_li += d;
    if (t == Tag::kTr) in_cell += d;
    if (t == Tag::kPre) in_pre += d;
    if (t == Tag::kBlockquote) in_quote += d;
    if (t == Tag::kFigcaption || t == Tag::kCaption || t == Tag::kFigure) {
      in_caption += d;
    }
  };
  // Exit handling: when a frame is popped.
  auto leave = [&](int id) {
    Tag t = elems_[id].tag;
    if (IsBlockTag(t)) {
      flush();
      if (!block_stack.empty() && block_stack.back() == id) block_stack.pop_back();
    }
    adjust(id, -1);
  };
  auto enter = [&](int id) {
    Tag t = elems_[id].tag;
    if (t == Tag::kTd || t == Tag::kTh) buf.push_back(' ');  // cells of a row: one line
    if (IsBlockTag(t)) {
      flush();
      if (t != Tag::kBr) block_stack.push_back(id);
    }
    adjust(id, +1);
    stack.push_back({id, elems_[id].node + 1});
  };
  // Index skipped the children of kSkip elements and of elements past max_depth; mirror that.
  enter(next_id++);
  while (!stack.empty()) {
    Frame& f = stack.back();
    const Elem& e = elems_[f.elem];
    if (f.next >= dom[e.node].end || (e.flags & kSkip)) {
      int id = f.elem;
      stack.pop_back();
      leave(id);
      continue;
    }
    NodeId c = f.next;
    f.next = dom[c].end;
    if (dom.IsElement(c)) {
      if (static_cast<int>(stack.size()) >= opt_.max_depth) continue;
      int id = next_id;
      // Skip the whole indexed subtree of a removed element: ids are contiguous per subtree.
      if (is_removed(id)) {
        next_id = elems_[id].end;
        if (elems_[id].tag == Tag::kBr) {
          // a removed <br> still breaks the line
          flush();
        }
        continue;
      }
      ++next_id;
      enter(id);
    } else {
      std::string_view s = dom[c].str;
      if (s.find('\0') != std::string_view::npos) continue;
      buf.append(s);
      if (e.flags & kInLink) link_units += TextUnits(s);
    }
  }
  flush();
}

// Weights of chrome blocks and of short unpunctuated fragments in the container score (prose
// counts with its units; see ValueBlocks).
constexpr double kBadWeight = 1.0;
constexpr double kShortWeight = 0.3;

void Run::ValueBlocks() {
  std::vector<std::string_view> words;
  int64_t all_words = 0, all_stop = 0;
  for (Block& b : blocks_) {
    b.units = TextUnits(b.text);
    LowerUtf8(b.text, &b.lower);
    words.clear();
    SplitWords(b.lower, &words);
    b.words = static_cast<int>(words.size());
    for (std::string_view w : words) {
      if (lex_.IsStopword(w)) ++b.stopwords;
    }
    size_t i = 0;
    while (i < b.text.size()) {
      uint32_t cp = NextCp(b.text, &i);
      if (IsSentencePunct(cp)) ++b.punct;
    }
    if (b.words >= 10) {
      all_words += b.words;
      all_stop += b.stopwords;
    }
  }
  stopwords_usable_ = all_words > 0 && all_stop * 10 >= all_words;
  // Teaser cards: a small element holding a linked headline and a summary under it (lists of
  // other stories). Count linked headings and blocks per element.
  std::vector<int> linked_headings(elems_.size(), 0), block_count(elems_.size(), 0);
  for (size_t i = 0; i < elems_.size(); ++i) {
    const Elem& e = elems_[i];
    if (HeadingLevel(e.tag) && e.text > 0 && e.link * 10 > e.text * 6) ++linked_headings[i];
  }
  for (const Block& b : blocks_) {
    if (b.owner >= 0) ++block_count[b.owner];
  }
  for (size_t i = elems_.size(); i-- > 1;) {
    int p = elems_[i].parent;
    if (p < 0) continue;
    linked_headings[p] += linked_headings[i];
    block_count[p] += block_count[i];
  }
  for (Block& b : blocks_) {
    if (b.kind == BlockKind::kHeading || b.owner < 0) continue;
    int a = b.owner;
    for (int up = 0; up < 5 && a >= 0; ++up, a = elems_[a].parent) {
      if (linked_headings[a] == 0) continue;
      if (linked_headings[a] == 1 && block_count[a] <= 5) b.card = true;
      break;
    }
  }
  for (Block& b : blocks_) {
    double ld = b.units > 0 ? std::min(1.0, b.link_units / b.units) : 0;
    const std::string& lower = b.lower;
    bool chrome = IsChromeLine(b, lower) || b.words == 0;  // no word at all: symbols, bullets
    // Markup that leaked as text (a <noscript> body, escaped HTML) is not content; nor is a
    // list of bare URLs.
    {
      size_t url_bytes = 0, pos = 0;
      // memmem: one search per occurrence (find() calls memchr at every 'h').
      while (pos < lower.size()) {
        const void* at = memmem(lower.data() + pos, lower.size() - pos, "http", 4);
        if (!at) break;
        pos = static_cast<const char*>(at) - lower.data();
        size_t e = lower.find(' ', pos);
        if (e == std::string::npos) e = lower.size();
        if (lower.compare(pos, 7, "http://") == 0 || lower.compare(pos, 8, "https://") == 0)
          url_bytes += e - pos;
        pos = e;
      }
      if (url_bytes * 2 > lower.size()) chrome = true;
    }
    if (lower.find("<img ") != std::string::npos || lower.find("<iframe") != std::string::npos ||
        lower.find("<a href") != std::string::npos || lower.find("<div") != std::string::npos)
      chrome = true;
    double sd = b.words > 0 ? static_cast<double>(b.stopwords) / b.words : 0;
    bool stop_ok = !stopwords_usable_ || sd >= 0.12 || b.words < 8;
    b.bad = chrome || (ld > 0.5 && b.units > 0);
    b.prose = !b.bad && b.units >= 60 && ld < 0.5 && b.punct >= 1 && stop_ok &&
              b.kind != BlockKind::kHeading;
    if (b.prose &&
        (b.card || (b.units >= 150 && (EndsWith(b.text, "\xE2\x80\xA6") ||
                                       EndsWith(b.text, "...") || EndsWith(b.text, "[…]"))))) {
      b.teaser = true;
      b.prose = false;
      b.value = 0;
    } else if (b.prose) {
      b.value = b.units * (1 - 1.5 * ld);
      if (stopwords_usable_ && sd >= 0.25) b.value *= 1.2;
    } else if (b.bad) {
      b.value = -kBadWeight * b.units;
    } else if (b.kind == BlockKind::kHeading) {
      b.value = 0;
    } else if (b.punct >= 1 && ld < 0.2 && b.units >= 20) {
      b.value = 0.3 * b.units;  // a short sentence
    } else {
      b.value = -kShortWeight * b.units;
    }
  }
}

// Preference for an element the page marks as the article body (schema.org microdata).
constexpr double kArticleBodyBonus = 1.2;

int Run::ChooseContainer() const {
  std::vector<double> score(elems_.size(), 0.0);
  for (const Block& b : blocks_) {
    if (b.owner >= 0) score[b.owner] += b.value;
  }
  for (size_t i = elems_.size(); i-- > 1;) {
    int p = elems_[i].parent;
    if (p >= 0) score[p] += score[i];
  }
  int best = -1;
  double best_score = 0;
  for (size_t i = 0; i < elems_.size(); ++i) {
    if (elems_[i].flags & kRemoved) continue;
    double s = score[i];
    if (s > 0 && (elems_[i].flags & (kContentHint | kContentTag)) &&
        !(elems_[i].flags & kRemoveHint))
      s *= 1.05;
    if (s > 0 && (elems_[i].flags & kArticleBody)) s *= kArticleBodyBonus;
    if (s > 0 && s >= best_score * 0.999 && best >= 0 && s <= best_score) {
      // Nearly equal: prefer the descendant (tighter container) only if it is one.
      int p = elems_[i].parent;
      while (p > best) p = elems_[p].parent;
      if (p == best) best = static_cast<int>(i);
      continue;
    }
    if (s > best_score) {
      best_score = s;
      best = static_cast<int>(i);
    }
  }
  return best;
}

bool Run::IsChromeLine(const Block& b, const std::string& lower) const {
  std::string_view l = TrimSpace(lower);
  if (l.empty()) return true;
  if (b.units > 200) return false;
  std::string_view core = l;
  while (!core.empty() &&
         (core.back() == ':' || core.back() == '.' || core.back() == '>' || core.back() == '|'))
    core.remove_suffix(1);
  core = TrimSpace(core);
  if (lex_.IsUiLine(core) || lex_.IsListHeader(core) || hints_.IsDropLine(core)) return true;
  if (b.units <= 80) {
    for (const std::string& c : lex_.copyright()) {
      if (l.find(c) != std::string_view::npos) return true;
    }
    for (const std::string& p : lex_.boilerplate()) {
      if (l.find(p) != std::string_view::npos && b.units <= 60) return true;
    }
  }
  return false;
}

bool Run::IsBylineLine(const std::string& lower, int words) const {
  if (words == 0) return false;
  std::string_view l = TrimSpace(lower);
  while (!l.empty() && (l[0] == '(' || l[0] == '[')) l.remove_prefix(1);
  // Agency credit lines: "(Reporting by A; editing by B)".
  if (words <= 40 && hints_.IsCreditLine(l)) return true;
  if (words > 10) return false;
  for (const std::string& p : lex_.byline_prefixes()) {
    if (StartsWith(l, p) && l.size() > p.size()) {
      char c = l[p.size()];
      if (c == ' ' || c == ':') return true;
    }
  }
  return false;
}

bool Run::IsDateLine(const Block& b, const std::optional<DateTime>& now) const {
  if (b.words > 14) return false;
  auto m = dates_.Find(b.text, now);
  if (m && m->coverage >= 0.6) return true;
  // Fallback for datelines the parser does not take whole ("Updated 11:21 pm CST, Tuesday,
  // November 19, 2019", "Associated Press November 19, 2019, 9:02 AM"): a year, a month name or a
  // clock time, and at most three words that are not date words.
  std::string lower = LowerUtf8(b.text);
  if (IsAttributionLine(lower)) return false;
  std::vector<std::string_view> w;
  SplitWords(lower, &w);
  bool year = false, month_or_time = lower.find(':') != std::string::npos;
  int other = 0;
  for (std::string_view x : w) {
    bool digits = std::all_of(x.begin(), x.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) {
      if (x.size() == 4 && (StartsWith(x, "19") || StartsWith(x, "20"))) year = true;
      continue;
    }
    if (x.size() == 10 && x[4] == '-' && x[7] == '-') {  // 2019-11-20
      year = month_or_time = true;
      continue;
    }
    if (lex_.Month(x)) {
      month_or_time = true;
      continue;
    }
    if (lex_.IsWeekday(x) || lex_.IsDateFiller(x) || lex_.IsPm(x).has_value() ||
        lex_.TimezoneOffset(x).has_value())
      continue;
    ++other;
  }
  return year && month_or_time && other <= 3;
}

bool Run::IsPromoPhraseLine(const std::string& lower) const {
  // Stricter than IsPromoLine, for the head of the article: affiliate notes, "chat with us",
  // newsletter prompts; not "related"/"recommended", which open real paragraphs too.
  for (std::string_view p : {"affiliate", "newsletter", "subscribe", "sign up", "chat with us",
                             "follow us", "to your inbox", "in your inbox"}) {
    if (lower.find(p) != std::string::npos) return true;
  }
  return false;
}

bool Run::IsPromoLine(const Block& b, const std::string& lower) const {
  if (b.units > 400) return false;
  for (const std::string& p : lex_.boilerplate()) {
    if (lower.find(p) != std::string::npos) return true;
  }
  if (hints_.HasPromoPhrase(lower)) return true;
  // An e-mail address or a social handle: contact lines and author bios (but not the
  // attribution line of an embedded post, "— Name (@handle) November 18, 2019").
  if (IsAttributionLine(lower)) return false;
  size_t at = lower.find('@');
  while (at != std::string::npos) {
    bool handle = at + 1 < lower.size() && lower[at + 1] != ' ' &&
                  (at == 0 || lower[at - 1] == ' ' || lower[at - 1] == '(');
    size_t sp = lower.find(' ', at);
    bool email =
        at > 0 && lower[at - 1] != ' ' &&
        lower.substr(at, sp == std::string::npos ? std::string::npos : sp - at).find('.') !=
            std::string::npos;
    if (handle || email) return true;
    at = lower.find('@', at + 1);
  }
  return false;
}

std::string Run::Emit(int container, const std::string& title) {
  std::vector<int> in;  // indices of blocks in container
  for (size_t i = 0; i < blocks_.size(); ++i) {
    int o = blocks_[i].owner;
    bool inside = false;
    if (container < 0) {
      inside = true;
    } else {
      int p = o;
      while (p > container) p = elems_[p].parent;
      inside = p == container;
    }
    if (inside) in.push_back(static_cast<int>(i));
  }
  int first_prose = -1, last_prose = -1;
  for (size_t k = 0; k < in.size(); ++k) {
    if (!blocks_[in[k]].prose) continue;
    if (first_prose < 0) first_prose = static_cast<int>(k);
    last_prose = static_cast<int>(k);
  }
  int teasers = 0, cards = 0;
  for (int i : in) {
    teasers += blocks_[i].teaser ? 1 : 0;
    cards += blocks_[i].card ? 1 : 0;
  }
  std::string title_sq = LowerUtf8(CollapseSpace(title));
  std::unordered_set<std::string> seen;
  std::vector<int> kept;  // block indices, in order
  std::vector<std::string> kept_lower;
  for (size_t k = 0; k < in.size(); ++k) {
    const Block& b = blocks_[in[k]];
    if (b.bad || (b.teaser && teasers >= 2)) continue;
    if (b.card && cards >= 2 && !b.in_ld) continue;
    const std::string& lower = b.lower;
    bool caption =
        b.kind == BlockKind::kCaption ||
        (b.units < 300 && (StartsWith(lower, "\xC2\xA9") || hints_.IsCaptionText(lower)));
    if (caption && !opt_.keep_captions) continue;
    bool before = first_prose >= 0 && static_cast<int>(k) < first_prose;
    if (!b.prose && !b.in_ld) {
      if (b.kind == BlockKind::kHeading && b.heading_level <= 1 && (before || first_prose < 0)) {
        continue;  // the headline: metadata.title
      }
      if (!title_sq.empty() && lower == title_sq) continue;
      if (IsBylineLine(lower, b.words)) continue;
      // Datelines stand before or after the prose; a date line between paragraphs is content
      // (a schedule, a timeline entry).
      bool outside = first_prose < 0 || before || static_cast<int>(k) > last_prose;
      if (outside && IsDateLine(b, now_)) continue;
      if (IsSlideCounter(lower)) continue;
      char last = b.text.back();
      bool sentence_end = last == '.' || last == '!' || last == '?' || last == '"' || last == ':' ||
                          EndsWith(b.text, "\xE2\x80\x9D") || EndsWith(b.text, "\xE3\x80\x82");
      // Before the first paragraph: datelines, bylines, kickers, breadcrumbs.
      if (before && b.kind != BlockKind::kHeading && b.kind != BlockKind::kListItem &&
          b.words < 8 && !sentence_end)
        continue;
    }
    if (b.units >= 150 && !seen.insert(b.text).second) continue;
    kept.push_back(in[k]);
    kept_lower.push_back(lower);
  }
  // Trim the tail: promotional lines, contact lines and trailing "more stories" sections after
  // the last clean paragraph.
  size_t end = kept.size();
  size_t cut = end;
  bool clean_prose_above = false;
  for (size_t k = end; k-- > 0;) {
    const Block& b = blocks_[kept[k]];
    bool promo = !b.in_ld && IsPromoLine(b, kept_lower[k]);
    if (b.prose && !promo && b.kind != BlockKind::kListItem && !IsAuthorBio(b, kept_lower[k])) {
      clean_prose_above = true;
      break;
    }
    if (IsAuthorBio(b, kept_lower[k])) promo = true;
    if (promo) cut = k;  // a promotional heading takes the lines under it along
  }
  if (!clean_prose_above) cut = end;  // never trim an article down to nothing
  // The head likewise: promotional lines (affiliate notes, "chat with us") before the first
  // clean paragraph go.
  size_t head = 0;
  for (size_t k = 0; k < cut; ++k) {
    const Block& b = blocks_[kept[k]];
    bool promo = !b.in_ld && b.units < 200 && IsPromoPhraseLine(kept_lower[k]);
    if (b.prose && !promo) {
      head = k;
      break;
    }
  }
  // Lines after the cut point survive only if they are not promotional; everything after a
  // dropped trailing heading goes.
  std::string out;
  bool dropping = false;
  for (size_t k = 0; k < end; ++k) {
    const Block& b = blocks_[kept[k]];
    if (k < head && !b.in_ld && b.units < 200 && IsPromoPhraseLine(kept_lower[k])) continue;
    if (k >= cut) {
      if (b.kind == BlockKind::kHeading) dropping = true;
      if (!b.in_ld && (dropping || IsPromoLine(b, kept_lower[k]) || IsAuthorBio(b, kept_lower[k])))
        continue;
    }
    if (!out.empty()) out.push_back('\n');
    out += b.text;
  }
  return out;
}

bool Run::IsAuthorBio(const Block& b, const std::string& lower) const {
  // "Jane Doe is a reporter covering ...", "Jane joined the paper in 2017 ...": a line about the
  // author (named by the page's metadata) at the end of the article.
  if (author_lower_.empty() || b.units > 500) return false;
  for (const std::string& name : author_lower_) {
    if (name.size() < 4) continue;
    if (lower.find(name) != std::string::npos) return true;
    size_t sp = name.find(' ');
    if (sp != std::string::npos && sp >= 3) {
      std::string first = name.substr(0, sp + 1);
      if (StartsWith(lower, first)) return true;
    }
  }
  return false;
}

bool Run::IsAttributionLine(std::string_view lower) {
  lower = TrimSpace(lower);
  return StartsWith(lower, "\xE2\x80\x94") || StartsWith(lower, "\xE2\x80\x93") ||
         StartsWith(lower, "- ");
}

std::string Run::CleanAuthor(std::string a) const {
  std::string low = LowerUtf8(a);
  // "By Jane Doe", "Analysis by Jane Doe", "Text: Jane Doe".
  std::vector<std::string_view> w;
  SplitWords(low, &w);
  for (const std::string& p : lex_.byline_prefixes()) {
    size_t pos = low.find(p);
    if (pos == std::string::npos || pos > 20) continue;
    size_t end = pos + p.size();
    bool starts = pos == 0 || low[pos - 1] == ' ';
    if (starts && end < low.size() && (low[end] == ' ' || low[end] == ':')) {
      a = std::string(TrimSpace(std::string_view(a).substr(end + 1)));
      low = LowerUtf8(a);
      break;
    }
  }
  size_t colon = low.find(": ");
  if (colon != std::string::npos && colon < 20 &&
      low.substr(0, colon).find(' ') == std::string::npos) {
    a = std::string(TrimSpace(std::string_view(a).substr(colon + 1)));
    low = LowerUtf8(a);
  }
  // "Jane Doe November 15, 2019", "Jane Doe, CNN 1 day ago": cut at the first date word.
  w.clear();
  SplitWords(low, &w);
  for (std::string_view x : w) {
    bool date_word = (x[0] >= '0' && x[0] <= '9') || lex_.Month(x) != 0 || lex_.IsWeekday(x);
    if (!date_word || x.size() < 3) {
      if (!(x[0] >= '0' && x[0] <= '9')) continue;
    }
    size_t off = static_cast<size_t>(x.data() - low.data());
    if (off == 0) break;
    a = a.substr(0, off);
    break;
  }
  std::string_view t = TrimSpace(a);
  while (!t.empty() && (t.back() == ',' || t.back() == '-' || t.back() == '|' || t.back() == '.')) {
    t.remove_suffix(1);
    t = TrimSpace(t);
  }
  return std::string(t);
}

bool Run::IsSlideCounter(const std::string& lower) const {
  // "Image 1 of 5", "Photo 3/12", "1 of 12": gallery counters.
  std::vector<std::string_view> w;
  SplitWords(lower, &w);
  if (w.empty() || w.size() > 4) return false;
  int digits = 0;
  for (std::string_view x : w) {
    if (!x.empty() && std::all_of(x.begin(), x.end(), [](char c) { return c >= '0' && c <= '9'; }))
      ++digits;
  }
  return digits >= 2 && digits + 2 >= static_cast<int>(w.size());
}

void Run::FillMetadata(const std::optional<DateTime>& now, Document* doc, std::string* title_out) {
  Metadata& md = doc->metadata;
  html_internal::JsonLdInfo ld;
  for (const std::string& j : meta_.jsonld) html_internal::ParseJsonLd(j, &ld);
  if (ld.is_article && ld.article_body.size() >= 200) {
    ld_body_ = SquashText(html_internal::DecodeEntities(ld.article_body));
  }
  // Site.
  std::string site = ld.is_article ? ld.publisher : "";
  std::string og_site = meta_.Meta(html_internal::kMetaSiteNames);
  if (!og_site.empty()) site = og_site;
  if (site.empty()) site = ld.publisher;
  if (site.empty()) site = meta_.Meta(html_internal::kMetaAppNames);
  std::string url = meta_.canonical;
  if (!LooksLikeUrl(url)) url = meta_.Meta(html_internal::kMetaUrlNames);
  if (!LooksLikeUrl(url)) url = ld.url;
  if (!LooksLikeUrl(url)) url.clear();
  if (md.url.empty() && !url.empty()) md.url = url;
  if (site.empty()) site = html_internal::HostOf(md.url.empty() ? url : md.url);
  site = CollapseSpace(html_internal::DecodeEntities(site));
  // "Site | tagline | topics": the name is the first part.
  for (std::string_view sep : {" | ", " :: "}) {
    size_t p = site.find(sep);
    if (p != std::string::npos && p > 0) site = site.substr(0, p);
  }
  md.site = site;
  // Title.
  std::string title = ld.headline;
  if (title.empty()) title = meta_.Meta(html_internal::kMetaTitleNames);
  if (title.empty()) title = meta_.title_tag;
  if (title.empty()) title = h1_;
  md.title = html_internal::CleanTitle(html_internal::DecodeEntities(title), md.site, h1_);
  *title_out = md.title;
  // Date.
  std::optional<DateTime> date;
  auto try_date = [&](const std::string& s) {
    if (!date && !s.empty()) date = html_internal::ParseMachineDate(s);
  };
  try_date(ld.date_published);
  try_date(meta_.Meta(html_internal::kMetaPublishedNames));
  for (const std::string& t : meta_.time_datetimes) try_date(t);
  try_date(ld.date_modified);
  try_date(meta_.Meta(html_internal::kMetaModifiedNames));
  if (!date) {
    // Visible text: the first short line that is a date.
    for (const Block& b : blocks_) {
      if (b.words > 14 || b.units > 100) continue;
      auto m = dates_.Find(b.text, now);
      if (m && m->coverage >= 0.5) {
        date = m->value;
        break;
      }
    }
  }
  if (date) md.date = date->ToIso();
  // Author.
  std::vector<std::string> authors;
  auto add_author = [&](std::string a) {
    a = CollapseSpace(html_internal::DecodeEntities(a));
    // "Name • 19 November 2019", "Name | Agency": the name comes first.
    for (std::string_view sep : {" \xE2\x80\xA2 ", " | ", " \xC2\xB7 "}) {
      size_t p = a.find(sep);
      if (p != std::string::npos && p > 0) a = a.substr(0, p);
    }
    a = CleanAuthor(a);
    if (a.empty() || LooksLikeUrl(a) || a.size() > 200 || a[0] == '@' ||
        a.find('(') != std::string::npos)  // "Name (required)": a form label
      return;
    authors.push_back(a);
  };
  for (const std::string& a : ld.authors) add_author(a);
  if (authors.empty()) {
    for (std::string_view k : html_internal::kMetaAuthorNames) {
      std::string v = meta_.Meta({&k, 1});
      if (!v.empty()) add_author(v);
      if (!authors.empty()) break;
    }
  }
  if (authors.empty() && !meta_.rel_author.empty()) add_author(meta_.rel_author);
  if (authors.empty()) {
    for (int id : meta_.byline_elems) {
      std::string t = SubtreeText(*dom_, elems_[id].node, 300);
      std::vector<std::string_view> w;
      SplitWords(t, &w);
      if (w.empty() || w.size() > 8) continue;
      add_author(t);
      if (!authors.empty()) break;
    }
  }
  // Deduplicate, keep order.
  std::string joined;
  std::unordered_set<std::string> seen;
  for (const std::string& a : authors) {
    if (a.empty() || !seen.insert(LowerUtf8(a)).second) continue;
    if (!joined.empty()) joined += ", ";
    joined += a;
  }
  md.author = joined;
}

void Run::DebugDump(int container) const {
  auto describe = [&](int id) {
    const Dom& dom = *dom_;
    std::string d((*dom_)[elems_[id].node].str);
    std::string_view c = Attr(dom, elems_[id].node, AttrId::kClass),
                     i = Attr(dom, elems_[id].node, AttrId::kId);
    if (!i.empty()) d += "#" + std::string(i.substr(0, 40));
    if (!c.empty()) d += "." + std::string(c.substr(0, 60));
    return d;
  };
  std::string path;
  for (int p = container; p >= 0; p = elems_[p].parent) path = describe(p) + " > " + path;
  std::fprintf(stderr, "container %d: %s\n", container, path.c_str());
  for (const Block& b : blocks_) {
    int p = b.owner;
    while (p > container) p = elems_[p].parent;
    std::fprintf(stderr, "%c %7.1f %c%c u=%.0f l=%.0f w=%d s=%d p=%d [%s] %.80s\n",
                 p == container ? '+' : ' ', b.value, b.prose ? 'P' : '-', b.bad ? 'B' : '-',
                 b.units, b.link_units, b.words, b.stopwords, b.punct, describe(b.owner).c_str(),
                 b.text.c_str());
  }
}

void Run::Extract(const Dom& dom, const std::optional<DateTime>& now, Document* doc) {
  now_ = now;
  dom_ = &dom;
  Index();
  DecideRemovals(true);
  BuildBlocks();
  if (blocks_.empty()) {  // a page whose only content is in <noscript>
    DecideRemovals(false);
    BuildBlocks();
  }
  for (const Block& b : blocks_) {
    if (b.kind == BlockKind::kHeading && b.heading_level == 1) {
      h1_ = b.text;
      break;
    }
  }
  ValueBlocks();
  std::string title;
  FillMetadata(now, doc, &title);
  if (!ld_body_.empty()) {
    // The page's own structured copy of the article: blocks found in it are article text.
    for (Block& b : blocks_) {
      if (b.units < 30 || b.bad) continue;
      std::string sq = SquashText(b.text);
      if (sq.size() < 20) continue;
      if (ld_body_.find(sq.substr(0, std::min<size_t>(sq.size(), 60))) == std::string::npos) {
        continue;
      }
      b.in_ld = true;
      b.teaser = false;
      b.value = std::max(b.value, 0.0) + b.units;
    }
  }
  if (!doc->metadata.author.empty()) {
    std::string all = LowerUtf8(doc->metadata.author);
    size_t pos = 0;
    while (pos <= all.size()) {
      size_t c = all.find(", ", pos);
      if (c == std::string::npos) c = all.size();
      std::string name(TrimSpace(std::string_view(all).substr(pos, c - pos)));
      // Full names only, and not the publication itself ("Charlie Wood, Business Insider").
      std::string site = LowerUtf8(doc->metadata.site);
      bool is_site = !site.empty() &&
                     (site.find(name) != std::string::npos || name.find(site) != std::string::npos);
      if (name.find(' ') != std::string::npos && !is_site) {
        author_lower_.push_back(name);
      }
      pos = c + 2;
    }
  }
  int container = ChooseContainer();
  doc->text = Emit(container, title);
  static const bool debug = std::getenv("KILANG_HTML_DEBUG") != nullptr;
  if (debug) DebugDump(container);
}

}  // namespace

void HtmlExtractor::Extract(std::string_view html, const std::optional<DateTime>& now,
                            Document* doc) const {
  std::string prepared;
  std::vector<html_internal::LiftedScript> lifted;
  if (html_internal::PrepareHtml(html, std::max(8, options_.max_depth - 16), &Hints::Default(),
                                 &prepared, &lifted)) {
    html = prepared;
  }
  if (html.size() > options_.max_html_bytes) {
    // Cut at a UTF-8 character boundary.
    size_t cut = options_.max_html_bytes;
    while (cut > 0 && (static_cast<unsigned char>(html[cut]) & 0xC0) == 0x80) --cut;
    html = html.substr(0, cut);
  }
  // One arena and one Dom per thread, reset after each page: the arena's first block and the
  // Dom's vectors are reused, so a page that fits in them costs no malloc at all for the tree.
  thread_local html_internal::ParseArena arena;
  thread_local html_internal::Dom dom;
  struct ResetOnExit {
    html_internal::ParseArena* a;
    html_internal::Dom* d;
    ~ResetOnExit() {
      d->Reset();  // first: the Dom points into the arena
      a->Reset();
    }
  } reset{&arena, &dom};
  html_internal::ParseWithGumbo(html, &arena, &dom);
  Run run(lex_, dates_, options_, Hints::Default());
  run.SetLifted(&lifted, html);
  run.Extract(dom, now, doc);
  Fallback(dom, now, doc);
}

// The fallback cascade: the block scorer's text is kept unless it is short both in absolute
// terms and against what the learned page-text extractor finds in the same page rendered as
// page text (then a container was missed or pruned: an empty result, a teaser-sized one).
void HtmlExtractor::Fallback(const html_internal::Dom& dom, const std::optional<DateTime>& now,
                             Document* doc) const {
  if (options_.fallback_words == 0) return;
  // Words as the benchmarks' scorer counts them: runs of letters, digits, marks and '_'.
  auto count_words = [](std::string_view t) {
    size_t n = 0, i = 0;
    bool in_word = false;
    while (i < t.size()) {
      uint32_t cp = NextCodePoint(t, &i);
      bool w = cp == '_' || IsLetter(cp) || IsDigit(cp) ||
               (cp >= 0x300 && (utf8proc_category(utf8proc_int32_t(cp)) == UTF8PROC_CATEGORY_MN ||
                                utf8proc_category(utf8proc_int32_t(cp)) == UTF8PROC_CATEGORY_MC));
      n += w && !in_word;
      in_word = w;
    }
    return n;
  };
  const size_t have = count_words(doc->text);
  if (have >= options_.fallback_words) return;
  std::string page;
  html_internal::RenderPageText(dom, &page);
  Document alt;
  pagetext_.Extract(page, now, &alt);
  if (double(have) < options_.fallback_ratio * double(count_words(alt.text))) {
    doc->text.swap(alt.text);
  }
}

}  // namespace kilang
