// The article-extraction benchmark's metric (SPEC.md), in C++: word 4-gram shingles, per-page
// true/false positive/negative counts normalised to sum 1, precision and recall averaged over
// pages, F1 from the two means. Matches ../shared/tools/score.py, including its tokeniser
// (Python's `\w+`: runs of Unicode letters, numbers and '_'; combining marks split words).
#ifndef KILANG_EVAL_SHINGLE_F1_H_
#define KILANG_EVAL_SHINGLE_F1_H_

#include <string>
#include <string_view>
#include <vector>

namespace kilang {

// Normalised tp/fp/fn of one page (summing to 1, or all 0 when both texts have no shingle).
struct PageScore {
  double tp = 0, fp = 0, fn = 0;
  double precision() const;  // as score.py: 1 when fp == fn == 0, 0 when tp == fp == 0
  double recall() const;
  double f1() const;
};

PageScore ScorePage(std::string_view gold, std::string_view predicted);

struct CorpusScore {
  double precision = 0, recall = 0, f1 = 0;
  size_t pages = 0;
};

// Averages as score.py does: a page enters the precision mean when tp + fp > 0 and the recall
// mean when tp + fn > 0.
CorpusScore Aggregate(const std::vector<PageScore>& pages);

// Python-`\w+` tokens of `text` (views into it).
void ShingleTokens(std::string_view text, std::vector<std::string_view>* tokens);

}  // namespace kilang

#endif  // KILANG_EVAL_SHINGLE_F1_H_
