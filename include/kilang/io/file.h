// Reading whole input files with clear, per-file errors.
#ifndef KILANG_IO_FILE_H_
#define KILANG_IO_FILE_H_

#include <cstddef>
#include <string>

#include "kilang/util/status.h"

namespace kilang {

// Reads the file at `path` ("-" means standard input) into `*out`.
// Errors (all recoverable, message names the reason but not the path; callers add it):
//   NotFound (missing), PermissionDenied, InvalidArgument-free IoError for a directory or a read
//   failure, ResourceExhausted when the file is larger than `max_bytes` (0 = no limit).
Status ReadFile(const std::string& path, size_t max_bytes, std::string* out);

// The file name without folders and without its last extension: "a/b/page.html" -> "page".
std::string FileStem(const std::string& path);

}  // namespace kilang

#endif  // KILANG_IO_FILE_H_
