// Byte-level text hygiene: UTF-8 validation and repair, BOM/UTF-16 decoding, binary sniffing.
// All functions are pure and thread-safe.
#ifndef KILANG_UTIL_UTF8_H_
#define KILANG_UTIL_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kilang/util/status.h"

namespace kilang {

// Copies `in` to `out` (replacing its contents), replacing each maximal invalid UTF-8 subsequence
// (WHATWG/Unicode "substitution of maximal subparts") with U+FFFD. Overlong forms, surrogates and
// code points above U+10FFFF are invalid. Returns the number of replacements made.
size_t RepairUtf8(std::string_view in, std::string* out);

// True when `s` is entirely valid UTF-8.
bool IsValidUtf8(std::string_view s);

// Writes the UTF-8 encoding of `cp` at `out` (room for 4 bytes); returns its length (1..4).
// REQUIRES: `cp` is a Unicode scalar value (AppendUtf8 replaces invalid ones).
inline size_t EncodeUtf8(uint32_t cp, char* out) {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

// Appends the UTF-8 encoding of code point `cp`; NUL, surrogates and values above U+10FFFF
// become U+FFFD.
void AppendUtf8(uint32_t cp, std::string* out);

// Decodes one code point starting at s[*pos] and advances *pos. Returns U+FFFD (advancing one
// byte) on an invalid sequence. REQUIRES: *pos < s.size().
uint32_t NextCodePoint(std::string_view s, size_t* pos);

// What DecodeText (or DecodeHtmlBytes, kilang/util/encoding.h) found.
struct DecodeInfo {
  // The source encoding: "utf-8", "utf-8-bom", "utf-16le", "utf-16be"; DecodeHtmlBytes also
  // gives legacy encodings by canonical WHATWG name ("windows-1252", "shift_jis", ...).
  std::string encoding = "utf-8";
  size_t invalid_sequences = 0;    // replaced by U+FFFD
  // DecodeHtmlBytes only: how the encoding was chosen: "bom", "transport", "meta", "detected".
  std::string source;
  // DecodeHtmlBytes only: the declared charset that was considered (canonical name, or the raw
  // label when unknown), transport before <meta>; "" when the page declared none.
  std::string declared;
  // DecodeHtmlBytes only: the bytes contradicted `declared`, so it was not used.
  bool declared_was_wrong = false;
};

// Turns the raw bytes of a text/HTML file into valid UTF-8 in `out`:
//   - a UTF-8 BOM is dropped; UTF-16 with a BOM is converted;
//   - invalid UTF-8 is repaired (counted in info->invalid_sequences);
//   - NUL bytes are dropped.
// Returns Unsupported when the bytes look binary (image/archive magic numbers, or many control
// bytes in the first 4 KiB): such input is not text and must be reported, not extracted.
Status DecodeText(std::string_view bytes, std::string* out, DecodeInfo* info);

// Whether `bytes` look like a binary (non-text) payload. Checks the first 4 KiB only.
bool LooksBinary(std::string_view bytes);

// Whether `bytes` start with the magic number of a binary format (image, archive, font, audio,
// PDF, executable): the part of LooksBinary that also holds for text in UTF-16.
bool HasBinaryMagic(std::string_view bytes);

}  // namespace kilang

#endif  // KILANG_UTIL_UTF8_H_
