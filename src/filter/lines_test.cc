// The shared line analysis against references built the plain way from the text helpers (the
// computations the quality stages made before they shared it): splits, strips, code points,
// splitlines() counts and the duplicate pieces of lines and paragraphs.
#include "lines.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "kilang/util/text.h"

namespace kilang::filter_internal {
namespace {

std::vector<std::string_view> SplitOnNewline(std::string_view t) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t nl = t.find('\n', start);
    if (nl == std::string_view::npos) break;
    out.push_back(t.substr(start, nl - start));
    start = nl + 1;
  }
  out.push_back(t.substr(start));
  return out;
}

bool HasOtherBreak(std::string_view s) {
  for (char c : {'\r', '\v', '\f', '\x1c', '\x1d', '\x1e'}) {
    if (s.find(c) != std::string_view::npos) return true;
  }
  for (std::string_view b : {"\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9"}) {
    if (s.find(b) != std::string_view::npos) return true;
  }
  return false;
}

// Second and later occurrences among `pieces` and their code points.
PieceDuplicates NaiveDuplicates(const std::vector<std::string_view>& pieces) {
  PieceDuplicates r;
  std::set<std::string_view> seen;
  for (std::string_view p : pieces) {
    ++r.pieces;
    if (!seen.insert(p).second) {
      ++r.dups;
      r.dup_chars += CodePoints(p);
    }
  }
  return r;
}

// re.split(r"\n+", text).
std::vector<std::string_view> NaiveLinePieces(std::string_view t) {
  std::vector<std::string_view> out;
  size_t start = 0, i = 0;
  while (i < t.size()) {
    if (t[i] != '\n') {
      ++i;
      continue;
    }
    out.push_back(t.substr(start, i - start));
    while (i < t.size() && t[i] == '\n') ++i;
    start = i;
  }
  out.push_back(t.substr(start));
  return out;
}

// re.split(r"\n{2,}", text.strip()).
std::vector<std::string_view> NaiveParagraphs(std::string_view text) {
  const std::string_view t = Strip(text);
  std::vector<std::string_view> out;
  size_t start = 0, i = 0;
  while (i < t.size()) {
    if (t[i] == '\n' && i + 1 < t.size() && t[i + 1] == '\n') {
      out.push_back(t.substr(start, i - start));
      while (i < t.size() && t[i] == '\n') ++i;
      start = i;
    } else {
      ++i;
    }
  }
  out.push_back(t.substr(start));
  return out;
}

void CheckAgainstReference(std::string_view text) {
  SCOPED_TRACE(::testing::PrintToString(std::string(text)));
  DocumentLines dl;
  AnalyzeLinesInto(text, &dl);
  FindLineDuplicates(text, &dl);
  // The kept pieces: the non-empty ones, and the first and the last; the empty ones between
  // are counted by EmptyBefore.
  const auto all = SplitOnNewline(text);
  std::vector<std::string_view> pieces;
  std::vector<size_t> empty_before;
  size_t empties = 0;
  for (size_t j = 0; j < all.size(); ++j) {
    if (all[j].empty() && j != 0 && j + 1 != all.size()) {
      ++empties;
      continue;
    }
    pieces.push_back(all[j]);
    empty_before.push_back(empties);
    empties = 0;
  }
  ASSERT_EQ(dl.pieces.size(), pieces.size());
  for (size_t j = 1; j < pieces.size(); ++j) EXPECT_EQ(dl.EmptyBefore(j), empty_before[j]);
  EXPECT_EQ(dl.chars, CodePoints(text));
  EXPECT_EQ(dl.newlines(), CountOf(text, "\n"));
  std::set<std::string_view> earlier;
  for (size_t j = 0; j < pieces.size(); ++j) {
    SCOPED_TRACE(j);
    const LinePiece& l = dl.pieces[j];
    const std::string_view p = pieces[j];
    ASSERT_EQ(text.substr(l.begin, l.end - l.begin), p);
    EXPECT_EQ(l.chars, CodePoints(p));
    EXPECT_EQ(l.other_breaks, HasOtherBreak(p));
    EXPECT_EQ(l.blank(), Strip(p).empty());
    EXPECT_EQ(text.substr(l.lstrip, l.end - l.lstrip), LStrip(p));
    EXPECT_EQ(text.substr(l.begin, l.rstrip - l.begin), RStrip(p));
    EXPECT_EQ(l.key, PieceKey(p));
    EXPECT_EQ(l.dup, !p.empty() && earlier.count(p) > 0);
    earlier.insert(p);
  }
  std::vector<std::string_view> lines;
  SplitLines(text, &lines);
  size_t bullets = 0, ellipsis = 0;
  for (std::string_view l : lines) {
    const std::string_view ls = LStrip(l), rs = RStrip(l);
    bullets += StartsWith(ls, "\u2022") || StartsWith(ls, "-");
    ellipsis += EndsWith(rs, "...") || EndsWith(rs, "\u2026");
  }
  EXPECT_EQ(dl.lines, lines.size());
  EXPECT_EQ(dl.bullet_lines, bullets);
  EXPECT_EQ(dl.ellipsis_lines, ellipsis);
  const PieceDuplicates ld = LineDuplicates(dl), nld = NaiveDuplicates(NaiveLinePieces(text));
  EXPECT_EQ(ld.pieces, nld.pieces);
  EXPECT_EQ(ld.dups, nld.dups);
  EXPECT_EQ(ld.dup_chars, nld.dup_chars);
  const PieceDuplicates pd = ParagraphDuplicates(text, &dl);
  const PieceDuplicates npd = NaiveDuplicates(NaiveParagraphs(text));
  EXPECT_EQ(pd.pieces, npd.pieces);
  EXPECT_EQ(pd.dups, npd.dups);
  EXPECT_EQ(pd.dup_chars, npd.dup_chars);
}

TEST(Lines, EdgeCasesMatchTheReference) {
  for (std::string_view t : {"",
                             "a",
                             "\n",
                             "\n\n",
                             "\n\n\n",
                             "a\n",
                             "\na",
                             "a\nb",
                             "a\n\nb",
                             "a\n\n\nb\n",
                             " \n \n",
                             "a\r\nb\r\n",
                             "a\r\n\r\nb\r\n\r\na\r\n",
                             "\r",
                             "\r\r\n",
                             "x\v\n",
                             "x\f",
                             "\x1c\x1d\x1e\n",
                             "\xC2\x85\n\xE2\x80\xA8\n\xE2\x80\xA9",
                             "\x85\xA8\xA9\n\xC2\n\x80\xA8",
                             "\xE2\x80",
                             "\xFF\xFE\n\x80\n\xC2",
                             "- a\n\xE2\x80\xA2 b\n  -c\n",
                             "a...\nb\xE2\x80\xA6  \n...",
                             "\xC2\xA0x\xC2\xA0\n\xE3\x80\x80y\xE3\x80\x80",
                             "dup\ndup\n\ndup\ndup\n\ndup\ndup\n"}) {
    CheckAgainstReference(t);
  }
  // Only newlines, of every length around the 16-byte blocks.
  for (size_t n = 0; n < 70; ++n) CheckAgainstReference(std::string(n, '\n'));
}

TEST(Lines, BreaksAtEveryOffsetOfABlock) {
  // A break sequence at each offset of the 16-byte blocks and across their boundaries (the
  // multi-byte ones read the bytes before the block).
  for (std::string_view brk : {"\n", "\r\n", "\r", "\v", "\x1e", "\xC2\x85", "\xE2\x80\xA8",
                               "\xE2\x80\xA9", "\xC3\xA9", "\xE2\x80\xA6", "\t"}) {
    for (size_t at = 0; at < 50; ++at) {
      std::string t(at, 'a');
      t += brk;
      t += std::string(40, 'b');
      t += '\n';
      t += std::string(at, 'a');
      t += brk;
      t += std::string(40, 'b');
      CheckAgainstReference(t);
    }
  }
}

TEST(Lines, RandomTextsMatchTheReference) {
  const std::vector<std::string> frag = {"a",
                                         "b",
                                         "ab",
                                         "word",
                                         " ",
                                         "  ",
                                         "\t",
                                         "\n",
                                         "\n",
                                         "\n\n",
                                         "\r",
                                         "\r\n",
                                         "\v",
                                         "\f",
                                         "\x1c",
                                         "\x1f",
                                         "\xC2\x85",
                                         "\xE2\x80\xA8",
                                         "\xE2\x80\xA9",
                                         "\xE2\x80\xA2",
                                         "-",
                                         ".",
                                         "...",
                                         "\xE2\x80\xA6",
                                         "\xC2\xA0",
                                         "\xE3\x80\x80",
                                         "\x80",
                                         "\xC2",
                                         "\xE2\x80",
                                         "\xFF",
                                         "\xC3\xA9",
                                         "\xE6\x97\xA5\xE6\x9C\xAC",
                                         "\xD0\xA8",
                                         "\xD1\x85",
                                         "!",
                                         "?"};
  std::mt19937 rng(42);
  for (int iter = 0; iter < 3000; ++iter) {
    // A few distinct lines, repeated, so that duplicates occur.
    std::vector<std::string> lines(1 + rng() % 6);
    for (auto& l : lines) {
      for (int k = rng() % 12; k > 0; --k) l += frag[rng() % frag.size()];
    }
    std::string t;
    for (int k = rng() % 30; k > 0; --k) {
      t += lines[rng() % lines.size()];
      t += rng() % 3 ? "\n" : (rng() % 2 ? "\n\n" : "\r\n");
    }
    if (rng() % 2 && !t.empty()) t.pop_back();  // no trailing newline
    CheckAgainstReference(t);
  }
}

TEST(Lines, OneMegabyteLine) {
  std::string t(1 << 20, 'x');
  for (size_t i = 100; i < t.size(); i += 997) t[i] = ' ';
  t += "\n";
  t += std::string(1 << 20, 'x');
  CheckAgainstReference(t);
  DocumentLines dl;
  AnalyzeLinesInto(t, &dl);
  FindLineDuplicates(t, &dl);
  ASSERT_EQ(dl.pieces.size(), 2u);
  EXPECT_EQ(dl.pieces[0].chars, size_t{1} << 20);
  EXPECT_FALSE(dl.pieces[1].dup);  // differs by the spaces
}

// Runs of newlines cost no piece each: a megabyte of '\n' keeps two pieces (the first and the
// last, both empty) and still counts every line.
TEST(Lines, NewlineRunsKeepNoPiecePerNewline) {
  const std::string t = "a\n" + std::string(1 << 20, '\n') + "b";
  CheckAgainstReference(t);
  DocumentLines dl;
  AnalyzeLinesInto(t, &dl);
  ASSERT_EQ(dl.pieces.size(), 2u);  // "a" and "b"
  EXPECT_EQ(dl.EmptyBefore(1), size_t{1} << 20);
  EXPECT_EQ(dl.newlines(), (size_t{1} << 20) + 1);
  EXPECT_EQ(dl.lines, (size_t{1} << 20) + 2);
  const std::string only(1 << 20, '\n');
  AnalyzeLinesInto(only, &dl);
  EXPECT_EQ(dl.pieces.size(), 2u);
  EXPECT_EQ(dl.lines, size_t{1} << 20);
}

TEST(Lines, CacheFollowsTheTextNotItsAddress) {
  StageContext ctx;
  std::string t = "one\ntwo\n";
  EXPECT_EQ(AnalyzeLines(t, ctx).pieces.size(), 3u);
  const DocumentLines* first = &AnalyzeLines(t, ctx);
  // Same buffer and size, other bytes: recomputed.
  t[3] = ' ';
  const DocumentLines& again = AnalyzeLines(t, ctx);
  EXPECT_EQ(&again, first);  // the same cache slot
  EXPECT_EQ(again.pieces.size(), 2u);
  EXPECT_EQ(again.lines, 1u);
  // Duplicates are recomputed for the new text too.
  t = "x\nx\n";
  DocumentLines& dl = AnalyzeLines(t, ctx);
  EXPECT_FALSE(dl.duplicates_found);
  FindLineDuplicates(t, &dl);
  EXPECT_TRUE(dl.pieces[1].dup);
}

}  // namespace
}  // namespace kilang::filter_internal
