// Character encodings of HTML pages: finding the encoding of raw page bytes and converting them
// to UTF-8.
//
// A crawled page's bytes may be in any legacy encoding, and the encoding it declares (in the HTTP
// Content-Type header or in a <meta> tag) is often wrong. DecodeHtmlBytes decides the encoding
// in this order, checking every declaration against the bytes:
//   1. a byte order mark (UTF-8, UTF-16LE, UTF-16BE) — always wins;
//   2. the transport-declared charset (e.g. from a WARC record's HTTP header);
//   3. <meta charset=...> or <meta http-equiv="Content-Type" content="...; charset=..."> (or an
//      <?xml encoding=...?> declaration) in the first kPrescanBytes bytes — a small prescan,
//      not a parse;
//   4. detection: bytes that are (essentially) valid UTF-8 are UTF-8; otherwise ICU's charset
//      detector, keeping its first answer that converts the bytes cleanly; else windows-1252.
// A declaration is rejected (DecodeInfo::declared_was_wrong) when the bytes contradict it:
//   - a legacy (non-UTF-8) declaration on bytes that are valid UTF-8 with multi-byte sequences;
//   - a UTF-8 declaration on bytes that are mostly invalid UTF-8;
//   - a legacy declaration under which a large share of the non-ASCII bytes fail to convert;
//   - a UTF-16 declaration on bytes that do not look like UTF-16.
// Labels are mapped the way the WHATWG Encoding Standard maps them ("latin1", "iso-8859-1",
// "ascii" -> windows-1252; "gb2312", "gbk" -> gb18030; "x-sjis" -> shift_jis; "tis-620" ->
// windows-874; ...). See docs/encodings.md.
//
// All functions are pure and thread-safe.
#ifndef KILANG_UTIL_ENCODING_H_
#define KILANG_UTIL_ENCODING_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "kilang/util/status.h"
#include "kilang/util/utf8.h"

namespace kilang {

// How many leading bytes the <meta> prescan looks at.
inline constexpr size_t kPrescanBytes = 4096;

// The canonical (WHATWG, lower-case) name of the encoding an encoding label denotes, e.g.
// "Latin1 " -> "windows-1252", "x-sjis" -> "shift_jis", "UTF8" -> "utf-8". Labels are matched
// case-insensitively after trimming ASCII whitespace (and quotes). Returns "" for a label that is
// unknown or names an encoding kilang cannot decode (e.g. "replacement", "iso-2022-kr").
std::string_view CanonicalEncodingName(std::string_view label);

// The charset label a page declares in its first kPrescanBytes bytes: the first <meta charset>,
// <meta http-equiv="Content-Type" content="...charset=..."> or a leading <?xml ... encoding=...?>.
// Comments are skipped. Returns the raw label ("" when none); map it with CanonicalEncodingName.
std::string PrescanMetaCharset(std::string_view bytes);

// Converts `bytes` from the encoding with canonical name `encoding` (as returned by
// CanonicalEncodingName) to UTF-8 in `out` (replacing its contents). Unconvertible or invalid
// sequences become U+FFFD; their number is returned in *invalid. NUL characters are dropped.
// Returns Unsupported when `encoding` is not one kilang can convert.
Status ConvertToUtf8(std::string_view bytes, std::string_view encoding, std::string* out,
                     size_t* invalid);

// Turns the raw bytes of an HTML page into valid UTF-8 in `out_utf8` (replacing its contents),
// choosing the source encoding as described at the top of this file. `declared_charset` is the
// transport-level charset label ("" when none). Fills `info` (may be null): `encoding` is the
// canonical name of the encoding used ("utf-8-bom", "utf-16le", ... for BOMs), `source` how it
// was chosen, `declared` the declaration considered, `declared_was_wrong` whether the bytes
// contradicted it, `invalid_sequences` how many sequences became U+FFFD. NUL bytes are dropped.
// Returns Unsupported (and leaves `out_utf8` empty) when the bytes look binary (LooksBinary).
Status DecodeHtmlBytes(std::string_view bytes, std::string_view declared_charset,
                       std::string* out_utf8, DecodeInfo* info);

}  // namespace kilang

#endif  // KILANG_UTIL_ENCODING_H_
