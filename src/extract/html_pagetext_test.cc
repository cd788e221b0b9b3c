#include "html_pagetext.h"

#include <gtest/gtest.h>

#include <string>

#include "html_dom.h"
#include "html_internal.h"

namespace kilang::html_internal {
namespace {

std::string Render(std::string_view html) {
  ParseArena arena;
  Dom dom;
  ParseWithGumbo(html, &arena, &dom);
  std::string out;
  RenderPageText(dom, &out);
  dom.Reset();
  arena.Reset();
  return out;
}

// Spaces collapse; a newline in the source stays a line break, as in the benchmarks' renderer
// (../shared/tools/html2pagetext.py), whose output the page-text model was trained on.
TEST(RenderPageText, BlocksGetLinesAndParagraphsABlankLine) {
  EXPECT_EQ(Render("<html><body><div>Menu <a href=x>Home</a></div><div>News</div>"
                   "<p>First  paragraph,\n  next line.</p><p>Second.</p><ul><li>a</li><li>b</li>"
                   "</ul></body></html>"),
            "Menu Home\nNews\n\nFirst paragraph,\nnext line.\n\nSecond.\n\na\nb\n");
}

TEST(RenderPageText, ScriptsStylesAndHiddenPartsAreNotText) {
  EXPECT_EQ(Render("<body><script>var x;</script><style>p{}</style><p>Shown</p>"
                   "<div hidden>gone</div><div style=\"display: none\">gone too</div>"
                   "<p>Also shown</p></body>"),
            "Shown\n\nAlso shown\n");
}

TEST(RenderPageText, LineBreaksAndTableCellsAreKept) {
  EXPECT_EQ(Render("<body><p>one<br>two</p><table><tr><td>a</td><td>b</td></tr></table></body>"),
            "one\ntwo\n\na b\n");
}

TEST(RenderPageText, EmptyPageGivesNothing) { EXPECT_EQ(Render(""), ""); }

}  // namespace
}  // namespace kilang::html_internal
