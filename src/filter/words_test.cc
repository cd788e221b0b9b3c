#include "kilang/filter/words.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kilang/util/utf8.h"

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
    std::istringstream in(doc["articleBody"].Scalar());
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

TEST(WordSegmenter, InvalidUtf8DoesNotCrash) {
  WordSegmenter s("en");
  std::string bad = "abc \xff\xfe def \xc3";
  auto t = Fast(s, bad);
  EXPECT_FALSE(t.empty());
}

}  // namespace
}  // namespace kilang
