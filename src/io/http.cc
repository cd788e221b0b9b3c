#include "kilang/io/http.h"
#include "kilang/util/text.h"

#include <zlib.h>

#include <cctype>
#include <cstring>

namespace kilang {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}


// Decodes a chunked body; false when `in` is not well-formed chunked data.
bool Dechunk(std::string_view in, size_t max_out, std::string* out) {
  out->clear();
  size_t p = 0;
  for (;;) {
    size_t eol = in.find('\n', p);
    if (eol == std::string_view::npos) return false;
    std::string_view line = Trim(in.substr(p, eol - p));
    size_t semi = line.find(';');
    if (semi != std::string_view::npos) line = Trim(line.substr(0, semi));
    if (line.empty() || line.size() > 15) return false;
    uint64_t n = 0;
    for (char c : line) {
      int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
              : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
              : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                          : -1;
      if (d < 0) return false;
      n = n * 16 + uint64_t(d);
    }
    p = eol + 1;
    if (n == 0) return true;  // trailers, if any, are ignored
    if (n > in.size() - p || out->size() + n > max_out) return false;
    out->append(in.substr(p, n));
    p += n;
    if (p < in.size() && in[p] == '\r') ++p;
    if (p < in.size() && in[p] == '\n') ++p;
    if (p >= in.size()) return true;  // tolerate a missing last chunk
  }
}

}  // namespace

Status Inflate(std::string_view in, size_t max_out, std::string* out) {
  out->clear();
  // 15+32: gzip or zlib by header; retry as raw deflate (servers often send raw for "deflate").
  for (int wbits : {15 + 32, -15}) {
    z_stream zs;
    std::memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, wbits) != Z_OK) return Status::Internal("inflateInit2 failed");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = uInt(in.size());
    int ret = Z_OK;
    char buf[1 << 16];
    out->clear();
    while (ret == Z_OK) {
      zs.next_out = reinterpret_cast<Bytef*>(buf);
      zs.avail_out = sizeof buf;
      ret = inflate(&zs, Z_NO_FLUSH);
      size_t got = sizeof buf - zs.avail_out;
      if (out->size() + got > max_out) {
        inflateEnd(&zs);
        return Status::ResourceExhausted("decoded body over " + std::to_string(max_out) + " bytes");
      }
      out->append(buf, got);
      if (ret == Z_BUF_ERROR && zs.avail_in == 0) break;  // truncated: keep what decoded
    }
    inflateEnd(&zs);
    if (ret == Z_STREAM_END || (ret == Z_BUF_ERROR && !out->empty())) return Status::Ok();
  }
  out->clear();
  return Status::Corruption("body does not decode as gzip or deflate");
}

void ParseContentType(std::string_view value, std::string* mime, std::string* charset) {
  mime->clear();
  charset->clear();
  size_t semi = value.find(';');
  *mime = Lower(Trim(value.substr(0, semi)));
  while (semi != std::string_view::npos) {
    size_t next = value.find(';', semi + 1);
    std::string_view param = Trim(value.substr(
        semi + 1, next == std::string_view::npos ? std::string_view::npos : next - semi - 1));
    size_t eq = param.find('=');
    if (eq != std::string_view::npos && EqualsIgnoreAsciiCase(Trim(param.substr(0, eq)), "charset")) {
      std::string_view v = Trim(param.substr(eq + 1));
      if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'')) v = v.substr(1, v.size() - 2);
      *charset = Lower(Trim(v));
    }
    semi = next;
  }
}

bool SniffHtml(std::string_view body) {
  std::string_view h = body.substr(0, 1024);
  if (h.size() >= 3 && h.substr(0, 3) == "\xEF\xBB\xBF") h.remove_prefix(3);
  for (int i = 0; i < 8; ++i) {
    while (!h.empty() && std::isspace(static_cast<unsigned char>(h.front()))) h.remove_prefix(1);
    if (h.size() < 2 || h[0] != '<') return false;
    std::string head = Lower(h.substr(0, 14));
    if (head.rfind("<!doctype html", 0) == 0 || head.rfind("<html", 0) == 0 ||
        head.rfind("<head", 0) == 0 || head.rfind("<body", 0) == 0 || head.rfind("<meta", 0) == 0 ||
        head.rfind("<title", 0) == 0) {
      return true;
    }
    // Skip comments, processing instructions and other doctypes, then look again.
    size_t close = head.rfind("<!--", 0) == 0 ? h.find("-->") : h.find('>');
    if (close == std::string_view::npos) return false;
    h.remove_prefix(close + (head.rfind("<!--", 0) == 0 ? 3 : 1));
  }
  return false;
}

Result<HttpResponse> ParseHttpResponse(std::string_view bytes, size_t max_body) {
  HttpResponse r;
  if (bytes.substr(0, 5) != "HTTP/") return Status::Corruption("no HTTP status line");
  size_t eol = bytes.find('\n');
  if (eol == std::string_view::npos) return Status::Corruption("HTTP header block never ends");
  std::string_view status_line = Trim(bytes.substr(0, eol));
  size_t sp = status_line.find(' ');
  if (sp != std::string_view::npos) {
    std::string_view code = status_line.substr(sp + 1, 3);
    if (code.size() == 3 && std::isdigit(static_cast<unsigned char>(code[0])) &&
        std::isdigit(static_cast<unsigned char>(code[1])) &&
        std::isdigit(static_cast<unsigned char>(code[2]))) {
      r.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
    }
  }
  size_t p = eol + 1;
  bool ended = false;
  while (p < bytes.size()) {
    size_t e = bytes.find('\n', p);
    std::string_view line =
        bytes.substr(p, e == std::string_view::npos ? std::string_view::npos : e - p);
    p = e == std::string_view::npos ? bytes.size() : e + 1;
    line = Trim(line);
    if (line.empty()) {
      ended = true;
      break;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = Trim(line.substr(0, colon));
    std::string_view value = Trim(line.substr(colon + 1));
    if (EqualsIgnoreAsciiCase(name, "content-type")) {
      ParseContentType(value, &r.mime, &r.charset);
    } else if (EqualsIgnoreAsciiCase(name, "content-encoding")) {
      r.content_encoding = Lower(value);
    } else if (EqualsIgnoreAsciiCase(name, "transfer-encoding")) {
      r.transfer_encoding = Lower(value);
    }
  }
  if (!ended && p < bytes.size()) return Status::Corruption("HTTP header block never ends");
  r.header_bytes = p;
  std::string_view body = bytes.substr(p);
  std::string tmp;
  if (r.transfer_encoding.find("chunked") != std::string::npos && Dechunk(body, max_body, &tmp)) {
    r.body = std::move(tmp);
    r.body_decoded = true;
  } else {
    if (body.size() > max_body)
      return Status::ResourceExhausted("HTTP body over " + std::to_string(max_body) + " bytes");
    r.body.assign(body);
  }
  const std::string& ce = r.content_encoding;
  if (ce == "gzip" || ce == "x-gzip" || ce == "deflate") {
    // Crawlers often store the decoded body but keep the header: decode only real compressed data.
    bool looks_gzip =
        r.body.size() >= 2 && uint8_t(r.body[0]) == 0x1f && uint8_t(r.body[1]) == 0x8b;
    bool looks_text = !r.body.empty() &&
                      (r.body[0] == '<' || std::isspace(static_cast<unsigned char>(r.body[0])));
    if (looks_gzip || (ce == "deflate" && !looks_text)) {
      Status s = Inflate(r.body, max_body, &tmp);
      if (s.code() == StatusCode::kResourceExhausted) return s;
      if (s.ok()) {
        r.body = std::move(tmp);
        r.body_decoded = true;
      }
    }
  }
  return r;
}

}  // namespace kilang
