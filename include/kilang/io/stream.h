// InputStream: sequential, buffered, decompressing reads of one input file.
//
// The compression is judged by the first bytes (gzip magic 1f 8b, zstd magic 28 b5 2f fd), never
// by the file name. Gzip files may hold one member (whole-file gzip) or many (one per WARC record,
// as Common Crawl ships them); zstd files may hold several frames.
//
// IMPORTANT: a decompression failure does not end the stream. The stream stops at a *break*: all
// bytes decoded before the failure are delivered, then at_break() turns true. TakeBreak() returns
// the error (with the compressed byte offset) and the stream continues with the next gzip member
// it can find (a truncated or corrupt member costs that member only). Zstd errors end the stream.
// A gzip member whose data all decodes but whose CRC-32 or length check fails is not a break: its
// bytes are delivered and the damage is reported by TakeNotes() (nothing was lost).
//
// Thread-safety: none; one stream per worker.
#ifndef KILANG_IO_STREAM_H_
#define KILANG_IO_STREAM_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kilang/util/status.h"

namespace kilang {

enum class Compression { kNone, kGzip, kZstd };

// The compression named by the first bytes of a file ("none" when not recognised).
Compression DetectCompression(std::string_view head);
std::string_view CompressionName(Compression c);

class InputStream {
 public:
  // Opens `path`, decoding from file offset `start` (which must be the start of the file or of a
  // gzip member/zstd frame; decoded offsets then count from there, file offsets stay absolute).
  // Errors: NotFound, PermissionDenied, IoError (e.g. a directory).
  static Result<std::unique_ptr<InputStream>> Open(const std::string& path, uint64_t start = 0);
  // A stream over bytes held in memory (compressed or not, judged by content); for tests.
  static std::unique_ptr<InputStream> FromString(std::string bytes);

  ~InputStream();
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;

  // Makes at least `n` bytes visible in Peek(), unless the stream ends or reaches a break first.
  // Returns the number of bytes visible. May invalidate earlier Peek() views.
  size_t Ensure(size_t n);
  // The decoded bytes buffered so far; valid until the next Ensure()/Consume()/Skip().
  std::string_view Peek() const { return std::string_view(buf_).substr(begin_, end_ - begin_); }
  // Drops `n` visible bytes. REQUIRES: n <= Peek().size().
  void Consume(size_t n);
  // Drops up to `n` bytes, decoding as needed without buffering them all. Returns bytes dropped
  // (fewer at the end or at a break).
  uint64_t Skip(uint64_t n);

  // Offset in the decoded stream of Peek().data().
  uint64_t position() const { return pos_; }
  // Nothing visible and nothing more will come.
  bool eof();
  // Nothing visible because decoding failed here; see TakeBreak().
  bool at_break();
  // REQUIRES: at_break(). Returns the failure and resumes decoding after it.
  Status TakeBreak();
  // Whether the bytes visible in Peek() end at a break (no more will come before TakeBreak()).
  bool break_ahead() const { return break_pending_; }
  // REQUIRES: at_break(). The offset to report the pending break at: the file offset of the
  // failing gzip member when that member yielded no byte (bad magic, garbage between members,
  // a header that does not decode), otherwise SourceOffset(position()).
  uint64_t BreakOffset() const;
  // Damage that cost no data, noted since the last call: (file offset of the gzip member, what
  // failed), e.g. "gzip member at compressed offset 30509: incorrect data check".
  std::vector<std::pair<uint64_t, std::string>> TakeNotes();

  // Where a record that starts at decoded offset `pos` lives in the file: the compressed offset
  // of the gzip member that starts exactly there (per-record gzip, as in Common Crawl CDX
  // indexes), otherwise `pos` itself.
  uint64_t SourceOffset(uint64_t pos) const;
  // Whether a gzip member starts exactly at decoded offset `pos` (known for members at or after
  // the one holding position()).
  bool StartsMember(uint64_t pos) const;
  // The decoded offset of the first gzip member starting at or after `pos` among those decoded
  // so far (UINT64_MAX: none known).
  uint64_t NextMemberStart(uint64_t pos) const;
  // The file offset of the gzip member holding decoded offset `pos` (the last member starting at
  // or before it); for an uncompressed file, the file offset of `pos`.
  uint64_t MemberOffsetAt(uint64_t pos) const;
  // Bytes of the underlying file consumed so far, from the start offset (progress and MB/s).
  uint64_t compressed_consumed() const;
  Compression compression() const;

  class Decoder;  // implementation detail

 private:
  explicit InputStream(std::unique_ptr<Decoder> d);
  bool FillMore(size_t want);

  std::unique_ptr<Decoder> decoder_;
  std::string buf_;
  size_t begin_ = 0, end_ = 0;
  uint64_t pos_ = 0;
  bool eof_ = false;
  bool break_pending_ = false;
  Status break_status_;
  uint64_t break_offset_ = 0;
  bool break_at_member_start_ = false;
};

}  // namespace kilang

#endif  // KILANG_IO_STREAM_H_
