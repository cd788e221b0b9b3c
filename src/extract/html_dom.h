// Dom: the document tree an HTML parser writes and the HTML extractor reads (internal, not a
// public API). It is the whole interface between the two: nothing after parsing sees the parser's
// own types, so the parser (gumbo today, behind html_dom_gumbo.cc; kilang's own tree builder
// later) can change without touching the extractor, and the extractor (its scoring) can change
// without touching the parser.
//
// Shape: one flat vector of nodes in document pre-order. Node 0 is the root <html> element; the
// subtree of node i is the id range [i, node(i).end), so the first child of i is i + 1 (when
// i + 1 < end) and the next sibling of c is node(c).end (when it is < its parent's end). Walking
// a subtree is a loop over an index range: no pointers, no recursion.
//
//  - Elements carry an interned Tag (one byte; Tag::kUnknown for names outside the table, with
//    the lower-cased name kept) and the attributes the extractor reads, as AttrId + value.
//    Tags and attribute names are compared as small integers: no string compares or hashing after
//    parsing.
//  - Text nodes carry their text: decoded UTF-8 (character references resolved, CR LF and CR as
//    LF, as the HTML tokenizer gives it), white space as in the source. Comments, the doctype and
//    processing instructions are not nodes.
//
// IMPORTANT: what a producer (a parser or an adapter) must guarantee, and a reader may rely on:
//  1. After Finish(): ids are pre-order, node 0 is the <html> element, `parent` and `end` are
//     consistent. The tree is the one HTML5 tree construction builds where it changes which text
//     sits under which element: <head> and <body> are children of <html> (a frameset document has
//     no <body>), metadata elements met before the body are in <head>, stray content after
//     </body> or </html> is in <body>, implied end tags are applied (p, li, dt/dd, option, table
//     sections and cells), void elements have no children.
//  2. Text is valid UTF-8 and holds no NUL byte (invalid input as U+FFFD; NUL dropped as the
//     HTML5 "in body" rules drop it, or U+FFFD). Adjacent text nodes are allowed: a producer may
//     split a run of text anywhere between two code points (around a character reference, say,
//     to point into the input for the plain parts), and readers treat adjacent text nodes as one
//     text. Empty text nodes are allowed and mean nothing.
//  3. Tag names and attribute names are ASCII-lower-cased (the HTML tokenizer lower-cases them);
//     attribute values are decoded like text and keep their case. An element has at most one
//     attribute per AttrId: the first one in the source (the tokenizer drops later duplicates;
//     AddAttribute ignores them).
//  4. Only attributes with an AttrId are stored; a producer drops the others. An attribute the
//     extractor starts to read gets an AttrId here (and is kept by PrepareHtml: KeepsAttribute).
//  5. <script> (JSON-LD only: PrepareHtml drops the others), <style>, <title>, <textarea> and the
//     other raw-text and RCDATA elements hold their content as one text child (or none); a
//     <template> holds its contents as ordinary children.
//  6. Depth is not bounded by the Dom: readers walk iteratively (PrepareHtml caps nesting before
//     parsing; the extractor also stops at HtmlOptions::max_depth). Ids fit in 32 bits.
//
// Ownership and lifetime: every std::string_view a Dom hands out points either into storage the
// Dom owns (CopyString, AllocateChars: valid until Reset() or destruction) or into storage the
// producer designates, which the caller keeps alive and unchanged until Reset(): the markup that
// was parsed (a tokenizer can point text without character references straight into it) and,
// for the gumbo adapter, the ParseArena gumbo parsed into. Static strings (TagName) live forever.
//
// Reuse: one Dom per worker thread. Reset() empties it but keeps its vectors' capacity (up to a
// bound), so the steady state makes no allocations. Not thread-safe; a finished Dom may be read
// from several threads at once.
//
// Building: a producer creates nodes (NewElement, NewText) and links them (AppendChild,
// InsertBefore, Detach) in any order, which covers what HTML5 tree construction does (foster
// parenting inserts before a table, the adoption agency moves nodes, late <meta> goes into
// <head>), then calls Finish(), which puts the nodes into pre-order.
// Cost: while every node is appended right after it was created, under an element on the path
// from the root to the last node placed (what a streaming tree builder and the gumbo adapter do
// for nearly every node), the nodes are already in pre-order: AppendChild is amortised O(1), no
// links are kept and Finish() only closes the open path. The first other operation switches to
// linked building (sibling links for every node, then one walk and a renumbering in Finish()).
#ifndef KILANG_SRC_EXTRACT_HTML_DOM_H_
#define KILANG_SRC_EXTRACT_HTML_DOM_H_

#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

#include "html_arena.h"

namespace kilang::html_internal {

// X(enumerator, name): every tag HTML5 tree construction treats specially (so a tree builder can
// work on Tag ids alone), every tag the extractor distinguishes, and the SVG/MathML names with
// special handling. Names are lower-case (SVG's foreignObject as "foreignobject").
#define KILANG_HTML_TAGS(X)           \
  X(kHtml, "html")                    \
  X(kHead, "head")                    \
  X(kTitle, "title")                  \
  X(kBase, "base")                    \
  X(kLink, "link")                    \
  X(kMeta, "meta")                    \
  X(kStyle, "style")                  \
  X(kScript, "script")                \
  X(kNoscript, "noscript")            \
  X(kTemplate, "template")            \
  X(kBody, "body")                    \
  X(kArticle, "article")              \
  X(kSection, "section")              \
  X(kNav, "nav")                      \
  X(kAside, "aside")                  \
  X(kH1, "h1")                        \
  X(kH2, "h2")                        \
  X(kH3, "h3")                        \
  X(kH4, "h4")                        \
  X(kH5, "h5")                        \
  X(kH6, "h6")                        \
  X(kHgroup, "hgroup")                \
  X(kHeader, "header")                \
  X(kFooter, "footer")                \
  X(kAddress, "address")              \
  X(kP, "p")                          \
  X(kHr, "hr")                        \
  X(kPre, "pre")                      \
  X(kBlockquote, "blockquote")        \
  X(kOl, "ol")                        \
  X(kUl, "ul")                        \
  X(kLi, "li")                        \
  X(kDl, "dl")                        \
  X(kDt, "dt")                        \
  X(kDd, "dd")                        \
  X(kFigure, "figure")                \
  X(kFigcaption, "figcaption")        \
  X(kMain, "main")                    \
  X(kDiv, "div")                      \
  X(kA, "a")                          \
  X(kEm, "em")                        \
  X(kStrong, "strong")                \
  X(kSmall, "small")                  \
  X(kS, "s")                          \
  X(kCite, "cite")                    \
  X(kQ, "q")                          \
  X(kDfn, "dfn")                      \
  X(kAbbr, "abbr")                    \
  X(kData, "data")                    \
  X(kTime, "time")                    \
  X(kCode, "code")                    \
  X(kVar, "var")                      \
  X(kSamp, "samp")                    \
  X(kKbd, "kbd")                      \
  X(kSub, "sub")                      \
  X(kSup, "sup")                      \
  X(kI, "i")                          \
  X(kB, "b")                          \
  X(kU, "u")                          \
  X(kMark, "mark")                    \
  X(kRuby, "ruby")                    \
  X(kRt, "rt")                        \
  X(kRp, "rp")                        \
  X(kRb, "rb")                        \
  X(kRtc, "rtc")                      \
  X(kBdi, "bdi")                      \
  X(kBdo, "bdo")                      \
  X(kSpan, "span")                    \
  X(kBr, "br")                        \
  X(kWbr, "wbr")                      \
  X(kIns, "ins")                      \
  X(kDel, "del")                      \
  X(kImage, "image")                  \
  X(kImg, "img")                      \
  X(kPicture, "picture")              \
  X(kIframe, "iframe")                \
  X(kEmbed, "embed")                  \
  X(kObject, "object")                \
  X(kParam, "param")                  \
  X(kVideo, "video")                  \
  X(kAudio, "audio")                  \
  X(kSource, "source")                \
  X(kTrack, "track")                  \
  X(kCanvas, "canvas")                \
  X(kMap, "map")                      \
  X(kArea, "area")                    \
  X(kMath, "math")                    \
  X(kMi, "mi")                        \
  X(kMo, "mo")                        \
  X(kMn, "mn")                        \
  X(kMs, "ms")                        \
  X(kMtext, "mtext")                  \
  X(kMglyph, "mglyph")                \
  X(kMalignmark, "malignmark")        \
  X(kAnnotationXml, "annotation-xml") \
  X(kSvg, "svg")                      \
  X(kForeignObject, "foreignobject")  \
  X(kDesc, "desc")                    \
  X(kTable, "table")                  \
  X(kCaption, "caption")              \
  X(kColgroup, "colgroup")            \
  X(kCol, "col")                      \
  X(kTbody, "tbody")                  \
  X(kThead, "thead")                  \
  X(kTfoot, "tfoot")                  \
  X(kTr, "tr")                        \
  X(kTd, "td")                        \
  X(kTh, "th")                        \
  X(kForm, "form")                    \
  X(kFieldset, "fieldset")            \
  X(kLegend, "legend")                \
  X(kLabel, "label")                  \
  X(kInput, "input")                  \
  X(kButton, "button")                \
  X(kSelect, "select")                \
  X(kDatalist, "datalist")            \
  X(kOptgroup, "optgroup")            \
  X(kOption, "option")                \
  X(kTextarea, "textarea")            \
  X(kKeygen, "keygen")                \
  X(kOutput, "output")                \
  X(kProgress, "progress")            \
  X(kMeter, "meter")                  \
  X(kDetails, "details")              \
  X(kSummary, "summary")              \
  X(kDialog, "dialog")                \
  X(kMenu, "menu")                    \
  X(kMenuitem, "menuitem")            \
  X(kSearch, "search")                \
  X(kSlot, "slot")                    \
  X(kApplet, "applet")                \
  X(kAcronym, "acronym")              \
  X(kBgsound, "bgsound")              \
  X(kDir, "dir")                      \
  X(kFrame, "frame")                  \
  X(kFrameset, "frameset")            \
  X(kNoframes, "noframes")            \
  X(kIsindex, "isindex")              \
  X(kListing, "listing")              \
  X(kXmp, "xmp")                      \
  X(kNextid, "nextid")                \
  X(kNoembed, "noembed")              \
  X(kPlaintext, "plaintext")          \
  X(kStrike, "strike")                \
  X(kBasefont, "basefont")            \
  X(kBig, "big")                      \
  X(kBlink, "blink")                  \
  X(kCenter, "center")                \
  X(kFont, "font")                    \
  X(kMarquee, "marquee")              \
  X(kMulticol, "multicol")            \
  X(kNobr, "nobr")                    \
  X(kSpacer, "spacer")                \
  X(kTt, "tt")

enum class Tag : uint8_t {
#define KILANG_HTML_TAG_ENUM(e, name) e,
  KILANG_HTML_TAGS(KILANG_HTML_TAG_ENUM)
#undef KILANG_HTML_TAG_ENUM
      kUnknown,  // any other name; the element keeps its name (DomNode::str)
};
inline constexpr int kTagCount = static_cast<int>(Tag::kUnknown) + 1;

// The lower-case name of `tag`; "" for Tag::kUnknown. Static storage.
inline constexpr std::string_view kTagNames[kTagCount] = {
#define KILANG_HTML_TAG_NAME(e, name) name,
    KILANG_HTML_TAGS(KILANG_HTML_TAG_NAME)
#undef KILANG_HTML_TAG_NAME
        "",
};
inline std::string_view TagName(Tag tag) { return kTagNames[static_cast<int>(tag)]; }
// The Tag named `lower` (ASCII lower-case, as the tokenizer gives it); Tag::kUnknown when there
// is none. A reference lookup (the names of that length, compared in turn): a fast tokenizer may
// intern names its own way, as long as it gives the same ids.
Tag TagFromName(std::string_view lower);

// X(enumerator, name): the attributes the extractor reads (see contract point 4).
#define KILANG_HTML_ATTRS(X)          \
  X(kClass, "class")                  \
  X(kId, "id")                        \
  X(kRole, "role")                    \
  X(kItemprop, "itemprop")            \
  X(kAriaLabel, "aria-label")         \
  X(kAriaHidden, "aria-hidden")       \
  X(kHidden, "hidden")                \
  X(kStyle, "style")                  \
  X(kDataComponent, "data-component") \
  X(kDataTestid, "data-testid")       \
  X(kRel, "rel")                      \
  X(kHref, "href")                    \
  X(kType, "type")                    \
  X(kName, "name")                    \
  X(kProperty, "property")            \
  X(kContent, "content")              \
  X(kDatetime, "datetime")            \
  X(kPubdate, "pubdate")

enum class AttrId : uint8_t {
#define KILANG_HTML_ATTR_ENUM(e, name) e,
  KILANG_HTML_ATTRS(KILANG_HTML_ATTR_ENUM)
#undef KILANG_HTML_ATTR_ENUM
      kNone,  // not stored
};

// The lower-case name of `id`; "" for AttrId::kNone. Static storage.
std::string_view AttrName(AttrId id);
// The AttrId named `lower` (ASCII lower-case); AttrId::kNone when the extractor does not read it.
AttrId AttrFromName(std::string_view lower);

using NodeId = uint32_t;
inline constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();
inline constexpr uint32_t kNoOffset = std::numeric_limits<uint32_t>::max();

enum class NodeKind : uint8_t { kElement, kText };

struct DomAttr {
  AttrId id;
  std::string_view value;  // decoded; may be empty ("<div hidden>")
};

struct DomNode {
  NodeKind kind = NodeKind::kElement;
  Tag tag = Tag::kUnknown;  // elements; Tag::kUnknown for text nodes
  uint8_t attr_count = 0;   // elements: attributes at Dom::attrs_[attr_begin, +attr_count)
  NodeId parent = kNoNode;  // kNoNode for the root
  NodeId end = 0;           // one past the last node of this subtree (pre-order ids)
  uint32_t attr_begin = 0;
  // Elements: the byte offset of the '<' of the start tag in the parsed markup; kNoOffset for an
  // element the tree builder made up (an implied <tbody>, a clone made by the adoption agency).
  uint32_t source_offset = kNoOffset;
  // Text nodes: the text. Elements: the lower-cased tag name (TagName(tag), or the source's name
  // for Tag::kUnknown).
  std::string_view str;
};

class Dom {
 public:
  Dom() = default;
  Dom(const Dom&) = delete;
  Dom& operator=(const Dom&) = delete;

  // ---- Reading (REQUIRES: Finish() was called since the last Reset()) ----

  bool empty() const { return nodes_.empty(); }
  NodeId size() const { return static_cast<NodeId>(nodes_.size()); }
  const DomNode& node(NodeId id) const { return nodes_[id]; }
  const DomNode& operator[](NodeId id) const { return nodes_[id]; }
  std::span<const DomNode> nodes() const { return nodes_; }

  bool IsElement(NodeId id) const { return nodes_[id].kind == NodeKind::kElement; }
  Tag tag(NodeId id) const { return nodes_[id].tag; }
  // The first child of `id`, or kNoNode.
  NodeId FirstChild(NodeId id) const { return id + 1 < nodes_[id].end ? id + 1 : kNoNode; }
  // The next sibling of `id`, or kNoNode.
  NodeId NextSibling(NodeId id) const {
    NodeId p = nodes_[id].parent;
    NodeId next = nodes_[id].end;
    return p != kNoNode && next < nodes_[p].end ? next : kNoNode;
  }

  // The stored attributes of element `id`, in source order.
  std::span<const DomAttr> attrs(NodeId id) const {
    return {attrs_.data() + nodes_[id].attr_begin, nodes_[id].attr_count};
  }
  // The value of attribute `a` of element `id`; nullptr data (empty) when it is absent.
  std::string_view Attr(NodeId id, AttrId a) const {
    for (const DomAttr& x : attrs(id)) {
      if (x.id == a) return x.value;
    }
    return {};
  }
  bool HasAttr(NodeId id, AttrId a) const {
    for (const DomAttr& x : attrs(id)) {
      if (x.id == a) return true;
    }
    return false;
  }

  // ---- Building ----

  // Empties the Dom for the next page; keeps the capacity (vectors up to a bound, the first
  // block of the string arena). Invalidates every id and view handed out.
  void Reset();

  // A new element, not yet in the tree. `name` is the lower-cased tag name and is only read for
  // Tag::kUnknown (it must then stay valid as the contract above says; CopyString it if not).
  // The first node created is the root and must be the <html> element.
  NodeId NewElement(Tag tag, std::string_view name = {}, uint32_t source_offset = kNoOffset) {
    NodeId id = NewNode(NodeKind::kElement);
    DomNode& n = nodes_[id];
    n.tag = tag;
    n.source_offset = source_offset;
    n.str = tag == Tag::kUnknown ? name : TagName(tag);
    if (id == 0) tail_ = 0;  // the root is placed when created
    return id;
  }
  // A new text node, not yet in the tree. `text` must meet contract point 2 and stay valid.
  NodeId NewText(std::string_view text) {
    NodeId id = NewNode(NodeKind::kText);
    nodes_[id].str = text;
    return id;
  }
  // Adds attribute `a` (not AttrId::kNone) with `value` to `element`, unless it has one already.
  // Cheapest while `element` is the last element given attributes (a tokenizer adds them right
  // after NewElement); a later addition (HTML5 merging a second <body>'s attributes) moves the
  // element's attributes to the end of the attribute store.
  void AddAttribute(NodeId element, AttrId a, std::string_view value) {
    DomNode& n = nodes_[element];
    if (n.attr_count == 0 && a != AttrId::kNone) {  // the first: nothing to check or move
      n.attr_begin = static_cast<uint32_t>(attrs_.size());
      n.attr_count = 1;
      attrs_.push_back(DomAttr{a, value});
      return;
    }
    AddAttributeSlow(element, a, value);
  }
  // Appends detached node `child` as the last child of element `parent`.
  void AppendChild(NodeId parent, NodeId child) {
    // The in-order case: `child` is the next node and `parent` is the last node placed (its
    // first child) or its parent (a sibling of a leaf).
    if (in_order_ && child == tail_ + 1 && (parent == tail_ || parent == nodes_[tail_].parent)) {
      if (parent != tail_) nodes_[tail_].end = child;
      nodes_[child].parent = parent;
      tail_ = child;
      return;
    }
    AppendChildSlow(parent, child);
  }
  // Inserts detached node `child` before `ref` (a node in the tree), under ref's parent.
  void InsertBefore(NodeId ref, NodeId child);
  // Takes `node` (with its subtree) out of the tree; it can be appended or inserted again.
  void Detach(NodeId node);
  // Ends building: puts the nodes reachable from the root (node 0) into pre-order and sets
  // `parent` and `end`. Nodes left detached are dropped. No building after this until Reset().
  void Finish();

  // A copy of `s` in the Dom's own storage (for decoded text, lower-cased unknown tag names).
  std::string_view CopyString(std::string_view s);
  // `n` bytes of the Dom's own storage for the producer to fill (valid until Reset()).
  char* AllocateChars(size_t n);

 private:
  // Tree links of linked building; Finish() turns them into pre-order ids.
  struct Links {
    NodeId first_child = kNoNode, last_child = kNoNode, next_sibling = kNoNode,
           prev_sibling = kNoNode;
  };
  NodeId NewNode(NodeKind kind) {
    NodeId id = static_cast<NodeId>(nodes_.size());
    DomNode& n = nodes_.emplace_back();
    n.kind = kind;
    n.attr_begin = static_cast<uint32_t>(attrs_.size());
    n.end = id + 1;
    if (!in_order_) links_.emplace_back();
    return id;
  }
  void AddAttributeSlow(NodeId element, AttrId a, std::string_view value);
  void AppendChildSlow(NodeId parent, NodeId child);
  // Leaves in-order building: links for the nodes placed so far.
  void StartLinking();
  void LinkedAppendChild(NodeId parent, NodeId child);

  std::vector<DomNode> nodes_;
  std::vector<DomAttr> attrs_;
  // In-order building: nodes [0, tail_] are placed, in pre-order, and tail_ is the last of them;
  // a placed node not on the path from tail_ to the root has its final `end`.
  bool in_order_ = true;
  NodeId tail_ = kNoNode;
  std::vector<Links> links_;            // linked building only
  std::vector<NodeId> order_, new_id_;  // Finish() scratch
  std::vector<DomNode> scratch_;        // Finish() scratch when the order changes
  ParseArena strings_;
};

// Splits a class (or other token list) value into its white-space separated names and calls
// `f(std::string_view name)` for each, in order. Names keep their case: the extractor's hint
// matching (AppendHintText) splits camelCase names at the case change, so lower-casing belongs
// after that, not in the Dom.
template <class F>
void ForEachToken(std::string_view value, F f) {
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t' || value[i] == '\n' ||
                                value[i] == '\f' || value[i] == '\r'))
      ++i;
    size_t start = i;
    while (i < value.size() && !(value[i] == ' ' || value[i] == '\t' || value[i] == '\n' ||
                                 value[i] == '\f' || value[i] == '\r'))
      ++i;
    if (i > start) f(value.substr(start, i - start));
  }
}

// Parses `html` with gumbo into `dom` (Reset() first, Finish()ed on return). gumbo's tree and the
// strings the Dom points to live in `arena`: keep it (and `html`) until dom->Reset(), then reset
// the arena. Defined in html_dom_gumbo.cc, the only place that knows gumbo's types.
void ParseWithGumbo(std::string_view html, ParseArena* arena, Dom* dom);

}  // namespace kilang::html_internal

#endif  // KILANG_SRC_EXTRACT_HTML_DOM_H_
