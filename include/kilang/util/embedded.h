// Data files compiled into the library (cmake/embed_data.cmake generates the tables), so the
// binary needs no data folder at run time. Each table ends with a {nullptr, nullptr, 0} entry.
#ifndef KILANG_UTIL_EMBEDDED_H_
#define KILANG_UTIL_EMBEDDED_H_

#include <cstddef>

namespace kilang {

struct EmbeddedFile {
  const char* name;            // file name without folders, e.g. "id.yaml"
  const unsigned char* data;   // contents (NUL-terminated, NUL not counted in size)
  size_t size;
};

extern const EmbeddedFile kEmbeddedLangFiles[];    // data/lang/*.yaml
extern const size_t kEmbeddedLangFileCount;
extern const EmbeddedFile kEmbeddedHtmlFiles[];    // data/html/*.yaml
extern const size_t kEmbeddedHtmlFileCount;
extern const EmbeddedFile kEmbeddedFilterFiles[];  // data/filters/*.yaml
extern const size_t kEmbeddedFilterFileCount;
extern const EmbeddedFile kEmbeddedModelFiles[];  // data/models/*.yaml (learned weights)
extern const size_t kEmbeddedModelFileCount;
extern const EmbeddedFile kEmbeddedReportFiles[];  // data/report/report.{html,css,js}
extern const size_t kEmbeddedReportFileCount;

}  // namespace kilang

#endif  // KILANG_UTIL_EMBEDDED_H_
