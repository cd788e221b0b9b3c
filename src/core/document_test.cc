#include "kilang/core/document.h"

#include <gtest/gtest.h>

namespace kilang {
namespace {

TEST(Document, JsonLineEscapesAndOmitsAbsentKeys) {
  Document d;
  d.id = "p1";
  d.text = "a \"quote\"\nline\ttab\x01";
  d.metadata.title = "T";
  d.metadata.lang = "id";
  EXPECT_EQ(ToJsonLine(d),
            "{\"id\":\"p1\",\"text\":\"a \\\"quote\\\"\\nline\\ttab\\u0001\","
            "\"metadata\":{\"title\":\"T\",\"lang\":\"id\"}}");
}

TEST(Document, LangScoreIsWrittenOnlyWhenSet) {
  Document d;
  d.id = "x";
  EXPECT_EQ(ToJsonLine(d), "{\"id\":\"x\",\"text\":\"\",\"metadata\":{}}");
  d.metadata.lang_score = 0.98;
  EXPECT_EQ(ToJsonLine(d), "{\"id\":\"x\",\"text\":\"\",\"metadata\":{\"lang_score\":0.98}}");
}

}  // namespace
}  // namespace kilang
