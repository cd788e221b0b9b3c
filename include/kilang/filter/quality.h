// Heuristic quality filters as pipeline stages: Gopher quality, Gopher repetition (MassiveText,
// arXiv 2112.11446), C4 (TFDS c4_utils) and FineWeb quality, with datatrove's definitions,
// defaults and removal reasons (docs/filters.md lists every rule and where we differ).
//
// Conventions shared by all four:
//   - A threshold of 0 disables its rule (as datatrove's falsy checks do).
//   - Lengths are counted in Unicode code points (Python's len), on the document text as is.
//   - "Words" are the tokens of kilang/filter/words.h (ICU word rules; punctuation tokens
//     included, white space excluded), computed once per document and shared between stages.
//   - Per-language settings: when use_language_configs is true and data/filters/<lang>.yaml
//     exists for the document's metadata.lang, its section for the stage overrides the options
//     (FineWeb-2 style); other documents use the options as given.
//   - Rules run in the order listed; the first failing rule removes the document with its tag.
#ifndef KILANG_FILTER_QUALITY_H_
#define KILANG_FILTER_QUALITY_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kilang/pipeline/stage.h"
#include "kilang/util/status.h"

namespace kilang {

// Stage `gopher_quality`.
struct GopherQualityOptions {
  int min_doc_words = 50;      // non-symbol words < min: "gopher_short_doc"
  int max_doc_words = 100000;  // non-symbol words > max: "gopher_long_doc"
  double min_avg_word_length =
      3;  // mean length of non-symbol words < min: "gopher_below_avg_threshold"
  double max_avg_word_length = 10;  // ... > max: "gopher_above_avg_threshold"
  // count("#") / words > ratio: "gopher_too_many_hashes";
  // (count("...") + count("…")) / words > ratio: "gopher_too_many_ellipsis".
  double max_symbol_word_ratio = 0.1;
  // Lines starting (after leading space) with "•" or "-", fraction > ratio:
  // "gopher_too_many_bullets".
  double max_bullet_lines_ratio = 0.9;
  // Lines ending with "..." or "…", fraction > ratio: "gopher_too_many_end_ellipsis".
  double max_ellipsis_lines_ratio = 0.3;
  // Words with at least one letter / words < ratio: "gopher_below_alpha_threshold" (datatrove's
  // name; it is a minimum).
  double max_non_alpha_words_ratio = 0.8;
  // Distinct stop words present < min: "gopher_enough_stop_words".
  int min_stop_words = 2;
  // Empty: the language config's stopwords, else Gopher's English list
  // {the, be, to, of, and, that, have, with}. Matched case-sensitively, as datatrove does; a
  // token with an apostrophe also matches by its elided prefix ("l'homme" matches "l'").
  std::vector<std::string> stop_words;
  // Language used when metadata.lang is empty (for segmentation and configs).
  std::string default_language = "en";
  bool use_language_configs = true;
};

// Stage `gopher_repetition`. Fractions are "greater than: remove"; duplicates count from the
// second occurrence on.
struct GopherRepetitionOptions {
  double dup_para_frac = 0.3;       // duplicate paragraphs / paragraphs: "dup_para_frac"
  double dup_para_char_frac = 0.2;  // chars in duplicate paragraphs / chars: "dup_para_char_frac"
  double dup_line_frac = 0.3;       // duplicate lines / lines: "dup_line_frac"
  double dup_line_char_frac = 0.2;  // chars in duplicate lines / chars: "dup_line_char_frac"
  // Most frequent n-gram: len(joined with spaces) * count / chars > f: "top_<n>_gram".
  std::vector<std::pair<int, double>> top_n_grams = {{2, 0.20}, {3, 0.18}, {4, 0.16}};
  // Chars of repeated n-grams (scan jumps n words after a repeat) / chars > f:
  // "duplicated_<n>_n_grams".
  std::vector<std::pair<int, double>> dup_n_grams = {{5, 0.15}, {6, 0.14}, {7, 0.13},
                                                     {8, 0.12}, {9, 0.11}, {10, 0.10}};
  std::string default_language = "en";
  bool use_language_configs = true;
};

// Stage `c4`: line-level removal and document-level rules of C4, each switchable. Kept lines are
// joined with "\n" into the new text; the number of removed lines is added to metadata.extra as
// "c4_lines_removed" when > 0.
struct C4Options {
  bool filter_no_terminal_punct = true;  // drop lines not ending in . ? ! " ' (or ending in ...)
  int min_words_per_line = 3;            // drop lines with fewer whitespace-separated words
  int max_word_length = 1000;            // drop lines with a longer word (-1: off)
  bool remove_citations = true;          // delete [1], [edit], [citation needed]
  bool filter_lorem_ipsum = true;        // "lorem ipsum" anywhere: remove doc, "lorem_ipsum"
  bool filter_javascript = true;         // drop lines containing "javascript"
  bool filter_curly_bracket = true;      // "{" in a kept line: remove doc, "curly_bracket"
  bool filter_policy = true;             // drop lines with terms-of-use/privacy/cookie phrases
  int min_num_sentences = 5;  // sentences in kept lines < min: "too_few_sentences" (-1: off)
  std::string default_language = "en";
  bool use_language_configs = true;
};

// Stage `fineweb_quality`. Lines are the text split on "\n" without blank lines.
struct FineWebQualityOptions {
  // Lines ending in terminal punctuation (Unicode Terminal_Punctuation) / lines < thr:
  // "line_punct_ratio".
  double line_punct_thr = 0.12;
  bool line_punct_exclude_zero = false;  // do not remove when that ratio is exactly 0
  // Lines of at most short_line_length chars / lines > thr: "short_line_ratio".
  double short_line_thr = 0.67;
  int short_line_length = 30;
  // Chars in duplicate lines / chars of the text without "\n" > ratio: "char_dup_ratio".
  double char_duplicates_ratio = 0.01;
  // count("\n") / words > ratio: "list_ratio".
  double new_line_ratio = 0.3;
  std::string default_language = "en";
  bool use_language_configs = true;
};

// Factories. InvalidArgument for out-of-range values (negative thresholds, n-gram sizes outside
// 1..64), or when a per-language config section does not parse.
Result<std::unique_ptr<DocumentStage>> MakeGopherQualityStage(const GopherQualityOptions& options);
Result<std::unique_ptr<DocumentStage>> MakeGopherRepetitionStage(
    const GopherRepetitionOptions& options);
Result<std::unique_ptr<DocumentStage>> MakeC4Stage(const C4Options& options);
Result<std::unique_ptr<DocumentStage>> MakeFineWebQualityStage(
    const FineWebQualityOptions& options);

}  // namespace kilang

#endif  // KILANG_FILTER_QUALITY_H_
