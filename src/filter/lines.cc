#include "lines.h"

#include <cstring>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kilang/util/text.h"

namespace kilang::filter_internal {

namespace {

// A str.splitlines() break other than '\n' ends at byte i: \v \f \r \x1c-\x1e, or the last byte
// of U+0085 (C2 85), U+2028 (E2 80 A8), U+2029 (E2 80 A9).
inline bool OtherBreakAt(const unsigned char* p, size_t i) {
  const unsigned char c = p[i];
  if ((c >= 0x0b && c <= 0x0d) || (c >= 0x1c && c <= 0x1e)) return true;
  if (c == 0x85) return i >= 1 && p[i - 1] == 0xC2;
  if (c == 0xA8 || c == 0xA9) return i >= 2 && p[i - 1] == 0x80 && p[i - 2] == 0xE2;
  return false;
}

// ASCII bytes that are not white space in Python (str.strip's set: \t-\r, \x1c-\x1f, space).
inline bool AsciiNonSpace(unsigned char c) { return c > 0x20 && c < 0x80; }

// Set bits of a 16-bit mask (the baseline x86-64 target has no popcnt instruction).
inline uint32_t Popcount16(uint32_t x) {
  x = x - ((x >> 1) & 0x5555);
  x = (x & 0x3333) + ((x >> 2) & 0x3333);
  x = (x + (x >> 4)) & 0x0F0F;
  return (x + (x >> 8)) & 0x1F;
}

// Splits on '\n', counting code points and flagging other breaks; fills begin, end, chars,
// other_breaks of every piece and out->chars.
void ScanPieces(std::string_view text, DocumentLines* out) {
  auto& pieces = out->pieces;
  pieces.clear();
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t begin = 0;          // start of the current piece
  size_t cont_before = 0;    // continuation bytes before the current 16-byte block
  size_t cont_at_begin = 0;  // continuation bytes before `begin`
  bool other = false;        // the current piece has another break
  size_t nonempty = 0, total = 0;
  // The piece [begin, end); `last`: the text's last piece. Empty pieces are kept only first and
  // last.
  auto emit = [&](size_t end, size_t cont_at_end, bool last = false) {
    const bool empty = end == begin;
    nonempty += !empty;
    if (!empty || total == 0 || last) {
      LinePiece& l = pieces.emplace_back();
      l.begin = begin;
      l.end = end;
      l.chars = (end - begin) - (cont_at_end - cont_at_begin);
      l.other_breaks = other;
    }
    ++total;
    begin = end + 1;
    cont_at_begin = cont_at_end;
    other = false;
  };
  // A block of up to 16 bytes at `base` given its masks: newlines, continuation bytes, the last
  // bytes of other breaks. Requires cont_before to count the bytes before `base`.
  auto block = [&](size_t base, uint32_t nl, uint32_t cont, uint32_t brk) {
    while (nl) {
      const int b = __builtin_ctz(nl);
      const uint32_t below = (1u << b) - 1;
      if (brk & below) other = true;
      brk &= ~below;
      emit(base + b, cont_before + Popcount16(cont & below));
      nl &= nl - 1;
    }
    if (brk) other = true;
    cont_before += Popcount16(cont);
  };
  // Masks of up to 16 bytes at `base`, one byte at a time.
  auto scalar_block = [&](size_t base) {
    uint32_t nl = 0, cont = 0, brk = 0;
    for (size_t k = 0; k < 16 && base + k < n; ++k) {
      nl |= static_cast<uint32_t>(p[base + k] == '\n') << k;
      cont |= static_cast<uint32_t>((p[base + k] & 0xC0) == 0x80) << k;
      brk |= static_cast<uint32_t>(OtherBreakAt(p, base + k)) << k;
    }
    block(base, nl, cont, brk);
  };
  size_t i = 0;
#if defined(__SSE2__)
  if (n >= 32) {
    scalar_block(0);  // the loop reads the two bytes before each block
    i = 16;
    // Blocks without a newline, control byte or other break (most) only add their continuation
    // bytes to per-byte counters in `acc`, summed before they can overflow.
    __m128i acc = _mm_setzero_si128();
    int acc_blocks = 0;
    auto flush = [&] {
      const __m128i sums = _mm_sad_epu8(acc, _mm_setzero_si128());
      cont_before += static_cast<size_t>(_mm_cvtsi128_si32(sums)) +
                     static_cast<size_t>(_mm_extract_epi16(sums, 4));
      acc = _mm_setzero_si128();
      acc_blocks = 0;
    };
    const __m128i v_low = _mm_set1_epi8(-64);  // 0x80-0xBF are -128..-65 as signed bytes
    const __m128i v_1f = _mm_set1_epi8(0x1f), v_one = _mm_set1_epi8(1);
    const __m128i v_85 = _mm_set1_epi8(static_cast<char>(0x85));
    const __m128i v_a9 = _mm_set1_epi8(static_cast<char>(0xA9));
    const __m128i v_c2 = _mm_set1_epi8(static_cast<char>(0xC2));
    const __m128i v_80 = _mm_set1_epi8(static_cast<char>(0x80));
    const __m128i v_e2 = _mm_set1_epi8(static_cast<char>(0xE2));
    for (; i + 16 <= n; i += 16) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      const __m128i x1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i - 1));
      const __m128i x2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i - 2));
      const __m128i cont = _mm_cmplt_epi8(x, v_low);
      const __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(x, v_1f), x);  // x <= 0x1f, '\n' included
      const __m128i nel = _mm_and_si128(_mm_cmpeq_epi8(x, v_85), _mm_cmpeq_epi8(x1, v_c2));
      const __m128i sep =
          _mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(x, v_one), v_a9),
                        _mm_and_si128(_mm_cmpeq_epi8(x1, v_80), _mm_cmpeq_epi8(x2, v_e2)));
      const __m128i multi = _mm_or_si128(nel, sep);
      if (!_mm_movemask_epi8(_mm_or_si128(ctl, multi))) {
        acc = _mm_sub_epi8(acc, cont);
        if (++acc_blocks == 255) flush();
        continue;
      }
      flush();
      const uint32_t nl = _mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')));
      // Single-byte breaks: (x - 0x0b) <= 2 or (x - 0x1c) <= 2, unsigned.
      const __m128i a = _mm_sub_epi8(x, _mm_set1_epi8(0x0b));
      const __m128i c = _mm_sub_epi8(x, _mm_set1_epi8(0x1c));
      const __m128i two = _mm_set1_epi8(2);
      const __m128i single = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(a, two), a),
                                          _mm_cmpeq_epi8(_mm_min_epu8(c, two), c));
      block(i, nl, _mm_movemask_epi8(cont), _mm_movemask_epi8(_mm_or_si128(single, multi)));
    }
    flush();
  }
#endif
  for (; i < n; i += 16) scalar_block(i);
  emit(n, cont_before, /*last=*/true);
  out->chars = n - cont_before;
  out->nonempty = nonempty;
  out->newline_count = total - 1;
}

// Strip bounds of every piece, and the splitlines() counts of gopher_quality.
void StripAndCount(std::string_view text, DocumentLines* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  size_t lines = 0, bullets = 0, ellipsis = 0;
  auto is_bullet = [](std::string_view ls) {
    return StartsWith(ls, "\u2022") || StartsWith(ls, "-");
  };
  auto is_ellipsis = [](std::string_view rs) {
    return EndsWith(rs, "...") || EndsWith(rs, "\u2026");
  };
  const size_t last = out->pieces.size() - 1;
  for (size_t j = 0; j <= last; ++j) {
    LinePiece& l = out->pieces[j];
    if (j > 0) lines += out->EmptyBefore(j);  // empty lines (never the last piece)
    const std::string_view piece = text.substr(l.begin, l.end - l.begin);
    if (l.begin == l.end) {
      l.lstrip = l.end;
      l.rstrip = l.begin;
    } else {
      l.lstrip = AsciiNonSpace(p[l.begin]) ? l.begin : l.end - LStrip(piece).size();
      if (l.lstrip == l.end) {
        l.rstrip = l.begin;
      } else {
        l.rstrip = AsciiNonSpace(p[l.end - 1]) ? l.end : l.begin + RStrip(piece).size();
      }
    }
    if (l.other_breaks) {
      // splitlines() of the piece with its '\n' gives the lines of the whole text in it.
      const size_t len = l.end - l.begin + (j < last ? 1 : 0);
      SplitLines(text.substr(l.begin, len), &out->sublines);
      for (std::string_view s : out->sublines) {
        ++lines;
        bullets += is_bullet(LStrip(s));
        ellipsis += is_ellipsis(RStrip(s));
      }
      continue;
    }
    if (j == last && l.begin == l.end) break;  // no trailing empty line
    ++lines;
    if (!l.blank()) {
      bullets += is_bullet(text.substr(l.lstrip, l.end - l.lstrip));
      ellipsis += is_ellipsis(text.substr(l.begin, l.rstrip - l.begin));
    }
  }
  out->lines = lines;
  out->bullet_lines = bullets;
  out->ellipsis_lines = ellipsis;
}

struct LineCache {
  TextKey text;  // the text `lines` are of
  DocumentLines lines;
};

inline uint64_t Fold(uint64_t k, uint64_t piece_key) {
  k = (k << 27 | k >> 37) ^ piece_key;
  return k * 0x9E3779B97F4A7C15ULL;
}

}  // namespace

void AnalyzeLinesInto(std::string_view text, DocumentLines* out) {
  ScanPieces(text, out);
  StripAndCount(text, out);
  out->duplicates_found = false;
}

DocumentLines& AnalyzeLines(std::string_view text, StageContext& ctx) {
  auto& cache = ctx.Scratch<LineCache>("kilang.filter.lines");
  if (cache.text.Matches(text)) return cache.lines;
  AnalyzeLinesInto(text, &cache.lines);
  TrimScratch(&cache.lines.pieces);
  TrimScratch(&cache.lines.sublines);
  cache.text.Set(text);
  return cache.lines;
}

void FindLineDuplicates(std::string_view text, DocumentLines* lines) {
  if (lines->duplicates_found) return;
  lines->seen.Clear(lines->nonempty);  // empty pieces are not inserted
  for (LinePiece& l : lines->pieces) {
    l.dup = false;
    l.key = PieceKey(text.substr(l.begin, l.end - l.begin));
    if (l.begin == l.end) continue;
    bool inserted;
    lines->seen.Upsert(l.key, &inserted);
    l.dup = !inserted;
  }
  lines->duplicates_found = true;
}

PieceDuplicates LineDuplicates(const DocumentLines& lines) {
  PieceDuplicates r;
  const auto& pc = lines.pieces;
  const size_t last = pc.size() - 1;
  for (size_t j = 0; j <= last; ++j) {
    const LinePiece& l = pc[j];
    if (l.begin == l.end) {
      // Empty pieces only at the ends (runs of '\n' are one separator); the second is a repeat.
      if (j == 0 || j == last) {
        ++r.pieces;
        if (j == last && last > 0 && pc[0].begin == pc[0].end) ++r.dups;
      }
      continue;
    }
    ++r.pieces;
    if (l.dup) {
      ++r.dups;
      r.dup_chars += l.chars;
    }
  }
  return r;
}

PieceDuplicates ParagraphDuplicates(std::string_view text, DocumentLines* lines) {
  PieceDuplicates r;
  const std::string_view t = Strip(text);
  if (t.empty()) {
    r.pieces = 1;  // [""]
    return r;
  }
  const size_t ts = t.data() - text.data(), te = ts + t.size();
  const auto& pc = lines->pieces;
  // Paragraphs are runs of non-empty pieces separated by empty ones.
  lines->seen.Clear(std::min(lines->nonempty, (pc.size() + 1) / 2));
  // Paragraphs: maximal runs of non-empty pieces within [ts, te), the first and last clipped.
  uint64_t key = 0;
  size_t chars = 0, count = 0;  // of the open paragraph; count = its pieces
  auto close = [&] {
    if (!count) return;
    ++r.pieces;
    bool inserted;
    lines->seen.Upsert(key ^ count, &inserted);
    if (!inserted) {
      ++r.dups;
      r.dup_chars += chars + (count - 1);
    }
    key = 0;
    chars = count = 0;
  };
  // The first piece ending at or after ts holds ts (ts is not a '\n').
  size_t lo = 0, hi = pc.size() - 1;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (pc[mid].end < ts) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  for (size_t j = lo; j < pc.size() && pc[j].begin < te; ++j) {
    const LinePiece& l = pc[j];
    if (j > lo && lines->EmptyBefore(j) > 0) close();  // a run of '\n' (empty pieces) between
    const size_t b = std::max(l.begin, ts), e = std::min(l.end, te);
    if (b == e) {
      close();
      continue;
    }
    if (b == l.begin && e == l.end) {
      key = Fold(key, l.key);
      chars += l.chars;
    } else {
      const std::string_view s = text.substr(b, e - b);
      key = Fold(key, PieceKey(s));
      chars += CodePoints(s);
    }
    ++count;
  }
  close();
  return r;
}

}  // namespace kilang::filter_internal
