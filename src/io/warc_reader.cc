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
    auto more = NextRecord(rec);
    // Damage that cost no data (a failed gzip CRC) is a warning, or part of the reason when the
    // record of that member is unreadable anyway. A note may come while a record before its
    // member is read (decoding runs ahead): it waits until the reader has passed that member.
    for (auto& n : in_->TakeNotes()) notes_.push_back(std::move(n));
    const bool done = !more.ok() || !*more;
    const uint64_t here = done ? UINT64_MAX : in_->MemberOffsetAt(in_->position());
    size_t kept = 0;
    for (auto& [offset, what] : notes_) {
      if (!done && rec->kind == InputRecord::Kind::kUnreadable && rec->offset == offset) {
        rec->error = Combine(rec->error, Status::Corruption(what));
      } else if (offset < here) {
        warnings_.push_back({offset, std::move(what)});
      } else {
        notes_[kept++] = {offset, std::move(what)};
      }
    }
    notes_.resize(kept);
    return more;
  }

 private:
  Result<bool> NextRecord(InputRecord* rec) {
    for (;;) {
      SkipBlank();
      uint64_t start = in_->position();
      // A range ends before the first record of a member at or past `end_` (SkipBlank left the
      // next bytes decoded, so their member is known).
      if (end_ != UINT64_MAX && in_->MemberOffsetAt(start) >= end_) return false;
      if (in_->at_break()) {
        // Decoding failed between records: one item for the damage, up to the next record.
        uint64_t offset = in_->BreakOffset();
        Status s = in_->TakeBreak();
        uint64_t skipped = SkipDamage(&s);
        return Unreadable(rec, offset, s, skipped);
      }
      if (in_->eof()) return false;
      size_t avail = in_->Ensure(kMaxHeader);
      std::string_view v = in_->Peek();
      uint64_t source = in_->SourceOffset(start);
      if (!IsVersionAt(v, 0)) {
        uint64_t skipped = SkipToRecordStart(0);
        Status s = Status::Corruption("no WARC/ version line; " + std::to_string(skipped) +
                                      " byte(s) skipped to the next record");
        skipped += SkipDamage(&s);
        return Unreadable(rec, source, s, skipped);
      }
      size_t hdr_end = HeaderEnd(v.substr(0, std::min(avail, kMaxHeader)));
      if (hdr_end == std::string_view::npos) {
        bool short_input = avail < kMaxHeader;
        uint64_t skipped = SkipToRecordStart(1);
        std::string why = short_input ? "truncated WARC header" : "WARC header block too long";
        Status s = Status::Corruption(why + "; " + std::to_string(skipped) + " byte(s) skipped");
        skipped += SkipDamage(&s);
        return Unreadable(rec, source, s, skipped);
      }
      WarcHeader h;
      ParseHeader(v.substr(0, hdr_end), &h);
      if (h.content_length < 0) {
        uint64_t skipped = SkipToRecordStart(1);
        Status s = Status::Corruption(std::string(h.content_length == -1
                                                      ? "WARC header has no Content-Length"
                                                      : "WARC Content-Length is not a number") +
                                      "; " + std::to_string(skipped) + " byte(s) skipped");
        skipped += SkipDamage(&s);
        return Unreadable(rec, source, s, skipped);
      }
      uint64_t cl = uint64_t(h.content_length);
      if (cl > options_.max_record_bytes) return Oversized(rec, start, source, hdr_end, cl);
      size_t need = hdr_end + size_t(cl);
      size_t got = in_->Ensure(need + 16);
      v = in_->Peek();
      bool fits = got >= need && TrailerOk(v.substr(need), got < need + 16);
      if (!fits) {
        // The Content-Length lies, or the input ends inside the record: lose this record only.
        size_t next = FindStart(v, hdr_end);
        Status why;
        uint64_t skipped = 0;
        if (next != std::string_view::npos) {
          in_->Consume(next);
          skipped = next;
          why = Status::Corruption("Content-Length " + std::to_string(cl) +
                                   " does not match the record (next record found at offset " +
                                   std::to_string(start + next) + ")");
        } else if (got < need) {
          in_->Consume(got);
          skipped = got;
          why = Status::Corruption("truncated record: Content-Length " + std::to_string(cl) +
                                   ", only " + std::to_string(got - hdr_end) + " byte(s) left");
          skipped += SkipDamage(&why);
        } else {
          skipped = SkipToRecordStart(hdr_end);
          why = Status::Corruption("Content-Length " + std::to_string(cl) +
                                   " does not match the record (no record end; " +
                                   std::to_string(skipped) + " byte(s) skipped)");
          skipped += SkipDamage(&why);
        }
        return Unreadable(rec, source, why, skipped);
      }
      std::string_view block = v.substr(hdr_end, size_t(cl));
      bool emitted = Classify(h, block, source, rec);
      in_->Consume(need);
      if (emitted) return true;
    }
  }

  static Status Combine(const Status& a, const Status& b) {
    if (a.message().empty()) return Status(a.code(), "(" + b.message() + ")");
    return Status(a.code(), a.message() + " (" + b.message() + ")");
  }

  Result<bool> Unreadable(InputRecord* rec, uint64_t offset, const Status& s, uint64_t bytes) {
    *rec = InputRecord::Unreadable(file_, offset, index_++, s);
    rec->bytes = bytes;
    return true;
  }

  // After damage: consumes whatever is not a record start up to the next one, through further
  // decoding breaks (whose reasons are added to `*why`), so that one damaged stretch is one
  // unreadable item. Returns the decoded bytes consumed.
  uint64_t SkipDamage(Status* why) {
    uint64_t skipped = 0;
    for (;;) {
      SkipBlank();
      if (in_->at_break()) {
        *why = Combine(*why, in_->TakeBreak());
        continue;
      }
      if (in_->eof()) return skipped;
      in_->Ensure(7);
      if (IsVersionAt(in_->Peek(), 0)) return skipped;
      skipped += SkipToRecordStart(1);
    }
  }

  // The first record start in the visible bytes `v` (= Peek()) at or after `from`: a "WARC/x."
  // line, or a gzip member that begins with one (a record start whatever precedes it). A start
  // at 0 counts only if `zero_is_line_start`. npos if none. A "WARC/" at a line start too close
  // to the end of `v` to be checked is returned too.
  size_t FindStart(std::string_view v, size_t from, bool zero_is_line_start = true) const {
    size_t best = std::string_view::npos;
    for (size_t i = from; (i = v.find("WARC/", i)) != std::string_view::npos; ++i) {
      bool line = i == 0 ? zero_is_line_start : v[i - 1] == '\n';
      if (line && (v.size() < i + 7 || IsVersionAt(v, i))) {
        best = i;
        break;
      }
    }
    const uint64_t base = in_->position();
    for (uint64_t m = in_->NextMemberStart(base + from);
         m != UINT64_MAX && m - base < std::min(best, v.size()); m = in_->NextMemberStart(m + 1)) {
      if (IsVersionAt(v, size_t(m - base))) return size_t(m - base);
    }
    return best;
  }

  // A stretch of the input from the record at decoded offset `from` (file offset `source`,
  // `from_member`: it starts a gzip member) to the current position, for messages: "bytes A-B"
  // of the file when both ends are file offsets (an uncompressed file, or gzip member starts),
  // else "decoded bytes A-B".
  std::string Range(uint64_t from, uint64_t source, bool from_member) const {
    uint64_t to = in_->position();
    if (in_->compression() == Compression::kNone)
      return "bytes " + std::to_string(source) + "-" + std::to_string(in_->SourceOffset(to));
    if (from_member && in_->StartsMember(to))
      return "bytes " + std::to_string(source) + "-" + std::to_string(in_->SourceOffset(to));
    return "decoded bytes " + std::to_string(from) + "-" + std::to_string(to);
  }

  // A record whose Content-Length is over max_record_bytes: its block is skipped without being
  // buffered, unless the claim is a lie. The block is scanned for the next record start; if one
  // is found, what follows it is buffered (up to max_record_bytes) to see whether the claimed end
  // is really there (the blank line and the next record, or the end of the input). If it is not
  // — the input ends first, or something else sits there — the Content-Length lied and reading
  // resumes at the record start found inside the claimed block; without one, at the first record
  // start after the claimed end. Either way the whole stretch is one unreadable item naming its
  // byte range, and no later record is lost.
  Result<bool> Oversized(InputRecord* rec, uint64_t start, uint64_t source, size_t hdr_end,
                         uint64_t cl) {
    const bool from_member = in_->StartsMember(start);
    in_->Consume(hdr_end);
    const uint64_t block = in_->position();
    const uint64_t target = block + cl;
    const std::string claim = "Content-Length " + std::to_string(cl);
    constexpr size_t kChunk = size_t(1) << 16;
    // Skip to the first record start inside the claimed block (a "WARC/x." line), or its end.
    bool line_start = true;  // the header block ended with a line end
    bool found = false;
    while (in_->position() < target) {
      size_t avail = in_->Ensure(kChunk + 8);
      if (avail == 0) break;  // the end of the input, or a break
      std::string_view v = in_->Peek();
      uint64_t left = target - in_->position();
      // Candidates must be fully visible (7 bytes); the last few bytes wait for the next chunk
      // unless the input ends there.
      size_t scan = avail > kChunk ? avail - 8 : avail;
      if (scan > left) scan = size_t(left);
      size_t hit = FindStart(v, 0, line_start);
      if (hit != std::string_view::npos && (hit >= scan || hit + 7 > avail)) {
        hit = std::string_view::npos;
      }
      if (hit != std::string_view::npos) {
        in_->Consume(hit);
        found = true;
        break;
      }
      if (scan == 0) break;  // fewer than 8 bytes left before a break or the end
      line_start = v[scan - 1] == '\n';
      in_->Consume(scan);
    }
    const uint64_t here = in_->position();
    if (found) {
      // Is the claimed end really there? Look at most max_record_bytes ahead.
      uint64_t ahead = target - here + 16;
      bool verifiable = ahead <= options_.max_record_bytes;
      size_t want = size_t(std::min<uint64_t>(ahead, options_.max_record_bytes));
      size_t got = in_->Ensure(want);
      if (verifiable && got >= target - here &&
          TrailerOk(in_->Peek().substr(size_t(target - here)), got < want)) {
        // An honest record that merely contains a WARC/ line: skip it whole.
        in_->Consume(size_t(target - here));
        return Unreadable(rec, source, OverLimit(cl), hdr_end + cl);
      }
      std::string why = claim + " lies (the record ends before it" +
                        std::string(verifiable ? "" : ", judged by the next WARC/ line") + "); " +
                        Range(start, source, from_member) + " unreadable, next record at " +
                        std::to_string(in_->SourceOffset(here));
      return Unreadable(rec, source, Status::Corruption(why), here - start);
    }
    std::string what;
    if (here == target) {
      size_t got = in_->Ensure(16);
      if (TrailerOk(in_->Peek(), got < 16)) {
        return Unreadable(rec, source, OverLimit(cl), hdr_end + cl);
      }
      // The record is longer than claimed: the next record start after the claimed end.
      SkipToRecordStart(0);
      what = claim + " does not match the record (no record end)";
    } else {
      // The input ended (or broke) inside the claimed block and no record start was found.
      what = claim + " runs past the end of the input";
    }
    Status breaks = Status::Corruption("");
    SkipDamage(&breaks);
    const uint64_t end = in_->position();
    what += "; " + Range(start, source, from_member) + " unreadable";
    if (!breaks.message().empty()) what += " " + breaks.message();
    return Unreadable(rec, source, Status::Corruption(what), end - start);
  }

  static Status OverLimit(uint64_t cl) {
    return Status::ResourceExhausted("record of " + std::to_string(cl) +
                                     " bytes is over max_record_bytes (skipped)");
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
      size_t hit = FindStart(v, from);
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
  std::vector<std::pair<uint64_t, std::string>> notes_;  // InputStream notes not yet reported
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
