#include "kilang/util/text.h"

#include <utf8proc.h>

#include "kilang/util/utf8.h"

namespace kilang {

void LowerUtf8(std::string_view s, std::string* out) {
  out->clear();
  out->reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out->push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
      ++i;
      continue;
    }
    uint32_t cp = NextCodePoint(s, &i);
    AppendUtf8(static_cast<uint32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp))), out);
  }
}

std::string LowerUtf8(std::string_view s) {
  std::string out;
  LowerUtf8(s, &out);
  return out;
}

bool IsSpace(uint32_t cp) {
  if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D)) return true;
  if (cp < 0x80) return false;
  if (cp == 0x200B || cp == 0xFEFF || cp == 0x200C || cp == 0x200D || cp == 0x2060) return true;
  // Zs, Zl and Zp hold only these code points (since Unicode 6.3; U+180E, once Zs, kept as a
  // candidate): every other character is answered without a property lookup.
  if (cp != 0x85 && cp != 0xA0 && cp != 0x1680 && cp != 0x180E && (cp < 0x2000 || cp > 0x205F) &&
      cp != 0x3000) {
    return false;
  }
  auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP ||
         cp == 0x85;
}

std::string_view TrimSpace(std::string_view s) {
  // ASCII fast path: most lines start and end with ASCII.
  auto ascii_space = [](unsigned char c) { return c == ' ' || (c >= 0x09 && c <= 0x0D); };
  size_t b = 0, e = s.size();
  while (b < e && ascii_space(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && ascii_space(static_cast<unsigned char>(s[e - 1]))) --e;
  s = s.substr(b, e - b);
  if (s.empty() || (static_cast<unsigned char>(s.front()) < 0x80 &&
                    static_cast<unsigned char>(s.back()) < 0x80)) {
    return s;
  }
  // Unicode spaces (NBSP, ideographic space, zero-width space...) at either end.
  b = 0;
  while (b < s.size()) {
    size_t j = b;
    uint32_t cp = NextCodePoint(s, &j);
    if (!IsSpace(cp)) break;
    b = j;
  }
  e = s.size();
  while (e > b) {
    size_t k = e - 1;
    while (k > b && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
    size_t j = k;
    uint32_t cp = NextCodePoint(s, &j);
    if (!IsSpace(cp)) break;
    e = k;
  }
  return s.substr(b, e - b);
}

std::string CollapseSpace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending = false;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    uint32_t cp = NextCodePoint(s, &i);
    if (IsSpace(cp)) {
      pending = !out.empty();
      continue;
    }
    if (pending) out.push_back(' ');
    pending = false;
    out.append(s.data() + start, i - start);
  }
  return out;
}

bool IsLetter(uint32_t cp) {
  if (cp < 0x80) return (cp | 32) >= 'a' && (cp | 32) <= 'z';
  auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

bool IsDigit(uint32_t cp) {
  if (cp < 0x80) return cp >= '0' && cp <= '9';
  return utf8proc_category(static_cast<utf8proc_int32_t>(cp)) == UTF8PROC_CATEGORY_ND;
}

bool IsPunctOrSymbol(uint32_t cp) {
  if (cp < 0x80) {
    return (cp >= 0x21 && cp <= 0x2F) || (cp >= 0x3A && cp <= 0x40) || (cp >= 0x5B && cp <= 0x60) ||
           (cp >= 0x7B && cp <= 0x7E);
  }
  auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_SO;
}

bool IsUnspacedScript(uint32_t cp) {
  return (cp >= 0x3040 && cp <= 0x30FF) ||   // Hiragana, Katakana
         (cp >= 0x3400 && cp <= 0x9FFF) ||   // CJK
         (cp >= 0xF900 && cp <= 0xFAFF) ||   // CJK compatibility
         (cp >= 0x20000 && cp <= 0x2FA1F) || // CJK extensions
         (cp >= 0x0E00 && cp <= 0x0EFF) ||   // Thai, Lao
         (cp >= 0x1780 && cp <= 0x17FF) ||   // Khmer
         (cp >= 0x1000 && cp <= 0x109F);     // Myanmar
}

void SplitWords(std::string_view s, std::vector<std::string_view>* words) {
  words->clear();
  size_t i = 0, start = std::string_view::npos;
  auto is_word = [](uint32_t cp) {
    if (cp < 0x80) return ((cp | 32) >= 'a' && (cp | 32) <= 'z') || (cp >= '0' && cp <= '9') || cp == '_';
    auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME) ||
           (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
  };
  while (i < s.size()) {
    size_t at = i;
    uint32_t cp = NextCodePoint(s, &i);
    bool w = is_word(cp);
    if (!w && start != std::string_view::npos && (cp == '\'' || cp == 0x2019 || cp == '-') &&
        i < s.size()) {
      // Keep "don't", "Jum'at", "pro-Rusia" as one word when a word character follows.
      size_t j = i;
      if (is_word(NextCodePoint(s, &j))) continue;
    }
    if (w && start == std::string_view::npos) start = at;
    if (!w && start != std::string_view::npos) {
      words->push_back(s.substr(start, at - start));
      start = std::string_view::npos;
    }
  }
  if (start != std::string_view::npos) words->push_back(s.substr(start));
}

}  // namespace kilang
