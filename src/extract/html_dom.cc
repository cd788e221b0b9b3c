// Dom: the tree between the HTML parser and the extractor (see html_dom.h).
#include "html_dom.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace kilang::html_internal {

namespace {

constexpr int kAttrCount = static_cast<int>(AttrId::kNone) + 1;
constexpr std::string_view kAttrNames[kAttrCount] = {
#define KILANG_HTML_ATTR_NAME(e, name) name,
    KILANG_HTML_ATTRS(KILANG_HTML_ATTR_NAME)
#undef KILANG_HTML_ATTR_NAME
        "",
};

// Tag ids by name length, for TagFromName.
constexpr size_t kMaxTagName = 16;
struct TagIndex {
  std::array<std::vector<Tag>, kMaxTagName + 1> by_size;
  TagIndex() {
    for (int t = 0; t < kTagCount - 1; ++t) {
      by_size[kTagNames[t].size()].push_back(static_cast<Tag>(t));
    }
  }
};

// Vectors that grew past these (2.5 MB of nodes; a prepared aeb page has a few thousand) held a
// page far larger than usual: Reset() gives them back rather than keep them per thread.
constexpr size_t kMaxKeptNodes = 1 << 16;
constexpr size_t kMaxKeptAttrs = 1 << 16;

template <class T>
void ClearKeepingSome(std::vector<T>* v, size_t max_kept) {
  if (v->capacity() > max_kept) {
    std::vector<T>().swap(*v);
  } else {
    v->clear();
  }
}

}  // namespace

Tag TagFromName(std::string_view lower) {
  static const TagIndex index;
  if (lower.size() > kMaxTagName) return Tag::kUnknown;
  for (Tag t : index.by_size[lower.size()]) {
    if (kTagNames[static_cast<int>(t)] == lower) return t;
  }
  return Tag::kUnknown;
}

std::string_view AttrName(AttrId id) { return kAttrNames[static_cast<int>(id)]; }

AttrId AttrFromName(std::string_view n) {
  switch (n.size()) {
    case 2:
      return n == "id" ? AttrId::kId : AttrId::kNone;
    case 3:
      return n == "rel" ? AttrId::kRel : AttrId::kNone;
    case 4:
      if (n == "role") return AttrId::kRole;
      if (n == "href") return AttrId::kHref;
      if (n == "type") return AttrId::kType;
      if (n == "name") return AttrId::kName;
      return AttrId::kNone;
    case 5:
      if (n == "class") return AttrId::kClass;
      if (n == "style") return AttrId::kStyle;
      return AttrId::kNone;
    case 6:
      return n == "hidden" ? AttrId::kHidden : AttrId::kNone;
    case 7:
      if (n == "content") return AttrId::kContent;
      if (n == "pubdate") return AttrId::kPubdate;
      return AttrId::kNone;
    case 8:
      if (n == "itemprop") return AttrId::kItemprop;
      if (n == "property") return AttrId::kProperty;
      if (n == "datetime") return AttrId::kDatetime;
      return AttrId::kNone;
    case 10:
      return n == "aria-label" ? AttrId::kAriaLabel : AttrId::kNone;
    case 11:
      if (n == "aria-hidden") return AttrId::kAriaHidden;
      if (n == "data-testid") return AttrId::kDataTestid;
      return AttrId::kNone;
    case 14:
      return n == "data-component" ? AttrId::kDataComponent : AttrId::kNone;
    default:
      return AttrId::kNone;
  }
}

void Dom::Reset() {
  ClearKeepingSome(&nodes_, kMaxKeptNodes);
  ClearKeepingSome(&links_, kMaxKeptNodes);
  ClearKeepingSome(&order_, kMaxKeptNodes);
  ClearKeepingSome(&new_id_, kMaxKeptNodes);
  ClearKeepingSome(&scratch_, kMaxKeptNodes);
  ClearKeepingSome(&attrs_, kMaxKeptAttrs);
  strings_.Reset();
  in_order_ = true;
  tail_ = kNoNode;
}

void Dom::AddAttributeSlow(NodeId element, AttrId a, std::string_view value) {
  DomNode& n = nodes_[element];
  if (a == AttrId::kNone || n.attr_count == std::numeric_limits<uint8_t>::max()) return;
  for (uint32_t i = n.attr_begin; i < n.attr_begin + n.attr_count; ++i) {
    if (attrs_[i].id == a) return;  // the first one wins
  }
  if (n.attr_count > 0 && n.attr_begin + n.attr_count != attrs_.size()) {
    // Another element got attributes since: move this one's to the end (rare: HTML5 merges the
    // attributes of a second <html> or <body> start tag into the first).
    uint32_t begin = static_cast<uint32_t>(attrs_.size());
    for (uint32_t i = 0; i < n.attr_count; ++i) attrs_.push_back(attrs_[n.attr_begin + i]);
    n.attr_begin = begin;
  } else if (n.attr_count == 0) {
    n.attr_begin = static_cast<uint32_t>(attrs_.size());
  }
  attrs_.push_back(DomAttr{a, value});
  ++n.attr_count;
}

void Dom::AppendChildSlow(NodeId parent, NodeId child) {
  if (in_order_ && child == tail_ + 1 && parent <= tail_) {
    // In pre-order iff `parent` is on the path from tail_ up to the root; the nodes passed on
    // the way up are complete: their subtrees end where `child` starts.
    NodeId n = tail_;
    while (n != parent && n > parent) {
      nodes_[n].end = child;
      n = nodes_[n].parent;
    }
    if (n == parent) {
      nodes_[child].parent = parent;
      tail_ = child;
      return;
    }
  }
  StartLinking();
  LinkedAppendChild(parent, child);
}

void Dom::StartLinking() {
  if (!in_order_) return;
  in_order_ = false;
  // Placed nodes are in pre-order, so appending each to its parent in id order gives the
  // children in order. Nodes created but not placed are detached (parent kNoNode).
  links_.assign(nodes_.size(), Links{});
  for (NodeId i = 1; i < nodes_.size(); ++i) {
    NodeId p = nodes_[i].parent;
    if (p == kNoNode) continue;
    Links& pl = links_[p];
    links_[i].prev_sibling = pl.last_child;
    if (pl.last_child != kNoNode) {
      links_[pl.last_child].next_sibling = i;
    } else {
      pl.first_child = i;
    }
    pl.last_child = i;
  }
}

void Dom::LinkedAppendChild(NodeId parent, NodeId child) {
  Links& p = links_[parent];
  Links& c = links_[child];
  nodes_[child].parent = parent;
  c.prev_sibling = p.last_child;
  c.next_sibling = kNoNode;
  if (p.last_child != kNoNode) {
    links_[p.last_child].next_sibling = child;
  } else {
    p.first_child = child;
  }
  p.last_child = child;
}

void Dom::InsertBefore(NodeId ref, NodeId child) {
  StartLinking();
  NodeId parent = nodes_[ref].parent;
  Links& r = links_[ref];
  Links& c = links_[child];
  nodes_[child].parent = parent;
  c.next_sibling = ref;
  c.prev_sibling = r.prev_sibling;
  if (r.prev_sibling != kNoNode) {
    links_[r.prev_sibling].next_sibling = child;
  } else {
    links_[parent].first_child = child;
  }
  r.prev_sibling = child;
}

void Dom::Detach(NodeId node) {
  NodeId parent = nodes_[node].parent;
  if (parent == kNoNode) return;
  StartLinking();
  Links& n = links_[node];
  if (n.prev_sibling != kNoNode) {
    links_[n.prev_sibling].next_sibling = n.next_sibling;
  } else {
    links_[parent].first_child = n.next_sibling;
  }
  if (n.next_sibling != kNoNode) {
    links_[n.next_sibling].prev_sibling = n.prev_sibling;
  } else {
    links_[parent].last_child = n.prev_sibling;
  }
  n.prev_sibling = n.next_sibling = kNoNode;
  nodes_[node].parent = kNoNode;
}

void Dom::Finish() {
  if (nodes_.empty()) return;
  if (in_order_) {
    // Close the open path; nodes created after tail_ were never placed.
    nodes_.resize(tail_ + 1);
    for (NodeId n = tail_; n != kNoNode; n = nodes_[n].parent) nodes_[n].end = tail_ + 1;
    return;
  }
  // Walk the links in pre-order from the root (node 0), without a stack: up through `parent`.
  order_.clear();
  NodeId n = 0;
  for (;;) {
    order_.push_back(n);
    if (links_[n].first_child != kNoNode) {
      n = links_[n].first_child;
      continue;
    }
    while (n != 0 && links_[n].next_sibling == kNoNode) n = nodes_[n].parent;
    if (n == 0) break;
    n = links_[n].next_sibling;
  }
  // Renumber: the node at pre-order position k is old node order_[k].
  new_id_.assign(nodes_.size(), kNoNode);
  for (size_t k = 0; k < order_.size(); ++k) new_id_[order_[k]] = static_cast<NodeId>(k);
  scratch_.resize(order_.size());
  for (size_t k = 0; k < order_.size(); ++k) {
    scratch_[k] = nodes_[order_[k]];
    scratch_[k].parent = k > 0 ? new_id_[scratch_[k].parent] : kNoNode;
  }
  nodes_.swap(scratch_);
  // Subtree ends: children have larger ids than their parents.
  for (size_t i = 0; i < nodes_.size(); ++i) nodes_[i].end = static_cast<NodeId>(i + 1);
  for (size_t i = nodes_.size(); i-- > 1;) {
    DomNode& p = nodes_[nodes_[i].parent];
    p.end = std::max(p.end, nodes_[i].end);
  }
  links_.clear();
  in_order_ = true;  // nothing more to link; Reset() starts over
}

std::string_view Dom::CopyString(std::string_view s) {
  if (s.empty()) return std::string_view("", 0);
  char* p = AllocateChars(s.size());
  std::memcpy(p, s.data(), s.size());
  return {p, s.size()};
}

char* Dom::AllocateChars(size_t n) { return static_cast<char*>(strings_.Allocate(n)); }

}  // namespace kilang::html_internal
