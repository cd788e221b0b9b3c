// HTTP response parsing for WARC `response` records: status line, headers, and the body with
// Transfer-Encoding (chunked) and Content-Encoding (gzip, deflate) undone.
//
// Lenient on purpose: crawlers store headers with bare LF line ends (ClueWeb09), keep a
// Content-Encoding header on a body they already decoded, or keep `Transfer-Encoding: chunked`
// on a de-chunked body. Each decoding step is applied only when the bytes show it is needed and
// falls back to the bytes as stored when they do not decode.
#ifndef KILANG_IO_HTTP_H_
#define KILANG_IO_HTTP_H_

#include <string>
#include <string_view>

#include "kilang/util/status.h"

namespace kilang {

struct HttpResponse {
  int status = 0;                 // e.g. 200; 0 when the status line is missing or malformed
  std::string mime;               // lower-cased media type from Content-Type, e.g. "text/html"
  std::string charset;            // lower-cased charset parameter of Content-Type, if any
  std::string content_encoding;   // lower-cased, as declared
  std::string transfer_encoding;  // lower-cased, as declared
  size_t header_bytes = 0;        // size of the status line + headers + blank line
  std::string body;               // decoded body (chunking and compression undone when possible)
  bool body_decoded = false;      // whether a chunked/gzip/deflate step was applied
};

// Parses `bytes` (an HTTP response as stored in a WARC record). Returns Corruption when there is
// no status line or the header block never ends; body decoding failures are not errors (the body
// is then kept as stored). `max_body` caps the decoded size (ResourceExhausted past it).
Result<HttpResponse> ParseHttpResponse(std::string_view bytes, size_t max_body);

// Parses a Content-Type value into lower-cased mime and charset ("" when absent).
void ParseContentType(std::string_view value, std::string* mime, std::string* charset);

// Whether `body` starts like an HTML document (after a BOM and white space): <!doctype html,
// <html, <head, <body, or an HTML comment followed by one of these, in the first 1 KiB.
bool SniffHtml(std::string_view body);

// Undoes gzip/zlib/raw-deflate compression of `in` into `out`. Corruption when it does not decode,
// ResourceExhausted when the result would exceed `max_out`.
Status Inflate(std::string_view in, size_t max_out, std::string* out);

}  // namespace kilang

#endif  // KILANG_IO_HTTP_H_
