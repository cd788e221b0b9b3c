// Small Unicode-aware text helpers shared by the extractors and filters. Thread-safe, pure.
#ifndef KILANG_UTIL_TEXT_H_
#define KILANG_UTIL_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kilang {

// Lower-cases UTF-8 text (simple case mapping, Unicode-aware; ASCII fast path) into `out`.
void LowerUtf8(std::string_view s, std::string* out);
std::string LowerUtf8(std::string_view s);

// Strips ASCII and Unicode white space (incl. NBSP, zero-width space) from both ends.
std::string_view TrimSpace(std::string_view s);

// Collapses runs of white space to a single ASCII space and trims.
std::string CollapseSpace(std::string_view s);

// Whether code point `cp` is a letter (any script) / a decimal digit / punctuation or symbol.
bool IsLetter(uint32_t cp);
bool IsDigit(uint32_t cp);
bool IsPunctOrSymbol(uint32_t cp);
bool IsSpace(uint32_t cp);
// Whether `cp` belongs to a script written without spaces between words (Han, Hiragana,
// Katakana, Thai, Lao, Khmer, Myanmar).
bool IsUnspacedScript(uint32_t cp);

// Splits `s` into word tokens: maximal runs of letters, digits, marks and connector
// apostrophes/hyphens inside a word. Views point into `s`.
void SplitWords(std::string_view s, std::vector<std::string_view>* words);

// ASCII case-insensitive equality (protocol tokens: header names, charset labels).
inline bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (static_cast<unsigned>(x - 'A') < 26u) x += 32;
    if (static_cast<unsigned>(y - 'A') < 26u) y += 32;
    if (x != y) return false;
  }
  return true;
}

// Whether `s` starts with `prefix` / ends with `suffix` (byte-wise).
inline bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
inline bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace kilang

#endif  // KILANG_UTIL_TEXT_H_
