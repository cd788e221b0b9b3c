#include "kilang/util/encoding.h"

#include <gtest/gtest.h>
#include <unicode/ucnv.h>

#include <string>

namespace kilang {
namespace {

// Encodes UTF-8 `text` into `encoding` (an ICU converter name) — to build long legacy pages.
std::string Encode(const std::string& text, const char* encoding) {
  UErrorCode err = U_ZERO_ERROR;
  std::string out(text.size() * 4 + 16, '\0');
  int32_t n = ucnv_convert(encoding, "UTF-8", out.data(), static_cast<int32_t>(out.size()),
                           text.data(), static_cast<int32_t>(text.size()), &err);
  EXPECT_TRUE(U_SUCCESS(err)) << u_errorName(err);
  out.resize(n);
  return out;
}

std::string Page(std::string_view head, std::string_view body) {
  return "<!DOCTYPE html><html><head>" + std::string(head) + "<title>t</title></head><body><p>" +
         std::string(body) + "</p></body></html>";
}

struct Sample {
  const char* encoding;  // canonical name
  const char* bytes;     // the text in that encoding
  const char* utf8;      // the same text in UTF-8
};

// Real byte strings, one per supported legacy encoding family.
const Sample kSamples[] = {
    {"windows-1252",
     "Caf\xE9 \x93na\xEFve\x94 fa\xE7"
     "ade \x97 5 \x80",
     "Café “naïve” façade — 5 €"},
    {"iso-8859-2", "Za\xBF\xF3\xB3\xE6 g\xEA\xB6l\xB1 ja\xBC\xF1", "Zażółć gęślą jaźń"},
    {"iso-8859-7", "\xCA\xE1\xEB\xE7\xEC\xDD\xF1\xE1 \xEA\xFC\xF3\xEC\xE5", "Καλημέρα κόσμε"},
    {"iso-8859-5", "\xBF\xE0\xD8\xD2\xD5\xE2 \xDC\xD8\xE0", "Привет мир"},
    {"windows-1251", "\xCF\xF0\xE8\xE2\xE5\xF2, \xEC\xE8\xF0! \xCD\xEE\xE2\xEE\xF1\xF2\xE8",
     "Привет, мир! Новости"},
    {"koi8-r", "\xF0\xD2\xC9\xD7\xC5\xD4, \xCD\xC9\xD2! \xEE\xCF\xD7\xCF\xD3\xD4\xC9",
     "Привет, мир! Новости"},
    {"gb18030", "\xD6\xD0\xCE\xC4\xCD\xF8\xD2\xB3\xD0\xC2\xCE\xC5", "中文网页新闻"},
    {"big5",
     "\xC1"
     "c\xC5\xE9\xA4\xA4\xA4\xE5\xB7s\xBB"
     "D",
     "繁體中文新聞"},
    {"shift_jis",
     "\x93\xFA\x96{\x8C\xEA\x82\xCC\x83"
     "e\x83L\x83X\x83g",
     "日本語のテキスト"},
    {"euc-jp", "\xC6\xFC\xCB\xDC\xB8\xEC\xA4\xCE\xA5\xC6\xA5\xAD\xA5\xB9\xA5\xC8",
     "日本語のテキスト"},
    {"euc-kr", "\xC7\xD1\xB1\xB9\xBE\xEE \xC5\xD8\xBD\xBA\xC6\xAE \xB4\xBA\xBD\xBA",
     "한국어 텍스트 뉴스"},
    {"windows-874", "\xC0\xD2\xC9\xD2\xE4\xB7\xC2 \xA2\xE8\xD2\xC7", "ภาษาไทย ข่าว"},
    {"iso-2022-jp",
     "\x1B$BF|K\x5C"
     "8l\x1B(B",
     "日本語"},
};

TEST(Encoding, LabelsMapLikeTheWhatwgTable) {
  EXPECT_EQ(CanonicalEncodingName("latin1"), "windows-1252");
  EXPECT_EQ(CanonicalEncodingName("ISO-8859-1"), "windows-1252");
  EXPECT_EQ(CanonicalEncodingName("ascii"), "windows-1252");
  EXPECT_EQ(CanonicalEncodingName("US-ASCII"), "windows-1252");
  EXPECT_EQ(CanonicalEncodingName(" \"UTF8\" "), "utf-8");
  EXPECT_EQ(CanonicalEncodingName("gb2312"), "gb18030");
  EXPECT_EQ(CanonicalEncodingName("GBK"), "gb18030");
  EXPECT_EQ(CanonicalEncodingName("x-sjis"), "shift_jis");
  EXPECT_EQ(CanonicalEncodingName("Shift_JIS"), "shift_jis");
  EXPECT_EQ(CanonicalEncodingName("tis-620"), "windows-874");
  EXPECT_EQ(CanonicalEncodingName("iso-8859-9"), "windows-1254");
  EXPECT_EQ(CanonicalEncodingName("ks_c_5601-1987"), "euc-kr");
  EXPECT_EQ(CanonicalEncodingName("big5-hkscs"), "big5");
  EXPECT_EQ(CanonicalEncodingName("koi8"), "koi8-r");
  EXPECT_EQ(CanonicalEncodingName("utf-16"), "utf-16le");
  EXPECT_EQ(CanonicalEncodingName("no-such-charset"), "");
  EXPECT_EQ(CanonicalEncodingName("iso-2022-kr"), "");  // WHATWG "replacement": not decoded
  EXPECT_EQ(CanonicalEncodingName(""), "");
  EXPECT_EQ(CanonicalEncodingName(std::string(1000, 'a')), "");
}

TEST(Encoding, EveryCanonicalEncodingConverts) {
  for (const Sample& s : kSamples) {
    std::string out;
    size_t invalid = 99;
    ASSERT_TRUE(ConvertToUtf8(s.bytes, s.encoding, &out, &invalid).ok()) << s.encoding;
    EXPECT_EQ(out, s.utf8) << s.encoding;
    EXPECT_EQ(invalid, 0u) << s.encoding;
  }
}

TEST(Encoding, MetaCharsetIsUsedForEachLegacyEncoding) {
  for (const Sample& s : kSamples) {
    std::string page = Page(std::string("<meta charset=\"") + s.encoding + "\">", s.bytes);
    std::string out;
    DecodeInfo info;
    ASSERT_TRUE(DecodeHtmlBytes(page, "", &out, &info).ok()) << s.encoding;
    EXPECT_NE(out.find(s.utf8), std::string::npos) << s.encoding << ": " << out;
    EXPECT_EQ(info.encoding, s.encoding);
    EXPECT_EQ(info.source, "meta");
    EXPECT_FALSE(info.declared_was_wrong);
    EXPECT_EQ(info.invalid_sequences, 0u);
  }
}

TEST(Encoding, TransportCharsetIsUsedForEachLegacyEncoding) {
  for (const Sample& s : kSamples) {
    std::string page = Page("", s.bytes);
    std::string out;
    DecodeInfo info;
    ASSERT_TRUE(DecodeHtmlBytes(page, s.encoding, &out, &info).ok()) << s.encoding;
    EXPECT_NE(out.find(s.utf8), std::string::npos) << s.encoding << ": " << out;
    EXPECT_EQ(info.encoding, s.encoding);
    EXPECT_EQ(info.source, "transport");
  }
}

TEST(Encoding, LegacyLabelsAreAcceptedInMeta) {
  // Labels, not canonical names, as pages write them.
  struct {
    const char* label;
    const char* bytes;
    const char* utf8;
  } cases[] = {
      {"ISO-8859-1", "Caf\xE9", "Café"},      {"latin1", "na\xEFve", "naïve"},
      {"GB2312", "\xD6\xD0\xCE\xC4", "中文"}, {"gbk", "\xD6\xD0\xCE\xC4", "中文"},
      {"x-sjis", "\x93\xFA\x96{", "日本"},    {"TIS-620", "\xC0\xD2\xC9\xD2", "ภาษา"},
      {"cp1251", "\xCF\xF0\xE8", "При"},
  };
  for (const auto& c : cases) {
    std::string page =
        Page(std::string("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=") +
                 c.label + "\">",
             c.bytes);
    std::string out;
    ASSERT_TRUE(DecodeHtmlBytes(page, "", &out, nullptr).ok());
    EXPECT_NE(out.find(c.utf8), std::string::npos) << c.label << ": " << out;
  }
}

TEST(Encoding, PrescanFindsMetaForms) {
  EXPECT_EQ(PrescanMetaCharset("<html><head><meta charset=utf-8>"), "utf-8");
  EXPECT_EQ(PrescanMetaCharset("<META CHARSET='Shift_JIS'/>"), "Shift_JIS");
  EXPECT_EQ(PrescanMetaCharset(
                "<meta content=\"text/html; charset=windows-1251\" http-equiv=\"content-type\">"),
            "windows-1251");
  EXPECT_EQ(
      PrescanMetaCharset("<meta http-equiv=Content-Type content='text/html;charset=\"koi8-r\"'>"),
      "koi8-r");
  // Without http-equiv, content is not a declaration.
  EXPECT_EQ(PrescanMetaCharset("<meta content=\"text/html; charset=koi8-r\">"), "");
  // Commented-out declarations are skipped; the next one counts.
  EXPECT_EQ(PrescanMetaCharset("<!-- <meta charset=big5> --><meta charset=euc-kr>"), "euc-kr");
  EXPECT_EQ(PrescanMetaCharset("<?xml version=\"1.0\" encoding=\"ISO-8859-2\"?><html>"),
            "ISO-8859-2");
  EXPECT_EQ(PrescanMetaCharset("<metadata charset=big5>"), "");
  // Only the first kPrescanBytes are looked at.
  EXPECT_EQ(PrescanMetaCharset("<head>" + std::string(kPrescanBytes, ' ') + "<meta charset=gbk>"),
            "");
  EXPECT_EQ(PrescanMetaCharset("<meta charset"), "");
  EXPECT_EQ(PrescanMetaCharset("<meta charset=\"unterminated"), "unterminated");
}

TEST(Encoding, DeclaredLegacyButValidUtf8IsUtf8) {
  std::string page = Page("<meta charset=windows-1252>", "Café “naïve” — Korea Utara");
  std::string out;
  DecodeInfo info;
  ASSERT_TRUE(DecodeHtmlBytes(page, "", &out, &info).ok());
  EXPECT_EQ(info.encoding, "utf-8");
  EXPECT_EQ(info.declared, "windows-1252");
  EXPECT_TRUE(info.declared_was_wrong);
  EXPECT_EQ(info.source, "detected");
  EXPECT_NE(out.find("Café “naïve” — Korea Utara"), std::string::npos);
}

TEST(Encoding, TransportLatin1ButValidUtf8IsUtf8) {
  std::string page = Page("", "日本語のテキスト Привет");
  std::string out;
  DecodeInfo info;
  ASSERT_TRUE(DecodeHtmlBytes(page, "ISO-8859-1", &out, &info).ok());
  EXPECT_EQ(info.encoding, "utf-8");
  EXPECT_TRUE(info.declared_was_wrong);
  EXPECT_NE(out.find("日本語のテキスト Привет"), std::string::npos);
}

TEST(Encoding, DeclaredShiftJisButValidUtf8IsUtf8) {
  std::string page = Page("<meta charset=Shift_JIS>", "日本語のテキスト");
  std::string out;
  DecodeInfo info;
  ASSERT_TRUE(DecodeHtmlBytes(page, "", &out, &info).ok());
  EXPECT_EQ(info.encoding, "utf-8");
  EXPECT_TRUE(info.declared_was_wrong);
  EXPECT_NE(out.find("日本語のテキスト"), std::string::npos);
}

const char kFrench[] =
    "Le gouvernement français a annoncé mercredi une série de mesures destinées à réduire la "
    "consommation d'énergie pendant l'hiver. Les élèves et les employés sont invités à baisser "
    "le chauffage, et les bâtiments publics éteindront leurs lumières plus tôt. « Chaque geste "
    "compte », a déclaré la ministre à la presse réunie à l'hôtel Matignon.";

const char kChinese[] =
    "中国国家统计局周三公布的数据显示，今年前三个季度国内生产总值同比增长百分之五，"
    "消费对经济增长的贡献率进一步提高。专家表示，随着一系列稳增长政策的落地见效，"
    "经济运行总体平稳，但外部环境依然复杂严峻，需要继续加大宏观政策调节力度。";

const char kRussian[] =
    "Правительство объявило в среду о новых мерах поддержки малого бизнеса. По словам министра, "
    "программа льготного кредитования будет продлена до конца следующего года, а налоговая "
    "нагрузка на предприятия снизится. Эксперты считают, что эти шаги помогут экономике.";

TEST(Encoding, DeclaredUtf8ButWindows1252IsDetected) {
  std::string page = Page("<meta charset=\"utf-8\">", Encode(kFrench, "windows-1252"));
  std::string out;
  DecodeInfo info;
  ASSERT_TRUE(DecodeHtmlBytes(page, "", &out, &info).ok());
  EXPECT_EQ(info.encoding, "windows-1252");
  EXPECT_EQ(info.declared, "utf-8");
  EXPECT_TRUE(info.declared_was_wrong);
  EXPECT_EQ(info.invalid_sequences, 0u);
  EXPECT_NE(out.find(kFrench), std::string::npos) << out;
}

TEST(Encoding, DeclaredUtf8ButGb18030IsDetected) {
  std::string page = Page("<meta charset=\"utf-8\">", Encode(kChinese, "GB18030"));
  std::string out;
  DecodeInfo info;
  ASSERT_TRUE(DecodeHtmlBytes(page, "utf-8", &out, &info).ok());
  EXPECT_EQ(info.encoding, "gb18030");
  EXPECT_TRUE(info.declared_was_wrong);
  EXPECT_NE(out.find(kChinese), std::string::npos) << out;
}

TEST(Encoding, WrongTransportFallsBackToMeta) {
  std::string page = Page("<meta charset=windows-1251>", Encode(kRussian, "windows-1251"));
  std::string out;
  DecodeInfo info;
  ASSERT_TRUE(DecodeHtmlBytes(page, "utf-8", &out, &info).ok());
  EXPECT_EQ(info.encoding, "windows-1251");
  EXPECT_EQ(info.source, "meta");
  EXPECT_EQ(info.declared, "utf-8");
  EXPECT_TRUE(info.declared_was_wrong);
  EXPECT_NE(out.find(kRussian), std::string::npos);
}

TEST(Encoding, TransportWinsOverMeta) {
  std::string page = Page("<meta charset=koi8-r>", Encode(kRussian, "windows-1251"));
  std::string out;
  DecodeInfo info;
  ASSERT_TRUE(DecodeHtmlBytes(page, "windows-1251", &out, &info).ok());
  EXPECT_EQ(info.encoding, "windows-1251");
  EXPECT_EQ(info.source, "transport");
  EXPECT_NE(out.find(kRussian), std::string::npos);
}

TEST(Encoding, UndeclaredLegacyEncodingsAreDetected) {
  struct {
    const char* text;
    const char* icu;
    const char* expect;
  } cases[] = {
      {kFrench, "windows-1252", "windows-1252"},
      {kChinese, "GB18030", "gb18030"},
      {kRussian, "windows-1251", "windows-1251"},
      {kRussian, "KOI8-R", "koi8-r"},
  };
  for (const auto& c : cases) {
    std::string out;
    DecodeInfo info;
    ASSERT_TRUE(DecodeHtmlBytes(Page("", Encode(c.text, c.icu)), "", &out, &info).ok());
    EXPECT_EQ(info.encoding, c.expect);
    EXPECT_EQ(info.source, "detected");
    EXPECT_FALSE(info.declared_was_wrong);
    EXPECT_NE(out.find(c.text), std::string::npos) << c.icu << ": " << out;
  }
}

TEST(Encoding, UndeclaredUtf8IsUtf8) {
  std::string out;
  DecodeInfo info;
  ASSERT_TRUE(DecodeHtmlBytes(Page("", kChinese), "", &out, &info).ok());
  EXPECT_EQ(info.encoding, "utf-8");
  EXPECT_EQ(info.source, "detected");
  EXPECT_NE(out.find(kChinese), std::string::npos);
}

TEST(Encoding, StrayInvalidBytesInUtf8AreRepairedAndCounted) {
  std::string body = std::string(kChinese) + " \xFF " + kChinese + " \xC3";  // cut at the end
  std::string out;
  DecodeInfo info;
  ASSERT_TRUE(DecodeHtmlBytes(body, "", &out, &info).ok());
  EXPECT_EQ(info.encoding, "utf-8");
  EXPECT_EQ(info.invalid_sequences, 2u);
  EXPECT_TRUE(IsValidUtf8(out));
  EXPECT_NE(out.find(" \uFFFD "), std::string::npos);
}

TEST(Encoding, UnmappedLegacyBytesBecomeReplacementCharacters) {
  // 0xA5 is unassigned in ISO-8859-3; 0x82 0x20 is a broken Shift_JIS pair.
  std::string out;
  size_t invalid = 0;
  ASSERT_TRUE(ConvertToUtf8("a\xA5"
                            "b",
                            "iso-8859-3", &out, &invalid)
                  .ok());
  EXPECT_EQ(out, "a\uFFFDb");
  EXPECT_EQ(invalid, 1u);
  // As in the WHATWG index, windows-1252's five holes decode to C1 controls, not errors.
  ASSERT_TRUE(ConvertToUtf8("a\x81"
                            "b",
                            "windows-1252", &out, &invalid)
                  .ok());
  EXPECT_EQ(out, "a\u0081b");
  EXPECT_EQ(invalid, 0u);
  ASSERT_TRUE(ConvertToUtf8("\x93\xFA\x82 x", "shift_jis", &out, &invalid).ok());
  EXPECT_EQ(invalid, 1u);
  EXPECT_TRUE(IsValidUtf8(out));
  EXPECT_EQ(out.find("日"), 0u);
}

TEST(Encoding, BinaryIsUnsupported) {
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10", 20);
  std::string out;
  Status s = DecodeHtmlBytes(png, "", &out, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_TRUE(out.empty());
  std::string noise;
  for (int i = 0; i < 2000; ++i) noise.push_back(static_cast<char>((i * 7919) % 32));
  EXPECT_EQ(DecodeHtmlBytes(noise, "utf-8", &out, nullptr).code(), StatusCode::kUnsupported);
}

TEST(Encoding, ByteOrderMarkWinsOverDeclarations) {
  std::string page = "\xEF\xBB\xBF" + Page("<meta charset=windows-1252>", "Café");
  std::string out;
  DecodeInfo info;
  ASSERT_TRUE(DecodeHtmlBytes(page, "koi8-r", &out, &info).ok());
  EXPECT_EQ(info.encoding, "utf-8-bom");
  EXPECT_EQ(info.source, "bom");
  EXPECT_NE(out.find("Café"), std::string::npos);
}

std::string Utf16Le(std::string_view ascii) {
  std::string s;
  for (char c : ascii) {
    s.push_back(c);
    s.push_back('\0');
  }
  return s;
}

TEST(Encoding, Utf16WithoutBomIsRecognised) {
  std::string page = Utf16Le(Page("", "hello world"));
  std::string out;
  DecodeInfo info;
  ASSERT_TRUE(DecodeHtmlBytes(page, "", &out, &info).ok());
  EXPECT_EQ(info.encoding, "utf-16le");
  EXPECT_EQ(out, Page("", "hello world"));
  ASSERT_TRUE(DecodeHtmlBytes(page, "utf-16le", &out, &info).ok());
  EXPECT_EQ(info.source, "transport");
}

TEST(Encoding, BinaryWithAlternatingNulsIsNotUtf16) {
  std::string words;  // 16-bit little-endian integers: every high byte is NUL
  for (int i = 0; i < 500; ++i) {
    words.push_back(static_cast<char>(i % 17));
    words.push_back('\0');
  }
  std::string out;
  EXPECT_EQ(DecodeHtmlBytes(words, "", &out, nullptr).code(), StatusCode::kUnsupported);
  // Binary magic wins even when the rest looks like UTF-16.
  std::string gif = "GIF89a" + Utf16Le(Page("", "hello world"));
  EXPECT_EQ(DecodeHtmlBytes(gif, "", &out, nullptr).code(), StatusCode::kUnsupported);
}

TEST(Encoding, Utf16DeclaredOnAsciiBytesIsWrong) {
  std::string out;
  DecodeInfo info;
  ASSERT_TRUE(DecodeHtmlBytes(Page("<meta charset=utf-16>", "hello"), "utf-16", &out, &info).ok());
  EXPECT_EQ(out, Page("<meta charset=utf-16>", "hello"));
  EXPECT_EQ(info.encoding, "utf-8");
  EXPECT_TRUE(info.declared_was_wrong);
}

TEST(Encoding, AsciiPageKeepsItsDeclaration) {
  std::string out;
  DecodeInfo info;
  ASSERT_TRUE(DecodeHtmlBytes(Page("<meta charset=iso-8859-1>", "plain"), "", &out, &info).ok());
  EXPECT_EQ(info.encoding, "windows-1252");
  EXPECT_EQ(info.source, "meta");
  EXPECT_FALSE(info.declared_was_wrong);
}

TEST(Encoding, UnknownLabelIsIgnored) {
  std::string out;
  DecodeInfo info;
  ASSERT_TRUE(DecodeHtmlBytes(Page("<meta charset=klingon>", "Café"), "", &out, &info).ok());
  EXPECT_EQ(info.encoding, "utf-8");
  EXPECT_EQ(info.declared, "klingon");
  EXPECT_FALSE(info.declared_was_wrong);
}

TEST(Encoding, NulBytesAreDropped) {
  std::string page = Page("<meta charset=windows-1252>", std::string("a\0b\xE9", 4));
  std::string out;
  ASSERT_TRUE(DecodeHtmlBytes(page, "", &out, nullptr).ok());
  EXPECT_EQ(out.find('\0'), std::string::npos);
  EXPECT_NE(out.find("abé"), std::string::npos);
}

TEST(Encoding, Iso2022JpIsDetectedFromEscapes) {
  std::string out;
  DecodeInfo info;
  ASSERT_TRUE(DecodeHtmlBytes(Page("",
                                   "\x1B$BF|K\x5C"
                                   "8l\x1B(B"),
                              "", &out, &info)
                  .ok());
  EXPECT_EQ(info.encoding, "iso-2022-jp");
  EXPECT_NE(out.find("日本語"), std::string::npos);
}

TEST(Encoding, EmptyInputIsEmptyUtf8) {
  std::string out = "junk";
  DecodeInfo info;
  ASSERT_TRUE(DecodeHtmlBytes("", "", &out, &info).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(info.encoding, "utf-8");
}

}  // namespace
}  // namespace kilang
