#include "kilang/dedup/normalize.h"

#include <utf8proc.h>

#include "kilang/util/text.h"
#include "kilang/util/utf8.h"

namespace kilang::dedup {

Normalizer::Normalizer(const NormalizeOptions& options) : options_(options) {
  for (int c = 0; c < 128; ++c) {
    uint8_t k = kOther;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      k = kLetter;
    } else if (c >= '0' && c <= '9') {
      k = kDigit;
    } else if (c == ' ' || (c >= 0x09 && c <= 0x0D)) {
      k = kSpace;
    } else if (c < 0x20 || c == 0x7F) {
      k = kSpace;  // other control characters separate words
    } else {
      k = kPunct;
    }
    ascii_class_[c] = k;
    ascii_map_[c] = static_cast<char>(options_.lowercase && c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
}

namespace {

bool IsNumberSeparator(uint32_t cp) { return cp == '.' || cp == ',' || cp == '\'' || cp == 0x2009; }

// The first code point at byte `i` of `s` (0 at the end), without advancing.
uint32_t PeekCodePoint(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  return NextCodePoint(s, &i);
}

}  // namespace

namespace {

// Writes the UTF-8 encoding of `cp` at `p`; returns the new end.
inline char* EncodeUtf8(uint32_t cp, char* p) {
  if (cp < 0x80) {
    *p++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *p++ = static_cast<char>(0xC0 | (cp >> 6));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *p++ = static_cast<char>(0xE0 | (cp >> 12));
    *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *p++ = static_cast<char>(0xF0 | (cp >> 18));
    *p++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return p;
}

}  // namespace

void Normalizer::Normalize(std::string_view in, std::string* out) const {
  // Output is written through a raw pointer into a buffer with room for the ASCII case (never
  // longer than the input); non-ASCII code points make sure 64 bytes are free before writing.
  out->resize(in.size() + 64);
  char* base = out->data();
  char* p = base;
  char* limit = base + out->size();
  const auto& o = options_;
  bool pending_space = false;
  bool in_number = false;
  auto reserve = [&](size_t need) {
    if (static_cast<size_t>(limit - p) >= need) return;
    size_t used = static_cast<size_t>(p - base);
    out->resize(out->size() * 2 + need);
    base = out->data();
    p = base + used;
    limit = base + out->size();
  };
  auto emit_prefix = [&]() {
    if (pending_space) {
      if (p != base) *p++ = ' ';
      pending_space = false;
    }
  };
  auto space = [&]() {
    in_number = false;
    if (o.collapse_whitespace) {
      pending_space = true;
    } else {
      *p++ = ' ';
    }
  };
  auto digit = [&](uint32_t cp) {
    switch (o.digits) {
      case NormalizeOptions::Digits::kKeep:
        emit_prefix();
        p = EncodeUtf8(cp, p);
        break;
      case NormalizeOptions::Digits::kZeroEach:
        emit_prefix();
        *p++ = '0';
        break;
      case NormalizeOptions::Digits::kCollapseRun:
        if (!in_number) {
          emit_prefix();
          *p++ = '0';
        }
        break;
    }
    in_number = true;
  };
  auto punct = [&](uint32_t cp, size_t next) {
    // "1.234,50" stays one number when runs are collapsed.
    if (in_number && o.digits == NormalizeOptions::Digits::kCollapseRun && IsNumberSeparator(cp) &&
        IsDigit(PeekCodePoint(in, next))) {
      return;
    }
    in_number = false;
    switch (o.punct) {
      case NormalizeOptions::Punct::kKeep:
        emit_prefix();
        p = EncodeUtf8(cp, p);
        break;
      case NormalizeOptions::Punct::kToSpace:
        space();
        break;
      case NormalizeOptions::Punct::kRemove:
        break;
    }
  };

  size_t i = 0;
  const size_t n = in.size();
  const unsigned char* s = reinterpret_cast<const unsigned char*>(in.data());
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      uint8_t cls = ascii_class_[c];
      if (cls == kLetter) {
        in_number = false;
        emit_prefix();
        // Tight, branch-light loop over a run of ASCII letters (most of Latin-script text);
        // locals keep i and p in registers.
        size_t j = i;
        char* q = p;
        const uint8_t* cls_of = ascii_class_.data();
        const char* map = ascii_map_.data();
        do {
          *q++ = map[c];
          ++j;
        } while (j < n && (c = s[j]) < 0x80 && cls_of[c] == kLetter);
        i = j;
        p = q;
        continue;
      }
      ++i;
      switch (cls) {
        case kDigit:
          digit(c);
          break;
        case kSpace:
          space();
          break;
        default:
          punct(c, i);
          break;
      }
      continue;
    }
    reserve(64 + (n - i));  // keeps room for the rest of the input (ASCII never grows)
    uint32_t cp = NextCodePoint(in, &i);
    auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    switch (cat) {
      case UTF8PROC_CATEGORY_ND:
        digit(cp);
        continue;
      case UTF8PROC_CATEGORY_ZS:
      case UTF8PROC_CATEGORY_ZL:
      case UTF8PROC_CATEGORY_ZP:
      case UTF8PROC_CATEGORY_CC:
        space();
        continue;
      case UTF8PROC_CATEGORY_CF:  // format characters are invisible: dropped (zero-width
                                  // space and word joiner separate words)
        if (cp == 0x200B || cp == 0x2060 || cp == 0xFEFF) space();
        continue;
      case UTF8PROC_CATEGORY_PC:
      case UTF8PROC_CATEGORY_PD:
      case UTF8PROC_CATEGORY_PS:
      case UTF8PROC_CATEGORY_PE:
      case UTF8PROC_CATEGORY_PI:
      case UTF8PROC_CATEGORY_PF:
      case UTF8PROC_CATEGORY_PO:
      case UTF8PROC_CATEGORY_SM:
      case UTF8PROC_CATEGORY_SC:
      case UTF8PROC_CATEGORY_SK:
      case UTF8PROC_CATEGORY_SO:  // includes U+FFFD, which stands for invalid bytes
      case UTF8PROC_CATEGORY_CN:
        punct(cp, i);
        continue;
      case UTF8PROC_CATEGORY_MN:
      case UTF8PROC_CATEGORY_ME:
        if (o.strip_accents) continue;
        break;
      default:
        break;
    }
    in_number = false;
    emit_prefix();
    if (o.lowercase)
      cp = static_cast<uint32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
    if (o.strip_accents) {
      utf8proc_int32_t buf[8];
      int last_boundclass = 0;
      utf8proc_ssize_t k = utf8proc_decompose_char(
          static_cast<utf8proc_int32_t>(cp), buf, 8,
          static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK),
          &last_boundclass);
      if (k > 0 && k <= 8) {
        for (utf8proc_ssize_t j = 0; j < k; ++j) p = EncodeUtf8(static_cast<uint32_t>(buf[j]), p);
        continue;
      }
    }
    p = EncodeUtf8(cp, p);
  }
  out->resize(static_cast<size_t>(p - base));
}

std::string Normalizer::Normalize(std::string_view in) const {
  std::string out;
  Normalize(in, &out);
  return out;
}

}  // namespace kilang::dedup
