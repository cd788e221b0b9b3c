#include "kilang/extract/lexicon.h"

#include <gtest/gtest.h>

namespace kilang {
namespace {

TEST(Lexicon, BuiltinDataLoadsIndonesianAndEnglish) {
  auto r = Lexicon::LoadBuiltin();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Lexicon& lex = **r;
  EXPECT_EQ(lex.Month("oktober"), 10);
  EXPECT_EQ(lex.Month("okt"), 10);
  EXPECT_EQ(lex.Month("oct."), 10);
  EXPECT_EQ(lex.Month("kata"), 0);
  EXPECT_TRUE(lex.IsWeekday("selasa"));
  EXPECT_EQ(lex.TimezoneOffset("WIB"), 420);
  EXPECT_EQ(lex.TimezoneOffset("wita"), 480);
  EXPECT_EQ(lex.TimeUnitSeconds("menit"), 60);
  EXPECT_EQ(lex.RelativeDay("kemarin"), -1);
  EXPECT_TRUE(lex.IsListHeader("berita terkait"));
  EXPECT_TRUE(lex.IsStopword("yang"));
  EXPECT_TRUE(lex.IsStopword("the"));
}

TEST(Lexicon, UnknownKeyIsAnErrorNamingFileKeyAndLine) {
  auto r = Lexicon::LoadFiles({{"xx.yaml", "code: xx\nmonthz: []\n"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("xx.yaml:2"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("monthz"), std::string::npos);
}

TEST(Lexicon, MonthsNeedTwelveEntries) {
  auto r = Lexicon::LoadFiles({{"xx.yaml", "code: xx\nmonths: [[a], [b]]\n"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("months"), std::string::npos);
}

TEST(Lexicon, AddingALanguageIsADataChange) {
  auto r = Lexicon::LoadFiles({{"ms.yaml",
                                "code: ms\nmonths: [[januari],[februari],[mac],[april],[mei],[jun],"
                                "[julai],[ogos],[september],[oktober],[november],[disember]]\n"
                                "stopwords: [yang, dan]\n"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->Month("ogos"), 8);
  EXPECT_EQ((*r)->languages(), std::vector<std::string>{"ms"});
}

TEST(Lexicon, NumbersKeyMapsWordsToAmounts) {
  auto r = Lexicon::LoadFiles({{"xx.yaml", "code: xx\nnumbers:\n  An: 1\n  dua: 2\n"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->NumberWord("an"), 1);
  EXPECT_EQ((*r)->NumberWord("dua"), 2);
  EXPECT_EQ((*r)->NumberWord("tiga"), std::nullopt);
  auto bad = Lexicon::LoadFiles({{"xx.yaml", "code: xx\nnumbers: [a, b]\n"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("numbers"), std::string::npos);
}

}  // namespace
}  // namespace kilang
