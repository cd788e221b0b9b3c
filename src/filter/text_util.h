// Internal text helpers for the filters: Python-compatible line splitting and stripping, code
// point counts, and a small flat hash map for n-gram counting.
#ifndef KILANG_SRC_FILTER_TEXT_UTIL_H_
#define KILANG_SRC_FILTER_TEXT_UTIL_H_

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "kilang/pipeline/stage.h"

namespace kilang::filter_internal {

// Number of code points (bytes that do not continue a UTF-8 sequence; exact for valid UTF-8).
// Eight bytes at a time: a continuation byte has bit 7 set and bit 6 clear.
inline size_t CodePoints(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size(), cont = 0, i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    std::memcpy(&x, p + i, 8);
    // One bit per continuation byte at bit 0 of its byte; the multiply sums the eight bytes.
    const uint64_t m = (x & ~(x << 1) & 0x8080808080808080ULL) >> 7;
    cont += static_cast<size_t>((m * 0x0101010101010101ULL) >> 56);
  }
  for (; i < n; ++i) cont += (static_cast<unsigned char>(p[i]) & 0xC0) == 0x80;
  return n - cont;
}

// Python str.splitlines(): splits on \n, \r, \r\n, \v, \f, \x1c-\x1e, U+0085, U+2028, U+2029;
// no trailing empty line.
void SplitLines(std::string_view text, std::vector<std::string_view>* lines);

// Python str.strip()/lstrip()/rstrip() with Unicode white space.
std::string_view Strip(std::string_view s);
std::string_view LStrip(std::string_view s);
std::string_view RStrip(std::string_view s);

// Non-overlapping occurrences of `needle` (Python str.count).
size_t CountOf(std::string_view haystack, std::string_view needle);

// CountOf(s, "#") and CountOf(s, "...") + CountOf(s, "\u2026") (Gopher's symbol ratios), in one
// pass that skips 16 bytes at a time where none of '#', '.', 0xE2 occurs.
struct SymbolCounts {
  size_t hashes = 0;
  size_t ellipses = 0;
};
SymbolCounts CountHashesAndEllipses(std::string_view s);

// The last code point of `s` (0 when empty).
uint32_t LastCodePoint(std::string_view s);

// Whether every code point of `s` is punctuation or a symbol (datatrove's PUNCTUATION_SET role).
bool AllPunctOrSymbol(std::string_view s);
// Whether some code point of `s` is a letter (Python str.isalpha on one character).
bool HasLetter(std::string_view s);

// Per-worker scratch follows the current document, not the largest one seen: once a document
// uses far less of a container than an earlier one grew it to, the memory is released
// (containers of up to kScratchKeep elements are always kept).
constexpr size_t kScratchKeep = size_t{1} << 16;
template <typename C>
void TrimScratch(C* c) {
  if (c->capacity() > kScratchKeep && c->capacity() > 4 * c->size()) C(*c).swap(*c);
}
// The same for a container whose contents are not needed any more, given what the current
// document will need.
template <typename C>
void ReleaseScratch(C* c, size_t need) {
  if (c->capacity() > kScratchKeep && c->capacity() > 4 * need) C().swap(*c);
}

// Identity of the document text a per-worker cache holds results for: the buffer (results may
// be views into it) and a copy of its bytes (a stage may edit the text in place, keeping the
// buffer and size). Matches costs a memcmp of the text, less than hashing it.
class TextKey {
 public:
  bool Matches(std::string_view text) const {
    return valid_ && data_ == text.data() && copy_.size() == text.size() &&
           (text.empty() || std::memcmp(copy_.data(), text.data(), text.size()) == 0);
  }
  void Set(std::string_view text) {
    data_ = text.data();
    copy_.assign(text.data(), text.size());
    TrimScratch(&copy_);
    valid_ = true;
  }

 private:
  const char* data_ = nullptr;
  std::string copy_;
  bool valid_ = false;
};

// 64-bit hash of bytes (XXH3, inlined).
inline uint64_t Hash64(std::string_view s) { return XXH3_64bits(s.data(), s.size()); }

// What the quality stages need to know about one token (DocumentTokens), computed once per
// document and shared by the stages through the worker's StageContext.
struct TokenFacts {
  uint64_t hash;         // TokenHash(token)
  uint32_t chars;        // CodePoints(token)
  bool punct_or_symbol;  // AllPunctOrSymbol(token)
  bool has_letter;       // HasLetter(token)
};

// What the quality stages count over a document's tokens.
struct WordCounts {
  size_t non_symbol_words = 0;  // tokens that are not punct_or_symbol
  size_t non_symbol_chars = 0;  // their code points
  size_t letter_words = 0;      // tokens with a letter

  // The counts with a token added or taken away, or with other counts added.
  void Count(const TokenFacts& f) {
    non_symbol_words += !f.punct_or_symbol;
    non_symbol_chars += f.punct_or_symbol ? 0 : f.chars;
    letter_words += f.has_letter;
  }
  void Uncount(const TokenFacts& f) {
    non_symbol_words -= !f.punct_or_symbol;
    non_symbol_chars -= f.punct_or_symbol ? 0 : f.chars;
    letter_words -= f.has_letter;
  }
  void Add(const WordCounts& o) {
    non_symbol_words += o.non_symbol_words;
    non_symbol_chars += o.non_symbol_chars;
    letter_words += o.letter_words;
  }
};

struct DocumentWords : WordCounts {
  const std::vector<std::string_view>* tokens = nullptr;  // DocumentTokens(text, lang, ctx)
  std::vector<TokenFacts> facts;                          // one per token
};

// The tokens of `text` and their facts, kept with DocumentTokens' cache in `ctx` (valid until
// the next call with the same ctx; recomputed when the text or language changes). In words.cc.
const DocumentWords& AnalyzeWords(std::string_view text, std::string_view lang, StageContext& ctx);

// Facts of one token (the uncached computation). With `readable_end`, the end of the buffer the
// token lies in (e.g. the document's end), up to 16 bytes from the token's start may be read at
// once when they are inside the buffer.
TokenFacts FactsOf(std::string_view token);
TokenFacts FactsOf(std::string_view token, const char* readable_end);

// 64-bit hash of a token: a two-multiply hash of the bytes for tokens of up to 16 bytes (most
// words), Hash64 for longer ones. Not Hash64: compare token hashes with token hashes only.
uint64_t TokenHash(std::string_view token);

// TokenHash of a token of 1..16 bytes from its zero-padded image (lo: bytes 0..7, hi: 8..15)
// and its size: one 64x64->128-bit multiply of the two halves, each mixed with a seed (and the
// size), folded to 64 bits, plus the halves' sum (so that a half that cancels its seed, making
// the product 0, still leaves the other half in the hash). In-memory identity only (n-gram
// counts, stop words).
inline uint64_t ShortTokenHash(uint64_t lo, uint64_t hi, size_t n) {
  constexpr uint64_t kSeed0 = 0xa0761d6478bd642fULL, kSeed1 = 0xe7037ed1a0b428dbULL;
  const __uint128_t r = static_cast<__uint128_t>(lo ^ kSeed0) * (hi ^ kSeed1 ^ n);
  return (static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64)) ^ (lo + hi);
}

// Fills w->facts (one FactsOf per token) and the counts of `w` from `tokens`, all of which lie in
// a buffer that ends at `readable_end`. w->tokens is left as it is.
void AnalyzeTokens(const std::vector<std::string_view>& tokens, const char* readable_end,
                   DocumentWords* w);
// The counts of `w` from w->facts.
void CountWords(DocumentWords* w);

// Open-addressing map from non-zero 64-bit keys to V, reused across documents (Clear keeps the
// memory). Not thread-safe.
template <typename V>
class FlatMap {
 public:
  void Clear(size_t expected) {
    size_t cap = 16;
    while (cap < expected * 2) cap <<= 1;
    if (keys_.size() < cap || keys_.size() > 8 * cap) {
      std::vector<uint64_t>(cap, 0).swap(keys_);  // new vectors: a shrunk map releases memory
      std::vector<V>(cap).swap(vals_);
    } else {
      std::fill(keys_.begin(), keys_.end(), 0);
    }
    mask_ = keys_.size() - 1;
    size_ = 0;
  }
  // The value for `key`, inserted default-constructed if absent; `*inserted` tells which.
  V& Upsert(uint64_t key, bool* inserted) {
    if (key == 0) key = 1;
    if ((size_ + 1) * 2 > keys_.size()) Grow();
    size_t i = Mix(key) & mask_;
    while (true) {
      if (keys_[i] == key) {
        *inserted = false;
        return vals_[i];
      }
      if (keys_[i] == 0) {
        keys_[i] = key;
        vals_[i] = V();
        ++size_;
        *inserted = true;
        return vals_[i];
      }
      i = (i + 1) & mask_;
    }
  }
  bool Contains(uint64_t key) const { return Find(key) != nullptr; }
  // The value for `key`, or null.
  const V* Find(uint64_t key) const {
    if (keys_.empty()) return nullptr;
    if (key == 0) key = 1;
    size_t i = Mix(key) & mask_;
    while (keys_[i] != 0) {
      if (keys_[i] == key) return &vals_[i];
      i = (i + 1) & mask_;
    }
    return nullptr;
  }
  template <typename F>
  void ForEach(F f) const {
    for (size_t i = 0; i < keys_.size(); ++i) {
      if (keys_[i]) f(keys_[i], vals_[i]);
    }
  }

 private:
  static size_t Mix(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return static_cast<size_t>(k);
  }
  void Grow() {
    std::vector<uint64_t> ok = std::move(keys_);
    std::vector<V> ov = std::move(vals_);
    keys_.assign(ok.size() * 2, 0);
    vals_.assign(ok.size() * 2, V());
    mask_ = keys_.size() - 1;
    size_ = 0;
    for (size_t i = 0; i < ok.size(); ++i) {
      if (!ok[i]) continue;
      bool ins;
      Upsert(ok[i], &ins) = ov[i];
    }
  }
  std::vector<uint64_t> keys_;
  std::vector<V> vals_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace kilang::filter_internal

#endif  // KILANG_SRC_FILTER_TEXT_UTIL_H_
