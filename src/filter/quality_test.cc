// Threshold-edge tests for the quality stages: for each rule a hand-made document whose measure
// sits exactly at the threshold (kept: the rules are strict) and one just past it (removed with
// the rule's tag). Other rules are switched off (0) so each test sees one rule only.
#include "kilang/filter/quality.h"

#include <gtest/gtest.h>
#include <malloc.h>
#include <unicode/uchar.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "kilang/filter/registry.h"

namespace kilang {
namespace {

// n words "wordN" of `len` letters each, space-separated.
std::string Words(int n, int len = 5, char c = 'w') {
  std::string s;
  for (int i = 0; i < n; ++i) {
    if (i) s += ' ';
    // distinct words: a letter pattern from i
    std::string w(len, c);
    for (int k = 0; k < len && k < 3; ++k)
      w[len - 1 - k] = static_cast<char>('a' + (i / (k == 0 ? 1 : k == 1 ? 26 : 676)) % 26);
    s += w;
  }
  return s;
}

std::string Lines(const std::vector<std::string>& lines) {
  std::string s;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) s += '\n';
    s += lines[i];
  }
  return s;
}

Verdict Apply(const DocumentStage& stage, std::string text, std::string lang = "") {
  StageContext ctx;
  Document d;
  d.text = std::move(text);
  d.metadata.lang = std::move(lang);
  return stage.Process(d, ctx);
}

GopherQualityOptions GopherOff() {
  GopherQualityOptions o;
  o.min_doc_words = 0;
  o.max_doc_words = 0;
  o.min_avg_word_length = 0;
  o.max_avg_word_length = 0;
  o.max_symbol_word_ratio = 0;
  o.max_bullet_lines_ratio = 0;
  o.max_ellipsis_lines_ratio = 0;
  o.max_non_alpha_words_ratio = 0;
  o.min_stop_words = 0;
  o.use_language_configs = false;
  return o;
}

std::unique_ptr<DocumentStage> Gopher(const GopherQualityOptions& o) {
  auto r = MakeGopherQualityStage(o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

void ExpectKeep(const Verdict& v) { EXPECT_TRUE(v.keep) << v.reason; }
void ExpectRemove(const Verdict& v, const std::string& reason) {
  EXPECT_FALSE(v.keep);
  EXPECT_EQ(v.reason, reason);
}

// Heap bytes in use (glibc), to see what a worker keeps between documents.
size_t HeapInUse() {
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

// A worker's scratch follows the current document: after a large document (many lines, many
// words), a small one releases what the large one grew (token and line caches, duplicate sets,
// the n-gram table), so one odd document does not pin its memory for the rest of a run.
TEST(QualityStages, WorkerReleasesTheMemoryOfALargeDocument) {
  std::vector<std::unique_ptr<DocumentStage>> stages;
  for (const char* n : {"gopher_quality", "gopher_repetition", "fineweb_quality"}) {
    auto s = MakeFilterStage(n, YAML::Node());
    ASSERT_TRUE(s.ok()) << n;
    stages.push_back(std::move(s).value());
  }
  StageContext ctx;
  Document small;
  small.text = "The cat sat on the mat, and then it was time for dinner.\nA second line.\n";
  auto run = [&](Document& d) {
    for (auto& s : stages) s->Process(d, ctx);
  };
  run(small);
  const size_t before = HeapInUse();
  // Words on many lines, then many empty lines: every per-line and per-word structure grows.
  size_t during;
  {
    Document large;
    std::string para;
    for (int i = 0; i < 60; ++i) para += "word" + std::to_string(i % 17) + " ";
    for (int i = 0; i < 40000; ++i) large.text += para + "\n";
    large.text += std::string(2 << 20, '\n');
    run(large);
    during = HeapInUse();
  }
  Document small2 = small;
  run(small2);
  const size_t after = HeapInUse();
  EXPECT_GT(during, before + (100u << 20));  // the large document did grow the scratch
  // What stays is bounded (containers of up to kScratchKeep elements are kept), not a share of
  // the large document.
  EXPECT_LT(after, before + (12u << 20)) << "before " << before << " during " << during;
  EXPECT_LT(after - before, (during - before) / 20) << "before " << before << " during " << during;
}

TEST(Gopher, MinDocWordsEdge) {
  auto o = GopherOff();
  o.min_doc_words = 50;
  auto s = Gopher(o);
  ExpectKeep(Apply(*s, Words(50) + " ."));  // the "." is a symbol token: not counted
  ExpectRemove(Apply(*s, Words(49) + " ."), "gopher_short_doc");
}

TEST(Gopher, MaxDocWordsEdge) {
  auto o = GopherOff();
  o.max_doc_words = 10;
  auto s = Gopher(o);
  ExpectKeep(Apply(*s, Words(10)));
  ExpectRemove(Apply(*s, Words(11)), "gopher_long_doc");
}

TEST(Gopher, AverageWordLengthEdges) {
  auto o = GopherOff();
  o.min_avg_word_length = 3;
  o.max_avg_word_length = 10;
  auto s = Gopher(o);
  ExpectKeep(Apply(*s, Words(10, 3)));                                                   // mean 3
  ExpectRemove(Apply(*s, Words(9, 3) + " ab"), "gopher_below_avg_threshold");            // 2.9
  ExpectKeep(Apply(*s, Words(10, 10)));                                                  // mean 10
  ExpectRemove(Apply(*s, Words(9, 10) + " abcdefghijk"), "gopher_above_avg_threshold");  // 10.1
  // Lengths are in code points, not bytes.
  ExpectKeep(Apply(*s, "été été été"));
}

TEST(Gopher, HashAndEllipsisRatioEdges) {
  auto o = GopherOff();
  o.max_symbol_word_ratio = 0.1;
  auto s = Gopher(o);
  ExpectKeep(Apply(*s, Words(9) + " #"));                              // 1 / 10 tokens
  ExpectRemove(Apply(*s, Words(8) + " #"), "gopher_too_many_hashes");  // 1 / 9
  ExpectKeep(Apply(*s, Words(9) + " \u2026"));
  ExpectRemove(Apply(*s, Words(8) + " \u2026"), "gopher_too_many_ellipsis");
  // "..." is three "." tokens for ICU: 1 / 12 is under, 1 / 10 ("..." + 7 words) is at the edge.
  ExpectKeep(Apply(*s, Words(7) + " ..."));
  ExpectRemove(Apply(*s, Words(6) + " ..."), "gopher_too_many_ellipsis");
}

TEST(Gopher, BulletLinesEdge) {
  auto o = GopherOff();
  o.max_bullet_lines_ratio = 0.9;
  auto s = Gopher(o);
  std::vector<std::string> lines(9, "- item here");
  lines.push_back("plain line");
  ExpectKeep(Apply(*s, Lines(lines)));  // 9 / 10
  lines.back() = "  \u2022 bullet";
  ExpectRemove(Apply(*s, Lines(lines)), "gopher_too_many_bullets");  // 10 / 10
}

TEST(Gopher, EllipsisLinesEdge) {
  auto o = GopherOff();
  o.max_ellipsis_lines_ratio = 0.3;
  auto s = Gopher(o);
  std::vector<std::string> lines(10, "a normal line.");
  for (int i = 0; i < 3; ++i) lines[i] = "and then...";
  ExpectKeep(Apply(*s, Lines(lines)));  // 3 / 10
  lines[3] = "and so on\u2026  ";
  ExpectRemove(Apply(*s, Lines(lines)), "gopher_too_many_end_ellipsis");  // 4 / 10
}

TEST(Gopher, AlphaWordsEdge) {
  auto o = GopherOff();
  o.max_non_alpha_words_ratio = 0.8;
  auto s = Gopher(o);
  ExpectKeep(Apply(*s, Words(8) + " 123 456"));                                        // 8 / 10
  ExpectRemove(Apply(*s, Words(7) + " 123 456 789"), "gopher_below_alpha_threshold");  // 7 / 10
}

TEST(Gopher, StopWordsAreDistinct) {
  auto o = GopherOff();
  o.min_stop_words = 2;
  auto s = Gopher(o);
  ExpectKeep(Apply(*s, "the cat of the house"));
  ExpectRemove(Apply(*s, "the cat the dog the"), "gopher_enough_stop_words");  // one distinct
  ExpectRemove(Apply(*s, "The cat Of mice"), "gopher_enough_stop_words");      // case-sensitive
}

TEST(Gopher, UsesLanguageConfigStopWords) {
  GopherQualityOptions o = GopherOff();
  o.min_stop_words = 2;
  o.use_language_configs = true;
  auto s = Gopher(o);
  ExpectKeep(Apply(*s, "rumah yang besar dan indah", "id"));
  ExpectRemove(Apply(*s, "the house of cards", "id"), "gopher_enough_stop_words");
  ExpectKeep(Apply(*s, "the house of cards", "en"));
  ExpectKeep(Apply(*s, "l'homme est dans la maison", "fr"));  // "l'" elision + "est"/"dans"/"la"
}

TEST(Gopher, DefaultsKeepARealArticle) {
  auto s = Gopher(GopherQualityOptions{});
  std::string text;
  for (int i = 0; i < 8; ++i) {
    text +=
        "The committee said that the new rules would have an effect on the price of "
        "housing and on the number of people with access to loans in paragraph " +
        std::to_string(i) + ".\n";
  }
  ExpectKeep(Apply(*s, text, "en"));
}

// ------------------------------------------------------------- Gopher repetition

GopherRepetitionOptions RepOff() {
  GopherRepetitionOptions o;
  o.dup_para_frac = o.dup_para_char_frac = o.dup_line_frac = o.dup_line_char_frac = 0;
  o.top_n_grams.clear();
  o.dup_n_grams.clear();
  o.use_language_configs = false;
  return o;
}

std::unique_ptr<DocumentStage> Rep(const GopherRepetitionOptions& o) {
  auto r = MakeGopherRepetitionStage(o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

TEST(GopherRepetition, DuplicateLineFractionEdge) {
  auto o = RepOff();
  o.dup_line_frac = 0.3;
  auto s = Rep(o);
  // 10 lines, 3 of them second occurrences.
  std::vector<std::string> lines = {"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a1", "a2", "a3"};
  ExpectKeep(Apply(*s, Lines(lines)));
  lines[6] = "a4";  // 4 duplicates
  ExpectRemove(Apply(*s, Lines(lines)), "dup_line_frac");
}

TEST(GopherRepetition, DuplicateLineCharFractionEdge) {
  // "aaaa\nbbbb\naaaa": 4 duplicate chars / 14 chars.
  auto o = RepOff();
  o.dup_line_char_frac = 4.0 / 14;
  ExpectKeep(Apply(*Rep(o), "aaaa\nbbbb\naaaa"));
  o.dup_line_char_frac = 4.0 / 14 - 1e-9;
  ExpectRemove(Apply(*Rep(o), "aaaa\nbbbb\naaaa"), "dup_line_char_frac");
}

TEST(GopherRepetition, DuplicateParagraphEdges) {
  // Paragraphs split on 2+ newlines: [p, q, p] -> 1 / 3 duplicates, 5 chars / 20.
  const std::string text = "ppppp\n\nqqqqq\n\n\nppppp";
  auto o = RepOff();
  o.dup_para_frac = 1.0 / 3;
  ExpectKeep(Apply(*Rep(o), text));
  o.dup_para_frac = 1.0 / 3 - 1e-9;
  ExpectRemove(Apply(*Rep(o), text), "dup_para_frac");
  o = RepOff();
  o.dup_para_char_frac = 5.0 / 20;
  ExpectKeep(Apply(*Rep(o), text));
  o.dup_para_char_frac = 5.0 / 20 - 1e-9;
  ExpectRemove(Apply(*Rep(o), text), "dup_para_char_frac");
}

TEST(GopherRepetition, TopNgramEdge) {
  // Tokens x y x y z w: top 2-gram "x y" x2, 3 chars each -> 6 / 11.
  const std::string text = "x y x y z w";
  auto o = RepOff();
  o.top_n_grams = {{2, 6.0 / 11}};
  ExpectKeep(Apply(*Rep(o), text));
  o.top_n_grams = {{2, 6.0 / 11 - 1e-9}};
  ExpectRemove(Apply(*Rep(o), text), "top_2_gram");
}

TEST(GopherRepetition, DuplicatedNgramEdge) {
  // a b c d e a b c d e f: the second "a b c d e" is a repeat: 5 chars (joined without spaces)
  // / 21 chars.
  const std::string text = "a b c d e a b c d e f";
  auto o = RepOff();
  o.dup_n_grams = {{5, 5.0 / 21}};
  ExpectKeep(Apply(*Rep(o), text));
  o.dup_n_grams = {{5, 5.0 / 21 - 1e-9}};
  ExpectRemove(Apply(*Rep(o), text), "duplicated_5_n_grams");
}

TEST(GopherRepetition, DuplicatedNgramScanJumpsAfterARepeat) {
  // "a a a a a a a": 2-grams at 0 (new), 1 (repeat: +2, jump to 3), 3 (repeat, +2, jump to 5),
  // 5 (repeat, +2) -> 6 chars / 13.
  auto o = RepOff();
  o.dup_n_grams = {{2, 6.0 / 13}};
  ExpectKeep(Apply(*Rep(o), "a a a a a a a"));
  o.dup_n_grams = {{2, 6.0 / 13 - 1e-9}};
  ExpectRemove(Apply(*Rep(o), "a a a a a a a"), "duplicated_2_n_grams");
}

// Reference: datatrove's duplicated n-gram scan on whitespace-split words.
double NaiveDupNgramFraction(const std::string& text, int n) {
  std::vector<std::string> words;
  std::string w;
  for (char c : text + " ") {
    if (c == ' ') {
      if (!w.empty()) words.push_back(w);
      w.clear();
    } else {
      w += c;
    }
  }
  std::set<std::string> unique;
  size_t repeated = 0, idx = 0;
  while (idx + n <= words.size()) {
    std::string g;
    for (int k = 0; k < n; ++k) g += words[idx + k] + "\x01";
    if (unique.count(g)) {
      for (int k = 0; k < n; ++k) repeated += words[idx + k].size();
      idx += n;
    } else {
      unique.insert(g);
      ++idx;
    }
  }
  return static_cast<double>(repeated) / text.size();
}

TEST(GopherRepetition, DuplicatedNgramsMatchTheNaiveScanOnRandomText) {
  std::mt19937 rng(7);
  for (int iter = 0; iter < 300; ++iter) {
    std::string text;
    int len = 5 + rng() % 60;
    for (int i = 0; i < len; ++i) {
      if (i) text += ' ';
      text += static_cast<char>('a' + rng() % 3);
      if (rng() % 2) text += static_cast<char>('a' + rng() % 2);
    }
    for (int n : {5, 6, 8, 10}) {
      double f = NaiveDupNgramFraction(text, n);
      if (f == 0) continue;
      auto o = RepOff();
      // Several sizes at once, as in the defaults: the scan for n must not depend on the others.
      o.dup_n_grams = {{5, 999}, {n, f}, {10, 999}};
      ASSERT_TRUE(Apply(*Rep(o), text).keep) << text << " n=" << n;
      o.dup_n_grams = {{5, 999}, {n, f - 1e-9}, {10, 999}};
      ASSERT_EQ(Apply(*Rep(o), text).reason, "duplicated_" + std::to_string(n) + "_n_grams")
          << text;
    }
  }
}

// Reference: datatrove's top n-gram measure (Counter.most_common(1)) on whitespace-split words.
double NaiveTopNgramFraction(const std::string& text, int n) {
  std::vector<std::string> words;
  std::string w;
  for (char c : text + " ") {
    if (c == ' ') {
      if (!w.empty()) words.push_back(w);
      w.clear();
    } else {
      w += c;
    }
  }
  std::map<std::string, std::pair<int, size_t>> counts;  // gram -> (count, first)
  std::string best;
  int best_count = 0;
  size_t best_first = 0;
  for (size_t i = 0; i + n <= words.size(); ++i) {
    std::string g = words[i];
    for (int k = 1; k < n; ++k) g += " " + words[i + k];
    auto& c = counts[g];
    if (c.first == 0) c.second = i;
    ++c.first;
    if (c.first > best_count || (c.first == best_count && c.second < best_first)) {
      best_count = c.first;
      best_first = c.second;
      best = g;
    }
  }
  return static_cast<double>(best.size()) * best_count / text.size();
}

TEST(GopherRepetition, TopNgramsMatchTheNaiveCounterOnRandomText) {
  std::mt19937 rng(11);
  for (int iter = 0; iter < 300; ++iter) {
    std::string text;
    int len = 2 + rng() % 40;
    for (int i = 0; i < len; ++i) {
      if (i) text += ' ';
      text += static_cast<char>('a' + rng() % 4);
      for (int k = rng() % 3; k > 0; --k) text += static_cast<char>('a' + rng() % 2);
    }
    for (int n : {2, 3, 4}) {
      if (len < n) continue;
      double f = NaiveTopNgramFraction(text, n);
      auto o = RepOff();
      o.top_n_grams = {{2, 999}, {n, f}, {4, 999}};
      ASSERT_TRUE(Apply(*Rep(o), text).keep) << text << " n=" << n;
      o.top_n_grams = {{2, 999}, {n, f - 1e-9}, {4, 999}};
      ASSERT_EQ(Apply(*Rep(o), text).reason, "top_" + std::to_string(n) + "_gram") << text;
    }
  }
}

TEST(GopherRepetition, IndonesianConfigDisablesParagraphChecks) {
  GopherRepetitionOptions o = RepOff();
  o.dup_para_frac = 0.3;
  o.use_language_configs = true;
  auto s = Rep(o);
  // 10 paragraphs, 4 of them repeats.
  const std::string text =
      "sama\n\nsama\n\nsama\n\nsama\n\nsama\n\nbaru\n\nini\n\nitu\n\nada\n\napa";
  ExpectRemove(Apply(*s, text, "en"), "dup_para_frac");
  // id.yaml switches the paragraph rules off and sets dup_line_frac 0.241 (0.4 here).
  ExpectRemove(Apply(*s, text, "id"), "dup_line_frac");
}

// ------------------------------------------------------------- FineWeb quality

FineWebQualityOptions FwOff() {
  FineWebQualityOptions o;
  o.line_punct_thr = 0;
  o.short_line_thr = 999;
  o.char_duplicates_ratio = 999;
  o.new_line_ratio = 999;
  o.use_language_configs = false;
  return o;
}

std::unique_ptr<DocumentStage> Fw(const FineWebQualityOptions& o) {
  auto r = MakeFineWebQualityStage(o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

TEST(FineWeb, LinePunctuationRatioEdge) {
  auto o = FwOff();
  o.line_punct_thr = 0.12;
  auto s = Fw(o);
  std::vector<std::string> lines(25, "a line without an end");
  for (int i = 0; i < 3; ++i) lines[i] = "a finished line.";
  ExpectKeep(Apply(*s, Lines(lines)));  // 3 / 25 = 0.12
  lines[2] = "not finished";
  ExpectRemove(Apply(*s, Lines(lines)), "line_punct_ratio");  // 2 / 25
  // Unicode terminal punctuation counts: "。" and "؟".
  ExpectKeep(Apply(*s, "日本語の文です。\n¿Qué?\nسؤال؟"));
  o.line_punct_exclude_zero = true;
  ExpectKeep(Apply(*Fw(o), "no punctuation\nanywhere here"));
}

TEST(FineWeb, ShortLineRatioEdge) {
  auto o = FwOff();
  o.short_line_thr = 0.67;
  auto s = Fw(o);
  std::vector<std::string> lines(100, std::string(31, 'L'));
  for (int i = 0; i < 67; ++i) lines[i] = std::string(30, 's') + std::to_string(i % 1);
  for (int i = 0; i < 67; ++i) lines[i] = std::string(30, 's');  // exactly 30: short
  ExpectKeep(Apply(*s, Lines(lines)));                           // 0.67
  lines[67] = "short";
  ExpectRemove(Apply(*s, Lines(lines)), "short_line_ratio");  // 0.68
}

TEST(FineWeb, CharDuplicateRatioEdge) {
  // Lines: "abcde" x2 + "0123456789" x3 distinct filler -> dup chars 5 / (5+5+30).
  const std::string text = "abcde\nfiller-one!\nabcde\nfiller-two!\nfiller-333!";
  // chars without "\n": 5 + 11 + 5 + 11 + 11 = 43; duplicate chars 5.
  auto o = FwOff();
  o.char_duplicates_ratio = 5.0 / 43;
  ExpectKeep(Apply(*Fw(o), text));
  o.char_duplicates_ratio = 5.0 / 43 - 1e-9;
  ExpectRemove(Apply(*Fw(o), text), "char_dup_ratio");
}

TEST(FineWeb, NewLineRatioEdge) {
  auto o = FwOff();
  o.new_line_ratio = 0.3;
  auto s = Fw(o);
  ExpectKeep(Apply(*s, "one two three four\nfive six\nseven eight\nnine ten"));  // 3 / 10
  ExpectRemove(Apply(*s, "one two three\nfour\nfive six\nseven eight\nnine ten"),
               "list_ratio");  // 4 / 10
}

TEST(FineWeb, EmptyTextIsRemovedAsEmpty) {
  auto s = Fw(FineWebQualityOptions{});
  ExpectRemove(Apply(*s, ""), "empty");
  ExpectRemove(Apply(*s, " \n\t\n "), "empty");
}

// ------------------------------------------------------------- Line rules, differential

// A Python-semantics reference for the line and paragraph rules of the three stages, on code
// points (valid UTF-8 only; the byte-level helpers are tested against invalid UTF-8 in
// lines_test.cc and text_util_test.cc).
namespace py {

std::u32string Decode(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out += cp;
    i += len;
  }
  return out;
}

bool IsSpace(char32_t c) {  // str.isspace()
  return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
         c == 0x205f || c == 0x3000;
}
std::u32string LStrip(const std::u32string& s) {
  size_t i = 0;
  while (i < s.size() && IsSpace(s[i])) ++i;
  return s.substr(i);
}
std::u32string RStrip(const std::u32string& s) {
  size_t e = s.size();
  while (e > 0 && IsSpace(s[e - 1])) --e;
  return s.substr(0, e);
}
std::u32string Strip(const std::u32string& s) { return RStrip(LStrip(s)); }

std::vector<std::u32string> SplitLines(const std::u32string& s) {  // str.splitlines()
  std::vector<std::u32string> out;
  size_t start = 0, i = 0;
  while (i < s.size()) {
    const char32_t c = s[i];
    const bool brk = c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0x1c || c == 0x1d ||
                     c == 0x1e || c == 0x85 || c == 0x2028 || c == 0x2029;
    if (!brk) {
      ++i;
      continue;
    }
    out.push_back(s.substr(start, i - start));
    i += (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ? 2 : 1;
    start = i;
  }
  if (start < s.size()) out.push_back(s.substr(start));
  return out;
}

// Pieces between runs of at least `min_run` '\n'.
std::vector<std::u32string> SplitNewlineRuns(const std::u32string& s, size_t min_run) {
  std::vector<std::u32string> out;
  size_t start = 0, i = 0;
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && s[j] == '\n') ++j;
    if (j - i >= min_run && j > i) {
      out.push_back(s.substr(start, i - start));
      start = j;
      i = j;
    } else {
      i = j > i ? j : i + 1;
    }
  }
  out.push_back(s.substr(start));
  return out;
}

struct Dups {
  size_t pieces = 0, dups = 0, chars = 0;
};
Dups Duplicates(const std::vector<std::u32string>& pieces) {
  Dups d;
  std::set<std::u32string> seen;
  for (const auto& p : pieces) {
    ++d.pieces;
    if (!seen.insert(p).second) {
      ++d.dups;
      d.chars += p.size();
    }
  }
  return d;
}

bool StartsWith(const std::u32string& s, const std::u32string& p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}
bool EndsWith(const std::u32string& s, const std::u32string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

}  // namespace py

// Random valid UTF-8 texts made of a few distinct lines, repeated, joined by assorted breaks.
std::string RandomLinesText(std::mt19937& rng) {
  static const std::vector<std::string> frag = {"word",
                                                "alpha",
                                                "x",
                                                "\xC3\xA9t\xC3\xA9",
                                                "\xE6\x97\xA5\xE6\x9C\xAC",
                                                "\xD0\xA8\xD1\x85",
                                                " ",
                                                " ",
                                                "  ",
                                                "\t",
                                                "\xC2\xA0",
                                                "\xE3\x80\x80",
                                                "\r",
                                                "\v",
                                                "\x1c",
                                                "\xC2\x85",
                                                "\xE2\x80\xA8",
                                                "\xE2\x80\xA2",
                                                "-",
                                                ".",
                                                "...",
                                                "\xE2\x80\xA6",
                                                "!",
                                                "\xE3\x80\x82",
                                                ","};
  std::vector<std::string> lines(1 + rng() % 8);
  for (auto& l : lines) {
    l = rng() % 2 ? "word" : "";
    for (int k = rng() % 10; k > 0; --k) l += frag[rng() % frag.size()];
  }
  std::string t = rng() % 4 ? "" : "\n";
  for (int k = 1 + rng() % 40; k > 0; --k) {
    t += lines[rng() % lines.size()];
    const int b = rng() % 10;
    t += b < 6 ? "\n" : b < 8 ? "\n\n" : b < 9 ? "\r\n" : "\n\n\n";
  }
  t += "word";
  if (rng() % 2) t += "\n";
  return t;
}

// Keeps at threshold f and removes with `reason` just past it (when f is far enough from 0 for a
// threshold past it to be valid). `set` puts a threshold into the stage's options.
template <typename O, typename Make>
void ExpectEdge(const std::string& text, StageContext& ctx, O off, Make make, double f, bool above,
                void (*set)(O*, double), const std::string& reason) {
  O o = off;
  set(&o, f);
  Document d;
  d.text = text;
  EXPECT_TRUE(make(o)->Process(d, ctx).keep) << reason << " f=" << f;
  const double past = above ? f - 1e-9 : f + 1e-9;
  if (past <= 0) return;
  set(&o, past);
  d.text = text;
  EXPECT_EQ(make(o)->Process(d, ctx).reason, reason) << "f=" << f;
}

TEST(LineRules, MatchAPythonReferenceOnRandomTexts) {
  std::mt19937 rng(2024);
  StageContext ctx;  // one worker context for every document and stage, as in a pipeline
  auto rep = [](const GopherRepetitionOptions& o) { return Rep(o); };
  auto fw = [](const FineWebQualityOptions& o) { return Fw(o); };
  auto gq = [](const GopherQualityOptions& o) { return Gopher(o); };
  for (int iter = 0; iter < 400; ++iter) {
    const std::string text = RandomLinesText(rng);
    SCOPED_TRACE(::testing::PrintToString(text));
    const std::u32string u = py::Decode(text);
    const double chars = static_cast<double>(u.size());
    // gopher_repetition: lines and paragraphs.
    const py::Dups para = py::Duplicates(py::SplitNewlineRuns(py::Strip(u), 2));
    const py::Dups line = py::Duplicates(py::SplitNewlineRuns(u, 1));
    ExpectEdge<GopherRepetitionOptions>(
        text, ctx, RepOff(), rep, static_cast<double>(para.dups) / para.pieces, true,
        [](GopherRepetitionOptions* o, double v) { o->dup_para_frac = v; }, "dup_para_frac");
    ExpectEdge<GopherRepetitionOptions>(
        text, ctx, RepOff(), rep, para.chars / chars, true,
        [](GopherRepetitionOptions* o, double v) { o->dup_para_char_frac = v; },
        "dup_para_char_frac");
    ExpectEdge<GopherRepetitionOptions>(
        text, ctx, RepOff(), rep, static_cast<double>(line.dups) / line.pieces, true,
        [](GopherRepetitionOptions* o, double v) { o->dup_line_frac = v; }, "dup_line_frac");
    ExpectEdge<GopherRepetitionOptions>(
        text, ctx, RepOff(), rep, line.chars / chars, true,
        [](GopherRepetitionOptions* o, double v) { o->dup_line_char_frac = v; },
        "dup_line_char_frac");
    // fineweb_quality: non-blank '\n' lines.
    std::vector<std::u32string> fl;
    for (const auto& l : py::SplitNewlineRuns(u, 1)) {
      if (!py::Strip(l).empty()) fl.push_back(l);
    }
    // (split on single '\n': blank pieces between runs are dropped either way)
    size_t punct = 0, short_lines = 0, newlines = 0;
    for (const auto& l : fl) {
      punct += u_hasBinaryProperty(static_cast<UChar32>(l.back()), UCHAR_TERMINAL_PUNCTUATION);
      short_lines += l.size() <= 30;
    }
    for (char32_t c : u) newlines += c == '\n';
    ASSERT_FALSE(fl.empty());
    const py::Dups fdup = py::Duplicates(fl);
    auto fw_off = FwOff();
    fw_off.line_punct_exclude_zero = false;
    ExpectEdge<FineWebQualityOptions>(
        text, ctx, fw_off, fw, static_cast<double>(punct) / fl.size(), false,
        [](FineWebQualityOptions* o, double v) { o->line_punct_thr = v; }, "line_punct_ratio");
    ExpectEdge<FineWebQualityOptions>(
        text, ctx, fw_off, fw, static_cast<double>(short_lines) / fl.size(), true,
        [](FineWebQualityOptions* o, double v) { o->short_line_thr = v; }, "short_line_ratio");
    ExpectEdge<FineWebQualityOptions>(
        text, ctx, fw_off, fw, fdup.chars / (chars - newlines), true,
        [](FineWebQualityOptions* o, double v) { o->char_duplicates_ratio = v; }, "char_dup_ratio");
    // gopher_quality: splitlines() lines.
    const auto gl = py::SplitLines(u);
    size_t bullets = 0, ellipsis = 0;
    for (const auto& l : gl) {
      bullets += py::StartsWith(py::LStrip(l), U"\u2022") || py::StartsWith(py::LStrip(l), U"-");
      ellipsis += py::EndsWith(py::RStrip(l), U"...") || py::EndsWith(py::RStrip(l), U"\u2026");
    }
    ExpectEdge<GopherQualityOptions>(
        text, ctx, GopherOff(), gq, static_cast<double>(bullets) / gl.size(), true,
        [](GopherQualityOptions* o, double v) { o->max_bullet_lines_ratio = v; },
        "gopher_too_many_bullets");
    ExpectEdge<GopherQualityOptions>(
        text, ctx, GopherOff(), gq, static_cast<double>(ellipsis) / gl.size(), true,
        [](GopherQualityOptions* o, double v) { o->max_ellipsis_lines_ratio = v; },
        "gopher_too_many_end_ellipsis");
  }
}

TEST(GopherRepetition, TopBigramMatchesTheNaiveCounterAcrossDocumentsOfOneWorker) {
  // One context for all documents: the 2-gram table is reused (stamped, never cleared) while
  // the documents grow and shrink.
  std::mt19937 rng(5);
  StageContext ctx;
  for (int iter = 0; iter < 120; ++iter) {
    const int len = 2 + (iter % 3 == 0 ? rng() % 3000 : rng() % 60);
    const int vocab = 2 + rng() % 40;
    std::string text;
    for (int i = 0; i < len; ++i) {
      if (i) text += ' ';
      text += 'w';
      text += std::to_string(rng() % vocab);
    }
    const double f = NaiveTopNgramFraction(text, 2);
    auto o = RepOff();
    o.top_n_grams = {{2, f}};
    Document d;
    d.text = text;
    ASSERT_TRUE(Rep(o)->Process(d, ctx).keep) << text;
    o.top_n_grams = {{2, f - 1e-9}};
    ASSERT_EQ(Rep(o)->Process(d, ctx).reason, "top_2_gram") << text;
    if (len >= 3) {
      // The 3-gram count (which reuses the table) before the 2-gram rule reads its counts.
      const double g = NaiveTopNgramFraction(text, 3);
      o.top_n_grams = {{3, g}, {2, f}};
      ASSERT_TRUE(Rep(o)->Process(d, ctx).keep) << text;
      o.top_n_grams = {{3, g}, {2, f - 1e-9}};
      ASSERT_EQ(Rep(o)->Process(d, ctx).reason, "top_2_gram") << text;
    }
    // The larger sizes and the duplicated n-grams after it, on the same table.
    for (int n : {3, 5}) {
      if (len < n) continue;
      const double g = NaiveTopNgramFraction(text, n);
      o = RepOff();
      o.top_n_grams = {{2, 999}, {n, g}};
      ASSERT_TRUE(Rep(o)->Process(d, ctx).keep) << text << " n=" << n;
      o.top_n_grams = {{2, 999}, {n, g - 1e-9}};
      ASSERT_EQ(Rep(o)->Process(d, ctx).reason, "top_" + std::to_string(n) + "_gram") << text;
      const double h = NaiveDupNgramFraction(text, n);
      if (h == 0) continue;
      o = RepOff();
      o.dup_n_grams = {{n, h}, {10, 999}};
      ASSERT_TRUE(Rep(o)->Process(d, ctx).keep) << text << " n=" << n;
      o.dup_n_grams = {{n, h - 1e-9}, {10, 999}};
      ASSERT_EQ(Rep(o)->Process(d, ctx).reason, "duplicated_" + std::to_string(n) + "_n_grams");
    }
  }
}

// ------------------------------------------------------------- C4

C4Options C4Off() {
  C4Options o;
  o.filter_no_terminal_punct = false;
  o.min_words_per_line = 0;
  o.max_word_length = -1;
  o.remove_citations = false;
  o.filter_lorem_ipsum = false;
  o.filter_javascript = false;
  o.filter_curly_bracket = false;
  o.filter_policy = false;
  o.min_num_sentences = -1;
  o.use_language_configs = false;
  return o;
}

std::string RunC4(const C4Options& o, std::string text, Verdict* v) {
  auto stage = MakeC4Stage(o);
  EXPECT_TRUE(stage.ok());
  StageContext ctx;
  Document d;
  d.text = std::move(text);
  *v = (*stage)->Process(d, ctx);
  return d.text;
}

TEST(C4, LineRules) {
  Verdict v;
  auto o = C4Off();
  o.filter_no_terminal_punct = true;
  EXPECT_EQ(RunC4(o, "Ends well.\nNo end\nTrailing dots...\nQuote said \"yes\"", &v),
            "Ends well.\nQuote said \"yes\"");
  o = C4Off();
  o.min_words_per_line = 3;
  EXPECT_EQ(RunC4(o, "one two three\none two\nfour five six seven", &v),
            "one two three\nfour five six seven");
  o = C4Off();
  o.max_word_length = 10;
  EXPECT_EQ(RunC4(o, "short words only\nhas averyveryverylongword in it", &v), "short words only");
  o = C4Off();
  o.remove_citations = true;
  EXPECT_EQ(RunC4(o, "Fact[1] here[edit] and[citation needed] there[12].", &v),
            "Fact here and there.");
  o = C4Off();
  o.filter_javascript = true;
  o.filter_policy = true;
  EXPECT_EQ(RunC4(o,
                  "Enable JavaScript to continue.\nRead our Privacy Policy.\nThis site uses "
                  "cookies.\nA real sentence.",
                  &v),
            "A real sentence.");
}

TEST(C4, DocumentRules) {
  Verdict v;
  auto o = C4Off();
  o.filter_lorem_ipsum = true;
  RunC4(o, "Good line.\nLorem Ipsum dolor sit amet.", &v);
  ExpectRemove(v, "lorem_ipsum");
  o = C4Off();
  o.filter_curly_bracket = true;
  RunC4(o, "function() { return 1; }", &v);
  ExpectRemove(v, "curly_bracket");
}

TEST(C4, MinSentencesEdge) {
  Verdict v;
  auto o = C4Off();
  o.min_num_sentences = 5;
  RunC4(o, "One. Two. Three.\nFour. Five.", &v);
  ExpectKeep(v);
  RunC4(o, "One. Two. Three.\nFour.", &v);
  ExpectRemove(v, "too_few_sentences");
}

TEST(C4, DefaultsOnARealText) {
  Verdict v;
  std::string text =
      "The council met on Monday. It approved the budget.\nMembers debated for hours. They voted "
      "at noon.\nShare this article\nThe mayor thanked everyone. The session closed.";
  std::string out = RunC4(C4Options{}, text, &v);
  ExpectKeep(v);
  EXPECT_EQ(out.find("Share this"), std::string::npos);
}

// ------------------------------------------------------------- bad input, all stages

TEST(FilterStages, BadInputGetsADefinedVerdict) {
  std::vector<std::unique_ptr<DocumentStage>> stages;
  for (const auto& name : FilterStageNames()) {
    if (name == "langid" || name == "pii") continue;  // tested in their own files
    auto s = MakeFilterStage(name, YAML::Node());
    ASSERT_TRUE(s.ok()) << name << ": " << s.status().ToString();
    stages.push_back(std::move(s).value());
  }
  const std::vector<std::string> inputs = {
      "",
      "   \n\t\n  ",
      "!!! ??? ... ,,, ### --- \u2026\u2026",
      std::string(10 << 20, 'x'),
      "Mixed scripts: Bahasa Indonesia, 日本語の文章, русский текст, العربية, ไทย.",
      "invalid \xff\xfe utf-8 \xc3\x28 here \xed\xa0\x80 end \xf0\x28\x8c",
  };
  for (const auto& stage : stages) {
    for (const auto& text : inputs) {
      for (const char* lang : {"", "en", "id", "zh", "ja"}) {
        if (text.size() > 1000 && *lang) continue;  // the 10 MB text once per stage
        StageContext ctx;
        Document d;
        d.text = text;
        d.metadata.lang = lang;
        Verdict v = stage->Process(d, ctx);
        if (!v.keep) {
          EXPECT_FALSE(v.reason.empty()) << stage->name();
        }
      }
    }
  }
}

TEST(FilterStages, EmptyTextReasons) {
  EXPECT_EQ(Apply(*Gopher(GopherQualityOptions{}), "").reason, "gopher_short_doc");
  EXPECT_TRUE(Apply(*Rep(GopherRepetitionOptions{}), "").keep);
  EXPECT_EQ(Apply(*Fw(FineWebQualityOptions{}), "").reason, "empty");
}

// ------------------------------------------------------------- registry

TEST(FilterRegistry, UnknownOptionNamesKeyAndLine) {
  YAML::Node n = YAML::Load("min_doc_words: 10\nmin_dock_words: 5\n");
  auto r = MakeFilterStage("gopher_quality", n);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("min_dock_words"), std::string::npos);
  EXPECT_NE(r.status().message().find("line 2"), std::string::npos);
}

TEST(FilterRegistry, BadValuesAndNamesAreErrors) {
  EXPECT_FALSE(MakeFilterStage("gopher_quality", YAML::Load("min_doc_words: many")).ok());
  EXPECT_FALSE(MakeFilterStage("nope", YAML::Node()).ok());
  EXPECT_FALSE(MakeFilterStage("fineweb_quality", YAML::Load("[1, 2]")).ok());
  EXPECT_FALSE(MakeFilterStage("gopher_repetition", YAML::Load("top_n_grams: {0: 0.1}")).ok());
}

TEST(FilterRegistry, ParsesNgramListsBothWays) {
  GopherRepetitionOptions o;
  ASSERT_TRUE(ParseGopherRepetitionOptions(
                  YAML::Load("top_n_grams: [[2, 0.5]]\ndup_n_grams: {5: 0.25, 6: 0.2}"), &o)
                  .ok());
  ASSERT_EQ(o.top_n_grams.size(), 1u);
  EXPECT_EQ(o.top_n_grams[0], (std::pair<int, double>{2, 0.5}));
  ASSERT_EQ(o.dup_n_grams.size(), 2u);
}

TEST(FilterRegistry, EveryNamedStageBuildsWithDefaults) {
  for (const auto& name : FilterStageNames()) {
    auto r = MakeFilterStage(name, YAML::Node());
    if (name == "langid" && !r.ok() && r.status().code() == StatusCode::kNotFound) continue;
    ASSERT_TRUE(r.ok()) << name << ": " << r.status().ToString();
    EXPECT_EQ((*r)->name(), name);
  }
}

}  // namespace
}  // namespace kilang
