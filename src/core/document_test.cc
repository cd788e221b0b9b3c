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

namespace kilang {
namespace {

TEST(Document, RemovedMetaLineHoldsIdUrlSourceStageReasonAndLength) {
  Document d;
  d.id = "x1";
  d.text = "t\u00e9ks";  // 5 bytes
  d.metadata.url = "http://a/";
  d.metadata.title = "not in the short form";
  d.metadata.source = "f.warc.gz#12";
  d.metadata.extra = {{"warc_date", "2024"}, {"stage", "langid"}, {"reason", "lang_low_score"}};
  d.metadata.json_fields = {{"k", "1"}};
  EXPECT_EQ(ToRemovedMetaLine(d),
            "{\"id\":\"x1\",\"metadata\":{\"url\":\"http://a/\",\"source\":\"f.warc.gz#12\","
            "\"stage\":\"langid\",\"reason\":\"lang_low_score\",\"length\":5}}");
}

TEST(Document, JsonFieldsAreWrittenAsJsonAfterTheOthers) {
  Document d;
  d.id = "a";
  d.metadata.extra = {{"stage", "s"}};
  d.metadata.json_fields = {{"n", "1.5"}, {"o", "{\"a\":[1]}"}};
  EXPECT_EQ(
      ToJsonLine(d),
      "{\"id\":\"a\",\"text\":\"\",\"metadata\":{\"stage\":\"s\",\"n\":1.5,\"o\":{\"a\":[1]}}}");
}

}  // namespace
}  // namespace kilang
