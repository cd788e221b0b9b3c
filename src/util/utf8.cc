#include "kilang/util/utf8.h"

#include <algorithm>
#include <cstring>

namespace kilang {

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when invalid. Follows Unicode Table 3-7.
inline size_t ValidSeqLen(const unsigned char* s, size_t n, size_t i) {
  unsigned char c = s[i];
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0;
  if (c < 0xE0) return (i + 1 < n && (s[i + 1] & 0xC0) == 0x80) ? 2 : 0;
  if (c < 0xF0) {
    if (i + 1 >= n) return 0;
    unsigned char c1 = s[i + 1];
    if (c == 0xE0 && (c1 < 0xA0 || c1 > 0xBF)) return 0;
    if (c == 0xED && (c1 < 0x80 || c1 > 0x9F)) return 0;
    if ((c1 & 0xC0) != 0x80) return 0;
    if (i + 2 >= n || (s[i + 2] & 0xC0) != 0x80) return 0;
    return 3;
  }
  if (c < 0xF5) {
    if (i + 1 >= n) return 0;
    unsigned char c1 = s[i + 1];
    if (c == 0xF0 && (c1 < 0x90 || c1 > 0xBF)) return 0;
    if (c == 0xF4 && (c1 < 0x80 || c1 > 0x8F)) return 0;
    if ((c1 & 0xC0) != 0x80) return 0;
    if (i + 2 >= n || (s[i + 2] & 0xC0) != 0x80) return 0;
    if (i + 3 >= n || (s[i + 3] & 0xC0) != 0x80) return 0;
    return 4;
  }
  return 0;
}

// Length of the maximal invalid subpart starting at s[i] (at least 1).
inline size_t InvalidSubpartLen(const unsigned char* s, size_t n, size_t i) {
  unsigned char c = s[i];
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c < 0xE0) need = 1;
  else if (c >= 0xE0 && c < 0xF0) {
    need = 2;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c < 0xF5) {
    need = 3;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 1;
  }
  size_t len = 1;
  for (size_t k = 0; k < need && i + len < n; ++k) {
    unsigned char b = s[i + len];
    if (b < lo || b > hi) break;
    lo = 0x80;
    hi = 0xBF;
    ++len;
  }
  return len;
}

}  // namespace

bool IsValidUtf8(std::string_view sv) {
  const auto* s = reinterpret_cast<const unsigned char*>(sv.data());
  size_t n = sv.size(), i = 0;
  while (i < n) {
    // Fast path over ASCII, 8 bytes at a time.
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, s + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    size_t len = ValidSeqLen(s, n, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

size_t RepairUtf8(std::string_view sv, std::string* out) {
  out->clear();
  if (IsValidUtf8(sv)) {
    out->assign(sv);
    return 0;
  }
  out->reserve(sv.size() + 16);
  const auto* s = reinterpret_cast<const unsigned char*>(sv.data());
  size_t n = sv.size(), i = 0, bad = 0;
  while (i < n) {
    size_t len = ValidSeqLen(s, n, i);
    if (len) {
      out->append(sv.data() + i, len);
      i += len;
    } else {
      out->append("\xEF\xBF\xBD");
      ++bad;
      i += InvalidSubpartLen(s, n, i);
    }
  }
  return bad;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  char buf[4];
  out->append(buf, EncodeUtf8(cp, buf));
}

uint32_t NextCodePoint(std::string_view sv, size_t* pos) {
  const auto* s = reinterpret_cast<const unsigned char*>(sv.data());
  size_t n = sv.size(), i = *pos;
  size_t len = ValidSeqLen(s, n, i);
  if (len == 0) {
    *pos = i + 1;
    return 0xFFFD;
  }
  *pos = i + len;
  switch (len) {
    case 1: return s[i];
    case 2: return ((s[i] & 0x1F) << 6) | (s[i + 1] & 0x3F);
    case 3: return ((s[i] & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
    default:
      return ((s[i] & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) | ((s[i + 2] & 0x3F) << 6) |
             (s[i + 3] & 0x3F);
  }
}

bool HasBinaryMagic(std::string_view b) {
  auto starts = [&](std::string_view magic) { return b.substr(0, magic.size()) == magic; };
  return starts("\x89PNG") || starts("GIF87a") || starts("GIF89a") || starts("\xFF\xD8\xFF") ||
      starts(std::string_view("PK\x03\x04", 4)) || starts("\x1F\x8B") || starts("%PDF-") ||
      starts("\x28\xB5\x2F\xFD") || starts(std::string_view("\x7F" "ELF", 4)) || starts("BZh") ||
      starts("RIFF") || starts(std::string_view("\x00\x00\x01\x00", 4)) || starts("wOFF") ||
      starts("wOF2") || starts("OggS") || starts("ID3") || starts("fLaC");
}

bool LooksBinary(std::string_view b) {
  if (HasBinaryMagic(b)) return true;
  size_t n = std::min<size_t>(b.size(), 4096);
  size_t ctrl = 0;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(b[i]);
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1B) ++ctrl;
  }
  // Text has essentially no control bytes; allow a few stray ones (and NULs) before giving up.
  return n > 0 && ctrl * 10 > n;
}

namespace {

void DecodeUtf16(std::string_view b, bool little_endian, std::string* out, size_t* bad) {
  out->clear();
  out->reserve(b.size() * 3 / 2);
  size_t n = b.size() / 2;
  auto unit = [&](size_t k) -> uint32_t {
    auto lo = static_cast<unsigned char>(b[2 * k + (little_endian ? 0 : 1)]);
    auto hi = static_cast<unsigned char>(b[2 * k + (little_endian ? 1 : 0)]);
    return (uint32_t(hi) << 8) | lo;
  };
  for (size_t k = 0; k < n; ++k) {
    uint32_t u = unit(k);
    if (u >= 0xD800 && u <= 0xDBFF && k + 1 < n) {
      uint32_t v = unit(k + 1);
      if (v >= 0xDC00 && v <= 0xDFFF) {
        AppendUtf8(0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00), out);
        ++k;
        continue;
      }
    }
    if (u >= 0xD800 && u <= 0xDFFF) {
      AppendUtf8(0xFFFD, out);
      ++*bad;
    } else if (u != 0) {
      AppendUtf8(u, out);
    }
  }
  if (b.size() % 2) {
    AppendUtf8(0xFFFD, out);
    ++*bad;
  }
}

}  // namespace

Status DecodeText(std::string_view bytes, std::string* out, DecodeInfo* info) {
  DecodeInfo local;
  if (!info) info = &local;
  *info = DecodeInfo();
  if (bytes.size() >= 2 && bytes[0] == '\xFF' && bytes[1] == '\xFE') {
    info->encoding = "utf-16le";
    DecodeUtf16(bytes.substr(2), true, out, &info->invalid_sequences);
    return Status::Ok();
  }
  if (bytes.size() >= 2 && bytes[0] == '\xFE' && bytes[1] == '\xFF') {
    info->encoding = "utf-16be";
    DecodeUtf16(bytes.substr(2), false, out, &info->invalid_sequences);
    return Status::Ok();
  }
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    info->encoding = "utf-8-bom";
    bytes.remove_prefix(3);
  } else if (LooksBinary(bytes)) {
    return Status::Unsupported("binary content, not text or HTML");
  }
  info->invalid_sequences = RepairUtf8(bytes, out);
  if (out->find('\0') != std::string::npos) out->erase(std::remove(out->begin(), out->end(), '\0'), out->end());
  return Status::Ok();
}

}  // namespace kilang
