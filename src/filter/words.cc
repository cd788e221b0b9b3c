#include "kilang/filter/words.h"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>

#if defined(__SSE2__)
#include <emmintrin.h>
#define KILANG_WORDS_SSE2 1
#else
#define KILANG_WORDS_SSE2 0
#endif

#include "kilang/util/text.h"
#include "kilang/util/utf8.h"
#include "text_util.h"

namespace kilang {
namespace {

// Word_Break classes as used by the fast path. kComplex: not handled by the fast path.
enum Wb : uint8_t {
  kOther,
  kCR,
  kLF,
  kNewline,
  kExtend,  // Extend, Format (WB4 ignorables; ZWJ is complex)
  kALetter,
  kSingleQuote,
  kMidNumLet,
  kMidLetter,
  kMidNum,
  kNumeric,
  kExtendNumLet,
  kWSegSpace,
  kHangul,  // Hangul syllables: ICU joins only adjacent ones (not ALetter in its rules)
  kComplex,
};

// The fast path knows the characters below kTableSize (Latin, Greek, Cyrillic, the other
// alphabets and abugidas of the BMP up to U+2E7F, punctuation, symbols, arrows, math operators)
// and Hangul syllables (ClassAt); the rest (CJK, emoji, ...) are kComplex.
constexpr uint32_t kTableSize = 0x2E80;
constexpr uint8_t kClassMask = 0x1f;
constexpr uint8_t kSpaceBit = 0x80;  // white space (not a token by itself)

// Whether the fast path may handle `cp` (< kTableSize): not characters that ICU segments with a
// dictionary (Line_Break=Complex_Context: Thai, Lao, Khmer, Burmese...; Han, Hiragana, Katakana),
// nor Hangul jamo (ICU treats Hangul specially), nor unassigned code points.
bool IsSimple(uint32_t cp) {
  if (cp >= 0x1100 && cp < 0x1200) return false;
  if (u_charType(cp) == U_UNASSIGNED) return false;
  if (u_getIntPropertyValue(cp, UCHAR_LINE_BREAK) == U_LB_COMPLEX_CONTEXT) return false;
  if (u_hasBinaryProperty(cp, UCHAR_IDEOGRAPHIC)) return false;
  UErrorCode st = U_ZERO_ERROR;
  UScriptCode sc = uscript_getScript(cp, &st);
  return sc != USCRIPT_HAN && sc != USCRIPT_HIRAGANA && sc != USCRIPT_KATAKANA;
}

Wb ClassOf(uint32_t cp) {
  if (cp >= kTableSize || !IsSimple(cp)) return kComplex;
  if (u_hasBinaryProperty(cp, UCHAR_EXTENDED_PICTOGRAPHIC)) return kComplex;
  // ICU's root word rules drop the colons from MidLetter (CLDR tailoring).
  if (cp == ':') return kOther;
  if (cp == '@') return kALetter;  // ICU: keeps "user@host" together
  switch (u_getIntPropertyValue(cp, UCHAR_WORD_BREAK)) {
    case U_WB_OTHER:
    case U_WB_DOUBLE_QUOTE:  // only matters next to Hebrew letters, which are complex
      return kOther;
    case U_WB_CR:
      return kCR;
    case U_WB_LF:
      return kLF;
    case U_WB_NEWLINE:
      return kNewline;
    case U_WB_EXTEND:
    case U_WB_FORMAT:
      return kExtend;
    case U_WB_ALETTER:
      return kALetter;
    case U_WB_SINGLE_QUOTE:
      return kSingleQuote;
    case U_WB_MIDNUMLET:
      return kMidNumLet;
    case U_WB_MIDLETTER:
      return kMidLetter;
    case U_WB_MIDNUM:
      return kMidNum;
    case U_WB_NUMERIC:
      return kNumeric;
    case U_WB_EXTENDNUMLET:
      return kExtendNumLet;
    case U_WB_WSEGSPACE:
      return kWSegSpace;
    default:
      return kComplex;  // Katakana, Hebrew_Letter, RI, ZWJ, E_Base, ...
  }
}

const std::array<uint8_t, kTableSize>& Table() {
  static const auto* table = [] {
    auto* t = new std::array<uint8_t, kTableSize>();
    for (uint32_t cp = 0; cp < kTableSize; ++cp) {
      uint8_t c = ClassOf(cp);
      if (c != kComplex && IsSpace(cp)) {  // the predicate TrimSpace uses on the ICU path
        c |= kSpaceBit;
      }
      (*t)[cp] = c;
    }
    return t;
  }();
  return *table;
}

// Table() for locales whose ICU rules keep ':' in MidLetter (Swedish, Finnish: "EU:s").
const std::array<uint8_t, kTableSize>& ColonTable() {
  static const auto* table = [] {
    auto* t = new std::array<uint8_t, kTableSize>(Table());
    (*t)[':'] = kMidLetter;
    return t;
  }();
  return *table;
}

// The class byte of every byte value for the ASCII path: ASCII characters as in Table(), with
// kWordBit on the letters and digits (and '@'), whose runs make up most of the text; bytes >= 0x80
// (lead or continuation bytes of longer characters) get kMultiByte.
constexpr uint8_t kWordBit = 0x40;
constexpr uint8_t kMultiByte = 0x1e;

const std::array<uint8_t, 256>& ByteTable() {
  static const auto* table = [] {
    auto* t = new std::array<uint8_t, 256>();
    for (uint32_t b = 0; b < 256; ++b) {
      uint8_t c = b < 0x80 ? Table()[b] : static_cast<uint8_t>(kMultiByte);
      if ((c & kClassMask) == kALetter || (c & kClassMask) == kNumeric) c |= kWordBit;
      (*t)[b] = c;
    }
    return t;
  }();
  return *table;
}

// The class byte of the character at s[p] (p < n) and its length in *len. Characters the fast
// path does not handle, and invalid UTF-8, give kComplex (*len is then unspecified).
inline uint8_t ClassAt(const uint8_t* table, const unsigned char* s, size_t n, size_t p,
                       size_t* len) {
  const unsigned char b = s[p];
  if (b < 0x80) {
    *len = 1;
    return table[b];
  }
  if (b >= 0xC2 && b <= 0xDF) {
    if (p + 1 < n && (s[p + 1] & 0xC0) == 0x80) {
      *len = 2;
      return table[((b & 0x1F) << 6) | (s[p + 1] & 0x3F)];
    }
    return kComplex;
  }
  if (b >= 0xE0 && b <= 0xE2 && p + 2 < n) {  // E3 and above start at U+3000 (>= kTableSize)
    const unsigned char b1 = s[p + 1], b2 = s[p + 2];
    if ((b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80 && (b != 0xE0 || b1 >= 0xA0)) {
      uint32_t cp = ((b & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F);
      *len = 3;
      return cp < kTableSize ? table[cp] : static_cast<uint8_t>(kComplex);
    }
  }
  if (b >= 0xEA && b <= 0xED && p + 2 < n) {
    const unsigned char b1 = s[p + 1], b2 = s[p + 2];
    if ((b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80 && (b != 0xED || b1 < 0xA0)) {
      uint32_t cp = ((b & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F);
      if (cp >= 0xAC00 && cp <= 0xD7A3) {
        *len = 3;
        return kHangul;
      }
    }
  }
  return kComplex;
}

// Skips Extend/Format characters from s[q] (WB4: they belong to the character before them).
// *blank stays true only if they are all white space.
inline size_t SkipExtends(const uint8_t* table, const unsigned char* s, size_t n, size_t q,
                          bool* blank) {
  while (q < n && s[q] >= 0x80) {  // no ASCII character is Extend
    size_t len;
    uint8_t c = ClassAt(table, s, n, q, &len);
    if ((c & kClassMask) != kExtend) break;
    *blank = *blank && (c & kSpaceBit);
    q += len;
  }
  return q;
}

// The end of the word or number segment whose characters before s[q] are letters, digits or
// ExtendNumLet (possibly with ignorables), the last non-ignorable one of class `last`
// (rules WB4..WB13b). *blank: whether the segment so far is all white space (only a run of
// U+202F, which is ExtendNumLet, can be).
size_t WordEnd(const uint8_t* table, const uint8_t* bytes, const unsigned char* s, size_t n,
               size_t q, uint8_t last, bool* blank) {
  for (;;) {
    // Runs of ASCII letters and digits (never white space).
    if (q < n && (bytes[s[q]] & kWordBit)) {
      *blank = false;
      do {
        ++q;
      } while (q < n && (bytes[s[q]] & kWordBit));
      last = bytes[s[q - 1]] & kClassMask;
    }
    if (q >= n) return q;
    size_t len;
    const uint8_t c = ClassAt(table, s, n, q, &len);
    const uint8_t cls = c & kClassMask;
    switch (cls) {
      case kALetter:
      case kNumeric:  // WB5, WB8, WB9, WB10, WB13b
        *blank = false;
        last = cls;
        q += len;
        continue;
      case kExtendNumLet:  // WB13a
        *blank = *blank && (c & kSpaceBit);
        last = cls;
        q += len;
        continue;
      case kExtend:  // WB4
        *blank = *blank && (c & kSpaceBit);
        q += len;
        continue;
      case kMidLetter:
      case kMidNumLet:
      case kSingleQuote:
      case kMidNum: {
        // WB6/WB7 (letter, MidLetter|MidNumLetQ, letter) and WB11/WB12 (digit,
        // MidNum|MidNumLetQ, digit): the middle character joins only when the next
        // non-ignorable character continues the word.
        uint8_t want;
        if (last == kALetter && cls != kMidNum) {
          want = kALetter;
        } else if (last == kNumeric && cls != kMidLetter) {
          want = kNumeric;
        } else {
          return q;
        }
        size_t r = q + len;
        for (;;) {
          if (r >= n) return q;
          size_t l2;
          const uint8_t m = ClassAt(table, s, n, r, &l2) & kClassMask;
          if (m == kExtend) {
            r += l2;
            continue;
          }
          if (m != want) return q;
          break;
        }
        q = r;  // the letter or digit after the middle character is consumed next
        continue;
      }
      default:
        return q;  // WB999 (kComplex: the caller handles the character)
    }
  }
}

// A token with an ASCII letter or digit, or a non-ASCII character (letters of other scripts;
// punctuation rarely) in it.
inline bool IsWordLike(std::string_view t) {
  for (unsigned char c : t) {
    if (c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
      return true;
    }
  }
  return false;
}

// "-", "/", ":", U+2013 EN DASH, U+2010 HYPHEN, U+2011 NON-BREAKING HYPHEN.
inline bool IsInfix(std::string_view t) {
  if (t.size() == 1) return t[0] == '-' || t[0] == '/' || t[0] == ':';
  return t.size() == 3 && t[0] == '\xE2' && t[1] == '\x80' &&
         (t[2] == '\x93' || t[2] == '\x90' || t[2] == '\x91');
}

// JoinInfixes on tokens[from..].
void JoinRange(std::vector<std::string_view>* tokens, size_t from) {
  auto& t = *tokens;
  size_t out = from;
  for (size_t i = from; i < t.size();) {
    std::string_view cur = t[i];
    size_t j = i + 1;
    if (IsWordLike(cur)) {
      while (j + 1 < t.size() && t[j].data() == cur.data() + cur.size() && IsInfix(t[j]) &&
             t[j + 1].data() == t[j].data() + t[j].size() && IsWordLike(t[j + 1])) {
        cur = std::string_view(cur.data(), t[j + 1].data() + t[j + 1].size() - cur.data());
        j += 2;
      }
    }
    t[out++] = cur;
    i = j;
  }
  t.resize(out);
}

inline bool IsAsciiBlank(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Whether there is a word boundary before s[a] that no rule looks across, so that ICU gives the
// same segments after it whether it starts there or earlier: the start of the text or of a line;
// after CR, VT, FF (WB3a); after a space or tab when s[a] is not Extend, Format or ZWJ (WB4, and
// WB3c after it) nor, after a space, a space (WB3d). Rules that look further back (WB7, WB11,
// WB7c, regional indicator pairs) need other characters than white space before s[a].
bool HardBoundaryBefore(const unsigned char* s, size_t n, size_t a) {
  if (a == 0 || s[a - 1] == '\n') return true;
  const unsigned char c = s[a - 1];
  if (!IsAsciiBlank(c)) return false;
  if (c != ' ' && c != '\t') return s[a] != '\n';  // CR LF stay together (WB3)
  if (s[a] < 0x80) return !(c == ' ' && s[a] == ' ');
  size_t pos = a;
  const uint32_t cp = NextCodePoint(std::string_view(reinterpret_cast<const char*>(s), n), &pos);
  switch (u_getIntPropertyValue(cp, UCHAR_WORD_BREAK)) {
    case U_WB_EXTEND:
    case U_WB_FORMAT:
    case U_WB_ZWJ:
      return false;
    case U_WB_WSEGSPACE:
      return c != ' ';
    default:
      return true;
  }
}

// The last hard boundary (HardBoundaryBefore) at or before p, or `floor` (the end of the last
// stretch, also a boundary no rule looks across: StretchEnd), whichever comes first.
size_t StretchStart(const unsigned char* s, size_t n, size_t p, size_t floor) {
  size_t a = p;
  while (a > floor && !HardBoundaryBefore(s, n, a)) --a;
  return a;
}

// The first position at least kMinStretch bytes after p (or the end of the line) that is white
// space with a boundary before it that no rule looks across: a line feed; tab, CR, VT, FF
// (WB999, WB3b); a space after an ASCII character that is not a space (WB3d). Rules that look
// ahead (WB6, WB7b, WB12) see a character that is not a letter, digit or quote there, as they
// see the end of the text. The end of the text when there is none. (Each ICU call costs about
// a microsecond: short stretches would make text with many such characters slower than ICU.)
constexpr size_t kMinStretch = 256;

size_t StretchEnd(const unsigned char* s, size_t n, size_t p) {
  for (size_t b = p + 1; b < n; ++b) {
    const unsigned char c = s[b];
    if (!IsAsciiBlank(c)) continue;
    if (c == '\n') return b;
    if (b >= p + kMinStretch && (c != ' ' || (s[b - 1] < 0x80 && s[b - 1] != ' '))) return b;
  }
  return n;
}

#if KILANG_WORDS_SSE2
// Bit masks of the classes of 64 bytes (bit i: byte i) for the block layer.
struct AsciiMasks {
  uint64_t letter;     // A-Z a-z @ (ALetter)
  uint64_t digit;      // 0-9 (Numeric)
  uint64_t under;      // _ (ExtendNumLet)
  uint64_t dot_quote;  // . ' (MidNumLet, Single_Quote: between letters or digits)
  uint64_t comma;      // , ; (MidNum: between digits)
  uint64_t colon;      // : (MidLetter in some locales: between letters)
  uint64_t blank;      // space \t \n \v \f \r (white space; no token)
  uint64_t space;      // space (WSegSpace: WB3d joins a run of them, WB4 then an Extend)
  uint64_t high;       // bytes >= 0x80
  uint64_t at;         // @ (ALetter, but not word-like for JoinInfixes)
  uint64_t infix;      // - / : (JoinInfixes)
  // Non-ASCII characters the block layer knows (ScanMultiByte; zero without it); `high` then
  // keeps the others.
  uint64_t cont;    // their bytes after the first
  uint64_t quote3;  // first bytes of U+2018, U+2019 (MidNumLet)
  uint64_t other3;  // first bytes of U+2013, U+2014, U+201C, U+201D, U+2026 (Other)
  uint64_t dash3;   // first bytes of U+2013 (an infix for JoinInfixes)
};

// Controls and DEL (0x00-0x1F, 0x7F: neither letters nor punctuation) among the 64 bytes at s,
// for the token facts only.
inline uint64_t CtrlMask(const unsigned char* s) {
  uint64_t m = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 16 * k));
    const __m128i low = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(static_cast<char>(0x80))),
                                       _mm_set1_epi8(static_cast<char>(-128 + 0x20)));
    const __m128i del = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f));
    m |= static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(_mm_or_si128(low, del))))
         << (16 * k);
  }
  return m;
}

// Whether the classes that ScanMultiByte assumes are those of the table (they are for every
// Unicode version so far; checked so that a surprise only costs speed).
bool MultiByteClassesHold() {
  const auto& t = Table();
  auto plain = [&](uint32_t cp, Wb cls) { return t[cp] == cls; };  // and not white space
  for (uint32_t cp = 0xC0; cp < 0x100; ++cp) {
    if (cp != 0xD7 && cp != 0xF7 && !plain(cp, kALetter)) return false;
  }
  for (uint32_t cp = 0x100; cp < 0x2C0; ++cp) {
    if (!plain(cp, kALetter)) return false;
  }
  for (uint32_t cp = 0x400; cp < 0x480; ++cp) {
    if (!plain(cp, kALetter)) return false;
  }
  return plain(0x2018, kMidNumLet) && plain(0x2019, kMidNumLet) && plain(0x2013, kOther) &&
         plain(0x2014, kOther) && plain(0x201C, kOther) && plain(0x201D, kOther) &&
         plain(0x2026, kOther);
}

// Whether the two-byte characters ScanMultiByte adds to `letter` are all letters (IsLetter),
// as EmitBlock's token facts assume (checked once; else the facts are computed per token).
bool KnownLettersAreLetters() {
  for (uint32_t cp = 0xC0; cp < 0x2C0; ++cp) {
    if (cp != 0xD7 && cp != 0xF7 && !IsLetter(cp)) return false;
  }
  for (uint32_t cp = 0x400; cp < 0x480; ++cp) {
    if (!IsLetter(cp)) return false;
  }
  for (uint32_t cp : {0x2013u, 0x2014u, 0x2018u, 0x2019u, 0x201Cu, 0x201Du, 0x2026u}) {
    if (!IsPunctOrSymbol(cp)) return false;
  }
  return true;
}

inline AsciiMasks ScanBlock(const unsigned char* s) {
  AsciiMasks m{};
  for (int k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 16 * k));
    auto eq = [&v](char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); };
    // lo <= x < lo + len, as unsigned bytes.
    auto in_range = [](__m128i x, int lo, int len) {
      __m128i shifted = _mm_add_epi8(x, _mm_set1_epi8(static_cast<char>(0x80 - lo)));
      return _mm_cmplt_epi8(shifted, _mm_set1_epi8(static_cast<char>(-128 + len)));
    };
    auto bits = [k](__m128i x) {
      return static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(x))) << (16 * k);
    };
    const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    m.letter |= bits(_mm_or_si128(in_range(lower, 'a', 26), eq('@')));
    m.digit |= bits(in_range(v, '0', 10));
    m.under |= bits(eq('_'));
    m.dot_quote |= bits(_mm_or_si128(eq('.'), eq('\'')));
    m.comma |= bits(_mm_or_si128(eq(','), eq(';')));
    const __m128i space = eq(' ');
    m.space |= bits(space);
    m.blank |= bits(_mm_or_si128(space, in_range(v, '\t', 5)));
    m.high |= bits(v);
    m.at |= bits(eq('@'));
    const __m128i colon = eq(':');
    m.colon |= bits(colon);
    m.infix |= bits(_mm_or_si128(_mm_or_si128(eq('-'), eq('/')), colon));
  }
  return m;
}

// The most common non-ASCII characters of European text, for blocks with bytes >= 0x80:
// two-byte letters U+00C0..U+02BF (but U+00D7, U+00F7) and U+0400..U+047F (Cyrillic) join the
// letter runs; U+2018/U+2019 and U+2013/U+2014/U+201C/U+201D/U+2026 (three bytes, E2 80 xx)
// are middle and other characters. The other bytes >= 0x80 are left in `high`.
void ScanMultiByte(const unsigned char* s, AsciiMasks* m) {
  uint64_t lead_c3 = 0, lead_letter = 0, cont = 0, bad_c3 = 0, e2 = 0, x80 = 0, quote = 0,
           other = 0, dash = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 16 * k));
    auto eq = [&v](int c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(c))); };
    auto in_range = [&v](int lo, int len) {
      __m128i shifted = _mm_add_epi8(v, _mm_set1_epi8(static_cast<char>(0x80 - lo)));
      return _mm_cmplt_epi8(shifted, _mm_set1_epi8(static_cast<char>(-128 + len)));
    };
    auto bits = [k](__m128i x) {
      return static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(x))) << (16 * k);
    };
    lead_c3 |= bits(eq(0xC3));
    lead_letter |= bits(_mm_or_si128(in_range(0xC4, 7), in_range(0xD0, 2)));
    cont |= bits(in_range(0x80, 0x40));
    bad_c3 |= bits(_mm_or_si128(eq(0x97), eq(0xB7)));
    e2 |= bits(eq(0xE2));
    x80 |= bits(eq(0x80));
    quote |= bits(in_range(0x98, 2));
    const __m128i dash_v = eq(0x93);
    dash |= bits(dash_v);
    other |= bits(
        _mm_or_si128(_mm_or_si128(dash_v, eq(0x94)), _mm_or_si128(in_range(0x9C, 2), eq(0xA6))));
  }
  const uint64_t letters2 = ((lead_c3 & ~(bad_c3 >> 1)) | lead_letter) & (cont >> 1);
  const uint64_t e280 = e2 & (x80 >> 1);
  m->quote3 = e280 & (quote >> 2);
  m->other3 = e280 & (other >> 2);
  m->dash3 = e280 & (dash >> 2);
  const uint64_t three = m->quote3 | m->other3;
  m->cont = (letters2 << 1) | (three << 1) | (three << 2);
  m->letter |= letters2 | (letters2 << 1);
  m->high &= ~(letters2 | three | m->cont);
}

// Appends the tokens of block bytes 0..last (no byte of `high` among them; byte `last` is white
// space followed by an ASCII byte; byte -1 is white space or before the text). Words and
// numbers are the runs of letters, digits, '_' and the joining middle characters (WB6/WB7,
// WB11/WB12: a '.', '\'', U+2018 or U+2019 between two letters or two digits, a ',' or ';'
// between two digits; with `colon_mid`, a ':' between two letters); every other character that
// is not white space is a token by itself (WB999).
// With `join`, also JoinInfixes: a '-', '/' or ':' between two runs joins them when both are
// word-like, which they are when the block has no '@' or '_' (the only run bytes that are
// neither letters nor digits, apart from the middle characters, which have them on both
// sides). Blocks with '@' or '_', with U+2013 (an infix) or with a non-ASCII token by itself
// (word-like for JoinInfixes) next to an infix are left to JoinRange: returns whether it is
// needed.
//
// With `words`, also appends each token's TokenFacts to words->facts (and counts them), from
// the masks: code points (bytes that do not continue a known character), letters (ASCII
// letters and the known two-byte letters, all of them Unicode letters:
// KnownLettersAreLetters), punctuation or symbol (no letter, digit or control byte: '@', '_',
// the middle characters and the known three-byte characters are punctuation). `end`: the end
// of the text (the hash reads 16 bytes when they are inside it).
inline bool EmitBlock(const AsciiMasks& m, int last, bool join, bool colon_mid, const char* base,
                      std::vector<std::string_view>* tokens,
                      filter_internal::DocumentWords* words, const char* end) {
  const uint64_t a = m.letter, d = m.digit;
  const uint64_t mid_letter = colon_mid ? m.dot_quote | m.colon : m.dot_quote;
  uint64_t word = a | d | m.under | (mid_letter & (a << 1) & (a >> 1)) |
                  ((m.dot_quote | m.comma) & (d << 1) & (d >> 1));
  uint64_t single3 = m.other3;
  if (m.quote3) {
    const uint64_t joined = m.quote3 & (((a << 1) & (a >> 3)) | ((d << 1) & (d >> 3)));
    word |= joined | (joined << 1) | (joined << 2);
    single3 |= m.quote3 & ~joined;
  }
  const uint64_t valid = (uint64_t{2} << last) - 1;  // last <= 62
  uint64_t runs = word;
  bool join_later = false;
  if (join) {
    const bool infix_next_to_single3 =
        ((single3 << 3) | (single3 >> 1)) & m.infix & valid;  // "“-" or "-“"
    if (((m.at | m.under | m.dash3) & valid) == 0 && !infix_next_to_single3) {
      runs |= m.infix & (word << 1) & (word >> 1);
    } else {
      join_later = true;
    }
  }
  const uint64_t single = ~runs & ~m.blank;
  uint64_t starts = ((runs & ~(runs << 1)) | (single & ~m.cont)) & valid;
  uint64_t ends = ((runs & ~(runs >> 1)) | (single & ~(m.cont >> 1))) & valid;
  if (words) {
    const uint64_t alpha = a & ~m.at;
    const uint64_t not_punct =
        alpha | d | CtrlMask(reinterpret_cast<const unsigned char*>(base));
    const __m128i iota = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    filter_internal::WordCounts counts;  // in registers; added to *words at the end
    while (starts) {
      const int b = __builtin_ctzll(starts);
      const int e = __builtin_ctzll(ends);
      const size_t len = static_cast<size_t>(e - b + 1);
      const char* p = base + b;
      tokens->emplace_back(p, len);
      const uint64_t tm = (uint64_t{2} << e) - (uint64_t{1} << b);  // e <= 62
      filter_internal::TokenFacts f;
      if (len <= 16 && end - p >= 16) {
        const __m128i in = _mm_cmpgt_epi8(_mm_set1_epi8(static_cast<char>(len)), iota);
        const __m128i v = _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), in);
        f.hash = filter_internal::ShortTokenHash(
            static_cast<uint64_t>(_mm_cvtsi128_si64(v)),
            static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v))), len);
      } else {
        f.hash = filter_internal::TokenHash(std::string_view(p, len));
      }
      const uint64_t cont = m.cont & tm;
      f.chars = static_cast<uint32_t>(len - (cont ? __builtin_popcountll(cont) : 0));
      f.has_letter = (alpha & tm) != 0;
      f.punct_or_symbol = (not_punct & tm) == 0;
      words->facts.push_back(f);
      counts.Count(f);
      starts &= starts - 1;
      ends &= ends - 1;
    }
    words->Add(counts);
    return join_later;
  }
  while (starts) {
    const int b = __builtin_ctzll(starts);
    const int e = __builtin_ctzll(ends);
    tokens->emplace_back(base + b, static_cast<size_t>(e - b + 1));
    starts &= starts - 1;
    ends &= ends - 1;
  }
  return join_later;
}
#endif  // KILANG_WORDS_SSE2

}  // namespace

struct WordSegmenter::Impl {
  // How Segment runs: the fast path with ICU's root rules, the same with ':' as MidLetter
  // (Swedish, Finnish), or ICU alone (a locale whose rules the fast path does not know).
  enum Mode { kRoot, kColonMidLetter, kIcuOnly } mode = kRoot;
  std::unique_ptr<icu::BreakIterator> words;
  std::unique_ptr<icu::BreakIterator> sentences;
  UText* ut = nullptr;

  ~Impl() {
    if (ut) utext_close(ut);
  }

  // ICU segmentation of `text`, appending tokens (views into text).
  void Icu(std::string_view text, std::vector<std::string_view>* tokens) {
    if (!words || text.empty()) return;
    UErrorCode st = U_ZERO_ERROR;
    ut = utext_openUTF8(ut, text.data(), static_cast<int64_t>(text.size()), &st);
    if (U_FAILURE(st)) return;
    words->setText(ut, st);
    if (U_FAILURE(st)) return;
    int32_t b = words->first();
    for (int32_t e = words->next(); e != icu::BreakIterator::DONE; b = e, e = words->next()) {
      std::string_view s = text.substr(b, e - b);
      if (!TrimSpace(s).empty()) tokens->push_back(s);
    }
  }
};

WordSegmenter::WordSegmenter(std::string_view locale) : impl_(std::make_unique<Impl>()) {
  icu::Locale loc(std::string(locale).c_str());
  UErrorCode st = U_ZERO_ERROR;
  impl_->words.reset(icu::BreakIterator::createWordInstance(loc, st));
  if (U_FAILURE(st)) {
    st = U_ZERO_ERROR;
    impl_->words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), st));
  }
  st = U_ZERO_ERROR;
  impl_->sentences.reset(icu::BreakIterator::createSentenceInstance(loc, st));
  if (U_FAILURE(st)) impl_->sentences.reset();
  // The fast path implements ICU's root rules and the Swedish/Finnish colon; other tailorings
  // (say en_US_POSIX) are caught by comparing with ICU on probe texts and get ICU alone.
  // Decided once per locale and process (~1 ms).
  static std::mutex mu;
  static std::map<std::string, Impl::Mode, std::less<>> modes;
  std::lock_guard<std::mutex> lock(mu);
  auto it = modes.find(locale);
  if (it != modes.end()) {
    impl_->mode = it->second;
    return;
  }
  std::vector<std::string_view> t;
  SegmentIcu("a:b", &t);
  if (t.size() == 1) impl_->mode = Impl::kColonMidLetter;
  if (!MatchesIcuOnProbes()) impl_->mode = Impl::kIcuOnly;
  modes.emplace(std::string(locale), impl_->mode);
}

bool WordSegmenter::MatchesIcuOnProbes() {
  static const char* const kPieces[] = {
      "a",  "Z",      "word",   "12",     "3",      " ",      " ",  "  ", ".", ",",
      ";",  ":",      "'",      "\"",     "-",      "_",      "@",  "/",  "!", "\t",
      "\n", "\r\n",   "é",      "ж",      "Ω",      "’",      "‘",  "“",  "–", "…",
      "·",  "\u00a0", "\u00ad", "\u0301", "\u202f", "\u2003", "한", "ǅ",  "²", "×"};
  constexpr size_t kNumPieces = sizeof(kPieces) / sizeof(kPieces[0]);
  uint32_t state = 12345;
  auto next = [&state] {
    state = state * 1103515245u + 12345u;
    return state >> 16;
  };
  std::vector<std::string_view> fast, icu;
  std::string text;
  for (int i = 0; i < 400; ++i) {
    text.clear();
    const size_t len = i < 300 ? 1 + next() % 12 : 70 + next() % 60;  // long: the block layer
    while (text.size() < len) text += kPieces[next() % kNumPieces];
    Segment(text, &fast);
    SegmentIcu(text, &icu);
    if (fast != icu) return false;
  }
  return true;
}

WordSegmenter::~WordSegmenter() = default;

// Segmentation, in two layers:
//  - blocks of 64 ASCII bytes (SSE2): bit masks of the character classes give every boundary at
//    once. An ASCII-only stretch is cut after its last white space byte, where a segment ends
//    whatever follows; the next block starts there.
//  - one segment at a time over code points (Scalar below) for the rest: stretches with
//    non-ASCII characters, runs of 64 bytes without white space, the end of the text. A line
//    with a character that the fast path does not handle goes to ICU.
// Both layers hand over after white space, which JoinInfixes never joins across either (but
// see below), so with `join` each layer joins its own tokens.
//
// With `words`, each token's TokenFacts and their counts too: the block layer computes them as
// it emits its tokens; the other tokens get FactsOf. facts[0..facts.size()) always belong to the
// tokens at the same positions, and the counts are theirs: whatever changes tokens from
// position k on (JoinRange, a stretch given to ICU dropping tokens) cuts the facts to at most k
// (`cut`), and `sync` fills in the rest.
void WordSegmenter::Run(std::string_view text, bool join, std::vector<std::string_view>* tokens,
                        filter_internal::DocumentWords* words) {
  tokens->clear();
  const char* const end = text.data() + text.size();
  std::vector<filter_internal::TokenFacts>* facts = words ? &words->facts : nullptr;
  auto sync = [&] {
    for (size_t i = facts->size(); i < tokens->size(); ++i) {
      facts->push_back(filter_internal::FactsOf((*tokens)[i], end));
      words->Count(facts->back());
    }
  };
  auto cut = [&](size_t k) {
    while (facts->size() > k) {
      words->Uncount(facts->back());
      facts->pop_back();
    }
  };
  if (words) {
    facts->clear();
    static_cast<filter_internal::WordCounts&>(*words) = filter_internal::WordCounts();
  }
  if (impl_->mode == Impl::kIcuOnly) {
    impl_->Icu(text, tokens);
    if (join) JoinRange(tokens, 0);
    if (words) sync();
    return;
  }
  size_t icu_end = 0;  // end of the last stretch given to ICU
#if KILANG_WORDS_SSE2
  const bool colon_mid = impl_->mode == Impl::kColonMidLetter;
  static const bool multibyte_ok = MultiByteClassesHold();
  static const bool block_facts = KnownLettersAreLetters();
#endif
  const size_t n = text.size();
  size_t p = 0;
  while (p < n) {
    size_t target = n;  // where the scalar layer may hand back
#if KILANG_WORDS_SSE2
    if (n - p >= 64) {
      const auto* s = reinterpret_cast<const unsigned char*>(text.data()) + p;
      AsciiMasks m = ScanBlock(s);
      if (m.high && multibyte_ok) ScanMultiByte(s, &m);
      // Cut after the last white space byte followed by a known byte, which is not an Extend
      // character joining it, nor a space continuing its run of spaces.
      const int known = m.high ? __builtin_ctzll(m.high) : 64;
      const uint64_t cuts =
          known >= 2 ? m.blank & ~(m.space & (m.space >> 1)) & ((uint64_t{1} << (known - 1)) - 1)
                     : 0;
      if (cuts) {
        const int last = 63 - __builtin_clzll(cuts);
        filter_internal::DocumentWords* block_out = nullptr;
        if (words) {
          sync();
          if (block_facts) block_out = words;
        }
        const size_t first = tokens->size();
        if (EmitBlock(m, last, join, colon_mid, text.data() + p, tokens, block_out, end)) {
          JoinRange(tokens, first);
          if (words) cut(first);
        }
        p += last + 1;
        continue;
      }
      target = p + (known > 0 ? known : 1);
    }
#endif
    size_t first = tokens->size();
    p = Scalar(text, p, target, tokens, &first, &icu_end);
    // Two tokens back: a stretch given to ICU may end before a space that starts a token with
    // the Extend after it (" \u0301"), which JoinInfixes joins to a word and infix before it.
    // (JoinRange's output is a fixed point, so joining twice changes nothing.)
    const size_t changed_from = join ? (first >= 2 ? first - 2 : 0) : first;
    if (join) JoinRange(tokens, changed_from);
    if (words) cut(changed_from);
  }
  if (words) sync();
}

void WordSegmenter::Segment(std::string_view text, std::vector<std::string_view>* tokens) {
  Run(text, /*join=*/false, tokens, nullptr);
}

void WordSegmenter::SegmentAndJoin(std::string_view text, std::vector<std::string_view>* tokens) {
  Run(text, /*join=*/true, tokens, nullptr);
}

void WordSegmenter::SegmentAndJoinWithFacts(std::string_view text,
                                            std::vector<std::string_view>* tokens,
                                            filter_internal::DocumentWords* words) {
  Run(text, /*join=*/true, tokens, words);
}

// Segments from text[p] (a segment start after white space, or the start of the text) until a
// segment that ends in ASCII white space at or after `target` (the next segment may start a
// block), or the end of the text. Returns where it stopped. *first: lowered to the index of the
// first token of a stretch that went to ICU; *icu_end: the end of that stretch.
size_t WordSegmenter::Scalar(std::string_view text, size_t p, size_t target,
                             std::vector<std::string_view>* tokens, size_t* first,
                             size_t* icu_end) {
  const uint8_t* table = (impl_->mode == Impl::kColonMidLetter ? ColonTable() : Table()).data();
  const uint8_t* bytes = ByteTable().data();
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  while (p < n) {
    // One ASCII space between two non-space ASCII characters: a blank segment by itself
    // (no ASCII character is Extend; WB3d joins only spaces).
    if (s[p] == ' ' && p + 1 < n && s[p + 1] != ' ' && s[p + 1] < 0x80) {
      if (++p >= target) return p;
    }
    const unsigned char b = s[p];
    size_t len;
    uint8_t c;
    if (bytes[b] & kWordBit) {
      c = bytes[b];
      len = 1;
    } else {
      c = ClassAt(table, s, n, p, &len);
    }
    const uint8_t cls = c & kClassMask;
    bool blank = (c & kSpaceBit) != 0;
    size_t q = p + len;
    switch (cls) {
      case kALetter:
      case kNumeric:
      case kExtendNumLet:
        q = WordEnd(table, bytes, s, n, q, cls, &blank);
        break;
      case kHangul:  // ICU: adjacent Hangul syllables only, then WB4
        while (q + 2 < n && s[q] >= 0xEA && s[q] <= 0xED) {
          size_t l2;
          if (ClassAt(table, s, n, q, &l2) != kHangul) break;
          q += l2;
        }
        q = SkipExtends(table, s, n, q, &blank);
        break;
      case kWSegSpace:  // WB3d, then WB4
        while (q < n) {
          size_t l2;
          const uint8_t k = ClassAt(table, s, n, q, &l2);
          if ((k & kClassMask) != kWSegSpace) break;
          blank = blank && (k & kSpaceBit);
          q += l2;
        }
        q = SkipExtends(table, s, n, q, &blank);
        break;
      case kCR:  // WB3, WB3a
        if (q < n && s[q] == '\n') ++q;
        break;
      case kLF:  // WB3a, WB3b
      case kNewline:
        break;
      case kComplex: {
        // ICU segments the stretch around the character, from the last boundary before it to
        // the first after it that no rule looks across (see StretchStart/StretchEnd); the
        // tokens already found in the stretch are dropped.
        const size_t from = StretchStart(s, n, p, *icu_end);
        const size_t to = StretchEnd(s, n, p);
        *icu_end = to;
        const char* start = text.data() + from;
        while (!tokens->empty() && tokens->back().data() >= start) tokens->pop_back();
        *first = std::min(*first, tokens->size());
        impl_->Icu(text.substr(from, to - from), tokens);
        p = to;
        continue;
      }
      default:  // a character that is a segment by itself, with its Extends (WB4, WB999)
        q = SkipExtends(table, s, n, q, &blank);
        break;
    }
    if (!blank) {
      tokens->emplace_back(text.data() + p, q - p);
    } else if (q >= target && s[q - 1] < 0x80) {
      return q;
    }
    p = q;
  }
  return p;
}

void WordSegmenter::SegmentIcu(std::string_view text, std::vector<std::string_view>* tokens) {
  tokens->clear();
  impl_->Icu(text, tokens);
}

int WordSegmenter::CountSentences(std::string_view text) {
  if (!impl_->sentences || text.empty()) return 0;
  UErrorCode st = U_ZERO_ERROR;
  impl_->ut = utext_openUTF8(impl_->ut, text.data(), static_cast<int64_t>(text.size()), &st);
  if (U_FAILURE(st)) return 0;
  impl_->sentences->setText(impl_->ut, st);
  if (U_FAILURE(st)) return 0;
  int n = 0;
  int32_t b = impl_->sentences->first();
  for (int32_t e = impl_->sentences->next(); e != icu::BreakIterator::DONE;
       b = e, e = impl_->sentences->next()) {
    if (!TrimSpace(text.substr(b, e - b)).empty()) ++n;
  }
  return n;
}

namespace {

struct SegmenterSlot {
  std::map<std::string, std::shared_ptr<WordSegmenter>, std::less<>> by_lang;
};

// The current document's tokens, and their facts once a stage asked for them.
struct TokenCache {
  filter_internal::TextKey text;  // the text the tokens are of
  std::string lang;
  std::vector<std::string_view> tokens;
  bool facts_valid = false;     // words holds the counts and facts of `tokens`
  bool facts_computed = false;  // ... computed with the tokens (words.tokens not yet set)
  filter_internal::DocumentWords words;
};

}  // namespace

void JoinInfixes(std::vector<std::string_view>* tokens) { JoinRange(tokens, 0); }

WordSegmenter& WorkerSegmenter(std::string_view lang, StageContext& ctx) {
  auto& slot = ctx.Scratch<SegmenterSlot>("kilang.filter.segmenters");
  auto it = slot.by_lang.find(lang);
  if (it == slot.by_lang.end()) {
    it = slot.by_lang.emplace(std::string(lang), std::make_shared<WordSegmenter>(lang)).first;
  }
  return *it->second;
}

namespace {

// The cache for `text`, segmented if it holds another text; with `facts`, the facts too (in
// the same pass when the text is new).
TokenCache& CachedTokens(std::string_view text, std::string_view lang, StageContext& ctx,
                         bool facts = false) {
  auto& cache = ctx.Scratch<TokenCache>("kilang.filter.tokens");
  if (cache.lang == lang && cache.text.Matches(text)) return cache;
  WordSegmenter& seg = WorkerSegmenter(lang, ctx);
  if (facts) {
    seg.SegmentAndJoinWithFacts(text, &cache.tokens, &cache.words);
  } else {
    seg.SegmentAndJoin(text, &cache.tokens);
  }
  filter_internal::TrimScratch(&cache.tokens);
  filter_internal::TrimScratch(&cache.words.facts);
  cache.text.Set(text);
  cache.lang.assign(lang.data(), lang.size());
  cache.facts_valid = false;
  cache.facts_computed = facts;
  return cache;
}

}  // namespace

const std::vector<std::string_view>& DocumentTokens(std::string_view text, std::string_view lang,
                                                    StageContext& ctx) {
  return CachedTokens(text, lang, ctx).tokens;
}

namespace filter_internal {

const DocumentWords& AnalyzeWords(std::string_view text, std::string_view lang, StageContext& ctx) {
  TokenCache& c = CachedTokens(text, lang, ctx, /*facts=*/true);
  DocumentWords& w = c.words;
  if (c.facts_valid) return w;
  w.tokens = &c.tokens;
  if (!c.facts_computed) {
    AnalyzeTokens(c.tokens, text.data() + text.size(), &w);
    TrimScratch(&w.facts);
  }
  c.facts_valid = true;
  return w;
}

}  // namespace filter_internal

}  // namespace kilang
