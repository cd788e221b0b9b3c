#include "text_util.h"

#include <array>
#include <cctype>

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
  while (i < n) {
    while (i < n && !(*may_break)[static_cast<unsigned char>(text[i])]) ++i;
    if (i >= n) break;
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


}  // namespace kilang::filter_internal
