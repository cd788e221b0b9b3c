// WARC/WET record reader. See include/kilang/io/reader.h for the contract.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cctype>
#include <cstring>

#include "kilang/io/http.h"
#include "kilang/io/reader.h"
#include "kilang/io/stream.h"
#include "kilang/util/utf8.h"
#include "kilang/util/text.h"

namespace kilang {

namespace {

constexpr size_t kMaxHeader = 64 << 10;  // a WARC header block longer than this is corrupt

bool IsVersionAt(std::string_view s, size_t i) {
  // "WARC/" digit "." : WARC/1.0, WARC/1.1, WARC/0.18
  return s.size() >= i + 7 && s.compare(i, 5, "WARC/") == 0 &&
         std::isdigit(static_cast<unsigned char>(s[i + 5])) && s[i + 6] == '.';
}

// The first record start ("WARC/x." at a line start) in `s` at or after `from`; npos if none.
size_t FindRecordStart(std::string_view s, size_t from) {
  for (size_t i = from; (i = s.find("WARC/", i)) != std::string_view::npos; ++i) {
    if ((i == 0 || s[i - 1] == '\n') && (s.size() < i + 7 || IsVersionAt(s, i))) return i;
  }
  return std::string_view::npos;
}

std::string_view TrimWs(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}


struct WarcHeader {
  std::string type, uri, date, record_id, content_type;
  int64_t content_length = -1;
};

void ParseHeader(std::string_view block, WarcHeader* h) {
  size_t p = block.find('\n');  // skip the version line
  while (p != std::string_view::npos && p < block.size()) {
    size_t e = block.find('\n', p + 1);
    std::string_view line =
        block.substr(p + 1, e == std::string_view::npos ? std::string_view::npos : e - p - 1);
    p = e;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = TrimWs(line.substr(0, colon));
    std::string_view value = TrimWs(line.substr(colon + 1));
    if (EqualsIgnoreAsciiCase(name, "WARC-Type")) {
      h->type.assign(value);
      for (char& c : h->type) c = char(std::tolower(static_cast<unsigned char>(c)));
    } else if (EqualsIgnoreAsciiCase(name, "WARC-Target-URI")) {
      if (value.size() >= 2 && value.front() == '<' && value.back() == '>')
        value = value.substr(1, value.size() - 2);
      h->uri.assign(value);
    } else if (EqualsIgnoreAsciiCase(name, "WARC-Date")) {
      h->date.assign(value);
    } else if (EqualsIgnoreAsciiCase(name, "WARC-Record-ID")) {
      if (value.size() >= 2 && value.front() == '<' && value.back() == '>')
        value = value.substr(1, value.size() - 2);
      if (value.substr(0, 9) == "urn:uuid:") value.remove_prefix(9);
      h->record_id.assign(value);
    } else if (EqualsIgnoreAsciiCase(name, "Content-Type")) {
      h->content_type.assign(value);
    } else if (EqualsIgnoreAsciiCase(name, "Content-Length")) {
      int64_t n = 0;
      bool ok = !value.empty() && value.size() <= 18;
      for (char c : value) {
        if (!std::isdigit(static_cast<unsigned char>(c)))
          ok = false;
        else
          n = n * 10 + (c - '0');
      }
      h->content_length = ok ? n : -2;
    }
  }
}

bool IsHtmlMime(std::string_view mime) {
  return mime == "text/html" || mime == "application/xhtml+xml" || mime == "application/xml+xhtml";
}

// Media types that say nothing reliable: sniff the body instead.
bool IsGenericMime(std::string_view mime) {
  return mime.empty() || mime == "text/plain" || mime == "application/octet-stream" ||
         mime == "unknown/unknown" || mime == "application/unknown" || mime == "text/unknown";
}

class WarcReader : public RecordReader {
 public:
  WarcReader(std::unique_ptr<InputStream> in, std::string file, const ReaderOptions& options,
             uint64_t end)
      : in_(std::move(in)), file_(std::move(file)), options_(options), end_(end) {}

  uint64_t bytes_consumed() const override { return in_->compressed_consumed(); }
  uint64_t bytes_decoded() const override { return in_->position(); }

  Result<bool> Next(InputRecord* rec) override {
    for (;;) {
      SkipBlank();
      uint64_t start = in_->position();
      // A range ends before the first record of a member at or past `end_` (SkipBlank left the
      // next bytes decoded, so their member is known).
      if (end_ != UINT64_MAX && in_->MemberOffsetAt(start) >= end_) return false;
      if (in_->at_break()) {
        Status s = in_->TakeBreak();
        return Unreadable(rec, start, s);
      }
      if (in_->eof()) return false;
      size_t avail = in_->Ensure(kMaxHeader);
      std::string_view v = in_->Peek();
      uint64_t source = in_->SourceOffset(start);
      if (!IsVersionAt(v, 0)) {
        uint64_t skipped = SkipToRecordStart(0);
        return Unreadable(rec, source,
                          Status::Corruption("no WARC/ version line; " + std::to_string(skipped) +
                                             " byte(s) skipped to the next record"));
      }
      size_t hdr_end = HeaderEnd(v.substr(0, std::min(avail, kMaxHeader)));
      if (hdr_end == std::string_view::npos) {
        bool short_input = avail < kMaxHeader;
        uint64_t skipped = SkipToRecordStart(1);
        std::string why = short_input ? "truncated WARC header" : "WARC header block too long";
        Status s = Status::Corruption(why + "; " + std::to_string(skipped) + " byte(s) skipped");
        if (short_input && in_->at_break()) s = Combine(s, in_->TakeBreak());
        return Unreadable(rec, source, s);
      }
      WarcHeader h;
      ParseHeader(v.substr(0, hdr_end), &h);
      if (h.content_length < 0) {
        uint64_t skipped = SkipToRecordStart(1);
        return Unreadable(
            rec, source,
            Status::Corruption(std::string(h.content_length == -1
                                               ? "WARC header has no Content-Length"
                                               : "WARC Content-Length is not a number") +
                               "; " + std::to_string(skipped) + " byte(s) skipped"));
      }
      uint64_t cl = uint64_t(h.content_length);
      if (cl > options_.max_record_bytes) {
        in_->Consume(hdr_end);
        in_->Skip(cl);
        return Unreadable(rec, source,
                          Status::ResourceExhausted("record of " + std::to_string(cl) +
                                                    " bytes is over max_record_bytes"));
      }
      size_t need = hdr_end + size_t(cl);
      size_t got = in_->Ensure(need + 16);
      v = in_->Peek();
      bool fits = got >= need && TrailerOk(v.substr(need), got < need + 16);
      if (!fits) {
        // The Content-Length lies, or the input ends inside the record: lose this record only.
        size_t next = FindRecordStart(v, hdr_end);
        Status why;
        if (next != std::string_view::npos) {
          in_->Consume(next);
          why = Status::Corruption("Content-Length " + std::to_string(cl) +
                                   " does not match the record (next record found at offset " +
                                   std::to_string(start + next) + ")");
        } else if (got < need) {
          in_->Consume(got);
          why = Status::Corruption("truncated record: Content-Length " + std::to_string(cl) +
                                   ", only " + std::to_string(got - hdr_end) + " byte(s) left");
          if (in_->at_break()) why = Combine(why, in_->TakeBreak());
        } else {
          uint64_t skipped = SkipToRecordStart(hdr_end);
          why = Status::Corruption("Content-Length " + std::to_string(cl) +
                                   " does not match the record (no record end; " +
                                   std::to_string(skipped) + " byte(s) skipped)");
        }
        return Unreadable(rec, source, why);
      }
      std::string_view block = v.substr(hdr_end, size_t(cl));
      bool emitted = Classify(h, block, source, rec);
      in_->Consume(need);
      if (emitted) return true;
    }
  }

 private:
  static Status Combine(const Status& a, const Status& b) {
    return Status(a.code(), a.message() + " (" + b.message() + ")");
  }

  Result<bool> Unreadable(InputRecord* rec, uint64_t offset, const Status& s) {
    *rec = InputRecord::Unreadable(file_, offset, index_++, s);
    return true;
  }

  void SkipBlank() {
    for (;;) {
      std::string_view v = in_->Peek();
      if (v.empty() && in_->Ensure(1) == 0) return;
      v = in_->Peek();
      size_t i = 0;
      while (i < v.size() && (v[i] == '\r' || v[i] == '\n')) ++i;
      in_->Consume(i);
      if (i < v.size()) return;
    }
  }

  // Offset just past the blank line that ends the header block in `v`, or npos.
  static size_t HeaderEnd(std::string_view v) {
    size_t a = v.find("\r\n\r\n");
    size_t b = v.find("\n\n");
    if (a == std::string_view::npos && b == std::string_view::npos) return std::string_view::npos;
    if (b == std::string_view::npos || (a != std::string_view::npos && a < b)) return a + 4;
    return b + 2;
  }

  // Whether what follows a record's block is a proper end: the blank line that closes a record
  // (CRLF CRLF, or LF LF as some writers do), or a line end and the next record, or the end.
  static bool TrailerOk(std::string_view after, bool at_end) {
    size_t i = 0;
    while (i < after.size() && i < 8 && (after[i] == '\r' || after[i] == '\n')) ++i;
    std::string_view rest = after.substr(i);
    if (rest.empty()) return at_end;
    if (i == 0) return false;
    if (after.substr(0, 4) == "\r\n\r\n" || after.substr(0, 2) == "\n\n") return true;
    std::string_view w = "WARC/";
    return rest.substr(0, 5) == w.substr(0, std::min<size_t>(5, rest.size()));
  }

  // Consumes bytes up to the next record start found at or after visible offset `from`; returns
  // the number of bytes consumed. Stops at EOF or at a decoding break.
  uint64_t SkipToRecordStart(size_t from) {
    uint64_t skipped = 0;
    for (;;) {
      size_t avail = in_->Ensure(from + (1 << 16));
      std::string_view v = in_->Peek();
      size_t hit = FindRecordStart(v, from);
      if (hit != std::string_view::npos && (hit + 7 <= avail)) {
        in_->Consume(hit);
        return skipped + hit;
      }
      if (avail < from + (1 << 16)) {  // the end (or a break) is in view: no complete start
        in_->Consume(avail);
        return skipped + avail;
      }
      size_t keep = 8;
      size_t drop = avail - keep;
      in_->Consume(drop);
      skipped += drop;
      from = 0;
    }
  }

  // Turns a well-formed record into an InputRecord, or counts it as skipped (returns false).
  bool Classify(const WarcHeader& h, std::string_view block, uint64_t source, InputRecord* rec) {
    const std::string& t = h.type;
    InputRecord r;
    r.file = file_;
    r.offset = source;
    r.id = h.record_id;
    r.url = h.uri;
    r.date = h.date;
    std::string mime, charset;
    ParseContentType(h.content_type, &mime, &charset);
    if (t == "response") {
      if (!mime.empty() && mime != "application/http") return Skip("non_http_response");
      auto resp = ParseHttpResponse(block, options_.max_record_bytes);
      if (!resp.ok()) {
        *rec = InputRecord();
        rec->kind = InputRecord::Kind::kUnreadable;
        rec->file = file_;
        rec->offset = source;
        rec->index = index_++;
        rec->error = Status(resp.status().code(), "bad HTTP response: " + resp.status().message());
        return true;
      }
      if (!options_.keep_non_2xx && (resp->status < 200 || resp->status > 299))
        return Skip("http_status");
      bool html = IsHtmlMime(resp->mime) || (IsGenericMime(resp->mime) && SniffHtml(resp->body));
      if (!html) return Skip("non_html");
      r.kind = InputRecord::Kind::kPage;
      r.charset = resp->charset;
      r.body = std::move(resp->body);
    } else if (t == "resource") {
      if (!IsHtmlMime(mime) && !(IsGenericMime(mime) && SniffHtml(block))) return Skip("non_html");
      r.kind = InputRecord::Kind::kPage;
      r.charset = charset;
      r.body.assign(block);
    } else if (t == "conversion") {
      r.kind = InputRecord::Kind::kText;
      RepairUtf8(block, &r.body);
    } else {
      return Skip("warc_type:" + (t.empty() ? std::string("none") : t));
    }
    r.index = index_++;
    *rec = std::move(r);
    return true;
  }

  bool Skip(const std::string& reason) {
    ++skips_[reason];
    return false;
  }

  std::unique_ptr<InputStream> in_;
  std::string file_;
  ReaderOptions options_;
  uint64_t end_;
  uint64_t index_ = 0;
};

// Whether a gzip member starting at `off` decodes to a WARC version line.
bool MemberStartsRecord(int fd, uint64_t off) {
  char in[4096];
  ssize_t n = ::pread(fd, in, sizeof in, off_t(off));
  if (n < 18) return false;
  z_stream zs;
  std::memset(&zs, 0, sizeof zs);
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return false;
  char out[16];
  zs.next_in = reinterpret_cast<Bytef*>(in);
  zs.avail_in = uInt(n);
  zs.next_out = reinterpret_cast<Bytef*>(out);
  zs.avail_out = sizeof out;
  int ret = inflate(&zs, Z_SYNC_FLUSH);
  size_t got = sizeof out - zs.avail_out;
  inflateEnd(&zs);
  return (ret == Z_OK || ret == Z_STREAM_END || ret == Z_BUF_ERROR) && got >= 7 &&
         IsVersionAt(std::string_view(out, got), 0);
}

}  // namespace

std::unique_ptr<RecordReader> MakeWarcReader(std::unique_ptr<InputStream> in, std::string file,
                                             const ReaderOptions& options, uint64_t end) {
  return std::make_unique<WarcReader>(std::move(in), std::move(file), options, end);
}

std::vector<uint64_t> FindWarcSplitPoints(const std::string& path, uint64_t target_bytes) {
  std::vector<uint64_t> points;
  if (target_bytes == 0) return points;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return points;
  struct stat st;
  if (::fstat(fd, &st) != 0 || uint64_t(st.st_size) <= target_bytes || !MemberStartsRecord(fd, 0)) {
    ::close(fd);
    return points;
  }
  const uint64_t size = uint64_t(st.st_size);
  constexpr uint64_t kWindow = uint64_t(8) << 20;
  std::string buf(1 << 20, '\0');
  for (uint64_t c = target_bytes; c < size; c += target_bytes) {
    if (!points.empty() && points.back() >= c) continue;
    bool found = false;
    for (uint64_t off = c; !found && off < std::min(size, c + kWindow);) {
      ssize_t n = ::pread(fd, buf.data(), buf.size(), off_t(off));
      if (n < 3) break;
      std::string_view v(buf.data(), size_t(n));
      for (size_t i = v.find("\x1f\x8b\x08"); i != std::string_view::npos && i + 3 <= v.size();
           i = v.find("\x1f\x8b\x08", i + 1)) {
        if (MemberStartsRecord(fd, off + i)) {
          points.push_back(off + i);
          found = true;
          break;
        }
      }
      off += uint64_t(n) > 2 ? uint64_t(n) - 2 : uint64_t(n);
    }
  }
  ::close(fd);
  return points;
}

Result<std::unique_ptr<RecordReader>> OpenWarcRange(const std::string& path, uint64_t begin,
                                                    uint64_t end, const ReaderOptions& options) {
  auto in = InputStream::Open(path, begin);
  if (!in.ok()) return in.status();
  return MakeWarcReader(std::move(*in), path, options, end);
}

}  // namespace kilang
