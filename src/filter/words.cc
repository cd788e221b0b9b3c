#include "kilang/filter/words.h"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>

#if defined(__SSE2__)
#include <emmintrin.h>
#define KILANG_WORDS_SSE2 1
#else
#define KILANG_WORDS_SSE2 0
#endif

#include "kilang/util/text.h"
#include "kilang/util/utf8.h"

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
  kComplex,
};

// The fast path knows the characters below kTableSize (Latin, Greek, Cyrillic, the other
// alphabets and abugidas of the BMP up to U+2E7F, punctuation, symbols, arrows, math operators);
// the rest (CJK, Hangul syllables, emoji, ...) are kComplex.
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

#if KILANG_WORDS_SSE2
// Bit masks of the classes of 64 bytes (bit i: byte i) for the block layer.
struct AsciiMasks {
  uint64_t letter;     // A-Z a-z @ (ALetter)
  uint64_t digit;      // 0-9 (Numeric)
  uint64_t under;      // _ (ExtendNumLet)
  uint64_t dot_quote;  // . ' (MidNumLet, Single_Quote: between letters or digits)
  uint64_t comma;      // , ; (MidNum: between digits)
  uint64_t blank;      // space \t \n \v \f \r (white space; no token)
  uint64_t high;       // bytes >= 0x80
};

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
    m.blank |= bits(_mm_or_si128(eq(' '), in_range(v, '\t', 5)));
    m.high |= bits(v);
  }
  return m;
}

// Appends the tokens of block bytes 0..last (ASCII; byte `last` is white space followed by an
// ASCII byte, byte -1 is white space or before the text): words and numbers are the runs of
// letters, digits, '_' and the joining middle characters (WB6/WB7, WB11/WB12: a '.' or '\''
// between two letters or two digits, a ',' or ';' between two digits); every other byte that is
// not white space is a token by itself (WB999).
inline void EmitBlock(const AsciiMasks& m, int last, const char* base,
                      std::vector<std::string_view>* tokens) {
  const uint64_t a = m.letter, d = m.digit;
  const uint64_t word = a | d | m.under | (m.dot_quote & (a << 1) & (a >> 1)) |
                        ((m.dot_quote | m.comma) & (d << 1) & (d >> 1));
  const uint64_t single = ~word & ~m.blank;
  const uint64_t valid = (uint64_t{2} << last) - 1;  // last <= 62
  uint64_t starts = ((word & ~(word << 1)) | single) & valid;
  uint64_t ends = ((word & ~(word >> 1)) | single) & valid;
  while (starts) {
    const int b = __builtin_ctzll(starts);
    const int e = __builtin_ctzll(ends);
    tokens->emplace_back(base + b, static_cast<size_t>(e - b + 1));
    starts &= starts - 1;
    ends &= ends - 1;
  }
}
#endif  // KILANG_WORDS_SSE2

}  // namespace

struct WordSegmenter::Impl {
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
}

WordSegmenter::~WordSegmenter() = default;

// Segmentation, in two layers:
//  - blocks of 64 ASCII bytes (SSE2): bit masks of the character classes give every boundary at
//    once. An ASCII-only stretch is cut after its last white space byte, where a segment ends
//    whatever follows; the next block starts there.
//  - one segment at a time over code points (Scalar below) for the rest: stretches with
//    non-ASCII characters, runs of 64 bytes without white space, the end of the text. A line
//    with a character that the fast path does not handle goes to ICU.
void WordSegmenter::Segment(std::string_view text, std::vector<std::string_view>* tokens) {
  tokens->clear();
  const size_t n = text.size();
  size_t p = 0;
  while (p < n) {
    size_t target = n;  // where the scalar layer may hand back
#if KILANG_WORDS_SSE2
    if (n - p >= 64) {
      const auto* s = reinterpret_cast<const unsigned char*>(text.data()) + p;
      const AsciiMasks m = ScanBlock(s);
      // Cut after the last white space byte followed by an ASCII byte (not an Extend character
      // joining it).
      const int ascii = m.high ? __builtin_ctzll(m.high) : 64;
      const uint64_t cuts = ascii >= 2 ? m.blank & ((uint64_t{1} << (ascii - 1)) - 1) : 0;
      if (cuts) {
        const int last = 63 - __builtin_clzll(cuts);
        EmitBlock(m, last, text.data() + p, tokens);
        p += last + 1;
        continue;
      }
      target = p + (ascii > 0 ? ascii : 1);
    }
#endif
    p = Scalar(text, p, target, tokens);
  }
}

// Segments from text[p] (a segment start after white space, or the start of the text) until a
// segment that ends in ASCII white space at or after `target` (the next segment may start a
// block), or the end of the text. Returns where it stopped.
size_t WordSegmenter::Scalar(std::string_view text, size_t p, size_t target,
                             std::vector<std::string_view>* tokens) {
  const uint8_t* table = Table().data();
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
        // The whole line goes to ICU: drop the tokens found on it so far.
        size_t line = p;
        while (line > 0 && s[line - 1] != '\n') --line;
        const char* line_start = text.data() + line;
        while (!tokens->empty() && tokens->back().data() >= line_start) tokens->pop_back();
        const void* nl = std::memchr(s + p, '\n', n - p);
        const size_t e = nl ? static_cast<size_t>(static_cast<const unsigned char*>(nl) - s) : n;
        impl_->Icu(text.substr(line, e - line), tokens);
        return nl ? e + 1 : n;
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

struct TokenCache {
  const char* data = nullptr;
  size_t size = 0;
  uint64_t hash = 0;
  std::string lang;
  bool valid = false;
  std::vector<std::string_view> tokens;
};

}  // namespace

namespace {

// A token with a letter or digit in it (cheap test on the first and last byte, then a scan).
bool IsWordLike(std::string_view t) {
  for (unsigned char c : t) {
    if (c >= 0x80) return true;  // non-ASCII: letters of other scripts (punctuation rarely)
    if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) return true;
  }
  return false;
}

bool IsInfix(std::string_view t) {
  return t == "-" || t == "/" || t == ":" || t == "\u2013" || t == "\u2010" || t == "\u2011";
}

}  // namespace

void JoinInfixes(std::vector<std::string_view>* tokens) {
  auto& t = *tokens;
  size_t out = 0;
  for (size_t i = 0; i < t.size();) {
    std::string_view cur = t[i];
    size_t j = i + 1;
    if (IsWordLike(cur)) {
      while (j + 1 < t.size() && IsInfix(t[j]) && t[j].data() == cur.data() + cur.size() &&
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

WordSegmenter& WorkerSegmenter(std::string_view lang, StageContext& ctx) {
  auto& slot = ctx.Scratch<SegmenterSlot>("kilang.filter.segmenters");
  auto it = slot.by_lang.find(lang);
  if (it == slot.by_lang.end()) {
    it = slot.by_lang.emplace(std::string(lang), std::make_shared<WordSegmenter>(lang)).first;
  }
  return *it->second;
}

const std::vector<std::string_view>& DocumentTokens(std::string_view text, std::string_view lang,
                                                    StageContext& ctx) {
  auto& cache = ctx.Scratch<TokenCache>("kilang.filter.tokens");
  uint64_t h = XXH3_64bits(text.data(), text.size());
  if (cache.valid && cache.data == text.data() && cache.size == text.size() && cache.hash == h &&
      cache.lang == lang) {
    return cache.tokens;
  }
  WorkerSegmenter(lang, ctx).Segment(text, &cache.tokens);
  JoinInfixes(&cache.tokens);
  cache.data = text.data();
  cache.size = text.size();
  cache.hash = h;
  cache.lang = std::string(lang);
  cache.valid = true;
  return cache.tokens;
}

}  // namespace kilang
