#include "html_arena.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "html_gumbo.h"

namespace kilang::html_internal {
namespace {

TEST(ParseArena, AlignedDistinctAndReusedAfterReset) {
  ParseArena arena;
  char* a = static_cast<char*>(arena.Allocate(1));
  char* b = static_cast<char*>(arena.Allocate(0));
  char* c = static_cast<char*>(arena.Allocate(24));
  for (char* p : {a, b, c}) EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u);
  EXPECT_NE(a, b);
  EXPECT_GE(c - b, 16);
  std::memset(c, 'x', 24);
  EXPECT_EQ(arena.reserved(), 64u << 10);
  arena.Reset();
  EXPECT_EQ(arena.Allocate(8), a);  // the first block is kept and reused
}

TEST(ParseArena, LargeRequestsGetTheirOwnBlocks) {
  ParseArena arena;
  char* small = static_cast<char*>(arena.Allocate(100));
  char* big = static_cast<char*>(arena.Allocate(10u << 20));
  std::memset(big, 1, 10u << 20);
  // The block being filled is still the first one.
  char* next = static_cast<char*>(arena.Allocate(100));
  EXPECT_EQ(next, small + 112);
  EXPECT_EQ(arena.reserved(), (64u << 10) + (10u << 20));
  // Many small requests chain blocks of growing size.
  for (int i = 0; i < 200000; ++i) std::memset(arena.Allocate(100), 2, 100);
  EXPECT_GT(arena.reserved(), 200000u * 112);
  arena.Reset();
  EXPECT_EQ(arena.reserved(), 64u << 10);
}

TEST(ParseArena, GumboTreeLivesInTheArena) {
  ParseArena arena;
  std::string html = "<html><head><title>T</title></head><body>";
  for (int i = 0; i < 20000; ++i) html += "<div class='c'><p>text <b>bold</b></p></div>";
  html += "</body></html>";
  GumboOutput* out = ParseInto(html, &arena);
  ASSERT_NE(out, nullptr);
  ASSERT_EQ(out->root->type, GUMBO_NODE_ELEMENT);
  const GumboVector& top = out->root->v.element.children;
  ASSERT_EQ(top.length, 2u);
  const GumboNode* body = static_cast<const GumboNode*>(top.data[1]);
  EXPECT_EQ(body->v.element.children.length, 20000u);
  EXPECT_GT(arena.reserved(), html.size());
  arena.Reset();
  // A second parse into the same arena.
  out = ParseInto("<p>again</p>", &arena);
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->root->v.element.tag, GUMBO_TAG_HTML);
}

}  // namespace
}  // namespace kilang::html_internal
