// Fuzzes the page-text path: Extractor::Extract with --format text (decoding, line features,
// body selection, metadata and dates). Every record must be valid UTF-8 JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.h"
#include "kilang/extract/extractor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const kilang::Extractor* extractor = new kilang::Extractor();
  static const kilang::ExtractOptions options = [] {
    kilang::ExtractOptions o;
    o.format = kilang::InputFormat::kText;
    o.now = kilang::DateTime::ParseIso("2024-10-22T13:38:00+07:00");
    return o;
  }();
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  kilang::Document doc;
  kilang::Status s = extractor->Extract(bytes, options, &doc, nullptr);
  if (s.ok()) {
    kilang::fuzz::CheckRecord(doc);
  } else {
    kilang::fuzz::Check(s.code() == kilang::StatusCode::kUnsupported, "only binary is refused");
  }
  return 0;
}
