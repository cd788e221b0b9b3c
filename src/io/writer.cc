#include "kilang/io/writer.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace kilang {

namespace {

constexpr size_t kFlushAt = size_t(1) << 20;

Status WriteAll(int fd, const char* p, size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(path + ": write failed: " + std::strerror(errno));
    }
    p += w;
    n -= size_t(w);
  }
  return Status::Ok();
}

std::string TempPath(const std::string& path) {
  return path + ".tmp." + std::to_string(::getpid());
}

}  // namespace

// Compresses chunks into an output buffer.
class ShardWriter::Encoder {
 public:
  virtual ~Encoder() = default;
  // Compresses `in` (all of it), appending to `out`; `end` finishes the stream.
  virtual Status Encode(std::string_view in, bool end, std::string* out) = 0;
};

namespace {

class PlainEncoder : public ShardWriter::Encoder {
 public:
  Status Encode(std::string_view in, bool, std::string* out) override {
    out->append(in);
    return Status::Ok();
  }
};

class ZstdEncoder : public ShardWriter::Encoder {
 public:
  explicit ZstdEncoder(int level) : cs_(ZSTD_createCCtx()) {
    ZSTD_CCtx_setParameter(cs_, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(cs_, ZSTD_c_checksumFlag, 1);
  }
  ~ZstdEncoder() override { ZSTD_freeCCtx(cs_); }
  Status Encode(std::string_view in, bool end, std::string* out) override {
    ZSTD_inBuffer ib{in.data(), in.size(), 0};
    char buf[1 << 16];
    for (;;) {
      ZSTD_outBuffer ob{buf, sizeof buf, 0};
      size_t ret = ZSTD_compressStream2(cs_, &ob, &ib, end ? ZSTD_e_end : ZSTD_e_continue);
      if (ZSTD_isError(ret))
        return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(ret));
      out->append(buf, ob.pos);
      if (end ? ret == 0 : ib.pos == ib.size) return Status::Ok();
    }
  }

 private:
  ZSTD_CCtx* cs_;
};

class GzipEncoder : public ShardWriter::Encoder {
 public:
  explicit GzipEncoder(int level) {
    std::memset(&zs_, 0, sizeof zs_);
    deflateInit2(&zs_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // mtime 0 in header
  }
  ~GzipEncoder() override { deflateEnd(&zs_); }
  Status Encode(std::string_view in, bool end, std::string* out) override {
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs_.avail_in = uInt(in.size());
    char buf[1 << 16];
    for (;;) {
      zs_.next_out = reinterpret_cast<Bytef*>(buf);
      zs_.avail_out = sizeof buf;
      int ret = deflate(&zs_, end ? Z_FINISH : Z_NO_FLUSH);
      if (ret == Z_STREAM_ERROR) return Status::Internal("deflate failed");
      out->append(buf, sizeof buf - zs_.avail_out);
      if (end ? ret == Z_STREAM_END : (zs_.avail_in == 0 && zs_.avail_out != 0))
        return Status::Ok();
    }
  }

 private:
  z_stream zs_;
};

}  // namespace

Result<OutputCompression> ParseOutputCompression(std::string_view name) {
  if (name == "zstd" || name == "zst") return OutputCompression::kZstd;
  if (name == "gzip" || name == "gz") return OutputCompression::kGzip;
  if (name == "none") return OutputCompression::kNone;
  return Status::InvalidArgument("unknown compression '" + std::string(name) +
                                 "' (expected zstd, gzip or none)");
}

std::string_view OutputSuffix(OutputCompression c) {
  switch (c) {
    case OutputCompression::kZstd:
      return ".jsonl.zst";
    case OutputCompression::kGzip:
      return ".jsonl.gz";
    case OutputCompression::kNone:
      return ".jsonl";
  }
  return ".jsonl";
}

Result<std::unique_ptr<ShardWriter>> ShardWriter::Create(const std::string& final_path,
                                                         OutputCompression compression, int level) {
  std::unique_ptr<ShardWriter> w(new ShardWriter());
  w->final_path_ = final_path;
  w->tmp_path_ = TempPath(final_path);
  switch (compression) {
    case OutputCompression::kZstd:
      w->enc_ = std::make_unique<ZstdEncoder>(level ? level : 3);
      break;
    case OutputCompression::kGzip:
      w->enc_ = std::make_unique<GzipEncoder>(level ? level : 6);
      break;
    case OutputCompression::kNone:
      w->enc_ = std::make_unique<PlainEncoder>();
      break;
  }
  w->fd_ = ::open(w->tmp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (w->fd_ < 0) return Status::IoError(w->tmp_path_ + ": cannot create: " + std::strerror(errno));
  return w;
}

ShardWriter::~ShardWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!finished_ && !tmp_path_.empty()) ::unlink(tmp_path_.c_str());
}

Status ShardWriter::Flush(bool end) {
  std::string out;
  KILANG_RETURN_IF_ERROR(enc_->Encode(pending_, end, &out));
  pending_.clear();
  return WriteAll(fd_, out.data(), out.size(), tmp_path_);
}

Status ShardWriter::WriteLine(std::string_view line) {
  pending_.append(line);
  pending_.push_back('\n');
  ++lines_;
  bytes_in_ += line.size() + 1;
  if (pending_.size() >= kFlushAt) return Flush(false);
  return Status::Ok();
}

Status ShardWriter::WriteRaw(std::string_view bytes) {
  pending_.append(bytes);
  bytes_in_ += bytes.size();
  if (pending_.size() >= kFlushAt) return Flush(false);
  return Status::Ok();
}

Status ShardWriter::Finish() {
  KILANG_RETURN_IF_ERROR(Flush(true));
  if (::close(fd_) != 0) {
    fd_ = -1;
    return Status::IoError(tmp_path_ + ": close failed: " + std::strerror(errno));
  }
  fd_ = -1;
  if (::rename(tmp_path_.c_str(), final_path_.c_str()) != 0) {
    return Status::IoError(final_path_ + ": rename failed: " + std::strerror(errno));
  }
  finished_ = true;
  return Status::Ok();
}

Status WriteFileAtomic(const std::string& path, std::string_view contents) {
  std::string tmp = TempPath(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(tmp + ": cannot create: " + std::strerror(errno));
  Status s = WriteAll(fd, contents.data(), contents.size(), tmp);
  if (::close(fd) != 0 && s.ok()) s = Status::IoError(tmp + ": close failed");
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    s = Status::IoError(path + ": rename failed: " + std::strerror(errno));
  }
  if (!s.ok()) ::unlink(tmp.c_str());
  return s;
}

}  // namespace kilang

namespace kilang {

Status ConcatenateFilesAtomic(const std::vector<std::string>& parts, const std::string& path) {
  std::string tmp = TempPath(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(tmp + ": cannot create: " + std::strerror(errno));
  Status s;
  std::vector<char> buf(size_t(1) << 20);
  for (const std::string& part : parts) {
    int in = ::open(part.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) {
      s = Status::IoError(part + ": cannot open: " + std::strerror(errno));
      break;
    }
    for (;;) {
      ssize_t n = ::read(in, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) s = Status::IoError(part + ": read failed: " + std::strerror(errno));
      if (n <= 0) break;
      s = WriteAll(fd, buf.data(), size_t(n), tmp);
      if (!s.ok()) break;
    }
    ::close(in);
    if (!s.ok()) break;
  }
  if (::close(fd) != 0 && s.ok()) s = Status::IoError(tmp + ": close failed");
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    s = Status::IoError(path + ": rename failed: " + std::strerror(errno));
  }
  if (!s.ok()) ::unlink(tmp.c_str());
  return s;
}

}  // namespace kilang
