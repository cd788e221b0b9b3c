// Shared helpers for the libFuzzer targets in fuzz/.
#ifndef KILANG_FUZZ_FUZZ_UTIL_H_
#define KILANG_FUZZ_FUZZ_UTIL_H_

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "kilang/core/document.h"
#include "kilang/util/utf8.h"

namespace kilang::fuzz {

// Aborts (a finding for libFuzzer) with a message when `ok` is false.
inline void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
  }
}

// What every record must satisfy (SPEC: JSON Lines, UTF-8): all fields valid UTF-8, and the
// record serialises.
inline void CheckRecord(const Document& doc) {
  Check(IsValidUtf8(doc.text), "text is valid UTF-8");
  Check(IsValidUtf8(doc.metadata.title), "title is valid UTF-8");
  Check(IsValidUtf8(doc.metadata.author), "author is valid UTF-8");
  Check(IsValidUtf8(doc.metadata.site), "site is valid UTF-8");
  Check(IsValidUtf8(doc.metadata.date), "date is valid UTF-8");
  Check(IsValidUtf8(doc.metadata.url), "url is valid UTF-8");
  std::string line = ToJsonLine(doc);
  Check(line.find('\n') == std::string::npos, "record is one line");
}

}  // namespace kilang::fuzz

#endif  // KILANG_FUZZ_FUZZ_UTIL_H_
