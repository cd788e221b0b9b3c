#include "kilang/filter/words.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kilang/util/text.h"
#include "kilang/util/utf8.h"
#include "text_util.h"

namespace kilang {
namespace {

std::vector<std::string> Fast(WordSegmenter& s, std::string_view text) {
  std::vector<std::string_view> t;
  s.Segment(text, &t);
  return {t.begin(), t.end()};
}

std::vector<std::string> Icu(WordSegmenter& s, std::string_view text) {
  std::vector<std::string_view> t;
  s.SegmentIcu(text, &t);
  return {t.begin(), t.end()};
}

// Tokens as (offset, length): views must point at the same bytes, not only spell the same.
std::vector<std::pair<size_t, size_t>> Spans(std::string_view text,
                                             const std::vector<std::string_view>& t) {
  std::vector<std::pair<size_t, size_t>> out;
  for (auto v : t) out.emplace_back(v.data() - text.data(), v.size());
  return out;
}

// Segment == SegmentIcu and SegmentAndJoin == SegmentIcu + JoinInfixes on `text`.
void ExpectSameAsIcu(WordSegmenter& s, std::string_view text) {
  std::vector<std::string_view> fast, icu;
  s.Segment(text, &fast);
  s.SegmentIcu(text, &icu);
  ASSERT_EQ(Spans(text, fast), Spans(text, icu)) << "text: [" << text << "]";
  s.SegmentAndJoin(text, &fast);
  JoinInfixes(&icu);
  ASSERT_EQ(Spans(text, fast), Spans(text, icu)) << "joined, text: [" << text << "]";
  // The same tokens with their facts (computed by the block layer from its masks, else by
  // FactsOf): every fact must be FactsOf's.
  filter_internal::DocumentWords words;
  s.SegmentAndJoinWithFacts(text, &fast, &words);
  const std::vector<filter_internal::TokenFacts>& facts = words.facts;
  ASSERT_EQ(Spans(text, fast), Spans(text, icu)) << "with facts, text: [" << text << "]";
  ASSERT_EQ(facts.size(), fast.size());
  for (size_t i = 0; i < fast.size(); ++i) {
    const filter_internal::TokenFacts f = filter_internal::FactsOf(fast[i]);
    ASSERT_EQ(facts[i].hash, f.hash) << "token [" << fast[i] << "] in [" << text << "]";
    ASSERT_EQ(facts[i].chars, f.chars) << "token [" << fast[i] << "] in [" << text << "]";
    ASSERT_EQ(facts[i].has_letter, f.has_letter) << "token [" << fast[i] << "]";
    ASSERT_EQ(facts[i].punct_or_symbol, f.punct_or_symbol) << "token [" << fast[i] << "]";
  }
  filter_internal::DocumentWords counted;  // the counts, as CountWords gives them
  counted.facts = facts;
  filter_internal::CountWords(&counted);
  ASSERT_EQ(words.non_symbol_words, counted.non_symbol_words) << "text: [" << text << "]";
  ASSERT_EQ(words.non_symbol_chars, counted.non_symbol_chars) << "text: [" << text << "]";
  ASSERT_EQ(words.letter_words, counted.letter_words) << "text: [" << text << "]";
}

// Filler that makes the block (64-byte) layer see a case: ASCII words before and after it.
const std::string kFiller = "The quick brown fox jumps over the lazy dog; 12,345 times (really). ";

TEST(WordSegmenter, SplitsWordsAndPunctuationLikeIcu) {
  WordSegmenter s("en");
  EXPECT_EQ(Fast(s, "Hello, world! It's 3.14 e.g. U.S.A."),
            (std::vector<std::string>{"Hello", ",", "world", "!", "It's", "3.14", "e.g", ".",
                                      "U.S.A", "."}));
}

TEST(WordSegmenter, UsesDictionaryForChineseAndJapanese) {
  WordSegmenter s("zh");
  auto t = Fast(s, "我们今天去北京。");
  EXPECT_GE(t.size(), 4u);  // not one run of ideographs
  WordSegmenter j("ja");
  auto u = Fast(j, "東京は日本の首都です。");
  EXPECT_GE(u.size(), 5u);
}

TEST(WordSegmenter, FastPathMatchesIcuOnRandomStrings) {
  WordSegmenter s("en");
  const std::vector<std::string> alphabet = {
      "a", "B", "z", "é",      "ß", "ж",      "Ω",      "0",      "7", " ", "  ", "\t",
      ".", ",", ";", ":",      "'", "’",      "‘",      "\"",     "-", "_", "@",  "#",
      "$", "%", "(", ")",      "/", "\u00a0", "\u0301", "\u00ad", "…", "–", "—",  "“",
      "”", "!", "?", "\u202f", "·", "\r",     "+",      "&",      "€", "²"};
  std::mt19937 rng(42);
  for (int iter = 0; iter < 20000; ++iter) {
    std::string text;
    int len = 1 + rng() % 12;
    for (int i = 0; i < len; ++i) text += alphabet[rng() % alphabet.size()];
    ASSERT_EQ(Fast(s, text), Icu(s, text)) << "text: [" << text << "]";
  }
}

TEST(WordSegmenter, FastPathMatchesIcuOnEdgeCases) {
  WordSegmenter s("en");
  // clang-format off
  const std::vector<std::string> cases = {
      "don't", "don’t", "rock 'n' roll", "'quoted'", "‘quoted’", "’s", "a'", "'a", "a''b",
      "3.14", "1,000,000", "1,000.5", "1.000,5", "1;2", "a;b", "1'2", "1’2", "a,b", "3.", ".5",
      "e.g.", "U.S.A.", "a.b.c", "a..b", "a.1", "1.a", "a1.5", "a.’b", "v1.2.3-beta",
      "_", "__", "_a_", "a_1", "1_000", "__init__", "@", "@@", "@_", "a@b", "user@host.com",
      "x@_-y", "_-_", "@-a", "a-@", "a-_", "_-a", "mail: john.doe@example.org.",
      "http://example.com/path?q=1&x=2#frag", "https://a.b/c-d/e_f", "foo:bar", "2:55",
      "10/22/2019", "well-known", "7-6", "a - b", "a--b", "-a-", "a-b-c-d", "a-b--c", "a/b:c-d",
      "a-“b”", "“-a", "a-“", "“a”-b", "a-’", "’-a", "a-–-b", "a–b", "1–2", "a–", "–a", "a—b",
      "…", "a…b", "1…2", "!!!", "?!?...", "((a))", "[1]", "#hashtag", "$5.00", "100%", "C++",
      "a\r\nb", "\r\r\n\n", "\r", "\n", "a\rb", "\t\ta\t", "a\x0b b\x0c c", "a\x1c" "b",
      "  a  ", "a\x7f" "b", std::string("a\0b", 3), "café", "naïve", "Ærø", "Привет, мир!",
      "ÀÉÎ×÷", "a×b", "façade’s", "Straße", "ǅemal", "ʼn", "Ελληνικά· ναι", "a·b", "a\u00adb",
      "a\u0301b", "\u0301a", " \u0301", "a \u0301", "\u00a0", "a\u00a0b", "a\u202fb",
      "\u202f", "_\u202f_", "a\u2060b", "a\u200bb", "a\u2028b", "a\u2029b", "a\u0085b",
      "x\u2003\u2003y", "x \u2003 y", "\u2212 5", "a\u2212b", "→", "a→b", "½", "x²",
      "日本語のテキスト text", "中文 text", "한국어 문장입니다.", "한\u0301국", "한국123",
      "abc한", "한_국", "😀", "a😀b", "👍🏽", "🇫🇷🇩🇪", "a\u200d😀", "עברית", "שלום's",
      "ไทย", "\xff", "a\xff" "b", "\xc3", "\xc3(", "a\xc3", "\xe2\x80", "\xe2\x80" "a",
      "\x80\x99", "\xed\xa0\x80", "\xc0\xaf", "\xf0\x9f\x98", "é\xff", "’\xff",
      // Around characters that ICU segments (the stretch given to it must start and end at
      // boundaries no rule looks across).
      "😀  \u0301", "😀\u2003 \u0301", "x \u3000\u0301", "\u3000\u0301", "x\t\u200d😀",
      "x \u200d😀", "x \ufe0f", "x\t\ufe0fy", "a \u3000 b", "😀 \u0301", "日本 \u0301",
      "x\r\u200d😀", "x\x0b\u200d😀", "😀\r\n\u0301", "🇫🇷 🇩🇪🇫", "a.😀.b", "1,😀,2",
      "日本.a", "a.日本", "x 😀\u200d😀 y", "x y 😀", "😀 x y", "😀\t\u0301x"};
  // clang-format on
  for (const std::string& c : cases) {
    ExpectSameAsIcu(s, c);
    ExpectSameAsIcu(s, kFiller + c);
    ExpectSameAsIcu(s, c + " " + kFiller);
    ExpectSameAsIcu(s, kFiller + c + " " + kFiller);
    ExpectSameAsIcu(s, kFiller + "x" + c + "y " + kFiller + c + kFiller);
    ExpectSameAsIcu(s, kFiller + "\n" + c + "\n" + kFiller);
    // Long enough after the case for ICU's stretch to end before the end of the text.
    const std::string long_filler = kFiller + kFiller + kFiller + kFiller + kFiller;
    ExpectSameAsIcu(s, c + long_filler + c + long_filler);
    ExpectSameAsIcu(s, kFiller + c + " " + long_filler + "\n" + long_filler + c);
    for (size_t pad = 0; pad < 8; ++pad) {
      ExpectSameAsIcu(s, "😀" + std::string(250 + pad, 'x') + c + long_filler);
      ExpectSameAsIcu(s, "😀 " + long_filler.substr(0, 240 + 3 * pad) + c + long_filler);
    }
    // At every offset of a 64-byte block.
    for (size_t pad = 0; pad < 70; ++pad) {
      std::string text = std::string(pad % 2 ? "a b" : "1 ") + std::string(pad, 'x') + " " + c;
      text += " " + kFiller;
      ExpectSameAsIcu(s, text);
    }
    if (HasFatalFailure()) return;
  }
}

TEST(WordSegmenter, FastPathMatchesIcuOnRandomLongTextsSlow) {
  // Long texts (so that the 64-byte block layer runs) made of pieces of every kind.
  WordSegmenter s("en");
  // clang-format off
  const std::vector<std::string> pieces = {
      "a", "Z", "word", "Hello", "12", "3", "x9", " ", " ", " ", " ", "  ", "\t", "\n", "\r\n",
      "\r", "\x0b", ".", ".", ",", ",", ";", ":", "'", "\"", "-", "-", "/", "_", "@", "!", "?",
      "(", ")", "#", "&", "%", "+", "=", "*", "\x7f", std::string("\0", 1), "é", "É", "ß",
      "ж", "Ж", "ѣ", "ǅ", "ʼ", "Ω", "·", "×", "÷", "’", "‘", "“", "”", "–", "—", "…", "\u00a0",
      "\u00ad", "\u0301", "\u202f", "\u2003", "\u2060", "\u200b", "\u2212", "→", "²", "½",
      "€", "\u2028", "한", "국어", "日本", "テキ", "😀", "\u200d", "\u05d0", "ก", "\xff",
      "\xc3", "\xe2\x80", "\x99", "\xd0", "\ufe0f", "⚒", "\u3000", "\u1071", "\u0d91"};
  // clang-format on
  std::mt19937 rng(7);
  for (int iter = 0; iter < 4000; ++iter) {
    std::string text;
    const size_t len = 60 + rng() % 700;
    // Mostly ASCII words and spaces (what the block layer sees most), some of everything.
    while (text.size() < len) {
      switch (rng() % 4) {
        case 0:
          text += pieces[rng() % pieces.size()];
          break;
        case 1:
          text += " ";
          [[fallthrough]];
        default:
          text += pieces[rng() % 8];
      }
    }
    ExpectSameAsIcu(s, text);
    if (HasFatalFailure()) return;
  }
}

TEST(WordSegmenter, FastPathMatchesIcuOnEveryCharacterInContextSlow) {
  // Every code point the fast path may know, and samples of the others, next to letters,
  // digits, middle characters, spaces, marks and itself.
  WordSegmenter s("en");
  std::vector<uint32_t> cps;
  for (uint32_t cp = 1; cp < 0x2E80; ++cp) cps.push_back(cp);
  for (uint32_t cp = 0x2E80; cp < 0x10000; cp += 7) {
    if (cp < 0xD800 || cp > 0xDFFF) cps.push_back(cp);
  }
  for (uint32_t cp = 0xAC00; cp < 0xAC40; ++cp) cps.push_back(cp);
  for (uint32_t cp : {0x1F600u, 0x1F3FDu, 0x1F1EBu, 0x10400u, 0x20000u}) cps.push_back(cp);
  const std::vector<std::string> contexts = {"a#b", "1#2", "##",       "x # y", "#a",  "a#",
                                             "_#_", ".#.", "#\u0301x", "한#국", "a.#", "#'s",
                                             "1,#", "@#@", "-#-",      "#-a",   "a-#"};
  for (uint32_t cp : cps) {
    std::string c;
    AppendUtf8(cp, &c);
    std::string text;
    for (const std::string& ctx : contexts) {
      for (char ch : ctx) {
        if (ch == '#') {
          text += c;
        } else {
          text += ch;
        }
      }
      text += (cp % 3 == 0) ? "\n" : " ";
    }
    ExpectSameAsIcu(s, text);
    ExpectSameAsIcu(s, kFiller + text + kFiller);
    if (HasFatalFailure()) return;
  }
}

TEST(WordSegmenter, JoinsAcrossTheEndOfAnIcuStretch) {
  // ICU gets the stretch from the emoji to the last space before " \ufe0f" (a token: space and
  // Extend); JoinInfixes still joins "a/ \ufe0f" as it does on ICU's tokens.
  WordSegmenter s("en");
  for (size_t pad = 240; pad < 270; ++pad) {
    ExpectSameAsIcu(s, "⚒ " + std::string(pad, 'x') + " a/ \ufe0f b");
    ExpectSameAsIcu(s, "⚒ " + std::string(pad, 'x') + " a- \u0301 b " + kFiller);
    if (HasFatalFailure()) return;
  }
}

TEST(WordSegmenter, FastPathFollowsLocaleTailorings) {
  // Swedish and Finnish keep ':' between letters ("EU:s"); en_US_POSIX has rules of its own
  // (the segmenter notices and uses ICU alone).
  WordSegmenter sv("sv");
  EXPECT_EQ(Fast(sv, "EU:s och USA:s 2:55"),
            (std::vector<std::string>{"EU:s", "och", "USA:s", "2", ":", "55"}));
  WordSegmenter en("en");
  EXPECT_EQ(Fast(en, "EU:s"), (std::vector<std::string>{"EU", ":", "s"}));
  const std::vector<std::string> pieces = {
      "a", "Z", "word", "12", "3", " ", " ", ".",      ",",      ";",  ":", ":",  "'", "\"",
      "-", "_", "@",    "é",  "ж", "’", "·", "\u00ad", "\u0301", "한", "!", "\n", "\t"};
  for (const char* locale : {"sv", "fi", "en_US_POSIX", "de", "ja", "id"}) {
    WordSegmenter s(locale);
    std::mt19937 rng(3);
    for (int iter = 0; iter < 1500; ++iter) {
      std::string text;
      const size_t len = iter % 3 == 0 ? 70 + rng() % 100 : 1 + rng() % 16;
      while (text.size() < len) text += pieces[rng() % pieces.size()];
      ExpectSameAsIcu(s, text);
      if (HasFatalFailure()) {
        ADD_FAILURE() << "locale " << locale;
        return;
      }
    }
  }
}

TEST(WordSegmenter, FastPathMatchesIcuOnGoldCorpusSlow) {
  WordSegmenter s("en");
  std::ifstream f(std::string(KILANG_SHARED_DIR) + "/data/seed/000_5c6d80f55d24bf65.txt");
  std::stringstream ss;
  ss << f.rdbuf();
  std::string text = ss.str();
  ASSERT_FALSE(text.empty());
  // Line by line (ICU breaks around newlines anyway).
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::string fixed;
    RepairUtf8(line, &fixed);
    ASSERT_EQ(Fast(s, fixed), Icu(s, fixed)) << fixed;
  }
}

TEST(WordSegmenter, FastPathMatchesIcuOnGoldArticlesSlow) {
  WordSegmenter s("en");
  namespace fs = std::filesystem;
  int lines = 0;
  std::error_code ec;
  for (const auto& e :
       fs::directory_iterator(std::string(KILANG_SHARED_DIR) + "/data/aeb/gold", ec)) {
    std::ifstream f(e.path());
    std::stringstream ss;
    ss << f.rdbuf();
    YAML::Node doc;
    try {
      doc = YAML::Load(ss.str());
    } catch (const std::exception&) {
      continue;
    }
    if (!doc["articleBody"]) continue;
    const std::string& body = doc["articleBody"].Scalar();
    ExpectSameAsIcu(s, body);  // whole documents: lines, blocks across lines
    if (HasFatalFailure()) return;
    std::istringstream in(body);
    std::string line;
    while (std::getline(in, line)) {
      ASSERT_EQ(Fast(s, line), Icu(s, line)) << line;
      ++lines;
    }
  }
  EXPECT_GT(lines, 1000);
}

TEST(WordSegmenter, DocumentTokensJoinHyphenatedWordsAndNumbers) {
  StageContext ctx;
  std::string text = "A well-known 7-6 win at 2:55 on 10/22/2019 - really.";
  const auto& t = DocumentTokens(text, "en", ctx);
  EXPECT_EQ(std::vector<std::string>(t.begin(), t.end()),
            (std::vector<std::string>{"A", "well-known", "7-6", "win", "at", "2:55", "on",
                                      "10/22/2019", "-", "really", "."}));
}

TEST(WordSegmenter, DocumentTokensNoticeTextEditedInPlace) {
  StageContext ctx;
  std::string text = "one two three";
  const auto* t = &DocumentTokens(text, "en", ctx);
  ASSERT_EQ(t->size(), 3u);
  text[3] = '-';  // same address, same size: "one-two three"
  t = &DocumentTokens(text, "en", ctx);
  EXPECT_EQ(std::vector<std::string>(t->begin(), t->end()),
            (std::vector<std::string>{"one-two", "three"}));
  text = "four five";  // a stage rewrote the text
  t = &DocumentTokens(text, "en", ctx);
  EXPECT_EQ(std::vector<std::string>(t->begin(), t->end()),
            (std::vector<std::string>{"four", "five"}));
}

// ICU's segments that are white space only are dropped, and only those (TrimSpace decides; a
// first byte that cannot start white space skips it): every kind of white space between words.
TEST(WordSegmenter, IcuDropsExactlyTheWhiteSpaceSegments) {
  WordSegmenter s("ja");
  const std::vector<std::string> spaces = {
      " ", "\t", "\n", "\u0085", "\u00a0", "\u1680", "\u2000", "\u2005", "\u200a", "\u200b",
      "\u2028", "\u2029", "\u202f", "\u205f", "\u2060", "\u3000", "\ufeff", "\x01", "\x1f"};
  const std::vector<std::string> words = {"日本語", "テキスト", "word", "é",         "\u3001",
                                          "1",      "\u00a9",   "！",   "\u3042", "\u2019"};
  auto non_space_chars = [](std::string_view t) {
    size_t n = 0;
    for (size_t pos = 0; pos < t.size();) n += !IsSpace(NextCodePoint(t, &pos));
    return n;
  };
  std::mt19937 rng(3);
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text;
    for (int k = 1 + rng() % 12; k > 0; --k) {
      text += (rng() % 2) ? spaces[rng() % spaces.size()] : words[rng() % words.size()];
    }
    std::vector<std::string_view> tokens;
    s.SegmentIcu(text, &tokens);
    size_t in_tokens = 0;
    for (std::string_view t : tokens) {
      ASSERT_FALSE(TrimSpace(t).empty()) << "[" << t << "] in [" << text << "]";
      in_tokens += non_space_chars(t);
    }
    ASSERT_EQ(in_tokens, non_space_chars(text)) << text;  // no other segment was dropped
  }
}

TEST(WordSegmenter, InvalidUtf8DoesNotCrash) {
  WordSegmenter s("en");
  std::string bad = "abc \xff\xfe def \xc3";
  auto t = Fast(s, bad);
  EXPECT_FALSE(t.empty());
}

}  // namespace
}  // namespace kilang
