#include "html_dom.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "html_gumbo.h"

namespace kilang::html_internal {
namespace {

// The tree as text, for comparing shapes: "html(head,body(p('a'),x-card[class=c]))".
std::string Shape(const Dom& dom, NodeId n) {
  const DomNode& node = dom[n];
  std::string s;
  if (node.kind == NodeKind::kText) {
    s.append("'").append(node.str).append("'");
    return s;
  }
  s.append(node.str);
  for (const DomAttr& a : dom.attrs(n)) {
    s.append("[").append(AttrName(a.id)).append("=").append(a.value).append("]");
  }
  if (dom.FirstChild(n) == kNoNode) return s;
  s += "(";
  for (NodeId c = dom.FirstChild(n); c != kNoNode; c = dom.NextSibling(c)) {
    if (c != n + 1) s += ",";
    s += Shape(dom, c);
  }
  return s + ")";
}

// Checks the pre-order invariants every reader relies on.
void ExpectPreOrder(const Dom& dom) {
  ASSERT_FALSE(dom.empty());
  EXPECT_EQ(dom[0].parent, kNoNode);
  EXPECT_EQ(dom[0].end, dom.size());
  for (NodeId i = 1; i < dom.size(); ++i) {
    NodeId p = dom[i].parent;
    ASSERT_LT(p, i);
    EXPECT_GT(dom[i].end, i);
    EXPECT_LE(dom[i].end, dom[p].end);
    if (dom[i].kind == NodeKind::kText) {
      EXPECT_EQ(dom[i].end, i + 1);
    }
  }
}

TEST(HtmlDom, TagAndAttributeNamesRoundTrip) {
  for (int t = 0; t < kTagCount - 1; ++t) {
    Tag tag = static_cast<Tag>(t);
    EXPECT_EQ(TagFromName(TagName(tag)), tag) << TagName(tag);
  }
  EXPECT_EQ(TagFromName("x-card"), Tag::kUnknown);
  EXPECT_EQ(TagFromName(""), Tag::kUnknown);
  EXPECT_EQ(TagFromName("DIV"), Tag::kUnknown);  // names arrive lower-cased
  for (int a = 0; a < static_cast<int>(AttrId::kNone); ++a) {
    AttrId id = static_cast<AttrId>(a);
    EXPECT_EQ(AttrFromName(AttrName(id)), id) << AttrName(id);
  }
  EXPECT_EQ(AttrFromName("onclick"), AttrId::kNone);
}

TEST(HtmlDom, EveryGumboTagHasATag) {
  for (int t = 0; t < GUMBO_TAG_UNKNOWN; ++t) {
    Tag tag = TagFromGumbo(static_cast<GumboTag>(t));
    EXPECT_NE(tag, Tag::kUnknown) << gumbo_normalized_tagname(static_cast<GumboTag>(t));
    EXPECT_EQ(TagName(tag), gumbo_normalized_tagname(static_cast<GumboTag>(t)));
  }
  EXPECT_EQ(TagFromGumbo(GUMBO_TAG_UNKNOWN), Tag::kUnknown);
}

TEST(HtmlDom, StreamingBuildIsPreOrder) {
  Dom dom;
  NodeId html = dom.NewElement(Tag::kHtml);
  NodeId head = dom.NewElement(Tag::kHead);
  dom.AppendChild(html, head);
  NodeId body = dom.NewElement(Tag::kBody);
  dom.AppendChild(html, body);
  NodeId p = dom.NewElement(Tag::kP, {}, 7);
  dom.AddAttribute(p, AttrId::kClass, "lead");
  dom.AddAttribute(p, AttrId::kClass, "ignored");  // the first one wins
  dom.AddAttribute(p, AttrId::kNone, "ignored");
  dom.AppendChild(body, p);
  dom.AppendChild(p, dom.NewText("one "));
  dom.AppendChild(p, dom.NewText("two"));
  NodeId card = dom.NewElement(Tag::kUnknown, dom.CopyString("x-card"));
  dom.AppendChild(body, card);
  dom.Finish();
  ExpectPreOrder(dom);
  EXPECT_EQ(Shape(dom, 0), "html(head,body(p[class=lead]('one ','two'),x-card))");
  EXPECT_EQ(dom[p].source_offset, 7u);
  EXPECT_EQ(dom[card].source_offset, kNoOffset);
  EXPECT_EQ(dom.Attr(p, AttrId::kClass), "lead");
  EXPECT_TRUE(dom.HasAttr(p, AttrId::kClass));
  EXPECT_FALSE(dom.HasAttr(p, AttrId::kId));
  EXPECT_EQ(dom.Attr(p, AttrId::kId).data(), nullptr);
}

TEST(HtmlDom, OutOfOrderBuildIsRenumbered) {
  // What HTML5 tree construction does: foster parenting (text before a table), the adoption
  // agency (a node moved under another), a late <meta> put into <head>, a detached node.
  Dom dom;
  NodeId html = dom.NewElement(Tag::kHtml);
  NodeId head = dom.NewElement(Tag::kHead);
  dom.AppendChild(html, head);
  NodeId body = dom.NewElement(Tag::kBody);
  dom.AppendChild(html, body);
  NodeId table = dom.NewElement(Tag::kTable);
  dom.AppendChild(body, table);
  NodeId b = dom.NewElement(Tag::kB);
  dom.AppendChild(body, b);
  dom.AppendChild(b, dom.NewText("bold"));
  dom.InsertBefore(table, dom.NewText("stray"));
  NodeId i = dom.NewElement(Tag::kI);
  dom.AddAttribute(table, AttrId::kId, "t");  // attributes added late still belong to table
  dom.AddAttribute(i, AttrId::kClass, "em");
  dom.AddAttribute(table, AttrId::kClass, "grid");
  dom.AppendChild(body, i);
  dom.Detach(b);
  dom.AppendChild(i, b);
  NodeId meta = dom.NewElement(Tag::kMeta);
  dom.AddAttribute(meta, AttrId::kName, "author");
  dom.AppendChild(head, meta);
  NodeId lost = dom.NewElement(Tag::kDiv);
  dom.AppendChild(body, lost);
  dom.Detach(lost);
  dom.Finish();
  ExpectPreOrder(dom);
  EXPECT_EQ(dom.size(), 9u);  // the detached <div> is gone
  EXPECT_EQ(Shape(dom, 0),
            "html(head(meta[name=author]),body('stray',table[id=t][class=grid],"
            "i[class=em](b('bold'))))");
}

// Random builds against a plain reference tree: streaming appends (the in-order path), then
// any mix of appends, inserts and moves (linked building), with some nodes left detached.
TEST(HtmlDom, RandomBuildsMatchAReferenceTree) {
  struct Ref {
    std::string label;
    bool element;
    int parent = -1;
    std::vector<int> children;
  };
  uint64_t rng = 12345;
  auto next = [&](uint64_t n) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((rng >> 33) % n);
  };
  Dom dom;
  for (int round = 0; round < 300; ++round) {
    dom.Reset();
    std::vector<Ref> ref;
    auto add = [&](bool element) {
      std::string label = std::to_string(ref.size());
      NodeId id = element ? dom.NewElement(Tag::kDiv) : dom.NewText(dom.CopyString(label));
      if (element) dom.AddAttribute(id, AttrId::kId, dom.CopyString(label));
      EXPECT_EQ(id, ref.size());
      ref.push_back(Ref{label, element, -1, {}});
      return static_cast<int>(id);
    };
    auto in_subtree = [&](int node, int root) {
      for (int n = node; n >= 0; n = ref[n].parent) {
        if (n == root) return true;
      }
      return false;
    };
    auto attached = [&](int node) { return in_subtree(node, 0); };
    auto append = [&](int parent, int child) {
      dom.AppendChild(parent, child);
      ref[child].parent = parent;
      ref[parent].children.push_back(child);
    };
    add(true);
    // The open path of a streaming builder.
    std::vector<int> path{0};
    int streamed = next(40);
    for (int k = 0; k < streamed; ++k) {
      int depth = next(static_cast<uint64_t>(path.size()));
      path.resize(depth + 1);
      bool element = next(3) != 0;
      int id = add(element);
      append(path.back(), id);
      if (element) path.push_back(id);
    }
    int ops = round % 3 == 0 ? 0 : next(30);
    for (int k = 0; k < ops; ++k) {
      int kind = next(4);
      std::vector<int> elems;
      for (int i = 0; i < static_cast<int>(ref.size()); ++i) {
        if (ref[i].element && attached(i)) elems.push_back(i);
      }
      if (kind == 0) {  // append a new node anywhere
        int parent = elems[next(elems.size())];
        append(parent, add(next(2) == 0));
      } else if (kind == 1) {  // insert a new node before an attached one
        std::vector<int> refs;
        for (int i = 1; i < static_cast<int>(ref.size()); ++i) {
          if (attached(i)) refs.push_back(i);
        }
        if (refs.empty()) continue;
        int before = refs[next(refs.size())];
        int child = add(next(2) == 0);
        dom.InsertBefore(before, child);
        auto& sib = ref[ref[before].parent].children;
        sib.insert(std::find(sib.begin(), sib.end(), before), child);
        ref[child].parent = ref[before].parent;
      } else {  // move an attached node (with its subtree), or leave it detached
        if (ref.size() < 2) continue;
        int node = 1 + next(ref.size() - 1);
        if (!attached(node)) continue;
        dom.Detach(node);
        auto& sib = ref[ref[node].parent].children;
        sib.erase(std::find(sib.begin(), sib.end(), node));
        ref[node].parent = -1;
        if (kind == 3) continue;
        std::vector<int> targets;
        for (int e : elems) {
          if (!in_subtree(e, node)) targets.push_back(e);
        }
        append(targets[next(targets.size())], node);
      }
    }
    if (next(4) == 0) add(true);  // created, never placed
    dom.Finish();
    ExpectPreOrder(dom);
    std::function<std::string(int)> shape = [&](int n) {
      if (!ref[n].element) return "'" + ref[n].label + "'";
      std::string s = "div[id=" + ref[n].label + "]";
      if (ref[n].children.empty()) return s;
      s += "(";
      for (size_t i = 0; i < ref[n].children.size(); ++i) {
        if (i > 0) s += ",";
        s += shape(ref[n].children[i]);
      }
      return s + ")";
    };
    int reachable = 0;
    for (int i = 0; i < static_cast<int>(ref.size()); ++i) reachable += attached(i) ? 1 : 0;
    ASSERT_EQ(Shape(dom, 0), shape(0)) << "round " << round;
    EXPECT_EQ(dom.size(), static_cast<NodeId>(reachable));
  }
}

TEST(HtmlDom, ResetEmptiesForReuse) {
  Dom dom;
  for (int round = 0; round < 3; ++round) {
    dom.Reset();
    NodeId html = dom.NewElement(Tag::kHtml);
    NodeId body = dom.NewElement(Tag::kBody);
    dom.AppendChild(html, body);
    dom.AppendChild(body, dom.NewText(dom.CopyString("page " + std::to_string(round))));
    dom.Finish();
    EXPECT_EQ(Shape(dom, 0), "html(body('page " + std::to_string(round) + "'))");
  }
}

TEST(HtmlDom, FromGumbo) {
  ParseArena arena;
  Dom dom;
  std::string html =
      "<!doctype html><title>T &amp; U</title><p class='Lead x' onclick=f() ID=a>one<!-- c -->"
      "two<Custom-Card Hidden>three</Custom-Card><table><td>cell</table>"
      "<script type=application/ld+json>{\"a\":1}</script>";
  ParseWithGumbo(html, &arena, &dom);
  ExpectPreOrder(dom);
  EXPECT_EQ(Shape(dom, 0),
            "html(head(title('T & U')),body(p[class=Lead x][id=a]('one','two',"
            "custom-card[hidden=]('three')),table(tbody(tr(td('cell')))),"
            "script[type=application/ld+json]('{\"a\":1}')))");
  // Source offsets of start tags; none for the implied elements.
  for (NodeId n = 0; n < dom.size(); ++n) {
    if (!dom.IsElement(n)) continue;
    std::string_view name = dom[n].str;
    if (name == "html" || name == "head" || name == "body" || name == "tbody" || name == "tr") {
      EXPECT_EQ(dom[n].source_offset, kNoOffset) << name;
    } else {
      ASSERT_NE(dom[n].source_offset, kNoOffset) << name;
      EXPECT_EQ(html[dom[n].source_offset], '<') << name;
    }
    if (name == "custom-card") {
      EXPECT_EQ(dom.tag(n), Tag::kUnknown);
    }
    if (name == "td") {
      EXPECT_EQ(dom.tag(n), Tag::kTd);
    }
  }
  dom.Reset();
  arena.Reset();
  ParseWithGumbo("", &arena, &dom);
  EXPECT_EQ(Shape(dom, 0), "html(head,body)");
}

TEST(HtmlDom, ForEachTokenSplitsAtWhiteSpace) {
  std::vector<std::string> got;
  ForEachToken(" a\tBb\n\nc-d  ", [&](std::string_view t) { got.emplace_back(t); });
  EXPECT_EQ(got, (std::vector<std::string>{"a", "Bb", "c-d"}));
  got.clear();
  ForEachToken("", [&](std::string_view t) { got.emplace_back(t); });
  EXPECT_TRUE(got.empty());
}

}  // namespace
}  // namespace kilang::html_internal
