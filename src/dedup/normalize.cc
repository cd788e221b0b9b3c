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

void Normalizer::Normalize(std::string_view in, std::string* out) const {
  out->clear();
  out->reserve(in.size());
  const auto& o = options_;
  bool pending_space = false;
  bool in_number = false;
  auto emit_prefix = [&]() {
    if (pending_space) {
      if (!out->empty()) out->push_back(' ');
      pending_space = false;
    }
  };
  auto space = [&]() {
    in_number = false;
    if (o.collapse_whitespace) {
      pending_space = true;
    } else {
      out->push_back(' ');
    }
  };
  auto digit = [&](uint32_t cp, unsigned char ascii) {
    switch (o.digits) {
      case NormalizeOptions::Digits::kKeep:
        emit_prefix();
        if (ascii) {
          out->push_back(static_cast<char>(ascii));
        } else {
          AppendUtf8(cp, out);
        }
        break;
      case NormalizeOptions::Digits::kZeroEach:
        emit_prefix();
        out->push_back('0');
        break;
      case NormalizeOptions::Digits::kCollapseRun:
        if (!in_number) {
          emit_prefix();
          out->push_back('0');
        }
        break;
    }
    in_number = true;
  };
  auto punct = [&](uint32_t cp, unsigned char ascii, size_t next) {
    // "1.234,50" stays one number when runs are collapsed.
    if (in_number && o.digits == NormalizeOptions::Digits::kCollapseRun && IsNumberSeparator(cp) &&
        IsDigit(PeekCodePoint(in, next))) {
      return;
    }
    in_number = false;
    switch (o.punct) {
      case NormalizeOptions::Punct::kKeep:
        emit_prefix();
        if (ascii) {
          out->push_back(static_cast<char>(ascii));
        } else {
          AppendUtf8(cp, out);
        }
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
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      ++i;
      switch (ascii_class_[c]) {
        case kLetter:
          in_number = false;
          emit_prefix();
          out->push_back(static_cast<char>(o.lowercase && c <= 'Z' ? c + 32 : c));
          break;
        case kDigit:
          digit(c, c);
          break;
        case kSpace:
          space();
          break;
        default:
          punct(c, c, i);
          break;
      }
      continue;
    }
    uint32_t cp = NextCodePoint(in, &i);
    auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    switch (cat) {
      case UTF8PROC_CATEGORY_ND:
        digit(cp, 0);
        continue;
      case UTF8PROC_CATEGORY_ZS:
      case UTF8PROC_CATEGORY_ZL:
      case UTF8PROC_CATEGORY_ZP:
      case UTF8PROC_CATEGORY_CC:
        space();
        continue;
      case UTF8PROC_CATEGORY_CF:  // zero-width and format characters: invisible, dropped
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
      case UTF8PROC_CATEGORY_SO:
      case UTF8PROC_CATEGORY_CN:  // includes U+FFFD from invalid bytes? (FFFD is So)
        punct(cp, 0, i);
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
    if (o.lowercase) cp = static_cast<uint32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
    if (o.strip_accents) {
      utf8proc_int32_t buf[8];
      int last_boundclass = 0;
      utf8proc_ssize_t k = utf8proc_decompose_char(
          static_cast<utf8proc_int32_t>(cp), buf, 8,
          static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK), &last_boundclass);
      if (k > 0 && k <= 8) {
        for (utf8proc_ssize_t j = 0; j < k; ++j) AppendUtf8(static_cast<uint32_t>(buf[j]), out);
        continue;
      }
    }
    AppendUtf8(cp, out);
  }
}

std::string Normalizer::Normalize(std::string_view in) const {
  std::string out;
  Normalize(in, &out);
  return out;
}

}  // namespace kilang::dedup
