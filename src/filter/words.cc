#include "kilang/filter/words.h"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>

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

constexpr uint32_t kTableSize = 0x2100;
constexpr uint8_t kClassMask = 0x1f;
constexpr uint8_t kSpaceBit = 0x80;  // white space (not a token by itself)

// Whether the fast path may handle `cp`: Latin, Greek, Cyrillic (+ supplements), Latin Extended
// Additional, general punctuation, super/subscripts and currency signs.
bool InSimpleRange(uint32_t cp) {
  return cp < 0x0530 || (cp >= 0x1D00 && cp < 0x1F00) || (cp >= 0x2000 && cp < 0x20D0);
}

Wb ClassOf(uint32_t cp) {
  if (!InSimpleRange(cp)) return kComplex;
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

inline bool IsAHLetter(uint8_t c) { return c == kALetter; }
inline bool IsMidLetterQ(uint8_t c) {
  return c == kMidLetter || c == kMidNumLet || c == kSingleQuote;
}
inline bool IsMidNumQ(uint8_t c) { return c == kMidNum || c == kMidNumLet || c == kSingleQuote; }
inline bool IsNewlineClass(uint8_t c) { return c == kCR || c == kLF || c == kNewline; }

struct Cp {
  uint32_t begin;  // byte offset in the line
  uint8_t cls;
};

// Decodes `line` into classes; false when some character is not simple.
bool Classify(std::string_view line, std::vector<Cp>* cps) {
  const auto& table = Table();
  cps->clear();
  size_t pos = 0;
  while (pos < line.size()) {
    unsigned char b = static_cast<unsigned char>(line[pos]);
    uint32_t begin = static_cast<uint32_t>(pos);
    uint32_t cp;
    if (b < 0x80) {
      cp = b;
      ++pos;
    } else {
      cp = NextCodePoint(line, &pos);
      if (cp == 0xFFFD) return false;  // includes invalid bytes: let ICU decide
    }
    if (cp >= kTableSize) return false;
    uint8_t c = table[cp];
    if ((c & kClassMask) == kComplex) return false;
    cps->push_back({begin, c});
  }
  return true;
}

// UAX #29 word boundaries (rules WB3..WB13b, WB999) over simple characters; appends the
// non-blank segments of `line` to `tokens`.
void FastSegment(std::string_view line, const std::vector<Cp>& cps,
                 std::vector<std::string_view>* tokens) {
  const size_t n = cps.size();
  if (n == 0) return;
  size_t seg_begin = 0;
  bool seg_blank = (cps[0].cls & kSpaceBit) != 0;
  auto flush = [&](size_t end_cp) {
    if (seg_blank) return;
    size_t b = cps[seg_begin].begin;
    size_t e = end_cp < n ? cps[end_cp].begin : line.size();
    tokens->push_back(line.substr(b, e - b));
  };
  // prev_idx / prevprev_idx: the last two non-ignorable characters before i (WB4).
  int prev_idx = 0, prevprev_idx = -1;
  for (size_t i = 1; i < n; ++i) {
    const uint8_t raw_prev = cps[i - 1].cls & kClassMask;
    const uint8_t cur = cps[i].cls & kClassMask;
    if (cur == raw_prev && (cur == kALetter || cur == kNumeric)) {
      // The common case inside a word or number (WB5, WB8); raw_prev is not ignorable.
      seg_blank = false;
      prevprev_idx = prev_idx;
      prev_idx = static_cast<int>(i);
      continue;
    }
    bool brk;
    if (raw_prev == kCR && cur == kLF) {
      brk = false;  // WB3
    } else if (IsNewlineClass(raw_prev) || IsNewlineClass(cur)) {
      brk = true;  // WB3a, WB3b
    } else if (raw_prev == kWSegSpace && cur == kWSegSpace) {
      brk = false;  // WB3d
    } else if (cur == kExtend) {
      brk = false;  // WB4
    } else {
      const uint8_t prev = cps[prev_idx].cls & kClassMask;
      auto next = [&]() -> uint8_t {  // next non-ignorable after i
        for (size_t j = i + 1; j < n; ++j) {
          uint8_t c = cps[j].cls & kClassMask;
          if (c != kExtend) return c;
        }
        return kOther;
      };
      auto prevprev = [&]() -> uint8_t {
        return prevprev_idx >= 0 ? (cps[prevprev_idx].cls & kClassMask) : kOther;
      };
      if (IsNewlineClass(prev)) {
        brk = true;  // an Extend after a newline starts its own run (WB4 does not apply there)
      } else if (prev == kALetter) {
        if (cur == kALetter || cur == kNumeric || cur == kExtendNumLet) {
          brk = false;  // WB5, WB9, WB13a
        } else if (IsMidLetterQ(cur)) {
          brk = next() != kALetter;  // WB6
        } else {
          brk = true;
        }
      } else if (prev == kNumeric) {
        if (cur == kNumeric || cur == kALetter || cur == kExtendNumLet) {
          brk = false;  // WB8, WB10, WB13a
        } else if (IsMidNumQ(cur)) {
          brk = next() != kNumeric;  // WB12
        } else {
          brk = true;
        }
      } else if (IsMidLetterQ(prev) && cur == kALetter && prevprev() == kALetter) {
        brk = false;  // WB7
      } else if (IsMidNumQ(prev) && cur == kNumeric && prevprev() == kNumeric) {
        brk = false;  // WB11
      } else if (prev == kExtendNumLet) {
        brk = !(cur == kALetter || cur == kNumeric || cur == kExtendNumLet);  // WB13a, WB13b
      } else {
        brk = true;  // WB999
      }
    }
    if (brk) {
      flush(i);
      seg_begin = i;
      seg_blank = true;
    }
    if (!(cps[i].cls & kSpaceBit)) seg_blank = false;
    if (cur != kExtend || IsNewlineClass(raw_prev)) {
      prevprev_idx = prev_idx;
      prev_idx = static_cast<int>(i);
    }
  }
  flush(n);
}

}  // namespace

struct WordSegmenter::Impl {
  std::unique_ptr<icu::BreakIterator> words;
  std::unique_ptr<icu::BreakIterator> sentences;
  std::vector<Cp> cps;
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

void WordSegmenter::Segment(std::string_view text, std::vector<std::string_view>* tokens) {
  tokens->clear();
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(start, end - start);
    if (!line.empty()) {
      if (Classify(line, &impl_->cps)) {
        FastSegment(line, impl_->cps, tokens);
      } else {
        impl_->Icu(line, tokens);
      }
    }
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
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
