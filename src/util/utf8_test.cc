#include "kilang/util/utf8.h"

#include <gtest/gtest.h>

namespace kilang {
namespace {

TEST(Utf8, ValidTextIsCopiedUnchanged) {
  std::string out;
  EXPECT_EQ(RepairUtf8("Korea Utara — ßüñ 日本語 😀", &out), 0u);
  EXPECT_EQ(out, "Korea Utara — ßüñ 日本語 😀");
}

TEST(Utf8, InvalidSequencesBecomeReplacementCharactersAndAreCounted) {
  std::string out;
  // A lone continuation byte, a truncated 3-byte sequence, an overlong '/', a surrogate.
  EXPECT_EQ(RepairUtf8("a\x80" "b\xE2\x82" "c\xC0\xAF" "d\xED\xA0\x80" "e", &out), 7u);
  EXPECT_EQ(out, "a\uFFFDb\uFFFDc\uFFFD\uFFFDd\uFFFD\uFFFD\uFFFDe");
  EXPECT_TRUE(IsValidUtf8(out));
}

TEST(Utf8, Utf16WithBomIsConverted) {
  std::string le("\xFF\xFEH\0i\0 \0=\xD8\0\xDE", 12);  // "Hi " + U+1F600
  std::string out;
  DecodeInfo info;
  ASSERT_TRUE(DecodeText(le, &out, &info).ok());
  EXPECT_EQ(info.encoding, "utf-16le");
  EXPECT_EQ(out, "Hi \xF0\x9F\x98\x80");
  std::string be("\xFE\xFF\0H\0i", 6);
  ASSERT_TRUE(DecodeText(be, &out, &info).ok());
  EXPECT_EQ(out, "Hi");
}

TEST(Utf8, Utf8BomIsDropped) {
  std::string out;
  DecodeInfo info;
  ASSERT_TRUE(DecodeText("\xEF\xBB\xBFhello", &out, &info).ok());
  EXPECT_EQ(out, "hello");
  EXPECT_EQ(info.encoding, "utf-8-bom");
}

TEST(Utf8, BinaryPayloadsAreRejected) {
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  std::string out;
  Status s = DecodeText(png, &out, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  std::string junk(1000, '\x01');
  EXPECT_TRUE(LooksBinary(junk));
  EXPECT_FALSE(LooksBinary("plain text\nwith lines\r\n"));
}

TEST(Utf8, NextCodePointDecodesAndSkipsInvalidBytes) {
  std::string_view s = "\xC3\xA9\xFFx";
  size_t pos = 0;
  EXPECT_EQ(NextCodePoint(s, &pos), 0xE9u);
  EXPECT_EQ(NextCodePoint(s, &pos), 0xFFFDu);
  EXPECT_EQ(NextCodePoint(s, &pos), uint32_t('x'));
  EXPECT_EQ(pos, s.size());
}

}  // namespace
}  // namespace kilang
