#include "text_util.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace kilang::filter_internal {
namespace {

// Python's str.splitlines() written the obvious way, one code point at a time.
std::vector<std::string_view> NaiveSplitLines(std::string_view t) {
  std::vector<std::string_view> out;
  size_t start = 0, i = 0;
  while (i < t.size()) {
    unsigned char c = static_cast<unsigned char>(t[i]);
    size_t len = 0;
    if (c == '\n' || c == '\v' || c == '\f' || c == 0x1c || c == 0x1d || c == 0x1e) len = 1;
    if (c == '\r') len = (i + 1 < t.size() && t[i + 1] == '\n') ? 2 : 1;
    if (t.substr(i, 2) == "\xC2\x85") len = 2;
    if (t.substr(i, 3) == "\xE2\x80\xA8" || t.substr(i, 3) == "\xE2\x80\xA9") len = 3;
    if (len) {
      out.push_back(t.substr(start, i - start));
      i += len;
      start = i;
    } else {
      ++i;
    }
  }
  if (start < t.size()) out.push_back(t.substr(start));
  return out;
}

size_t NaiveCodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

TEST(TextUtil, SplitLinesAndCodePointsMatchTheObviousLoopsOnRandomText) {
  const char* pieces[] = {"a",
                          "word ",
                          "\n",
                          "\r\n",
                          "\r",
                          "\v",
                          "\f",
                          "\x1c",
                          "\xC2\x85",
                          "\xE2\x80\xA8",
                          "\xE2\x80\xA9",
                          "\xC3\xA9",
                          "\xE2\x80\x99",
                          "\xE2\x80",
                          "\xC2",
                          " ",
                          "\t",
                          "longer text run",
                          "\x7f",
                          "\x01"};
  std::mt19937 rng(5);
  std::vector<std::string_view> got;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s;
    for (int k = rng() % 24; k > 0; --k) s += pieces[rng() % (sizeof pieces / sizeof *pieces)];
    SplitLines(s, &got);
    ASSERT_EQ(got, NaiveSplitLines(s)) << s;
    ASSERT_EQ(CodePoints(s), NaiveCodePoints(s)) << s;
  }
}

// The ASCII fast path of FactsOf must agree with the code-point helpers on every token.
TEST(TextUtil, TokenFactsMatchTheCodePointHelpersOnRandomTokens) {
  std::mt19937 rng(9);
  for (int iter = 0; iter < 200000; ++iter) {
    std::string t;
    for (int k = 1 + rng() % 20; k > 0; --k) {
      int r = rng() % 10;
      t += r < 8 ? static_cast<char>(rng() % 128) : (r == 8 ? "\xC3\xA9" : "\xE2\x80\x94")[0];
    }
    TokenFacts f = FactsOf(t);  // no byte after the token may be read
    // Inside a larger buffer: the 16-byte path (the bytes after the token must not matter).
    std::string buffer = t + std::string(16, static_cast<char>(rng() % 256));
    TokenFacts g =
        FactsOf(std::string_view(buffer).substr(0, t.size()), buffer.data() + buffer.size());
    ASSERT_EQ(g.hash, f.hash) << t;
    ASSERT_EQ(g.chars, f.chars) << t;
    ASSERT_EQ(g.has_letter, f.has_letter) << t;
    ASSERT_EQ(g.punct_or_symbol, f.punct_or_symbol) << t;
    ASSERT_EQ(f.chars, CodePoints(t)) << t;
    ASSERT_EQ(f.has_letter, HasLetter(t)) << t;
    ASSERT_EQ(f.punct_or_symbol, AllPunctOrSymbol(t)) << t;
    ASSERT_EQ(f.hash, TokenHash(t)) << t;
  }
}

// Tokens of whole multi-byte characters (the BMP table path) and of broken ones (the general
// helpers): every fact must equal the code-point helpers'.
TEST(TextUtil, TokenFactsOfMultiByteTokensMatchTheCodePointHelpers) {
  const char* pieces[] = {"a", "Z", "7", ".", "-", "#", " ", "\x01",
                          "\xC3\xA9",          // é letter
                          "\xD0\x96",          // Ж letter
                          "\xC2\xA0",          // no-break space (neither)
                          "\xCC\x81",          // combining acute (Mn: neither)
                          "\xD9\xA3",          // Arabic-Indic three (Nd)
                          "\xC2\xAB",          // « punctuation
                          "\xE2\x80\x94",      // em dash
                          "\xE2\x82\xAC",      // euro sign (symbol)
                          "\xE4\xB8\xAD",      // CJK letter
                          "\xEF\xBC\x81",      // fullwidth !
                          "\xF0\x9F\x98\x80",  // emoji (four bytes: general path)
                          "\xED\xA0\x80",      // encoded surrogate (invalid)
                          "\xE0\x80\xAF",      // overlong (invalid)
                          "\xC1\xBF",          // overlong (invalid)
                          "\x80",              // lone continuation
                          "\xE2\x82",          // cut sequence
                          "\xFF"};
  std::mt19937 rng(11);
  for (int iter = 0; iter < 200000; ++iter) {
    std::string t;
    for (int k = 1 + rng() % 8; k > 0; --k) t += pieces[rng() % (sizeof pieces / sizeof *pieces)];
    std::string buffer = t + std::string(16, static_cast<char>(rng() % 256));
    for (const TokenFacts& f :
         {FactsOf(t),
          FactsOf(std::string_view(buffer).substr(0, t.size()), buffer.data() + buffer.size())}) {
      ASSERT_EQ(f.chars, CodePoints(t)) << t;
      ASSERT_EQ(f.has_letter, HasLetter(t)) << t;
      ASSERT_EQ(f.punct_or_symbol, AllPunctOrSymbol(t)) << t;
      ASSERT_EQ(f.hash, TokenHash(t)) << t;
    }
  }
}

// AnalyzeTokens: the facts of each token and the document counts the quality stages read.
TEST(TextUtil, AnalyzeTokensCountsNonSymbolAndLetterWords) {
  const std::string text = "Kota 2024 , caf\xC3\xA9 \xE2\x80\x94 ...";
  std::vector<std::string_view> tokens;
  std::string_view v(text);
  for (size_t b = 0; b < v.size();) {
    size_t e = v.find(' ', b);
    if (e == std::string_view::npos) e = v.size();
    tokens.push_back(v.substr(b, e - b));
    b = e + 1;
  }
  DocumentWords w;
  AnalyzeTokens(tokens, text.data() + text.size(), &w);
  ASSERT_EQ(w.facts.size(), tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) EXPECT_EQ(w.facts[i].hash, TokenHash(tokens[i]));
  EXPECT_EQ(w.non_symbol_words, 3u);             // Kota 2024 café
  EXPECT_EQ(w.non_symbol_chars, 4u + 4u + 4u);   // code points, not bytes
  EXPECT_EQ(w.letter_words, 2u);                 // Kota café
}

// The one-pass symbol counts equal Python's str.count of "#", "..." and "\u2026".
TEST(TextUtil, HashAndEllipsisCountsMatchStrCount) {
  const char* pieces[] = {".", "..", "...", "#", "##", "\u2026", "\xE2", "\xE2\x80", "\x80\xA6",
                          "a", " ", "x.y", "\xE2\x80\x99", "\n"};
  std::mt19937 rng(13);
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s;
    for (int k = rng() % 40; k > 0; --k) s += pieces[rng() % (sizeof pieces / sizeof *pieces)];
    const SymbolCounts c = CountHashesAndEllipses(s);
    ASSERT_EQ(c.hashes, CountOf(s, "#")) << s;
    ASSERT_EQ(c.ellipses, CountOf(s, "...") + CountOf(s, "\u2026")) << s;
  }
}

TEST(TextUtil, TokenFactsFollowTheCharacterClasses) {
  TokenFacts f = FactsOf("word");
  EXPECT_EQ(f.chars, 4u);
  EXPECT_TRUE(f.has_letter);
  EXPECT_FALSE(f.punct_or_symbol);
  f = FactsOf("...");
  EXPECT_TRUE(f.punct_or_symbol);
  EXPECT_FALSE(f.has_letter);
  f = FactsOf("2024");
  EXPECT_FALSE(f.punct_or_symbol);
  EXPECT_FALSE(f.has_letter);
  f = FactsOf("\xE2\x80\x94");  // em dash: punctuation, one code point
  EXPECT_TRUE(f.punct_or_symbol);
  EXPECT_EQ(f.chars, 1u);
  f = FactsOf("caf\xC3\xA9");
  EXPECT_EQ(f.chars, 4u);
  EXPECT_TRUE(f.has_letter);
  f = FactsOf("\x01");  // a control character is neither
  EXPECT_FALSE(f.punct_or_symbol);
  EXPECT_EQ(FactsOf("abc").hash, TokenHash("abc"));
  EXPECT_NE(TokenHash("abc"), TokenHash("abd"));
  EXPECT_NE(TokenHash("ab"), TokenHash("aab"));
  // A first half equal to the hash's seed (the product's factor is then 0) still leaves the
  // rest of the token in the hash.
  // Bytes 0..7: 0xa0761d6478bd642f, little-endian.
  std::string a("\x2f\x64\xbd\x78\x64\x1d\x76\xa0xyz", 11), b = a;
  b[9] = 'q';
  EXPECT_NE(TokenHash(a), TokenHash(b));
}

}  // namespace
}  // namespace kilang::filter_internal
