// The gumbo adapter: gumbo's output as a Dom (see html_dom.h, html_gumbo.h). The only file of
// the extractor that knows gumbo's types.
#include <array>
#include <cstring>
#include <vector>

#include "html_gumbo.h"

namespace kilang::html_internal {

namespace {

void* GumboAllocate(void* arena, size_t n) { return static_cast<ParseArena*>(arena)->Allocate(n); }
void GumboFree(void*, void*) {}  // everything goes at once with the arena

struct GumboTagTable {
  std::array<Tag, GUMBO_TAG_LAST + 1> tags;
  GumboTagTable() {
    tags.fill(Tag::kUnknown);
    for (int t = 0; t < GUMBO_TAG_UNKNOWN; ++t) {
      tags[t] = TagFromName(gumbo_normalized_tagname(static_cast<GumboTag>(t)));
    }
  }
};

const GumboTagTable& GumboTags() {
  static const GumboTagTable table;
  return table;
}

// The lower-cased name of an element gumbo does not know, from its start tag in the source; ""
// for an element without one.
std::string_view UnknownTagName(const GumboElement& e, Dom* dom) {
  GumboStringPiece piece = e.original_tag;
  if (piece.data == nullptr || piece.length == 0) return {};
  gumbo_tag_from_original_text(&piece);
  char* p = dom->AllocateChars(piece.length);
  for (size_t i = 0; i < piece.length; ++i) {
    char c = piece.data[i];
    p[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
  }
  return {p, piece.length};
}

}  // namespace

GumboOutput* ParseInto(std::string_view html, ParseArena* arena) {
  GumboOptions opts = kGumboDefaultOptions;
  opts.max_errors = 0;  // errors are not used: do not record them
  opts.allocator = GumboAllocate;
  opts.deallocator = GumboFree;
  opts.userdata = arena;
  return gumbo_parse_with_options(&opts, html.data(), html.size());
}

Tag TagFromGumbo(GumboTag tag) {
  return GumboTags().tags[tag <= GUMBO_TAG_LAST ? tag : GUMBO_TAG_UNKNOWN];
}

void GumboToDom(const GumboNode* root, std::string_view markup, Dom* dom) {
  dom->Reset();
  if (root == nullptr || (root->type != GUMBO_NODE_ELEMENT && root->type != GUMBO_NODE_TEMPLATE)) {
    dom->Finish();
    return;
  }
  const GumboTagTable& tags = GumboTags();
  auto new_element = [&](const GumboNode* n) {
    const GumboElement& e = n->v.element;
    Tag tag = tags.tags[e.tag <= GUMBO_TAG_LAST ? e.tag : GUMBO_TAG_UNKNOWN];
    std::string_view name;
    if (tag == Tag::kUnknown) {
      name = UnknownTagName(e, dom);
      tag = TagFromName(name);  // a name gumbo 0.10 does not know but the Dom does ("picture")
    }
    uint32_t offset = kNoOffset;
    const char* src = e.original_tag.data;
    if (src != nullptr && src >= markup.data() && src < markup.data() + markup.size()) {
      offset = static_cast<uint32_t>(src - markup.data());
    }
    NodeId id = dom->NewElement(tag, name, offset);
    for (unsigned i = 0; i < e.attributes.length; ++i) {
      const auto* a = static_cast<const GumboAttribute*>(e.attributes.data[i]);
      AttrId attr = AttrFromName(a->name);  // the tokenizer lower-cases attribute names
      if (attr != AttrId::kNone) dom->AddAttribute(id, attr, a->value);
    }
    return id;
  };
  struct Frame {
    const GumboNode* node;
    NodeId id;
    unsigned next;
  };
  std::vector<Frame> stack;
  stack.push_back({root, new_element(root), 0});
  while (!stack.empty()) {
    Frame& f = stack.back();
    const GumboVector& ch = f.node->v.element.children;
    if (f.next >= ch.length) {
      stack.pop_back();
      continue;
    }
    const GumboNode* c = static_cast<const GumboNode*>(ch.data[f.next++]);
    NodeId parent = f.id;
    switch (c->type) {
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE: {
        NodeId id = new_element(c);
        dom->AppendChild(parent, id);
        stack.push_back({c, id, 0});  // invalidates f
        break;
      }
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA:
        // gumbo's text is a C string: a NUL, if any, ends it.
        dom->AppendChild(parent, dom->NewText(c->v.text.text));
        break;
      default:  // comments
        break;
    }
  }
  dom->Finish();
}

void ParseWithGumbo(std::string_view html, ParseArena* arena, Dom* dom) {
  GumboOutput* out = ParseInto(html, arena);
  GumboToDom(out->root, html, dom);
}

}  // namespace kilang::html_internal
