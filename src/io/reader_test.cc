#include "kilang/io/reader.h"

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "kilang/io/file.h"
#include "kilang/io/http.h"
#include "kilang/io/stream.h"

namespace kilang {
namespace {

const std::string kWarcDir = std::string(KILANG_SHARED_DIR) + "/data/warc/";

std::string Slurp(const std::string& path) {
  std::string s;
  EXPECT_TRUE(ReadFile(path, 0, &s).ok()) << path;
  return s;
}

std::string Gzip(std::string_view in) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, uLong(in.size())) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = uInt(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = uInt(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Zstd(std::string_view in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3));
  return out;
}

struct Collected {
  std::vector<InputRecord> pages;       // kPage and kText
  std::vector<InputRecord> unreadable;  // kUnreadable
  std::map<std::string, uint64_t> skips;
};

Collected ReadAll(RecordReader* r) {
  Collected c;
  InputRecord rec;
  for (;;) {
    auto more = r->Next(&rec);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    (rec.kind == InputRecord::Kind::kUnreadable ? c.unreadable : c.pages).push_back(rec);
  }
  c.skips = r->skip_counts();
  return c;
}

Collected ReadWarcBytes(std::string bytes, const std::string& name = "mem.warc") {
  auto r = MakeWarcReader(InputStream::FromString(std::move(bytes)), name, ReaderOptions());
  return ReadAll(r.get());
}

Collected ReadPath(const std::string& path) {
  auto r = OpenRecordReader(path, SniffInputKind(path), ReaderOptions());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return ReadAll(r->get());
}

std::string Record(std::string_view type, std::string_view block, std::string_view extra = "") {
  std::string r = "WARC/1.0\r\nWARC-Type: " + std::string(type) +
                  "\r\nWARC-Record-ID: <urn:uuid:" + std::string(type) + "-" +
                  std::to_string(block.size()) + ">\r\nWARC-Date: 2024-01-02T03:04:05Z\r\n" +
                  std::string(extra) + "Content-Length: " + std::to_string(block.size()) +
                  "\r\n\r\n";
  r.append(block);
  r.append("\r\n\r\n");
  return r;
}

std::string HtmlResponse(std::string_view html) {
  return Record(
      "response",
      "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n" + std::string(html),
      "WARC-Target-URI: http://example.com/\r\nContent-Type: application/http; "
      "msgtype=response\r\n");
}

TEST(WarcReader, ReadsCommonCrawlPerRecordGzip) {
  Collected c = ReadPath(kWarcDir + "dolma-sample-0000.warc.gz");
  EXPECT_EQ(c.pages.size(), 22u);
  EXPECT_TRUE(c.unreadable.empty());
  EXPECT_EQ(c.skips["warc_type:request"], 22u);
  EXPECT_EQ(c.skips["warc_type:warcinfo"], 1u);
  EXPECT_EQ(c.skips["warc_type:metadata"], 1u);
  EXPECT_EQ(c.skips["non_html"], 2u);  // the two `resource` records are a wget log, not HTML
  // Offsets of per-record gzip members are compressed offsets: each points at a gzip member
  // that decodes to the record itself.
  std::string raw = Slurp(kWarcDir + "dolma-sample-0000.warc.gz");
  for (const InputRecord& p : c.pages) {
    ASSERT_LT(p.offset, raw.size());
    auto in = InputStream::FromString(raw.substr(p.offset));
    ASSERT_GE(in->Ensure(64), 9u);
    EXPECT_EQ(in->Peek().substr(0, 9), "WARC/1.0\r");
    EXPECT_FALSE(p.id.empty());
    EXPECT_FALSE(p.url.empty());
    EXPECT_EQ(p.date.substr(0, 4), "2024");
    EXPECT_NE(p.body.find("<"), std::string::npos);
  }
}

TEST(WarcReader, PlainGzipAndZstdCopiesGiveTheSameRecords) {
  Collected plain = ReadPath(kWarcDir + "resiliparse-warcfile.warc");
  Collected gz = ReadPath(kWarcDir + "resiliparse-warcfile.warc.gz");
  Collected zst = ReadWarcBytes(Zstd(Slurp(kWarcDir + "resiliparse-warcfile.warc")));
  Collected whole_gz = ReadWarcBytes(Gzip(Slurp(kWarcDir + "resiliparse-warcfile.warc")));
  ASSERT_EQ(plain.pages.size(), 16u);
  for (const Collected* other : {&gz, &zst, &whole_gz}) {
    ASSERT_EQ(other->pages.size(), plain.pages.size());
    EXPECT_TRUE(other->unreadable.empty());
    for (size_t i = 0; i < plain.pages.size(); ++i) {
      EXPECT_EQ(other->pages[i].id, plain.pages[i].id);
      EXPECT_EQ(other->pages[i].body, plain.pages[i].body);
    }
    EXPECT_EQ(other->skips, plain.skips);
  }
}

TEST(WarcReader, TruncatedGzipFileCostsOnlyTheCutRecord) {
  // resiliparse-clipped.warc.gz is a real file cut in the middle of its first record.
  Collected c = ReadPath(kWarcDir + "resiliparse-clipped.warc.gz");
  EXPECT_TRUE(c.pages.empty());
  ASSERT_EQ(c.unreadable.size(), 1u);
  EXPECT_EQ(c.unreadable[0].offset, 0u);
  EXPECT_NE(c.unreadable[0].error.message().find("truncated"), std::string::npos)
      << c.unreadable[0].error.message();
}

TEST(WarcReader, TruncatedGzipMemberInTheMiddleResyncsOnNextMember) {
  std::string raw = Slurp(kWarcDir + "dolma-sample-0000.warc.gz");
  Collected whole = ReadWarcBytes(raw);
  // Cut the member holding the 5th page in half, keep everything after it.
  uint64_t off = whole.pages[4].offset, next = whole.pages[5].offset;
  // The member after the page's member starts somewhere before `next`: find it by gzip magic.
  size_t end = raw.find("\x1f\x8b\x08", off + 1);
  ASSERT_NE(end, std::string::npos);
  ASSERT_LE(end, next);
  std::string broken = raw.substr(0, off + (end - off) / 2) + raw.substr(end);
  Collected c = ReadWarcBytes(broken);
  EXPECT_EQ(c.pages.size(), whole.pages.size() - 1);
  ASSERT_EQ(c.unreadable.size(), 1u);
  EXPECT_EQ(c.unreadable[0].offset, off);
  EXPECT_EQ(c.pages[4].id, whole.pages[5].id);
}

TEST(WarcReader, ClueWebQuirksAreRead) {
  // WARC/0.18, bare-LF HTTP headers, and "Content-Encoding: gzip" on a body already decoded.
  Collected c = ReadPath(kWarcDir + "resiliparse-clueweb-quirk.warc.gz");
  EXPECT_EQ(c.pages.size(), 29u);
  EXPECT_TRUE(c.unreadable.empty());
  ASSERT_FALSE(c.pages.empty());
  EXPECT_EQ(c.pages[0].charset, "euc-jp");
  EXPECT_EQ(c.pages[0].body.substr(0, 6), "<html>");
}

TEST(WarcReader, BlockSizedRecordsAreSkippedNotCorrupt) {
  for (const char* f :
       {"resiliparse-block-sized-records.warc", "resiliparse-block-sized-records.warc.gz"}) {
    Collected c = ReadPath(kWarcDir + f);
    EXPECT_TRUE(c.unreadable.empty()) << f;
    EXPECT_EQ(c.skips["warc_type:unknown"], 3u) << f;
  }
}

TEST(WarcReader, ContentLengthTooShortCostsOneRecord) {
  std::string a = HtmlResponse("<html><body>one</body></html>");
  std::string b = HtmlResponse("<html><body>two two two two</body></html>");
  std::string c = HtmlResponse("<html><body>three</body></html>");
  std::string lie = b;
  size_t cl = lie.find("Content-Length: ") + 16;
  int n = std::stoi(lie.substr(cl));
  lie.replace(cl, std::to_string(n).size(), std::to_string(n - 10));
  Collected r = ReadWarcBytes(a + lie + c);
  ASSERT_EQ(r.pages.size(), 2u);
  EXPECT_NE(r.pages[0].body.find("one"), std::string::npos);
  EXPECT_NE(r.pages[1].body.find("three"), std::string::npos);
  ASSERT_EQ(r.unreadable.size(), 1u);
  EXPECT_EQ(r.unreadable[0].offset, a.size());
  EXPECT_NE(r.unreadable[0].error.message().find("Content-Length"), std::string::npos);
}

TEST(WarcReader, ContentLengthTooLongCostsOneRecord) {
  std::string a = HtmlResponse("<html><body>one</body></html>");
  std::string b = HtmlResponse("<html><body>two</body></html>");
  std::string c = HtmlResponse("<html><body>three</body></html>");
  std::string lie = a;
  size_t cl = lie.find("Content-Length: ") + 16;
  int n = std::stoi(lie.substr(cl));
  lie.replace(cl, std::to_string(n).size(), std::to_string(n + 40));
  Collected r = ReadWarcBytes(lie + b + c);
  ASSERT_EQ(r.pages.size(), 2u);
  EXPECT_NE(r.pages[0].body.find("two"), std::string::npos);
  ASSERT_EQ(r.unreadable.size(), 1u);
  EXPECT_EQ(r.unreadable[0].offset, 0u);
}

std::string WithContentLength(std::string rec, uint64_t n) {
  size_t at = rec.find("Content-Length: ") + 16;
  size_t end = rec.find("\r\n", at);
  rec.replace(at, end - at, std::to_string(n));
  return rec;
}

Collected ReadWarcWith(std::string bytes, uint64_t max_record_bytes) {
  ReaderOptions o;
  o.max_record_bytes = max_record_bytes;
  auto r = MakeWarcReader(InputStream::FromString(std::move(bytes)), "mem.warc", o);
  return ReadAll(r.get());
}

TEST(WarcReader, LyingContentLengthOverTheLimitResynchronisesOnTheNextRecord) {
  std::string a = HtmlResponse("<html><body>one</body></html>");
  std::string b = WithContentLength(HtmlResponse("<html><body>two</body></html>"), 999999999999);
  std::string c = HtmlResponse("<html><body>three</body></html>");
  std::string d = HtmlResponse("<html><body>four</body></html>");
  for (bool gzip : {false, true}) {
    // Plain, and one gzip member per record: the offsets are file offsets either way.
    std::string bytes = gzip ? Gzip(a) + Gzip(b) + Gzip(c) + Gzip(d) : a + b + c + d;
    uint64_t b_at = gzip ? Gzip(a).size() : a.size();
    uint64_t c_at = b_at + (gzip ? Gzip(b).size() : b.size());
    Collected r = ReadWarcBytes(bytes);
    ASSERT_EQ(r.pages.size(), 3u) << gzip;
    EXPECT_NE(r.pages[1].body.find("three"), std::string::npos);
    EXPECT_NE(r.pages[2].body.find("four"), std::string::npos);
    ASSERT_EQ(r.unreadable.size(), 1u);
    EXPECT_EQ(r.unreadable[0].offset, b_at);
    const std::string& why = r.unreadable[0].error.message();
    EXPECT_NE(why.find("Content-Length 999999999999 lies"), std::string::npos) << why;
    EXPECT_NE(why.find("bytes " + std::to_string(b_at) + "-" + std::to_string(c_at)),
              std::string::npos)
        << why;
    EXPECT_EQ(r.unreadable[0].bytes, b.size());
  }
  // The lie on the last record: the rest of the input is the unreadable stretch.
  Collected r = ReadWarcBytes(a + b);
  ASSERT_EQ(r.pages.size(), 1u);
  ASSERT_EQ(r.unreadable.size(), 1u);
  EXPECT_NE(r.unreadable[0].error.message().find("runs past the end of the input; bytes " +
                                                 std::to_string(a.size()) + "-" +
                                                 std::to_string(a.size() + b.size())),
            std::string::npos)
      << r.unreadable[0].error.message();
}

TEST(WarcReader, HonestRecordOverTheLimitIsSkippedWholeEvenWithAWarcLineInside) {
  std::string a = HtmlResponse("<html><body>one</body></html>");
  std::string inner =
      "\r\n\r\nWARC/1.0\r\nWARC-Type: response\r\nContent-Length: 2\r\n\r\nhi\r\n\r\n";
  std::string big =
      HtmlResponse("<html><body>" + std::string(6000, 'x') + inner + std::string(2000, 'y'));
  std::string c = HtmlResponse("<html><body>three</body></html>");
  Collected r = ReadWarcWith(a + big + c, 4096);
  ASSERT_EQ(r.pages.size(), 2u);
  EXPECT_NE(r.pages[1].body.find("three"), std::string::npos);
  ASSERT_EQ(r.unreadable.size(), 1u);
  EXPECT_EQ(r.unreadable[0].offset, a.size());
  EXPECT_EQ(r.unreadable[0].error.code(), StatusCode::kResourceExhausted);
}

TEST(WarcReader, FailedGzipCrcIsAWarningAndTheRecordIsReadOnce) {
  std::string a = Gzip(HtmlResponse("<html><body>one</body></html>"));
  std::string b = Gzip(HtmlResponse("<html><body>two</body></html>"));
  std::string c = Gzip(HtmlResponse("<html><body>three</body></html>"));
  b[b.size() - 8] ^= 0x55;  // the CRC-32
  auto rd = MakeWarcReader(InputStream::FromString(a + b + c), "mem.warc.gz", ReaderOptions());
  Collected r = ReadAll(rd.get());
  EXPECT_EQ(r.pages.size(), 3u);
  EXPECT_TRUE(r.unreadable.empty());
  ASSERT_EQ(rd->warnings().size(), 1u);
  EXPECT_EQ(rd->warnings()[0].offset, a.size());
  EXPECT_NE(rd->warnings()[0].reason.find("incorrect data check"), std::string::npos);
}

TEST(WarcReader, DamagedGzipMemberIsOneItemAtItsFileOffset) {
  std::string a = Gzip(HtmlResponse("<html><body>one</body></html>"));
  std::string b = Gzip(HtmlResponse("<html><body>two</body></html>"));
  std::string c = Gzip(HtmlResponse("<html><body>three</body></html>"));
  for (size_t at : {size_t(0), size_t(12), b.size() / 2}) {  // magic, deflate header, data
    std::string bad = b;
    bad[at] ^= 0xFF;
    Collected r = ReadWarcBytes(a + bad + c);
    EXPECT_EQ(r.pages.size(), 2u) << at;
    ASSERT_EQ(r.unreadable.size(), 1u) << at;
    EXPECT_EQ(r.unreadable[0].offset, a.size()) << at << " " << r.unreadable[0].error.message();
  }
}

TEST(WarcReader, MissingVersionLineAndGarbageAreSkippedToTheNextRecord) {
  std::string a = HtmlResponse("<html><body>one</body></html>");
  std::string b = HtmlResponse("<html><body>two</body></html>");
  std::string c = HtmlResponse("<html><body>three</body></html>");
  std::string no_version = b.substr(b.find('\n') + 1);
  std::string garbage = "this is not a WARC record\r\n\x01\x02 WARC/ nope\r\n";
  Collected r = ReadWarcBytes(a + no_version + c + garbage + a);
  ASSERT_EQ(r.pages.size(), 3u);
  ASSERT_EQ(r.unreadable.size(), 2u);
  EXPECT_EQ(r.unreadable[0].offset, a.size());
  EXPECT_NE(r.unreadable[0].error.message().find("no WARC/ version line"), std::string::npos);
  EXPECT_EQ(r.unreadable[1].offset, a.size() + no_version.size() + c.size());
}

TEST(WarcReader, EmptyInputHasNoRecords) {
  Collected r = ReadWarcBytes("");
  EXPECT_TRUE(r.pages.empty());
  EXPECT_TRUE(r.unreadable.empty());
}

TEST(WarcReader, SkipsNonHtmlAndNon2xxResponses) {
  std::string img = Record("response", "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
                           "Content-Type: application/http; msgtype=response\r\n");
  std::string redirect = Record("response", "HTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\n");
  std::string sniffed = Record("response", "HTTP/1.1 200 OK\r\n\r\n<!DOCTYPE html><html></html>");
  std::string wet = Record("conversion", "plain text \xff here");
  Collected r = ReadWarcBytes(img + redirect + sniffed + wet);
  ASSERT_EQ(r.pages.size(), 2u);
  EXPECT_EQ(r.pages[0].kind, InputRecord::Kind::kPage);
  EXPECT_EQ(r.pages[1].kind, InputRecord::Kind::kText);
  EXPECT_EQ(r.pages[1].body, "plain text \xEF\xBF\xBD here");
  EXPECT_EQ(r.skips["non_html"], 1u);
  EXPECT_EQ(r.skips["http_status"], 1u);
}

TEST(WarcReader, SurvivesRandomCorruption) {
  // Flipped bytes, cut files and spliced garbage must never hang, crash or lose the good records
  // far from the damage.
  std::string plain = Slurp(kWarcDir + "resiliparse-warcfile.warc");
  std::string gz = Slurp(kWarcDir + "resiliparse-warcfile.warc.gz");
  uint64_t seed = 12345;
  auto next = [&seed] {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return seed >> 33;
  };
  for (int round = 0; round < 60; ++round) {
    std::string b = round % 2 ? gz : plain;
    int edits = 1 + int(next() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = next() % b.size();
      switch (next() % 4) {
        case 0:
          b[at] = char(next());
          break;
        case 1:
          b.resize(at);
          break;
        case 2:
          b.insert(at, "WARC/1.0\r\nContent-Length: 99999999\r\n\r\n");
          break;
        case 3:
          b.erase(at, std::min<size_t>(b.size() - at, next() % 5000));
          break;
      }
      if (b.empty()) b = "x";
    }
    auto r = MakeWarcReader(InputStream::FromString(b), "fuzz.warc", ReaderOptions());
    InputRecord rec;
    int calls = 0;
    for (;;) {
      auto more = r->Next(&rec);
      ASSERT_TRUE(more.ok());
      if (!*more) break;
      ASSERT_LT(++calls, 10000) << "reader does not advance, round " << round;
    }
  }
}

TEST(WarcReader, SplitPiecesReadEachRecordOnce) {
  for (const char* f : {"dolma-sample-0000.warc.gz", "resiliparse-warcfile.warc.gz"}) {
    std::string path = kWarcDir + f;
    Collected whole = ReadPath(path);
    std::vector<uint64_t> points = FindWarcSplitPoints(path, 20000);
    ASSERT_GE(points.size(), 3u) << f;
    std::vector<uint64_t> bounds = {0};
    bounds.insert(bounds.end(), points.begin(), points.end());
    bounds.push_back(UINT64_MAX);
    Collected pieces;
    for (size_t i = 0; i + 1 < bounds.size(); ++i) {
      auto r = OpenWarcRange(path, bounds[i], bounds[i + 1], ReaderOptions());
      ASSERT_TRUE(r.ok());
      Collected c = ReadAll(r->get());
      for (auto& p : c.pages) pieces.pages.push_back(p);
      for (auto& [k, v] : c.skips) pieces.skips[k] += v;
      EXPECT_TRUE(c.unreadable.empty());
    }
    ASSERT_EQ(pieces.pages.size(), whole.pages.size()) << f;
    for (size_t i = 0; i < whole.pages.size(); ++i) {
      EXPECT_EQ(pieces.pages[i].id, whole.pages[i].id);
      EXPECT_EQ(pieces.pages[i].offset, whole.pages[i].offset);
      EXPECT_EQ(pieces.pages[i].body, whole.pages[i].body);
    }
    EXPECT_EQ(pieces.skips, whole.skips);
  }
  // Whole-file gzip and plain files are not split.
  std::string whole_gz = testing::TempDir() + "/whole.warc.gz";
  std::ofstream(whole_gz, std::ios::binary) << Gzip(Slurp(kWarcDir + "resiliparse-warcfile.warc"));
  EXPECT_TRUE(FindWarcSplitPoints(whole_gz, 1000).empty());
  std::remove(whole_gz.c_str());
  EXPECT_TRUE(FindWarcSplitPoints(kWarcDir + "resiliparse-warcfile.warc", 1000).empty());
}

TEST(WarcReader, UnreadableFileIsAnError) {
  auto r = OpenRecordReader("/nonexistent/x.warc.gz", InputKind::kWarc, ReaderOptions());
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST(Http, DecodesChunkedAndGzipBodies) {
  std::string html = "<html><body>hello world</body></html>";
  std::string gz = Gzip(html);
  std::string chunked;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%zx", gz.size() / 2);
  chunked += std::string(buf) + "\r\n" + gz.substr(0, gz.size() / 2) + "\r\n";
  std::snprintf(buf, sizeof buf, "%zx", gz.size() - gz.size() / 2);
  chunked += std::string(buf) + "\r\n" + gz.substr(gz.size() / 2) + "\r\n0\r\n\r\n";
  auto r = ParseHttpResponse(
      "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=\"Windows-1252\"\r\n"
      "Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n" +
          chunked,
      1 << 20);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->mime, "text/html");
  EXPECT_EQ(r->charset, "windows-1252");
  EXPECT_EQ(r->body, html);
}

TEST(Http, KeepsBodyWhenEncodingHeaderLies) {
  auto r = ParseHttpResponse(
      "HTTP/1.0 200 OK\nContent-Encoding: gzip\nTransfer-Encoding: chunked\n\n<html>x</html>",
      1 << 20);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, "<html>x</html>");
}

TEST(Http, DeflateRawAndZlib) {
  std::string html = "<p>deflated</p>";
  std::string out;
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  std::string raw(256, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(html.data());
  zs.avail_in = uInt(html.size());
  zs.next_out = reinterpret_cast<Bytef*>(raw.data());
  zs.avail_out = uInt(raw.size());
  deflate(&zs, Z_FINISH);
  raw.resize(zs.total_out);
  deflateEnd(&zs);
  ASSERT_TRUE(Inflate(raw, 1 << 20, &out).ok());
  EXPECT_EQ(out, html);
}

TEST(JsonlReader, CountsBadLinesAndKeepsGoing) {
  std::string data =
      "{\"id\":\"a\",\"text\":\"first\",\"url\":\"http://a/\"}\n"
      "not json at all\n"
      "\n"
      "{\"id\":\"c\",\"body\":\"no text key\"}\n"
      "{\"id\":\"d\",\"text\":\"bad \xff utf8\"}\n"
      "{\"id\":7,\"text\":\"numeric id\",\"metadata\":{\"url\":\"http://b/\"}}\n"
      "{\"text\":\"no id, no newline at end\"}";
  ReaderOptions opt;
  for (bool gz : {false, true}) {
    auto r = MakeJsonlReader(InputStream::FromString(gz ? Gzip(data) : data), "dir/x.jsonl", opt);
    Collected c = ReadAll(r.get());
    ASSERT_EQ(c.pages.size(), 3u);
    EXPECT_EQ(c.pages[0].id, "a");
    EXPECT_EQ(c.pages[0].url, "http://a/");
    EXPECT_EQ(c.pages[0].kind, InputRecord::Kind::kText);
    EXPECT_EQ(c.pages[1].id, "7");
    EXPECT_EQ(c.pages[1].url, "http://b/");
    EXPECT_EQ(c.pages[2].id, "x-7");
    ASSERT_EQ(c.unreadable.size(), 3u);
    EXPECT_EQ(c.unreadable[0].offset, data.find("not json"));
    EXPECT_NE(c.unreadable[0].error.message().find("not JSON"), std::string::npos);
    EXPECT_NE(c.unreadable[1].error.message().find(
                  "no text key: none of \"text\", \"raw_content\", \"content\""),
              std::string::npos);
    EXPECT_NE(c.unreadable[2].error.message().find("invalid UTF-8"), std::string::npos);
    EXPECT_EQ(c.skips["empty_line"], 1u);
  }
}

TEST(JsonlReader, HintsAtTheTextKeyWhenMostRecordsLackIt) {
  std::string lines;
  for (int i = 0; i < 30; ++i) {
    lines += "{\"id\":\"" + std::to_string(i) + "\",\"body\":\"a long text body number " +
             std::to_string(i) + "\",\"n\":" + std::to_string(i) + "}\n";
  }
  lines += "{\"text\":\"one with text\"}\n";
  auto r = MakeJsonlReader(InputStream::FromString(lines), "x.jsonl", ReaderOptions());
  Collected c = ReadAll(r.get());
  EXPECT_EQ(c.pages.size(), 1u);
  EXPECT_EQ(c.unreadable.size(), 30u);
  ASSERT_EQ(r->warnings().size(), 1u);
  const std::string& hint = r->warnings()[0].reason;
  EXPECT_NE(hint.find("30 of 31 records have none of the text keys \"text\", \"raw_content\", "
                      "\"content\""),
            std::string::npos)
      << hint;
  EXPECT_NE(hint.find("body (30), id (30), n (30)"), std::string::npos) << hint;
  EXPECT_NE(hint.find("--set input.jsonl_text_key=body"), std::string::npos) << hint;
  // A few records without text (a minority) give no hint.
  auto few = MakeJsonlReader(
      InputStream::FromString("{\"text\":\"a\"}\n{\"x\":\"b\"}\n{\"text\":\"c\"}\n"), "y.jsonl",
      ReaderOptions());
  ReadAll(few.get());
  EXPECT_TRUE(few->warnings().empty());
}

TEST(JsonlReader, ReadsDolmaRedPajamaAndContentLayoutsKeepingEveryField) {
  std::string data =
      "{\"id\":\"d1\",\"text\":\"dolma\",\"source\":\"common-crawl\",\"added\":\"2023-03-01\","
      "\"metadata\":{\"url\":\"http://a/\",\"length\":5,\"nested\":{\"a\":[1,2]}}}\n"
      "{\"raw_content\":\"redpajama\",\"url\":\"http://b/\",\"perplexity\":123.5}\n"
      "{\"content\":\"content\",\"lang\":\"ms\",\"metadata\":{\"k\":1},\"k\":2}\n";
  auto r = MakeJsonlReader(InputStream::FromString(data), "x.jsonl", ReaderOptions());
  Collected c = ReadAll(r.get());
  ASSERT_EQ(c.pages.size(), 3u);
  EXPECT_EQ(c.pages[0].body, "dolma");
  EXPECT_EQ(c.pages[0].id, "d1");
  EXPECT_EQ(c.pages[0].url, "http://a/");
  using F = std::vector<std::pair<std::string, std::string>>;
  // The record's metadata first, then the other top-level fields; names kilang writes itself
  // (source, lang, ...) get "input_"; the text, id and url are not repeated.
  EXPECT_EQ(c.pages[0].fields, (F{{"length", "5"},
                                  {"nested", "{\"a\":[1,2]}"},
                                  {"input_source", "\"common-crawl\""},
                                  {"added", "\"2023-03-01\""}}));
  EXPECT_EQ(c.pages[1].body, "redpajama");
  EXPECT_EQ(c.pages[1].id, "x-2");
  EXPECT_EQ(c.pages[1].url, "http://b/");
  EXPECT_EQ(c.pages[1].fields, (F{{"perplexity", "123.5"}}));
  EXPECT_EQ(c.pages[2].body, "content");
  EXPECT_EQ(c.pages[2].fields, (F{{"k", "2"}, {"input_lang", "\"ms\""}}));  // top level wins
  // Off on request.
  ReaderOptions off;
  off.jsonl_keep_fields = false;
  auto r2 = MakeJsonlReader(InputStream::FromString(data), "x.jsonl", off);
  Collected c2 = ReadAll(r2.get());
  ASSERT_EQ(c2.pages.size(), 3u);
  EXPECT_TRUE(c2.pages[0].fields.empty());
}

TEST(JsonlReader, ConfigurableKeys) {
  ReaderOptions opt;
  opt.jsonl_text_key = "content";
  opt.jsonl_id_key = "doc_id";
  opt.jsonl_extract = true;
  auto r = MakeJsonlReader(InputStream::FromString("{\"doc_id\":\"q\",\"content\":\"<p>x</p>\"}\n"),
                           "y.jsonl.zst", opt);
  Collected c = ReadAll(r.get());
  ASSERT_EQ(c.pages.size(), 1u);
  EXPECT_EQ(c.pages[0].id, "q");
  EXPECT_EQ(c.pages[0].kind, InputRecord::Kind::kPage);
}

TEST(InputStream, ZstdTruncatedFrameIsABreak) {
  std::string z = Zstd(std::string(100000, 'a'));
  auto in = InputStream::FromString(z.substr(0, z.size() - 5));
  in->Skip(1 << 20);
  EXPECT_TRUE(in->at_break());
  EXPECT_NE(in->TakeBreak().message().find("truncated zstd"), std::string::npos);
  EXPECT_TRUE(in->eof());
}

}  // namespace
}  // namespace kilang
