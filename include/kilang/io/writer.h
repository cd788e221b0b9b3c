// Output files of a run: compressed JSON Lines shards written under a temporary name and renamed
// into place when complete, so a half-written shard never looks finished; and small files
// written atomically the same way.
#ifndef KILANG_IO_WRITER_H_
#define KILANG_IO_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kilang/util/status.h"

namespace kilang {

enum class OutputCompression { kZstd, kGzip, kNone };

// "zstd" | "gzip" | "none".
Result<OutputCompression> ParseOutputCompression(std::string_view name);
// The file suffix: ".jsonl.zst", ".jsonl.gz" or ".jsonl".
std::string_view OutputSuffix(OutputCompression c);

// Streams lines into `final_path` + a temporary suffix; Finish() flushes, closes and renames.
// Destroying an unfinished writer removes the temporary file. Output bytes depend only on the
// lines and the compression settings (no timestamps, single-threaded compression), so the same
// lines always give byte-identical files.
// Thread-safety: none; one writer per task.
class ShardWriter {
 public:
  // `level`: zstd 1..19 (default 3) or gzip 1..9 (default 6); 0 picks the default.
  static Result<std::unique_ptr<ShardWriter>> Create(const std::string& final_path,
                                                     OutputCompression compression, int level = 0);
  ~ShardWriter();
  ShardWriter(const ShardWriter&) = delete;
  ShardWriter& operator=(const ShardWriter&) = delete;

  // Appends `line` and a '\n'.
  Status WriteLine(std::string_view line);
  // Appends `bytes` as they are (not counted in lines()).
  Status WriteRaw(std::string_view bytes);
  // Completes the file and renames it to its final path.
  Status Finish();

  uint64_t lines() const { return lines_; }
  uint64_t bytes_in() const { return bytes_in_; }  // uncompressed bytes written

  class Encoder;

 private:
  ShardWriter() = default;
  Status Flush(bool end);

  std::unique_ptr<Encoder> enc_;
  std::string final_path_, tmp_path_;
  int fd_ = -1;
  std::string pending_;  // uncompressed bytes not yet handed to the encoder
  uint64_t lines_ = 0, bytes_in_ = 0;
  bool finished_ = false;
};

// Writes `contents` to `path` atomically (temporary file + rename).
Status WriteFileAtomic(const std::string& path, std::string_view contents);

// Writes the bytes of the files `parts`, in order, to `path` atomically (temporary file +
// rename), streaming (1 MiB at a time). Compressed shards of one format concatenate into a valid
// file of that format (zstd frames, gzip members). IoError naming the file that failed.
Status ConcatenateFilesAtomic(const std::vector<std::string>& parts, const std::string& path);

}  // namespace kilang

#endif  // KILANG_IO_WRITER_H_
