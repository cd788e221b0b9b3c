#include "kilang/util/text.h"

#include <gtest/gtest.h>
#include <utf8proc.h>

namespace kilang {
namespace {

// IsSpace answers most code points without a property lookup; over every code point it must
// equal its definition: ASCII white space, the zero-width ones, U+0085, and Zs, Zl, Zp.
TEST(Text, IsSpaceIsTheSeparatorCategoriesForEveryCodePoint) {
  for (uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    const bool want = cp == ' ' || (cp >= 0x09 && cp <= 0x0D) ||
                      (cp >= 0x80 && (cp == 0x200B || cp == 0xFEFF || cp == 0x200C ||
                                      cp == 0x200D || cp == 0x2060 || cp == 0x85 ||
                                      cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
                                      cat == UTF8PROC_CATEGORY_ZP));
    ASSERT_EQ(IsSpace(cp), want) << std::hex << cp;
  }
}

}  // namespace
}  // namespace kilang
