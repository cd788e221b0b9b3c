// Fuzzes charset handling: DecodeHtmlBytes with a transport charset chosen by the first input
// byte, the <meta> prescan and ConvertToUtf8 in every supported encoding. Output must always be
// valid UTF-8 without NUL.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "kilang/util/encoding.h"

namespace {
const char* const kLabels[] = {
    "",           "utf-8",      "UTF8",         "windows-1252", "latin1", "iso-8859-2",
    "iso-8859-5", "iso-8859-7", "iso-8859-8-i", "windows-1251", "koi8-r", "koi8-u",
    "gbk",        "gb18030",    "big5",         "shift_jis",    "euc-jp", "iso-2022-jp",
    "euc-kr",     "tis-620",    "utf-16le",     "utf-16be",     "utf-16", "x-mac-cyrillic",
    "ibm866",     "macintosh",  "bogus",        "replacement",
};
constexpr size_t kNumLabels = sizeof(kLabels) / sizeof(kLabels[0]);
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using kilang::fuzz::Check;
  if (size == 0) return 0;
  const char* label = kLabels[data[0] % kNumLabels];
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);

  std::string out;
  kilang::DecodeInfo info;
  kilang::Status s = kilang::DecodeHtmlBytes(bytes, label, &out, &info);
  if (s.ok()) {
    Check(kilang::IsValidUtf8(out), "DecodeHtmlBytes output is valid UTF-8");
    Check(out.find('\0') == std::string::npos, "DecodeHtmlBytes output has no NUL");
    Check(!info.encoding.empty(), "an encoding is reported");
  } else {
    Check(s.code() == kilang::StatusCode::kUnsupported, "only binary is refused");
    Check(out.empty(), "no output on error");
  }

  std::string meta = kilang::PrescanMetaCharset(bytes);
  Check(meta.size() <= bytes.size(), "prescan label comes from the input");
  (void)kilang::CanonicalEncodingName(meta);

  // The same bytes through the converter the second byte picks.
  if (bytes.empty()) return 0;
  std::string_view enc =
      kilang::CanonicalEncodingName(kLabels[static_cast<uint8_t>(bytes[0]) % kNumLabels]);
  if (enc.empty()) return 0;
  size_t invalid = 0;
  s = kilang::ConvertToUtf8(bytes.substr(1), enc, &out, &invalid);
  Check(s.ok(), "every canonical encoding converts");
  Check(kilang::IsValidUtf8(out), "ConvertToUtf8 output is valid UTF-8");
  Check(out.find('\0') == std::string::npos, "ConvertToUtf8 output has no NUL");
  return 0;
}
