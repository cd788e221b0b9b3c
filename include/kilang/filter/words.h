// Word segmentation for the quality filters: ICU's word break rules (UAX #29 with ICU's
// tailoring; dictionary-based for Chinese, Japanese, Thai, Lao, Khmer, Burmese), not whitespace
// splitting.
//
// A token is every segment ICU returns that is not pure white space: words, numbers, and
// punctuation/symbol segments (one per character: ICU splits "..." into three "."). This is the
// role of datatrove's split_into_words (spaCy/NLTK tokens, which include punctuation tokens).
//
// Speed: ICU's iterator runs at 15-50 MB/s. Segment gives the same tokens with a hand-written
// implementation of the same rules (UAX #29 WB3..WB13b, ICU's '@' and ':' tailoring, Hangul
// syllables joined only to each other) wherever it knows every character of a line: code points
// below U+2E80 except dictionary scripts (Thai, Lao, Khmer, Burmese, Han, kana), Hangul jamo,
// Hebrew letters, Katakana, emoji and ZWJ; plus Hangul syllables. Around other characters ICU
// segments a stretch of text (256 bytes or more) between boundaries that no rule looks across.
// ASCII text is segmented 64 bytes at a time from SSE2 class bit masks (also taking the common
// two-byte Latin/Cyrillic letters and curly quotes/dashes), the rest one segment at a time.
// About 1.6-1.8 ns/byte on the bench corpus, ~0.8 on ASCII; Japanese (ICU's dictionary) costs
// ~75 ns/byte. words_test.cc compares the tokens with ICU's (every code point below U+2E80 in
// context, edge cases at every block offset, random texts, the gold articles).
#ifndef KILANG_FILTER_WORDS_H_
#define KILANG_FILTER_WORDS_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kilang/pipeline/stage.h"

namespace kilang {

namespace filter_internal {
struct DocumentWords;  // src/filter/text_util.h
}  // namespace filter_internal

class WordSegmenter {
 public:
  // `locale`: an ICU locale id such as "id", "ja" (only tailorings differ; dictionary scripts are
  // segmented with dictionaries in every locale). Never fails: falls back to the root locale.
  // Checks the fast path against ICU on probe texts (~1 ms); a locale with rules it does not
  // know (not root, not the Swedish/Finnish colon) is segmented by ICU alone.
  explicit WordSegmenter(std::string_view locale = "");
  ~WordSegmenter();
  WordSegmenter(const WordSegmenter&) = delete;  // owns ICU iterators; one per worker
  WordSegmenter& operator=(const WordSegmenter&) = delete;

  // Replaces `tokens` by the tokens of `text`, as views into `text` (valid while it lives and
  // does not change). Invalid UTF-8 bytes are segmented as U+FFFD. Not thread-safe.
  void Segment(std::string_view text, std::vector<std::string_view>* tokens);

  // Segment, then JoinInfixes, in one pass (the same tokens; what DocumentTokens uses).
  void SegmentAndJoin(std::string_view text, std::vector<std::string_view>* tokens);

  // SegmentAndJoin that also gives each token's facts and their counts (words->facts and the
  // counts; words->tokens is left as it is): as FactsOf and CountWords would. For the quality
  // filters (DocumentWords is internal to src/filter/).
  void SegmentAndJoinWithFacts(std::string_view text, std::vector<std::string_view>* tokens,
                               filter_internal::DocumentWords* words);

  // The same as Segment with ICU alone (no fast path). For tests and benchmarks.
  void SegmentIcu(std::string_view text, std::vector<std::string_view>* tokens);

  // Number of sentences (ICU sentence rules, non-blank segments) in `text`. Used by C4.
  int CountSentences(std::string_view text);

 private:
  void Run(std::string_view text, bool join, std::vector<std::string_view>* tokens,
           filter_internal::DocumentWords* words);
  // Whether Segment gives ICU's tokens on a set of probe texts (the locale's rules are known).
  bool MatchesIcuOnProbes();
  // Run's code-point layer: from text[p] to a white space segment ending at or after `target`
  // (or the end); returns where it stopped.
  size_t Scalar(std::string_view text, size_t p, size_t target,
                std::vector<std::string_view>* tokens, size_t* first, size_t* icu_end);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Joins word/number tokens written together with a hyphen, slash, colon or en dash between them
// ("well-known", "70-44", "2:55", "10/22/2019") into one token, as the tokenizers of the
// reference pipelines (NLTK, spaCy) do; ICU's word rules split them into three.
void JoinInfixes(std::vector<std::string_view>* tokens);

// The tokens of `text` for the current worker (Segment, then JoinInfixes), computed once per
// document and shared by the stages that run on it one after another (cached in `ctx` under the
// text's address, its bytes (compared with a copy, so an edited text is segmented again) and the
// language). The result is valid until the next call with the same `ctx`.
const std::vector<std::string_view>& DocumentTokens(std::string_view text, std::string_view lang,
                                                    StageContext& ctx);

// The worker's segmenter for `lang` (kept in `ctx`).
WordSegmenter& WorkerSegmenter(std::string_view lang, StageContext& ctx);

}  // namespace kilang

#endif  // KILANG_FILTER_WORDS_H_
