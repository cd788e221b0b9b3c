// Text normalisation for deduplication: maps text to a canonical form so that copies differing
// only in case, accents, digits, punctuation or spacing compare equal.
//
// Used by exact dedup (whole text), MinHash (shingles are word n-grams of the normalised text)
// and repeated-line removal (each line). Unicode-aware through utf8proc; ASCII has a fast path.
#ifndef KILANG_DEDUP_NORMALIZE_H_
#define KILANG_DEDUP_NORMALIZE_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace kilang::dedup {

struct NormalizeOptions {
  // Lower-case letters (Unicode simple case mapping). Default on.
  bool lowercase = true;
  // Remove combining marks after canonical decomposition ("é" -> "e"). Default on (as
  // datatrove's simplify_text). CCNet keeps accents: set false for its line normalisation.
  bool strip_accents = true;
  enum class Digits {
    kKeep,         // digits kept as they are
    kZeroEach,     // every decimal digit (any script) -> '0' (CCNet)
    kCollapseRun,  // a number ("1.234,50", "2024") -> a single '0' (datatrove)
  };
  Digits digits = Digits::kCollapseRun;
  enum class Punct {
    kKeep,     // punctuation and symbols kept
    kToSpace,  // punctuation and symbols separate words (datatrove)
    kRemove,   // punctuation and symbols deleted, joining their neighbours (CCNet)
  };
  Punct punct = Punct::kToSpace;
  // Runs of white space -> one ' ', leading/trailing white space dropped. Default on. When off,
  // each white-space character becomes one ' '.
  bool collapse_whitespace = true;

  // Defaults for whole-document text (MinHash shingles, exact dedup): FineWeb's simplify_text.
  static NormalizeOptions ForDocuments() { return {}; }
  // Defaults for repeated-line removal: CCNet's normalize_for_dedup (case, digits -> 0,
  // punctuation removed, accents kept).
  static NormalizeOptions ForLines() {
    NormalizeOptions o;
    o.strip_accents = false;
    o.digits = Digits::kZeroEach;
    o.punct = Punct::kRemove;
    return o;
  }
};

// Immutable after construction; Normalize() is thread-safe. Invalid UTF-8 bytes are treated as
// U+FFFD (a symbol).
class Normalizer {
 public:
  explicit Normalizer(const NormalizeOptions& options = NormalizeOptions());

  // Writes the normalised form of `in` into `*out` (cleared first). With collapse_whitespace the
  // output is words separated by single ASCII spaces, no leading/trailing space.
  void Normalize(std::string_view in, std::string* out) const;
  std::string Normalize(std::string_view in) const;

  const NormalizeOptions& options() const { return options_; }

 private:
  enum Class : uint8_t { kOther, kLetter, kDigit, kPunct, kSpace };
  NormalizeOptions options_;
  std::array<uint8_t, 128> ascii_class_;
  std::array<char, 128> ascii_map_;  // ASCII letter -> output byte (lower-cased if asked)
};

}  // namespace kilang::dedup

#endif  // KILANG_DEDUP_NORMALIZE_H_
