#include "text_util.h"

#include <array>
#include <cctype>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kilang/util/text.h"
#include "kilang/util/utf8.h"

namespace kilang::filter_internal {

void SplitLines(std::string_view text, std::vector<std::string_view>* lines) {
  lines->clear();
  size_t start = 0, i = 0;
  const size_t n = text.size();
  // Bytes that may start a line break: \n \v \f \r \x1c-\x1e, and the lead bytes of U+0085
  // (C2) and U+2028/U+2029 (E2).
  static const auto* may_break = [] {
    auto* t = new std::array<bool, 256>();
    for (int b : {0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0xc2, 0xe2}) (*t)[b] = true;
    return t;
  }();
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  while (i < n) {
    // Skip eight printable ASCII bytes at a time (no byte < 0x20, none >= 0x80), then byte-wise.
    if (i + 8 <= n) {
      uint64_t x;
      std::memcpy(&x, text.data() + i, 8);
      if (!((((x - 0x20 * kOnes) & ~x) | x) & kHigh)) {
        i += 8;
        continue;
      }
    }
    if (!(*may_break)[static_cast<unsigned char>(text[i])]) {
      ++i;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t brk_len = 0;
    if (c == '\n' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1e)) {
      brk_len = 1;
    } else if (c == '\r') {
      brk_len = (i + 1 < n && text[i + 1] == '\n') ? 2 : 1;
    } else if (c == 0xC2 && i + 1 < n && static_cast<unsigned char>(text[i + 1]) == 0x85) {
      brk_len = 2;  // U+0085
    } else if (c == 0xE2 && i + 2 < n && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(text[i + 2]) == 0xA8 ||
                static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
      brk_len = 3;  // U+2028, U+2029
    }
    if (brk_len) {
      lines->push_back(text.substr(start, i - start));
      i += brk_len;
      start = i;
    } else {
      ++i;
    }
  }
  if (start < n) lines->push_back(text.substr(start));
}

namespace {
// Length of the white-space code point starting at s[i], or 0.
size_t SpaceAt(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return (c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f)) ? 1 : 0;
  size_t pos = i;
  uint32_t cp = NextCodePoint(s, &pos);
  return IsSpace(cp) ? pos - i : 0;
}
}  // namespace

std::string_view LStrip(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t k = SpaceAt(s, i);
    if (!k) break;
    i += k;
  }
  return s.substr(i);
}

std::string_view RStrip(std::string_view s) {
  size_t end = s.size();
  while (end > 0) {
    size_t b = end - 1;
    while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80) --b;
    if (SpaceAt(s.substr(0, end), b) != end - b) break;
    end = b;
  }
  return s.substr(0, end);
}

std::string_view Strip(std::string_view s) { return RStrip(LStrip(s)); }

size_t CountOf(std::string_view h, std::string_view needle) {
  if (needle.empty()) return 0;
  size_t n = 0, pos = 0;
  while ((pos = h.find(needle, pos)) != std::string_view::npos) {
    ++n;
    pos += needle.size();
  }
  return n;
}

SymbolCounts CountHashesAndEllipses(std::string_view s) {
  SymbolCounts r;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
#if defined(__SSE2__)
    if (i + 16 <= n) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      const uint32_t m = static_cast<uint32_t>(_mm_movemask_epi8(
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('#')),
                                    _mm_cmpeq_epi8(v, _mm_set1_epi8('.'))),
                       _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(0xE2))))));
      if (m == 0) {
        i += 16;
        continue;
      }
      i += __builtin_ctz(m);
    }
#endif
    const unsigned char c = p[i];
    if (c == '#') {
      ++r.hashes;
      ++i;
    } else if (c == '.') {
      // A run of k dots holds k / 3 non-overlapping "...".
      size_t j = i + 1;
      while (j < n && p[j] == '.') ++j;
      r.ellipses += (j - i) / 3;
      i = j;
    } else if (c == 0xE2 && i + 2 < n && p[i + 1] == 0x80 && p[i + 2] == 0xA6) {
      ++r.ellipses;  // U+2026
      i += 3;
    } else {
      ++i;
    }
  }
  return r;
}

uint32_t LastCodePoint(std::string_view s) {
  if (s.empty()) return 0;
  size_t b = s.size() - 1;
  while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80) --b;
  size_t pos = b;
  return NextCodePoint(s, &pos);
}

bool AllPunctOrSymbol(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[pos]);
    if (c < 0x80) {
      // ASCII punctuation: ! through /, : through @, [ through `, { through ~ (C locale ispunct).
      bool punct = (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) ||
                   (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
      if (!punct) return false;
      ++pos;
      continue;
    }
    uint32_t cp = NextCodePoint(s, &pos);
    if (!IsPunctOrSymbol(cp)) return false;
  }
  return true;
}

bool HasLetter(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[pos]);
    if (c < 0x80) {
      if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
      ++pos;
      continue;
    }
    if (IsLetter(NextCodePoint(s, &pos))) return true;
  }
  return false;
}

namespace {

constexpr uint64_t kOnes8 = 0x0101010101010101ULL, kHigh8 = 0x8080808080808080ULL;

// Bit 7 of each byte of the result: whether that byte of `w` is >= k (bytes of w below 0x80).
inline uint64_t BytesAtLeast(uint64_t w, uint8_t k) { return ((w | kHigh8) - k * kOnes8) & kHigh8; }

// For tokens of 1..16 bytes: two 64-bit words that together hold every byte (overlapping).
inline void LoadShort(std::string_view t, uint64_t* a, uint64_t* b) {
  const char* p = t.data();
  const size_t n = t.size();
  if (n >= 8) {
    std::memcpy(a, p, 8);
    std::memcpy(b, p + n - 8, 8);
  } else if (n >= 4) {
    uint32_t x, y;
    std::memcpy(&x, p, 4);
    std::memcpy(&y, p + n - 4, 4);
    *a = x | static_cast<uint64_t>(y) << 32;
    *b = *a;
  } else {
    const uint64_t v = static_cast<unsigned char>(p[0]) |
                       static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8 |
                       static_cast<uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16 |
                       static_cast<uint64_t>(static_cast<unsigned char>(p[0])) << 24;
    *a = v | v << 32;
    *b = *a;
  }
}

}  // namespace

uint64_t TokenHash(std::string_view t) {
  const size_t n = t.size();
  if (n == 0 || n > 16) return Hash64(t);
  unsigned char buf[16] = {};
  std::memcpy(buf, t.data(), n);
  uint64_t lo, hi;
  std::memcpy(&lo, buf, 8);
  std::memcpy(&hi, buf + 8, 8);
  return ShortTokenHash(lo, hi, n);
}

namespace {

constexpr uint8_t kLetterFlag = 1, kPunctFlag = 2;

// IsLetter / IsPunctOrSymbol of every code point below U+10000 as two flag bits, so that the
// facts of a non-ASCII token cost a table read per character instead of a property lookup.
// Built once per process (~64K property lookups).
const uint8_t* BmpFlags() {
  static const uint8_t* const table = [] {
    auto* t = new uint8_t[0x10000];
    for (uint32_t cp = 0; cp < 0x10000; ++cp) {
      t[cp] = static_cast<uint8_t>((IsLetter(cp) ? kLetterFlag : 0) |
                                   (IsPunctOrSymbol(cp) ? kPunctFlag : 0));
    }
    return t;
  }();
  return table;
}

// Code points, has-letter and all-punctuation-or-symbol of a token whose characters are valid
// UTF-8 of one to three bytes; false (nothing set) for anything else: four-byte characters,
// invalid sequences (the general helpers then decide, as they do for every other token).
inline bool BmpFacts(const unsigned char* p, size_t n, TokenFacts* f) {
  const uint8_t* flags = BmpFlags();
  uint32_t chars = 0;
  uint8_t any = 0, all = kPunctFlag;
  for (size_t i = 0; i < n; ++chars) {
    const unsigned char c = p[i];
    uint32_t cp;
    if (c < 0x80) {
      cp = c;
      i += 1;
    } else if (c >= 0xC2 && c < 0xE0) {
      if (i + 1 >= n || (p[i + 1] & 0xC0) != 0x80) return false;
      cp = (c & 0x1Fu) << 6 | (p[i + 1] & 0x3Fu);
      i += 2;
    } else if (c >= 0xE0 && c < 0xF0) {
      if (i + 2 >= n || (p[i + 1] & 0xC0) != 0x80 || (p[i + 2] & 0xC0) != 0x80) return false;
      cp = (c & 0x0Fu) << 12 | (p[i + 1] & 0x3Fu) << 6 | (p[i + 2] & 0x3Fu);
      if (cp < 0x800 || (cp >= 0xD800 && cp < 0xE000)) return false;  // overlong, surrogate
      i += 3;
    } else {
      return false;
    }
    const uint8_t x = flags[cp];
    any |= x;
    all &= x;
  }
  f->chars = chars;
  f->has_letter = (any & kLetterFlag) != 0;
  f->punct_or_symbol = (all & kPunctFlag) != 0;
  return true;
}

inline TokenFacts FactsOfImpl(std::string_view t, const char* readable_end) {
  TokenFacts f;
  const size_t n = t.size();
#if defined(__SSE2__)
  if (n >= 1 && n <= 16 && readable_end - t.data() >= 16) {
    // One 16-byte load (the bytes after the token are readable but masked off): no branch on
    // the token's length.
    const __m128i iota = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m128i in = _mm_cmpgt_epi8(_mm_set1_epi8(static_cast<char>(n)), iota);
    const __m128i v =
        _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data())), in);
    const uint64_t lo = static_cast<uint64_t>(_mm_cvtsi128_si64(v));
    const uint64_t hi = static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v)));
    f.hash = ShortTokenHash(lo, hi, n);  // = TokenHash(t)
    if (_mm_movemask_epi8(v) == 0) {                    // ASCII
      auto between = [](__m128i x, char lo, char hi) {  // lo <= x <= hi, bytes below 0x80
        return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(static_cast<char>(lo - 1))),
                             _mm_cmpgt_epi8(_mm_set1_epi8(static_cast<char>(hi + 1)), x));
      };
      const __m128i alpha = between(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z');
      const __m128i digit = between(v, '0', '9');
      const __m128i other =  // controls, space, DEL: neither letters nor punctuation
          _mm_and_si128(_mm_or_si128(_mm_cmpgt_epi8(_mm_set1_epi8(0x21), v),
                                     _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))),
                        in);
      f.chars = static_cast<uint32_t>(n);
      f.has_letter = _mm_movemask_epi8(alpha) != 0;
      f.punct_or_symbol = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(alpha, digit), other)) == 0;
      return f;
    }
    if (BmpFacts(reinterpret_cast<const unsigned char*>(t.data()), n, &f)) return f;
    f.chars = static_cast<uint32_t>(CodePoints(t));
    f.has_letter = HasLetter(t);
    f.punct_or_symbol = AllPunctOrSymbol(t);
    return f;
  }
#endif
  (void)readable_end;
  if (n >= 1 && n <= 16) {
    uint64_t a, b;
    LoadShort(t, &a, &b);
    if (!((a | b) & kHigh8)) {  // ASCII: classify eight bytes at a time
      auto classes = [](uint64_t w, uint64_t* alpha, uint64_t* word_or_other) {
        const uint64_t y = w | 0x2020202020202020ULL;  // ASCII lower case
        *alpha |= BytesAtLeast(y, 'a') & ~BytesAtLeast(y, 'z' + 1);
        const uint64_t digit = BytesAtLeast(w, '0') & ~BytesAtLeast(w, '9' + 1);
        const uint64_t other = ~BytesAtLeast(w, 0x21) | BytesAtLeast(w, 0x7f);  // controls, DEL
        *word_or_other |= digit | other;
      };
      uint64_t alpha = 0, rest = 0;
      classes(a, &alpha, &rest);
      classes(b, &alpha, &rest);
      f.hash = TokenHash(t);
      f.chars = static_cast<uint32_t>(n);
      f.has_letter = (alpha & kHigh8) != 0;
      f.punct_or_symbol = ((alpha | rest) & kHigh8) == 0;
      return f;
    }
  }
  f.hash = TokenHash(t);
  if (BmpFacts(reinterpret_cast<const unsigned char*>(t.data()), n, &f)) return f;
  f.chars = static_cast<uint32_t>(CodePoints(t));
  f.has_letter = HasLetter(t);
  f.punct_or_symbol = AllPunctOrSymbol(t);
  return f;
}

}  // namespace

TokenFacts FactsOf(std::string_view t) { return FactsOfImpl(t, t.data() + t.size()); }

TokenFacts FactsOf(std::string_view t, const char* readable_end) {
  return FactsOfImpl(t, readable_end);
}

void AnalyzeTokens(const std::vector<std::string_view>& tokens, const char* readable_end,
                   DocumentWords* w) {
  const size_t n = tokens.size();
  w->facts.resize(n);
  TokenFacts* out = w->facts.data();
  for (size_t i = 0; i < n; ++i) out[i] = FactsOfImpl(tokens[i], readable_end);
  CountWords(w);
}

void CountWords(DocumentWords* w) {
  static_cast<WordCounts&>(*w) = WordCounts();
  for (const TokenFacts& f : w->facts) w->Count(f);
}

}  // namespace kilang::filter_internal
