// The gumbo side of the HTML parser interface (internal): only html_dom_gumbo.cc, tests and
// benchmarks include this; the extractor reads the Dom (html_dom.h) and never sees gumbo's types.
#ifndef KILANG_SRC_EXTRACT_HTML_GUMBO_H_
#define KILANG_SRC_EXTRACT_HTML_GUMBO_H_

#include <gumbo.h>

#include <string_view>

#include "html_arena.h"
#include "html_dom.h"

namespace kilang::html_internal {

// Parses `html` with gumbo (errors not recorded) into `arena`. The output and its tree live
// until the arena is reset or destroyed; never pass it to gumbo_destroy_output.
GumboOutput* ParseInto(std::string_view html, ParseArena* arena);

// Fills `dom` (Reset() first, Finish()ed on return) from the gumbo tree under `root` (the <html>
// element), parsed from `markup`. Element, template, text, white-space and CDATA nodes become
// Dom nodes; comments do not. Text and attribute values point into gumbo's strings (read as C
// strings, as gumbo hands them out), so the tree's memory must outlive the Dom's contents.
void GumboToDom(const GumboNode* root, std::string_view markup, Dom* dom);

// The Tag for a gumbo tag id (Tag::kUnknown for GUMBO_TAG_UNKNOWN: the name is then in the
// element's original text).
Tag TagFromGumbo(GumboTag tag);

}  // namespace kilang::html_internal

#endif  // KILANG_SRC_EXTRACT_HTML_GUMBO_H_
