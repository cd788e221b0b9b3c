// Record readers: one interface over every corpus input kilang accepts.
//
//   WARC 1.0/1.1 (and 0.x, as ClueWeb09 wrote it), plain, gzip (whole-file or one member per
//   record, as Common Crawl ships it) or zstd. `response` records whose HTTP payload is HTML (by
//   Content-Type, or by sniffing when the type is missing or generic) become pages; `resource`
//   records with an HTML Content-Type too; WET `conversion` records become text. Every other
//   record is *skipped*: it is not a document, and is counted by reason (skip_counts()).
//   JSONL (.jsonl, .jsonl.gz, .jsonl.zst): one JSON object per line; the text key (default "text")
//   is taken as extracted text, or as a page to extract when ReaderOptions::jsonl_extract is set.
//   A folder's .html/.htm/.txt files: one page per file (see PageFilesReader).
//
// IMPORTANT: bad input never ends a reader early when it can go on. A record that cannot be read
// (truncated gzip member, Content-Length that lies, a header block with no WARC/ version line,
// garbage between records, a JSONL line that is not JSON, lacks the text key or holds invalid
// UTF-8) comes out of Next() as an InputRecord of kind kUnreadable with its byte offset and the
// reason; the reader then resynchronises (scans for the next "WARC/" line, the next gzip member,
// the next line) and continues.
//
// Thread-safety: none; one reader per task.
#ifndef KILANG_IO_READER_H_
#define KILANG_IO_READER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kilang/util/status.h"

namespace kilang {

class InputStream;

struct InputRecord {
  enum class Kind {
    kPage,        // raw page bytes to extract (HTML or page text); see `charset`
    kText,        // already extracted text, valid UTF-8 (WET conversion, JSONL)
    kUnreadable,  // a record that could not be read; see `error`
  };
  Kind kind = Kind::kPage;
  std::string body;     // page bytes (kPage) or text (kText); empty for kUnreadable
  std::string id;       // WARC-Record-ID without <urn:uuid:...>, JSONL id, or "" (caller names it)
  std::string url;      // WARC-Target-URI, or JSONL "url"/metadata.url
  std::string date;     // WARC-Date as stored (the crawl time), if any
  std::string charset;  // charset declared by the HTTP Content-Type, lower-cased, if any
  // JSONL: the record's other fields to keep in the output's metadata: (key, JSON text of the
  // value), in order (ReaderOptions::jsonl_keep_fields).
  std::vector<std::pair<std::string, std::string>> fields;
  std::string file;     // the input file
  uint64_t offset = 0;  // byte offset of the record (see InputStream::SourceOffset), or line start
  uint64_t index = 0;   // 0-based position among the records this reader returned
  Status error;         // kUnreadable: why
  uint64_t bytes = 0;   // kUnreadable: decoded input bytes the item stands for (0: not known)

  // An unreadable record of `file` at `offset` (the readers' one way to report a bad record).
  static InputRecord Unreadable(std::string file, uint64_t offset, uint64_t index, Status why) {
    InputRecord r;
    r.kind = Kind::kUnreadable;
    r.file = std::move(file);
    r.offset = offset;
    r.index = index;
    r.error = std::move(why);
    return r;
  }
};

// Options of the readers. YAML: the `input:` section of a run config (same key names).
struct ReaderOptions {
  // JSONL keys holding the text, comma-separated: the first one a record has is used. The
  // default reads dolma/datatrove ("text"), RedPajama ("raw_content") and "content" layouts.
  std::string jsonl_text_key = "text,raw_content,content";
  // JSONL keys holding the id, the same way (none present: file stem + "-" + line number).
  std::string jsonl_id_key = "id";
  bool jsonl_extract = false;  // treat the JSONL text as a page to extract (HTML)
  // Keep the JSONL record's other fields in the output's metadata, as datatrove's adapters do:
  // its "metadata" object's fields, then the other top-level fields (which win). A field named
  // like one kilang writes (url, source, lang, title, date, ...) is kept as "input_<name>".
  bool jsonl_keep_fields = true;
  bool keep_non_2xx = false;            // keep HTTP responses whose status is not 2xx
  // Records (or JSONL lines) larger than this are reported unreadable and skipped without being
  // buffered; bounds the memory of a worker. Default 64 MiB.
  uint64_t max_record_bytes = uint64_t(64) << 20;
};

// What kind of input a path is, by content (magic bytes, first line), not by name.
enum class InputKind { kWarc, kJsonl, kPage, kUnknown };
std::string_view InputKindName(InputKind k);

// Looks at the first decoded bytes of `path`: "WARC/" -> kWarc, "{" -> kJsonl. Otherwise the file
// extension decides between kPage (.html/.htm/.txt) and kUnknown. An empty file is judged by name.
InputKind SniffInputKind(const std::string& path);

class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // Reads the next record into `*rec`. Returns true with a record (possibly kUnreadable), false
  // at the end of input. A non-OK Result means the input cannot be read at all (fatal for this
  // reader; count it as one unreadable input).
  virtual Result<bool> Next(InputRecord* rec) = 0;
  // Records that are not documents, by reason ("warc_type:request", "non_html", "http_status",
  // "empty_line", ...). Not part of read/kept/removed/unreadable.
  const std::map<std::string, uint64_t>& skip_counts() const { return skips_; }
  // Damage that cost no document but deserves a look (a gzip member whose CRC check failed
  // though its data decoded; most JSONL lines lacking the text key): offset and reason, in the
  // order found. Grows as Next() goes on.
  struct Warning {
    uint64_t offset = 0;
    std::string reason;
  };
  const std::vector<Warning>& warnings() const { return warnings_; }
  // Stored (compressed) bytes consumed so far (progress).
  virtual uint64_t bytes_consumed() const = 0;
  // Decoded (uncompressed) bytes consumed so far.
  virtual uint64_t bytes_decoded() const = 0;

 protected:
  std::map<std::string, uint64_t> skips_;
  std::vector<Warning> warnings_;
};

// A reader for a WARC/WET or JSONL file; `kind` as from SniffInputKind().
Result<std::unique_ptr<RecordReader>> OpenRecordReader(const std::string& path, InputKind kind,
                                                       const ReaderOptions& options);

// Splitting one big file into tasks. A Common Crawl-style WARC (one gzip member per record) can be
// cut at member starts: returns the file offsets, in order, of the first gzip member that decodes
// to a "WARC/x.y" line at or after each multiple of `target_bytes` (searching at most 8 MiB past
// it). Empty when the file is not gzip, not per-record gzip (whole-file gzip has no such
// members), or not bigger than `target_bytes`. Deterministic: depends on the file bytes only.
std::vector<uint64_t> FindWarcSplitPoints(const std::string& path, uint64_t target_bytes);

// A WARC reader over the records whose gzip member starts in [begin, end) of `path`. `begin`
// must be 0 or a point from FindWarcSplitPoints(); reading the pieces [0,p1), [p1,p2), ...,
// [pn, UINT64_MAX) gives exactly the records of the whole file, each once.
Result<std::unique_ptr<RecordReader>> OpenWarcRange(const std::string& path, uint64_t begin,
                                                    uint64_t end, const ReaderOptions& options);

// Readers over a stream (tests, and inputs already open). `file` names the input in records.
// `end`: stop before the first record whose gzip member starts at or after this file offset.
std::unique_ptr<RecordReader> MakeWarcReader(std::unique_ptr<InputStream> in, std::string file,
                                             const ReaderOptions& options,
                                             uint64_t end = UINT64_MAX);
std::unique_ptr<RecordReader> MakeJsonlReader(std::unique_ptr<InputStream> in, std::string file,
                                              const ReaderOptions& options);

// One kPage record per file in `files` (read whole, up to max_record_bytes); a file that cannot
// be read comes out as kUnreadable. Record ids are the file stems.
std::unique_ptr<RecordReader> MakePageFilesReader(std::vector<std::string> files,
                                                  const ReaderOptions& options);

}  // namespace kilang

#endif  // KILANG_IO_READER_H_
