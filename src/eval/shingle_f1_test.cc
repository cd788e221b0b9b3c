#include "kilang/eval/shingle_f1.h"

#include <gtest/gtest.h>

namespace kilang {
namespace {

TEST(ShingleF1, IdenticalTextsScoreOne) {
  PageScore s = ScorePage("one two three four five", "one two three four five");
  EXPECT_DOUBLE_EQ(s.f1(), 1.0);
}

TEST(ShingleF1, ExtraTextLowersPrecisionOnly) {
  // gold shingles: (a b c d) (b c d e); predicted adds (c d e f) (d e f g).
  PageScore s = ScorePage("a b c d e", "a b c d e f g");
  EXPECT_DOUBLE_EQ(s.recall(), 1.0);
  EXPECT_DOUBLE_EQ(s.precision(), 0.5);
}

TEST(ShingleF1, TokensAreWordCharactersLikePythonBackslashW) {
  std::vector<std::string_view> t;
  ShingleTokens("Korea's 1.500 pasukan_khusus—Ukraina!", &t);
  std::vector<std::string_view> want = {"Korea", "s", "1", "500", "pasukan_khusus", "Ukraina"};
  EXPECT_EQ(t, want);
}

TEST(ShingleF1, EmptyPredictionScoresZeroAndBothEmptyScoreOne) {
  EXPECT_DOUBLE_EQ(ScorePage("a b c d e", "").f1(), 0.0);
  PageScore both = ScorePage("", "");
  EXPECT_DOUBLE_EQ(both.precision(), 1.0);
}

TEST(ShingleF1, AggregateAveragesLikeScorePy) {
  std::vector<PageScore> pages = {ScorePage("a b c d e", "a b c d e"), ScorePage("a b c d e", "")};
  CorpusScore c = Aggregate(pages);
  // The empty prediction has tp + fp == 0: left out of the precision mean.
  EXPECT_DOUBLE_EQ(c.precision, 1.0);
  EXPECT_DOUBLE_EQ(c.recall, 0.5);
}

}  // namespace
}  // namespace kilang
