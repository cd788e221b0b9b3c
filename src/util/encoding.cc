#include "kilang/util/encoding.h"

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace kilang {

namespace {

// ---------------------------------------------------------------------------------------------
// Encodings kilang converts, by canonical WHATWG name, with the ICU converter that implements
// each (the ICU tables closest to the WHATWG index: e.g. Shift_JIS is decoded as windows-31j,
// EUC-KR as windows-949 and Big5 as windows-950, as browsers do).
struct EncodingEntry {
  const char* name;
  const char* icu;
};
constexpr EncodingEntry kEncodings[] = {
    {"utf-8", "UTF-8"},
    {"utf-16le", "UTF-16LE"},
    {"utf-16be", "UTF-16BE"},
    {"ibm866", "IBM866"},
    {"iso-8859-2", "ISO-8859-2"},
    {"iso-8859-3", "ISO-8859-3"},
    {"iso-8859-4", "ISO-8859-4"},
    {"iso-8859-5", "ISO-8859-5"},
    {"iso-8859-6", "ISO-8859-6"},
    {"iso-8859-7", "ISO-8859-7"},
    {"iso-8859-8", "ISO-8859-8"},
    {"iso-8859-8-i", "ISO-8859-8"},  // same characters, logical order: a rendering difference
    {"iso-8859-10", "ISO-8859-10"},
    {"iso-8859-13", "ISO-8859-13"},
    {"iso-8859-14", "ISO-8859-14"},
    {"iso-8859-15", "ISO-8859-15"},
    {"koi8-r", "KOI8-R"},
    {"koi8-u", "KOI8-U"},
    {"macintosh", "macintosh"},
    {"windows-874", "windows-874"},
    {"windows-1250", "windows-1250"},
    {"windows-1251", "windows-1251"},
    {"windows-1252", "windows-1252"},
    {"windows-1253", "windows-1253"},
    {"windows-1254", "windows-1254"},
    {"windows-1255", "windows-1255"},
    {"windows-1256", "windows-1256"},
    {"windows-1257", "windows-1257"},
    {"windows-1258", "windows-1258"},
    {"x-mac-cyrillic", "x-mac-cyrillic"},
    {"gb18030", "GB18030"},
    {"big5", "windows-950"},
    {"euc-jp", "EUC-JP"},
    {"iso-2022-jp", "ISO-2022-JP"},
    {"shift_jis", "windows-31j"},
    {"euc-kr", "windows-949"},
};

const char* IcuName(std::string_view canonical) {
  for (const auto& e : kEncodings) {
    if (canonical == e.name) return e.icu;
  }
  return nullptr;
}

// The WHATWG Encoding Standard's label table (https://encoding.spec.whatwg.org/#names-and-labels),
// written out for the encodings above. Deliberate departures: "gbk" labels decode as gb18030 (a
// superset, and the WHATWG gbk decoder is the gb18030 decoder); "iso-8859-16" (absent from the
// ICU data Debian ships), "replacement" labels (iso-2022-kr/cn, hz-gb-2312) and "x-user-defined"
// are unknown, so the page falls through to the next rule instead of decoding to nothing.
struct EncodingLabels {
  const char* name;    // canonical
  const char* labels;  // space-separated, lower case
};
constexpr EncodingLabels kLabels[] = {
    {"utf-8", "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8"},
    {"ibm866", "866 cp866 csibm866 ibm866"},
    {"iso-8859-2",
     "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2"},
    {"iso-8859-3",
     "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3"},
    {"iso-8859-4",
     "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4"},
    {"iso-8859-5",
     "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 iso_8859-5 "
     "iso_8859-5:1988"},
    {"iso-8859-6",
     "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6 iso-8859-6-e "
     "iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987"},
    {"iso-8859-7",
     "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7 iso88597 "
     "iso_8859-7 iso_8859-7:1987 sun_eu_greek"},
    {"iso-8859-8",
     "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8 iso88598 "
     "iso_8859-8 iso_8859-8:1988 visual"},
    {"iso-8859-8-i", "csiso88598i iso-8859-8-i logical"},
    {"iso-8859-10", "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6"},
    {"iso-8859-13", "iso-8859-13 iso8859-13 iso885913"},
    {"iso-8859-14", "iso-8859-14 iso8859-14 iso885914"},
    {"iso-8859-15", "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9"},
    {"koi8-r", "cskoi8r koi koi8 koi8-r koi8_r"},
    {"koi8-u", "koi8-ru koi8-u"},
    {"macintosh", "csmacintosh mac macintosh x-mac-roman"},
    {"windows-874", "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874"},
    {"windows-1250", "cp1250 windows-1250 x-cp1250"},
    {"windows-1251", "cp1251 windows-1251 x-cp1251"},
    {"windows-1252",
     "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 "
     "iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252"},
    {"windows-1253", "cp1253 windows-1253 x-cp1253"},
    {"windows-1254",
     "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 l5 "
     "latin5 windows-1254 x-cp1254"},
    {"windows-1255", "cp1255 windows-1255 x-cp1255"},
    {"windows-1256", "cp1256 windows-1256 x-cp1256"},
    {"windows-1257", "cp1257 windows-1257 x-cp1257"},
    {"windows-1258", "cp1258 windows-1258 x-cp1258"},
    {"x-mac-cyrillic", "x-mac-cyrillic x-mac-ukrainian"},
    {"gb18030",
     "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk gb18030"},
    {"big5", "big5 big5-hkscs cn-big5 csbig5 x-x-big5"},
    {"euc-jp", "cseucpkdfmtjapanese euc-jp x-euc-jp"},
    {"iso-2022-jp", "csiso2022jp iso-2022-jp"},
    {"shift_jis", "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis"},
    {"euc-kr",
     "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 "
     "ksc_5601 windows-949"},
    {"utf-16be", "unicodefffe utf-16be"},
    {"utf-16le", "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le"},
};

const std::unordered_map<std::string_view, std::string_view>& LabelMap() {
  static const auto* map = [] {
    auto* m = new std::unordered_map<std::string_view, std::string_view>();
    for (const auto& row : kLabels) {
      std::string_view labels(row.labels);
      while (!labels.empty()) {
        size_t sp = labels.find(' ');
        if (sp != 0) m->emplace(labels.substr(0, sp), row.name);
        if (sp == std::string_view::npos) break;
        labels.remove_prefix(sp + 1);
      }
    }
    return m;
  }();
  return *map;
}

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// Case-insensitive: does `s` start with `lower_prefix` (given in lower case)?
bool StartsWithNoCase(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  for (size_t i = 0; i < lower_prefix.size(); ++i) {
    if (AsciiLower(s[i]) != lower_prefix[i]) return false;
  }
  return true;
}

size_t FindNoCase(std::string_view s, std::string_view lower_needle, size_t from = 0) {
  if (lower_needle.size() > s.size()) return std::string_view::npos;
  for (size_t i = from; i + lower_needle.size() <= s.size(); ++i) {
    if (StartsWithNoCase(s.substr(i), lower_needle)) return i;
  }
  return std::string_view::npos;
}

bool EqualsNoCase(std::string_view s, std::string_view lower) {
  return s.size() == lower.size() && StartsWithNoCase(s, lower);
}

bool IsUtf16(std::string_view canonical) {
  return canonical == "utf-16le" || canonical == "utf-16be";
}

// ---------------------------------------------------------------------------------------------
// UTF-8 statistics of a byte string.
struct Utf8Stats {
  size_t non_ascii_bytes = 0;
  size_t multibyte = 0;     // valid sequences of 2..4 bytes
  size_t invalid = 0;       // invalid bytes (a sequence cut at the very end is not counted)
  bool has_escape = false;  // all ASCII with an ESC byte (ISO-2022 shift sequences)
  bool valid = false;       // entirely valid UTF-8
};

Utf8Stats ScanUtf8(std::string_view s) {
  Utf8Stats st;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    // Skip ASCII, 8 bytes at a time.
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    while (i < n && p[i] < 0x80) ++i;
    if (i >= n) break;
    const size_t start = i;
    size_t next = i;
    NextCodePoint(s, &next);
    const size_t len = next - start;
    st.non_ascii_bytes += len;
    i = next;
    if (len > 1) {
      ++st.multibyte;
      continue;
    }
    // One byte consumed: invalid, unless it starts a sequence the end of input cut short.
    bool truncated = p[start] >= 0xC2 && p[start] < 0xF5 && n - start < 4;
    for (size_t k = start + 1; truncated && k < n; ++k) truncated = (p[k] & 0xC0) == 0x80;
    if (truncated) {
      st.non_ascii_bytes += n - i;
      return st;
    }
    ++st.invalid;
  }
  st.valid = st.invalid == 0;
  if (st.non_ascii_bytes == 0) st.has_escape = std::memchr(s.data(), 0x1B, n) != nullptr;
  return st;
}

// Whether bytes with these statistics are UTF-8 (perhaps with a little corruption): no invalid
// bytes at all, or at most one invalid byte per ten valid multi-byte characters. Legacy encodings
// produce valid multi-byte UTF-8 only by accident, and then with many invalid bytes around.
bool LooksUtf8(const Utf8Stats& st) { return st.invalid == 0 || st.invalid * 10 <= st.multibyte; }

// Whether UTF-8 with these statistics contradicts a legacy (non-UTF-8) declaration.
bool ContradictsLegacy(const Utf8Stats& st) { return st.multibyte > 0 && LooksUtf8(st); }

// Whether a legacy conversion with `errors` failures is clean enough to trust.
bool CleanConversion(size_t errors, size_t non_ascii_bytes) {
  return errors < 3 || errors * 20 <= non_ascii_bytes;
}

// UTF-16 without a BOM: in the first 4 KiB, many NUL bytes on one parity and few on the other
// (the markup of a UTF-16 page is ASCII, so every other byte is 0). Returns "" when not UTF-16.
std::string_view GuessUtf16(std::string_view b) {
  size_t n = std::min<size_t>(b.size(), 4096) & ~size_t{1};
  if (n < 8) return {};
  // Per parity: NUL bytes, and control characters among the units whose other byte is NUL.
  size_t zero[2] = {0, 0}, ctrl[2] = {0, 0};
  for (size_t i = 0; i < n; i += 2) {
    for (int p = 0; p < 2; ++p) {
      if (b[i + p] != '\0') continue;
      ++zero[p];
      auto c = static_cast<unsigned char>(b[i + 1 - p]);
      if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') ++ctrl[p];
    }
  }
  size_t pairs = n / 2;
  // Little-endian: the high (odd) byte of ASCII units is NUL; the low byte is a real character.
  if (zero[1] * 3 >= pairs && zero[0] * 8 <= zero[1] && ctrl[1] * 10 <= zero[1]) {
    return "utf-16le";
  }
  if (zero[0] * 3 >= pairs && zero[1] * 8 <= zero[0] && ctrl[0] * 10 <= zero[0]) {
    return "utf-16be";
  }
  return {};
}

bool IsAllAscii(const Utf8Stats& st) { return st.non_ascii_bytes == 0; }

void CopyDroppingNuls(std::string_view in, std::string* out) {
  out->assign(in);
  if (out->find('\0') != std::string::npos) {
    out->erase(std::remove(out->begin(), out->end(), '\0'), out->end());
  }
}

size_t RepairDroppingNuls(std::string_view in, std::string* out) {
  size_t bad = RepairUtf8(in, out);
  if (out->find('\0') != std::string::npos) {
    out->erase(std::remove(out->begin(), out->end(), '\0'), out->end());
  }
  return bad;
}

// ---------------------------------------------------------------------------------------------
// ICU conversion.

struct ConvertContext {
  size_t errors = 0;
};

// Replaces every unassigned, illegal or truncated sequence with U+FFFD (ICU's default writes
// U+001A for some single-byte converters) and counts it.
void CountingToUCallback(const void* context, UConverterToUnicodeArgs* args, const char*, int32_t,
                         UConverterCallbackReason reason, UErrorCode* err) {
  if (reason > UCNV_IRREGULAR) return;  // reset, close, clone: nothing to write
  auto* ctx = static_cast<ConvertContext*>(const_cast<void*>(context));
  ++ctx->errors;
  static const UChar kReplacement = 0xFFFD;
  *err = U_ZERO_ERROR;
  ucnv_cbToUWriteUChars(args, &kReplacement, 1, 0, err);
}

// Appends UTF-16 units as UTF-8; a high surrogate at the end of a chunk waits in *pending.
void AppendUtf16Units(const UChar* u, size_t n, uint32_t* pending, std::string* out) {
  for (size_t i = 0; i < n; ++i) {
    uint32_t c = u[i];
    if (*pending) {
      if (c >= 0xDC00 && c <= 0xDFFF) {
        AppendUtf8(0x10000 + ((*pending - 0xD800) << 10) + (c - 0xDC00), out);
        *pending = 0;
        continue;
      }
      AppendUtf8(0xFFFD, out);
      *pending = 0;
    }
    if (c >= 0xD800 && c <= 0xDBFF) {
      *pending = c;
    } else if (c >= 0xDC00 && c <= 0xDFFF) {
      AppendUtf8(0xFFFD, out);
    } else if (c < 0x80) {
      if (c != 0) out->push_back(static_cast<char>(c));
    } else {
      AppendUtf8(c, out);
    }
  }
}

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};
struct DetectorCloser {
  void operator()(UCharsetDetector* d) const { ucsdet_close(d); }
};

// ---------------------------------------------------------------------------------------------
// Detection.

struct Decoded {
  std::string encoding;
  size_t errors = 0;
};

// How much of a page the detector and the trial conversions look at: a window that starts just
// before the first non-ASCII byte (leading scripts and styles are usually ASCII).
constexpr size_t kDetectSampleBytes = 16 << 10;

std::string_view DetectionSample(std::string_view bytes) {
  size_t first = 0;
  while (first < bytes.size() && static_cast<unsigned char>(bytes[first]) < 0x80) ++first;
  if (first == bytes.size()) first = 0;
  // Everything before `first` is ASCII, so any offset there is a character boundary.
  size_t start = first > 512 ? first - 512 : 0;
  return bytes.substr(start, kDetectSampleBytes);
}

size_t CountNonAscii(std::string_view s) {
  size_t k = 0;
  for (char c : s) k += static_cast<unsigned char>(c) >= 0x80;
  return k;
}

// Candidate legacy encodings for `bytes` from ICU's detector, most confident first, mapped to
// canonical names (UTF-8/16/32 and encodings kilang does not convert are left out).
std::vector<std::string> DetectorCandidates(std::string_view sample) {
  std::vector<std::string> names;
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, DetectorCloser> det(ucsdet_open(&err));
  if (U_FAILURE(err)) return names;
  ucsdet_enableInputFilter(det.get(), true);  // ignore <markup>
  ucsdet_setText(det.get(), sample.data(), static_cast<int32_t>(sample.size()), &err);
  int32_t count = 0;
  const UCharsetMatch** matches = ucsdet_detectAll(det.get(), &count, &err);
  if (U_FAILURE(err) || !matches) return names;
  for (int32_t i = 0; i < count && names.size() < 6; ++i) {
    UErrorCode e = U_ZERO_ERROR;
    const char* name = ucsdet_getName(matches[i], &e);
    int32_t confidence = ucsdet_getConfidence(matches[i], &e);
    if (U_FAILURE(e) || !name || confidence < 10) continue;
    std::string_view canon = CanonicalEncodingName(name);
    if (canon.empty() || canon == "utf-8" || IsUtf16(canon)) continue;
    if (std::find(names.begin(), names.end(), canon) == names.end()) names.emplace_back(canon);
  }
  return names;
}

// Picks an encoding for bytes that declared none (or whose declarations were all rejected).
// `utf8_allowed` is false when UTF-8 was declared and rejected.
Decoded Detect(std::string_view bytes, const Utf8Stats& st, bool utf8_allowed, std::string* out) {
  Decoded d;
  if (utf8_allowed && LooksUtf8(st)) {
    if (IsAllAscii(st) && st.has_escape) {
      // ISO-2022-JP is 7-bit: only its escape sequences tell it from ASCII.
      size_t errors = 0;
      if (ConvertToUtf8(bytes, "iso-2022-jp", out, &errors).ok() && errors == 0 &&
          (bytes.find("\x1B$B") != std::string_view::npos ||
           bytes.find("\x1B$@") != std::string_view::npos)) {
        d.encoding = "iso-2022-jp";
        return d;
      }
    }
    d.encoding = "utf-8";
    if (st.valid) {
      CopyDroppingNuls(bytes, out);
    } else {
      d.errors = RepairDroppingNuls(bytes, out);
    }
    return d;
  }
  std::string_view sample = DetectionSample(bytes);
  size_t sample_non_ascii = CountNonAscii(sample);
  std::string best;
  size_t best_errors = SIZE_MAX;
  std::string trial;
  for (const std::string& name : DetectorCandidates(sample)) {
    size_t errors = 0;
    if (!ConvertToUtf8(sample, name, &trial, &errors).ok()) continue;
    if (errors < best_errors) {
      best = name;
      best_errors = errors;
    }
    if (errors * 50 <= sample_non_ascii) break;  // clean enough: take the detector's answer
  }
  // Nothing converts cleanly: windows-1252 maps all but five byte values, so it always yields
  // readable (if perhaps wrong) letters.
  if (best.empty() || !CleanConversion(best_errors, sample_non_ascii)) {
    size_t errors = 0;
    ConvertToUtf8(sample, "windows-1252", &trial, &errors);
    if (best.empty() || errors < best_errors) best = "windows-1252";
  }
  d.encoding = best;
  ConvertToUtf8(bytes, d.encoding, out, &d.errors);
  return d;
}

// Printable-ASCII copy of a label for DecodeInfo::declared (labels come from untrusted bytes).
std::string SanitizedLabel(std::string_view label) {
  std::string s;
  for (char c : label.substr(0, 40)) {
    if (c > 0x20 && c < 0x7F) s.push_back(AsciiLower(c));
  }
  return s;
}

// Value of a charset= parameter in a Content-Type value ("text/html; charset=UTF-8"), following
// the WHATWG "extracting a character encoding from a meta element" steps.
std::string CharsetFromContent(std::string_view content) {
  size_t pos = 0;
  while (true) {
    size_t at = FindNoCase(content, "charset", pos);
    if (at == std::string_view::npos) return {};
    size_t i = at + 7;
    while (i < content.size() && IsAsciiSpace(content[i])) ++i;
    if (i >= content.size() || content[i] != '=') {
      pos = at + 7;
      continue;
    }
    ++i;
    while (i < content.size() && IsAsciiSpace(content[i])) ++i;
    if (i >= content.size()) return {};
    if (content[i] == '"' || content[i] == '\'') {
      size_t close = content.find(content[i], i + 1);
      if (close == std::string_view::npos) return {};
      return std::string(content.substr(i + 1, close - i - 1));
    }
    size_t end = i;
    while (end < content.size() && !IsAsciiSpace(content[end]) && content[end] != ';') ++end;
    return std::string(content.substr(i, end - i));
  }
}

// Reads one attribute of a tag at b[*i]; returns false at the tag's end ('>' or end of input).
bool NextAttribute(std::string_view b, size_t* i, std::string* name, std::string* value) {
  name->clear();
  value->clear();
  size_t n = b.size();
  while (*i < n && (IsAsciiSpace(b[*i]) || b[*i] == '/')) ++*i;
  if (*i >= n || b[*i] == '>') return false;
  while (*i < n && !IsAsciiSpace(b[*i]) && b[*i] != '=' && b[*i] != '>' &&
         (b[*i] != '/' || name->empty())) {
    name->push_back(AsciiLower(b[*i]));
    ++*i;
  }
  while (*i < n && IsAsciiSpace(b[*i])) ++*i;
  if (*i >= n || b[*i] != '=') return true;  // an attribute without a value
  ++*i;
  while (*i < n && IsAsciiSpace(b[*i])) ++*i;
  if (*i >= n) return true;
  if (b[*i] == '"' || b[*i] == '\'') {
    char q = b[*i];
    size_t close = b.find(q, *i + 1);
    if (close == std::string_view::npos) close = n;
    value->assign(b.substr(*i + 1, close - *i - 1));
    *i = close < n ? close + 1 : n;
    return true;
  }
  while (*i < n && !IsAsciiSpace(b[*i]) && b[*i] != '>') {
    value->push_back(b[*i]);
    ++*i;
  }
  return true;
}

}  // namespace

std::string_view CanonicalEncodingName(std::string_view label) {
  while (!label.empty() &&
         (IsAsciiSpace(label.front()) || label.front() == '"' || label.front() == '\'')) {
    label.remove_prefix(1);
  }
  while (!label.empty() &&
         (IsAsciiSpace(label.back()) || label.back() == '"' || label.back() == '\'')) {
    label.remove_suffix(1);
  }
  if (label.empty() || label.size() > 32) return {};
  char buf[32];
  for (size_t i = 0; i < label.size(); ++i) buf[i] = AsciiLower(label[i]);
  const auto& map = LabelMap();
  auto it = map.find(std::string_view(buf, label.size()));
  return it == map.end() ? std::string_view() : it->second;
}

std::string PrescanMetaCharset(std::string_view bytes) {
  std::string_view b = bytes.substr(0, kPrescanBytes);
  size_t n = b.size(), i = 0;
  std::string xml_label;
  {
    size_t s = 0;
    while (s < n && IsAsciiSpace(b[s])) ++s;
    if (StartsWithNoCase(b.substr(s), "<?xml")) {
      size_t end = b.find("?>", s);
      std::string_view decl = b.substr(s, end == std::string_view::npos ? n - s : end - s);
      size_t at = FindNoCase(decl, "encoding");
      std::string name, value;
      if (at != std::string_view::npos && NextAttribute(decl, &at, &name, &value) &&
          name == "encoding") {
        xml_label = value;
      }
    }
  }
  std::string name, value;
  while (i < n) {
    size_t lt = b.find('<', i);
    if (lt == std::string_view::npos) break;
    std::string_view rest = b.substr(lt);
    if (StartsWithNoCase(rest, "<!--")) {
      size_t end = b.find("-->", lt + 4);
      if (end == std::string_view::npos) break;
      i = end + 3;
      continue;
    }
    if (StartsWithNoCase(rest, "<meta") && rest.size() > 5 &&
        (IsAsciiSpace(rest[5]) || rest[5] == '/')) {
      size_t j = lt + 5;
      std::string charset, http_equiv, content;
      while (NextAttribute(b, &j, &name, &value)) {
        if (name == "charset" && charset.empty()) charset = value;
        if (name == "http-equiv" && http_equiv.empty()) http_equiv = value;
        if (name == "content" && content.empty()) content = value;
      }
      if (!charset.empty()) return charset;
      if (EqualsNoCase(http_equiv, "content-type")) {
        std::string c = CharsetFromContent(content);
        if (!c.empty()) return c;
      }
      i = j + 1;
      continue;
    }
    // Any other tag, end tag, <!...> or <?...>: skip to its '>'.
    char c1 = rest.size() > 1 ? AsciiLower(rest[1]) : '\0';
    if ((c1 >= 'a' && c1 <= 'z') || c1 == '/' || c1 == '!' || c1 == '?') {
      size_t gt = b.find('>', lt + 1);
      if (gt == std::string_view::npos) break;
      i = gt + 1;
      continue;
    }
    i = lt + 1;
  }
  return xml_label;
}

Status ConvertToUtf8(std::string_view bytes, std::string_view encoding, std::string* out,
                     size_t* invalid) {
  out->clear();
  *invalid = 0;
  if (encoding == "utf-8") {
    *invalid = RepairDroppingNuls(bytes, out);
    return Status::Ok();
  }
  const char* icu = IcuName(encoding);
  if (!icu) return Status::Unsupported("encoding '" + SanitizedLabel(encoding) + "'");
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> cnv(ucnv_open(icu, &err));
  if (U_FAILURE(err) || !cnv) return Status::Unsupported("no converter for " + std::string(icu));
  ConvertContext ctx;
  ucnv_setToUCallBack(cnv.get(), CountingToUCallback, &ctx, nullptr, nullptr, &err);
  if (U_FAILURE(err)) return Status::Internal("ucnv_setToUCallBack failed");
  out->reserve(bytes.size() + bytes.size() / 2);
  const char* src = bytes.data();
  const char* end = src + bytes.size();
  constexpr size_t kChunk = 8192;
  UChar buf[kChunk];
  uint32_t pending = 0;
  do {
    err = U_ZERO_ERROR;
    UChar* target = buf;
    ucnv_toUnicode(cnv.get(), &target, buf + kChunk, &src, end, nullptr, /*flush=*/true, &err);
    AppendUtf16Units(buf, static_cast<size_t>(target - buf), &pending, out);
  } while (err == U_BUFFER_OVERFLOW_ERROR);
  if (pending) AppendUtf8(0xFFFD, out);
  *invalid = ctx.errors;
  if (U_FAILURE(err)) {
    return Status::Internal(std::string("ICU conversion failed: ") + u_errorName(err));
  }
  return Status::Ok();
}

Status DecodeHtmlBytes(std::string_view bytes, std::string_view declared_charset,
                       std::string* out_utf8, DecodeInfo* info) {
  DecodeInfo local;
  if (!info) info = &local;
  *info = DecodeInfo();
  out_utf8->clear();

  // 1. A byte order mark wins over any declaration.
  auto starts = [&](std::string_view bom) { return bytes.substr(0, bom.size()) == bom; };
  if (starts("\xEF\xBB\xBF") || starts("\xFF\xFE") || starts("\xFE\xFF")) {
    Status s = DecodeText(bytes, out_utf8, info);
    info->source = "bom";
    return s;
  }

  std::string_view transport = CanonicalEncodingName(declared_charset);
  if (!declared_charset.empty()) {
    info->declared = transport.empty() ? SanitizedLabel(declared_charset) : std::string(transport);
  }

  // UTF-16 without a BOM: declared by the transport, or plain to see in the bytes.
  std::string_view utf16 = HasBinaryMagic(bytes) ? std::string_view() : GuessUtf16(bytes);
  if (!utf16.empty()) {
    info->encoding = std::string(utf16);
    info->source = utf16 == transport ? "transport" : "detected";
    info->declared_was_wrong = !transport.empty() && utf16 != transport;
    return ConvertToUtf8(bytes, utf16, out_utf8, &info->invalid_sequences);
  }
  if (LooksBinary(bytes)) return Status::Unsupported("binary content, not text or HTML");
  if (IsUtf16(transport)) {
    info->declared_was_wrong = true;  // the bytes are not UTF-16
    transport = {};
  }

  const Utf8Stats st = ScanUtf8(bytes);
  bool utf8_rejected = false;
  // Legacy declarations that converted poorly: kept in case detection does no better.
  std::string fallback_encoding, fallback_out, fallback_source;
  size_t fallback_errors = 0;

  // Tries one declaration; true when it was used.
  auto try_declared = [&](std::string_view enc, const char* source) {
    if (enc == "utf-8") {
      if (!LooksUtf8(st)) {
        utf8_rejected = true;
        return false;
      }
      info->encoding = "utf-8";
      if (st.valid) {
        CopyDroppingNuls(bytes, out_utf8);
      } else {
        info->invalid_sequences = RepairDroppingNuls(bytes, out_utf8);
      }
    } else {
      if (ContradictsLegacy(st)) return false;  // valid UTF-8 with multi-byte characters
      if (IsAllAscii(st) && enc != "iso-2022-jp") {
        CopyDroppingNuls(bytes, out_utf8);
      } else {
        size_t errors = 0;
        if (!ConvertToUtf8(bytes, enc, out_utf8, &errors).ok()) return false;
        if (!CleanConversion(errors, st.non_ascii_bytes)) {
          if (fallback_encoding.empty()) {
            fallback_encoding = std::string(enc);
            fallback_out.swap(*out_utf8);
            fallback_errors = errors;
            fallback_source = source;
          }
          out_utf8->clear();
          return false;
        }
        info->invalid_sequences = errors;
      }
      info->encoding = std::string(enc);
    }
    info->source = source;
    return true;
  };

  // 2. The transport-declared charset.
  if (!transport.empty()) {
    if (try_declared(transport, "transport")) return Status::Ok();
    info->declared_was_wrong = true;
  }
  // 3. <meta charset> in the first kPrescanBytes.
  std::string meta_label = PrescanMetaCharset(bytes);
  std::string_view meta = CanonicalEncodingName(meta_label);
  if (IsUtf16(meta)) meta = "utf-8";  // a <meta> readable as ASCII cannot be in UTF-16
  if (!meta_label.empty() && info->declared.empty()) {
    info->declared = meta.empty() ? SanitizedLabel(meta_label) : std::string(meta);
  }
  if (!meta.empty() && meta != transport) {
    if (try_declared(meta, "meta")) return Status::Ok();
    info->declared_was_wrong = true;
  }
  // 4. Detection.
  Decoded d = Detect(bytes, st, !utf8_rejected, out_utf8);
  if (!fallback_encoding.empty() && fallback_errors <= d.errors) {
    // The declaration converted badly, but nothing else did better: keep it.
    out_utf8->swap(fallback_out);
    info->encoding = fallback_encoding;
    info->invalid_sequences = fallback_errors;
    info->source = fallback_source;
  } else {
    info->encoding = d.encoding;
    info->invalid_sequences = d.errors;
    info->source = "detected";
  }
  // Wrong only when a known declaration names another encoding than the one used.
  info->declared_was_wrong = !CanonicalEncodingName(info->declared).empty() &&
                             CanonicalEncodingName(info->declared) != info->encoding;
  return Status::Ok();
}

}  // namespace kilang
