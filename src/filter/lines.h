// Per-document line analysis shared by the quality stages (gopher_quality, gopher_repetition,
// fineweb_quality): one pass over the text finds its '\n'-separated pieces with what each stage
// needs of them (bounds, code points, stripped bounds, the splitlines() counts of gopher_quality),
// kept in the worker's StageContext so that the stages of one chain split the text once.
#ifndef KILANG_SRC_FILTER_LINES_H_
#define KILANG_SRC_FILTER_LINES_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "kilang/pipeline/stage.h"
#include "text_util.h"

namespace kilang::filter_internal {

// One piece of text.split('\n') (the '\n' excluded). Offsets are bytes of the text.
struct LinePiece {
  size_t begin = 0, end = 0;  // the piece is text[begin, end)
  size_t lstrip = 0;          // start of LStrip(piece); == end when the piece is blank
  size_t rstrip = 0;          // end of RStrip(piece); == begin when the piece is blank
  size_t chars = 0;           // CodePoints(piece)
  // The piece holds a str.splitlines() break other than '\n' (\r \v \f \x1c-\x1e U+0085
  // U+2028 U+2029).
  bool other_breaks = false;
  // After FindLineDuplicates: an earlier piece has the same bytes (false for empty pieces), and
  // PieceKey(piece).
  bool dup = false;
  uint64_t key = 0;

  bool blank() const { return lstrip == end; }  // Strip(piece) is empty
};

struct DocumentLines {
  // The pieces of text.split('\n') that are not empty, and the first and the last piece
  // whatever they are: the empty pieces between two kept ones (runs of '\n') are implicit,
  // pieces[j + 1].begin - pieces[j].end - 1 of them. (A text of newlines costs no memory per
  // newline.)
  std::vector<LinePiece> pieces;
  size_t newline_count = 0;       // the text's '\n': text.split('\n') has one piece more
  size_t chars = 0;               // CodePoints(text)
  // Python text.splitlines() (gopher_quality's lines): their number, those whose lstrip starts
  // with "•" or "-", those whose rstrip ends with "..." or "…".
  size_t lines = 0;
  size_t bullet_lines = 0;
  size_t ellipsis_lines = 0;
  size_t nonempty = 0;            // pieces that are not empty
  bool duplicates_found = false;  // FindLineDuplicates ran on this text

  size_t newlines() const { return newline_count; }
  // Empty pieces between pieces[j - 1] and pieces[j] (0 < j < pieces.size()).
  size_t EmptyBefore(size_t j) const { return pieces[j].begin - pieces[j - 1].end - 1; }

  // Scratch reused across documents (the duplicate sets).
  FlatMap<uint8_t> seen;
  std::vector<std::string_view> sublines;
};

// The line analysis of `text`, cached in `ctx` (valid until the next call with the same ctx;
// recomputed when the text changes: keyed by its address and bytes: TextKey). Without the
// duplicates (dup, key) until FindLineDuplicates.
DocumentLines& AnalyzeLines(std::string_view text, StageContext& ctx);

// The uncached analysis (for tests): fills `*out` for `text`.
void AnalyzeLinesInto(std::string_view text, DocumentLines* out);

// Fills dup and key of every piece (once per text). `text` is the analysed text.
void FindLineDuplicates(std::string_view text, DocumentLines* lines);

// 64-bit key of a piece of text: equal for equal bytes.
inline uint64_t PieceKey(std::string_view s) {
  return Hash64(s) ^ (s.size() * 0x9E3779B97F4A7C15ULL);
}

// Pieces of a split, the second and later occurrences of equal pieces, and their code points.
struct PieceDuplicates {
  size_t pieces = 0;
  size_t dups = 0;
  size_t dup_chars = 0;
};

// re.split(r"\n+", text) (gopher_repetition's lines; leading and trailing empty pieces kept).
// Requires FindLineDuplicates.
PieceDuplicates LineDuplicates(const DocumentLines& lines);

// re.split(r"\n{2,}", text.strip()) (gopher_repetition's paragraphs). Requires
// FindLineDuplicates; uses lines->seen.
PieceDuplicates ParagraphDuplicates(std::string_view text, DocumentLines* lines);

}  // namespace kilang::filter_internal

#endif  // KILANG_SRC_FILTER_LINES_H_
