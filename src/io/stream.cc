#include "kilang/io/stream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace kilang {

namespace {

constexpr size_t kInChunk = size_t(1) << 18;   // compressed bytes read at a time
constexpr size_t kOutChunk = size_t(1) << 18;  // decoded bytes produced at a time

Status ErrnoStatus(int err, const char* what) {
  std::string m = std::string(what) + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return Status::NotFound(std::move(m));
    case EACCES:
    case EPERM:
      return Status::PermissionDenied(std::move(m));
    default:
      return Status::IoError(std::move(m));
  }
}

// Random-access bytes: a file descriptor or a string.
class Source {
 public:
  virtual ~Source() = default;
  // Reads up to `cap` bytes at `offset`; 0 at the end. Negative on error (errno set).
  virtual ssize_t ReadAt(uint64_t offset, char* out, size_t cap) = 0;
};

class FdSource : public Source {
 public:
  explicit FdSource(int fd) : fd_(fd) {}
  ~FdSource() override { ::close(fd_); }
  ssize_t ReadAt(uint64_t offset, char* out, size_t cap) override {
    for (;;) {
      ssize_t n = ::pread(fd_, out, cap, off_t(offset));
      if (n < 0 && errno == EINTR) continue;
      return n;
    }
  }

 private:
  int fd_;
};

class StringSource : public Source {
 public:
  explicit StringSource(std::string s) : s_(std::move(s)) {}
  ssize_t ReadAt(uint64_t offset, char* out, size_t cap) override {
    if (offset >= s_.size()) return 0;
    size_t n = std::min(cap, size_t(s_.size() - offset));
    std::memcpy(out, s_.data() + offset, n);
    return ssize_t(n);
  }

 private:
  std::string s_;
};

}  // namespace

Compression DetectCompression(std::string_view h) {
  if (h.size() >= 2 && uint8_t(h[0]) == 0x1f && uint8_t(h[1]) == 0x8b) return Compression::kGzip;
  if (h.size() >= 4 && uint8_t(h[0]) == 0x28 && uint8_t(h[1]) == 0xb5 && uint8_t(h[2]) == 0x2f &&
      uint8_t(h[3]) == 0xfd) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

std::string_view CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "none";
    case Compression::kGzip:
      return "gzip";
    case Compression::kZstd:
      return "zstd";
  }
  return "none";
}

// Produces decoded bytes from a Source.
class InputStream::Decoder {
 public:
  enum class Out { kData, kEnd, kBreak };
  Decoder(std::unique_ptr<Source> src, uint64_t start)
      : src_(std::move(src)), start_(start), consumed_(start) {}
  virtual ~Decoder() = default;
  // Writes up to `cap` decoded bytes to `out`, setting *n (> 0 for kData). kBreak sets *status.
  virtual Out Read(char* out, size_t cap, size_t* n, Status* status) = 0;
  virtual Compression compression() const = 0;
  uint64_t consumed() const { return consumed_ - start_; }
  uint64_t start() const { return start_; }

  // (decoded offset, compressed offset) of member starts not yet pruned.
  std::deque<std::pair<uint64_t, uint64_t>> members;
  // A failure found right after the data last returned; reported by the next Read().
  Status pending;
  // Where the failure being reported lies: the file offset of the failing gzip member (or of the
  // bytes that are not gzip), and whether that member yielded no decoded byte at all.
  uint64_t fail_offset = 0;
  bool fail_at_member_start = false;
  // Damage that cost no data (a gzip member whose bytes all decoded but whose CRC or length
  // check failed): (file offset of the member, what failed). Taken by InputStream::TakeNotes().
  std::vector<std::pair<uint64_t, std::string>> notes;

 protected:
  // At the start of Read(): a pending failure becomes this call's break.
  bool TakePending(Status* status) {
    if (pending.ok()) return false;
    *status = std::move(pending);
    pending = Status::Ok();
    return true;
  }
  // A failure after `produced` decoded bytes: those bytes first (the failure is reported by the
  // next Read()), or the break now when there are none.
  Out DataThenBreak(Status failure, size_t produced, size_t* n, Status* status) {
    if (produced > 0) fail_at_member_start = false;
    if (produced > 0) {
      pending = std::move(failure);
      *n = produced;
      return Out::kData;
    }
    *status = std::move(failure);
    return Out::kBreak;
  }
  std::unique_ptr<Source> src_;
  uint64_t start_ = 0;     // file offset decoding started at
  uint64_t consumed_ = 0;  // file offset up to which bytes were consumed
};

namespace {

class RawDecoder : public InputStream::Decoder {
 public:
  using Decoder::Decoder;
  Out Read(char* out, size_t cap, size_t* n, Status* status) override {
    ssize_t r = src_->ReadAt(consumed_, out, cap);
    if (r < 0) {
      if (failed_) return Out::kEnd;
      failed_ = true;
      *status = ErrnoStatus(errno, "read failed");
      return Out::kBreak;
    }
    if (r == 0) return Out::kEnd;
    consumed_ += uint64_t(r);
    *n = size_t(r);
    return Out::kData;
  }
  Compression compression() const override { return Compression::kNone; }

 private:
  bool failed_ = false;
};

// Buffered compressed input shared by the gzip and zstd decoders.
class CompressedInput {
 public:
  CompressedInput(Source* src, uint64_t start) : src_(src), buf_(kInChunk, '\0'), base_(start) {}
  // Bytes not yet consumed, refilling when empty. Empty at the end of the file.
  std::string_view Avail() {
    if (pos_ == len_) {
      base_ += len_;
      pos_ = len_ = 0;
      ssize_t r = src_->ReadAt(base_, buf_.data(), buf_.size());
      if (r > 0) len_ = size_t(r);
      if (r < 0) error_ = true;
    }
    return std::string_view(buf_.data() + pos_, len_ - pos_);
  }
  void Advance(size_t n) { pos_ += n; }
  uint64_t offset() const { return base_ + pos_; }
  void SeekTo(uint64_t off) {
    base_ = off;
    pos_ = len_ = 0;
  }
  bool error() const { return error_; }
  // Moves to the next occurrence of `magic` at or after `from`; false if there is none.
  bool SeekToMagic(uint64_t from, std::string_view magic) {
    std::string chunk(kInChunk + magic.size(), '\0');
    uint64_t off = from;
    for (;;) {
      ssize_t r = src_->ReadAt(off, chunk.data(), chunk.size());
      if (r <= 0) return false;
      std::string_view v(chunk.data(), size_t(r));
      size_t hit = v.find(magic);
      if (hit != std::string_view::npos) {
        SeekTo(off + hit);
        return true;
      }
      if (size_t(r) < chunk.size()) return false;
      off += kInChunk;
    }
  }

 private:
  Source* src_;
  std::string buf_;
  uint64_t base_ = 0;  // file offset of buf_[0]
  size_t pos_ = 0, len_ = 0;
  bool error_ = false;
};

class GzipDecoder : public InputStream::Decoder {
 public:
  GzipDecoder(std::unique_ptr<Source> src, uint64_t start)
      : Decoder(std::move(src), start), in_(src_.get(), start) {
    std::memset(&zs_, 0, sizeof zs_);
    inflateInit2(&zs_, 15 + 16);
  }
  ~GzipDecoder() override { inflateEnd(&zs_); }
  Compression compression() const override { return Compression::kGzip; }

  Out Read(char* out, size_t cap, size_t* n, Status* status) override {
    if (TakePending(status)) return Out::kBreak;
    for (;;) {
      if (done_) return Out::kEnd;
      std::string_view avail = in_.Avail();
      consumed_ = in_.offset();
      if (!in_member_) {
        if (avail.empty()) {
          done_ = true;
          if (in_.error()) return Fail(status, "read failed", in_.offset());
          return Out::kEnd;
        }
        if (uint8_t(avail[0]) != 0x1f || (avail.size() >= 2 && uint8_t(avail[1]) != 0x8b)) {
          // Trailing zero padding is tolerated; anything else is garbage between members.
          if (std::all_of(avail.begin(), avail.end(), [](char c) { return c == 0; })) {
            in_.Advance(avail.size());
            continue;
          }
          uint64_t at = in_.offset();
          Resync(at + 1);
          fail_offset = at;
          fail_at_member_start = true;
          *status = Status::Corruption(
              "data between gzip members is not gzip at compressed offset " + std::to_string(at));
          return Out::kBreak;
        }
        inflateReset(&zs_);
        member_start_ = in_.offset();
        member_produced_ = 0;
        members.emplace_back(decoded_, member_start_);
        in_member_ = true;
      }
      if (avail.empty()) {
        // The file ended inside a member.
        done_ = true;
        fail_offset = member_start_;
        fail_at_member_start = member_produced_ == 0;
        return Fail(status, "truncated gzip member", member_start_);
      }
      zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(avail.data()));
      zs_.avail_in = uInt(avail.size());
      zs_.next_out = reinterpret_cast<Bytef*>(out);
      zs_.avail_out = uInt(cap);
      int ret = inflate(&zs_, Z_NO_FLUSH);
      in_.Advance(avail.size() - zs_.avail_in);
      consumed_ = in_.offset();
      size_t produced = cap - zs_.avail_out;
      decoded_ += produced;
      member_produced_ += produced;
      if (ret == Z_STREAM_END) {
        in_member_ = false;
      } else if (ret == Z_DATA_ERROR && IsCheckFailure(zs_.msg)) {
        // Every byte of the member decoded; only its CRC-32 or length check failed. The data is
        // delivered and the damage noted (InputStream::TakeNotes()), not a break: nothing is lost.
        notes.emplace_back(member_start_, std::string("gzip member at compressed offset ") +
                                              std::to_string(member_start_) + ": " + zs_.msg);
        in_member_ = false;
        // A failed CRC leaves the 4-byte length field unread: the next member follows it.
        if (std::string_view(zs_.msg) == "incorrect data check") SkipTrailerLength();
      } else if (ret != Z_OK && !(ret == Z_BUF_ERROR && produced > 0)) {
        std::string what =
            std::string("corrupt gzip member (") + (zs_.msg ? zs_.msg : "error") + ")";
        uint64_t at = member_start_;
        fail_offset = at;
        fail_at_member_start = member_produced_ == 0;
        Resync(member_start_ + 1);
        return DataThenBreak(
            Status::Corruption(what + " at compressed offset " + std::to_string(at)), produced, n,
            status);
      }
      if (produced > 0) {
        *n = produced;
        return Out::kData;
      }
    }
  }

 private:
  Out Fail(Status* status, const char* what, uint64_t at) {
    *status = Status::Corruption(std::string(what) + " at compressed offset " + std::to_string(at));
    return Out::kBreak;
  }
  void Resync(uint64_t from) {
    in_member_ = false;
    if (!in_.SeekToMagic(from, std::string_view("\x1f\x8b\x08", 3))) done_ = true;
  }
  static bool IsCheckFailure(const char* msg) {
    if (!msg) return false;
    std::string_view m(msg);
    return m == "incorrect data check" || m == "incorrect length check";
  }
  // Steps over the 4-byte length field after a failed CRC, unless a member starts right here.
  void SkipTrailerLength() {
    for (int i = 0; i < 4; ++i) {
      std::string_view a = in_.Avail();
      if (a.empty()) return;
      if (i == 0 && a.size() >= 3 && a.substr(0, 3) == std::string_view("\x1f\x8b\x08", 3)) return;
      in_.Advance(1);
    }
  }

  CompressedInput in_;
  z_stream zs_;
  bool in_member_ = false;
  bool done_ = false;
  uint64_t member_start_ = 0;
  uint64_t member_produced_ = 0;  // decoded bytes of the current member so far
  uint64_t decoded_ = 0;
};

class ZstdDecoder : public InputStream::Decoder {
 public:
  ZstdDecoder(std::unique_ptr<Source> src, uint64_t start)
      : Decoder(std::move(src), start), in_(src_.get(), start), ds_(ZSTD_createDStream()) {
    ZSTD_initDStream(ds_);
  }
  ~ZstdDecoder() override { ZSTD_freeDStream(ds_); }
  Compression compression() const override { return Compression::kZstd; }

  Out Read(char* out, size_t cap, size_t* n, Status* status) override {
    if (TakePending(status)) return Out::kBreak;
    for (;;) {
      if (done_) return Out::kEnd;
      std::string_view avail = in_.Avail();
      consumed_ = in_.offset();
      if (avail.empty()) {
        done_ = true;
        if (frame_open_) {
          fail_offset = frame_start_;
          *status = Status::Corruption("truncated zstd frame at compressed offset " +
                                       std::to_string(frame_start_));
          return Out::kBreak;
        }
        return Out::kEnd;
      }
      if (!frame_open_) frame_start_ = in_.offset();
      ZSTD_inBuffer ib{avail.data(), avail.size(), 0};
      ZSTD_outBuffer ob{out, cap, 0};
      size_t ret = ZSTD_decompressStream(ds_, &ob, &ib);
      in_.Advance(ib.pos);
      consumed_ = in_.offset();
      if (ZSTD_isError(ret)) {
        done_ = true;  // zstd has no member boundaries to resync on
        fail_offset = frame_start_;
        return DataThenBreak(
            Status::Corruption(std::string("corrupt zstd data (") + ZSTD_getErrorName(ret) +
                               ") in frame at compressed offset " + std::to_string(frame_start_)),
            ob.pos, n, status);
      }
      frame_open_ = ret != 0;
      if (ob.pos > 0) {
        *n = ob.pos;
        return Out::kData;
      }
    }
  }

 private:
  CompressedInput in_;
  ZSTD_DStream* ds_;
  bool done_ = false;
  bool frame_open_ = false;
  uint64_t frame_start_ = 0;
};

std::unique_ptr<InputStream::Decoder> MakeDecoder(std::unique_ptr<Source> src, uint64_t start) {
  char head[4] = {0, 0, 0, 0};
  ssize_t r = src->ReadAt(start, head, sizeof head);
  std::string_view h(head, r > 0 ? size_t(r) : 0);
  switch (DetectCompression(h)) {
    case Compression::kGzip:
      return std::make_unique<GzipDecoder>(std::move(src), start);
    case Compression::kZstd:
      return std::make_unique<ZstdDecoder>(std::move(src), start);
    case Compression::kNone:
      break;
  }
  return std::make_unique<RawDecoder>(std::move(src), start);
}

}  // namespace

Result<std::unique_ptr<InputStream>> InputStream::Open(const std::string& path, uint64_t start) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "cannot open");
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::IoError("is a directory, not a file");
  }
  return std::unique_ptr<InputStream>(
      new InputStream(MakeDecoder(std::make_unique<FdSource>(fd), start)));
}

std::unique_ptr<InputStream> InputStream::FromString(std::string bytes) {
  return std::unique_ptr<InputStream>(
      new InputStream(MakeDecoder(std::make_unique<StringSource>(std::move(bytes)), 0)));
}

InputStream::InputStream(std::unique_ptr<Decoder> d) : decoder_(std::move(d)) {}
InputStream::~InputStream() = default;

bool InputStream::FillMore(size_t want) {
  if (eof_ || break_pending_) return false;
  // Compact, then make room for at least one chunk.
  if (begin_ > 0 && (begin_ >= buf_.size() / 2 || end_ == begin_)) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  // Grow by doubling as data arrives, never to `want` up front: a caller asking for much more
  // than the stream holds must not cost that much memory.
  (void)want;
  size_t need = end_ + kOutChunk;
  if (buf_.size() < need) buf_.resize(std::max(need, buf_.size() * 2));
  size_t n = 0;
  Status st;
  switch (decoder_->Read(buf_.data() + end_, buf_.size() - end_, &n, &st)) {
    case Decoder::Out::kData:
      end_ += n;
      return true;
    case Decoder::Out::kEnd:
      eof_ = true;
      return false;
    case Decoder::Out::kBreak:
      break_pending_ = true;
      break_status_ = std::move(st);
      break_offset_ = decoder_->fail_offset;
      break_at_member_start_ =
          decoder_->fail_at_member_start && compression() == Compression::kGzip;
      return false;
  }
  return false;
}

size_t InputStream::Ensure(size_t n) {
  while (end_ - begin_ < n && FillMore(n)) {
  }
  return end_ - begin_;
}

void InputStream::Consume(size_t n) {
  assert(n <= end_ - begin_);
  begin_ += n;
  pos_ += n;
  auto& m = decoder_->members;
  while (m.size() > 1 && m[1].first <= pos_) m.pop_front();
}

uint64_t InputStream::Skip(uint64_t n) {
  uint64_t done = 0;
  while (done < n) {
    if (end_ == begin_ && !FillMore(1)) break;
    size_t take = size_t(std::min<uint64_t>(n - done, end_ - begin_));
    Consume(take);
    done += take;
  }
  return done;
}

bool InputStream::eof() { return Ensure(1) == 0 && eof_ && !break_pending_; }

bool InputStream::at_break() { return Ensure(1) == 0 && break_pending_; }

Status InputStream::TakeBreak() {
  assert(break_pending_);
  break_pending_ = false;
  Status s = std::move(break_status_);
  break_status_ = Status::Ok();
  return s;
}

uint64_t InputStream::SourceOffset(uint64_t pos) const {
  for (const auto& [decoded, compressed] : decoder_->members) {
    if (decoded == pos) return compressed;
    if (decoded > pos) break;
  }
  return compression() == Compression::kNone ? decoder_->start() + pos : pos;
}

bool InputStream::StartsMember(uint64_t pos) const {
  if (compression() != Compression::kGzip) return false;
  for (const auto& [decoded, compressed] : decoder_->members) {
    if (decoded == pos) return true;
    if (decoded > pos) break;
  }
  return false;
}

uint64_t InputStream::NextMemberStart(uint64_t pos) const {
  if (compression() != Compression::kGzip) return UINT64_MAX;
  for (const auto& [decoded, compressed] : decoder_->members) {
    if (decoded >= pos) return decoded;
  }
  return UINT64_MAX;
}

uint64_t InputStream::MemberOffsetAt(uint64_t pos) const {
  if (compression() == Compression::kNone) return decoder_->start() + pos;
  uint64_t found = decoder_->start();
  for (const auto& [decoded, compressed] : decoder_->members) {
    if (decoded > pos) break;
    found = compressed;
  }
  return found;
}

uint64_t InputStream::BreakOffset() const {
  return break_at_member_start_ ? break_offset_ : SourceOffset(pos_);
}

std::vector<std::pair<uint64_t, std::string>> InputStream::TakeNotes() {
  std::vector<std::pair<uint64_t, std::string>> out;
  out.swap(decoder_->notes);
  return out;
}

uint64_t InputStream::compressed_consumed() const { return decoder_->consumed(); }

Compression InputStream::compression() const { return decoder_->compression(); }

}  // namespace kilang
