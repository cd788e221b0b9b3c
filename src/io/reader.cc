// JSONL and page-file readers, input sniffing, and OpenRecordReader.
#include "kilang/io/reader.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>

#include "kilang/io/file.h"
#include "kilang/io/stream.h"

namespace kilang {

std::string_view InputKindName(InputKind k) {
  switch (k) {
    case InputKind::kWarc:
      return "warc";
    case InputKind::kJsonl:
      return "jsonl";
    case InputKind::kPage:
      return "page";
    case InputKind::kUnknown:
      return "unknown";
  }
  return "unknown";
}

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i])
      return false;
  }
  return true;
}

InputKind KindByName(const std::string& path) {
  std::string_view p = path;
  for (std::string_view z : {".gz", ".zst", ".zstd"}) {
    if (EndsWith(p, z)) {
      p.remove_suffix(z.size());
      break;
    }
  }
  if (EndsWith(p, ".warc") || EndsWith(p, ".wet") || EndsWith(p, ".arc")) return InputKind::kWarc;
  if (EndsWith(p, ".jsonl") || EndsWith(p, ".json") || EndsWith(p, ".ndjson"))
    return InputKind::kJsonl;
  if (EndsWith(path, ".html") || EndsWith(path, ".htm") || EndsWith(path, ".txt"))
    return InputKind::kPage;
  return InputKind::kUnknown;
}

// "a, b,c" -> {"a", "b", "c"}.
std::vector<std::string> SplitKeys(std::string_view list) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= list.size()) {
    size_t comma = list.find(',', i);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view k = list.substr(i, comma - i);
    while (!k.empty() && k.front() == ' ') k.remove_prefix(1);
    while (!k.empty() && k.back() == ' ') k.remove_suffix(1);
    if (!k.empty()) out.emplace_back(k);
    i = comma + 1;
  }
  return out;
}

class JsonlReader : public RecordReader {
 public:
  JsonlReader(std::unique_ptr<InputStream> in, std::string file, const ReaderOptions& options)
      : in_(std::move(in)), file_(std::move(file)), options_(options), stem_(FileStem(file_)) {
    text_keys_ = SplitKeys(options_.jsonl_text_key);
    id_keys_ = SplitKeys(options_.jsonl_id_key);
    if (text_keys_.empty()) text_keys_ = {"text"};
    // Strip a second extension: "a.jsonl.gz" -> "a".
    size_t dot = stem_.rfind('.');
    if (dot != std::string::npos && dot > 0) stem_.resize(dot);
  }

  uint64_t bytes_consumed() const override { return in_->compressed_consumed(); }
  uint64_t bytes_decoded() const override { return in_->position(); }

  Result<bool> Next(InputRecord* rec) override {
    for (;;) {
      uint64_t start = in_->position();
      if (in_->at_break()) return Unreadable(rec, start, in_->TakeBreak());
      if (in_->eof()) {
        HintAtEnd();
        return false;
      }
      // Find the end of the line without buffering more than max_record_bytes.
      size_t scanned = 0, eol = std::string_view::npos;
      for (;;) {
        std::string_view v = in_->Peek();
        eol = v.find('\n', scanned);
        if (eol != std::string_view::npos) break;
        scanned = v.size();
        if (scanned > options_.max_record_bytes) break;
        if (in_->Ensure(scanned + (1 << 16)) == scanned) break;  // end of input or a break
      }
      ++line_no_;
      std::string_view v = in_->Peek();
      if (eol == std::string_view::npos && scanned > options_.max_record_bytes) {
        // Too long: drop it up to the next newline.
        uint64_t dropped = 0;
        for (;;) {
          std::string_view w = in_->Peek();
          size_t nl = w.find('\n');
          if (nl != std::string_view::npos) {
            in_->Consume(nl + 1);
            break;
          }
          dropped += w.size();
          in_->Consume(w.size());
          if (in_->Ensure(1 << 16) == 0) break;
        }
        return Unreadable(rec, start,
                          Status::ResourceExhausted("line longer than max_record_bytes"));
      }
      bool cut = eol == std::string_view::npos && in_->at_break();  // ends at a decoding break
      size_t len = eol == std::string_view::npos ? v.size() : eol;
      std::string line(v.substr(0, len));
      in_->Consume(eol == std::string_view::npos ? len : len + 1);
      if (cut) {
        Status s = in_->TakeBreak();
        return Unreadable(rec, start, Status(s.code(), "line cut short: " + s.message()));
      }
      size_t b = 0;
      while (b < line.size() && std::isspace(static_cast<unsigned char>(line[b]))) ++b;
      if (b == line.size()) {
        ++skips_["empty_line"];
        continue;
      }
      return Parse(line, start, rec);
    }
  }

 private:
  Result<bool> Unreadable(InputRecord* rec, uint64_t offset, const Status& s) {
    *rec = InputRecord::Unreadable(file_, offset, index_++, s);
    return true;
  }

  Result<bool> Parse(const std::string& line, uint64_t start, InputRecord* rec) {
    simdjson::dom::element doc;
    auto err = parser_.parse(line.data(), line.size(), true).get(doc);
    if (err) {
      if (err == simdjson::UTF8_ERROR)
        return Unreadable(rec, start, Status::Corruption("invalid UTF-8 in JSON line"));
      return Unreadable(
          rec, start, Status::Corruption(std::string("not JSON: ") + simdjson::error_message(err)));
    }
    simdjson::dom::object obj;
    if (doc.get(obj))
      return Unreadable(rec, start, Status::Corruption("JSON line is not an object"));
    std::string_view text;
    simdjson::dom::element tv;
    ++objects_;
    // The text key: the first of the configured keys that the record has.
    std::string_view text_key;
    for (const std::string& k : text_keys_) {
      if (!obj.at_key(k).get(tv)) {
        text_key = k;
        break;
      }
    }
    if (text_key.empty()) {
      NoteKeys(obj);
      return Unreadable(rec, start, Status::Corruption(NoTextKey()));
    }
    if (tv.get(text)) {
      return Unreadable(rec, start,
                        Status::Corruption("\"" + std::string(text_key) + "\" is not a string"));
    }
    InputRecord r;
    r.kind = options_.jsonl_extract ? InputRecord::Kind::kPage : InputRecord::Kind::kText;
    r.body.assign(text);
    r.file = file_;
    r.offset = start;
    simdjson::dom::element idv;
    std::string_view id_key;
    for (const std::string& k : id_keys_) {
      if (!obj.at_key(k).get(idv)) {
        id_key = k;
        std::string_view s;
        int64_t i;
        uint64_t u;
        if (!idv.get(s))
          r.id.assign(s);
        else if (!idv.get(i))
          r.id = std::to_string(i);
        else if (!idv.get(u))
          r.id = std::to_string(u);
        break;
      }
    }
    if (r.id.empty()) r.id = stem_ + "-" + std::to_string(line_no_);
    std::string_view url;
    simdjson::dom::element meta;
    bool top_url = !obj.at_key("url").get(url);
    bool meta_url = !top_url && !obj.at_key("metadata").get(meta) && !meta.at_key("url").get(url);
    if (top_url || meta_url) r.url.assign(url);
    if (options_.jsonl_keep_fields) {
      // Every other field is kept for the output's metadata, as datatrove's adapters do: the
      // record's own "metadata" object first, then the other top-level fields (which win).
      auto keep = [&](std::string_view k, simdjson::dom::element v) {
        std::string key(k);
        if (IsReservedKey(key)) key = "input_" + key;
        std::string json = simdjson::minify(v);
        for (auto& [fk, fv] : r.fields) {
          if (fk == key) {
            fv = std::move(json);
            return;
          }
        }
        r.fields.emplace_back(std::move(key), std::move(json));
      };
      simdjson::dom::object mo;
      bool meta_obj = !obj.at_key("metadata").get(mo);
      if (meta_obj) {
        for (auto [k, v] : mo) {
          if (meta_url && k == "url") continue;
          keep(k, v);
        }
      }
      for (auto [k, v] : obj) {
        if (k == text_key || k == id_key || (meta_obj && k == "metadata") ||
            (top_url && k == "url"))
          continue;
        keep(k, v);
      }
    }
    r.index = index_++;
    *rec = std::move(r);
    return true;
  }

  // Metadata keys kilang writes itself: an input field of that name is kept as "input_<name>".
  static bool IsReservedKey(std::string_view k) {
    static constexpr std::string_view kReserved[] = {"url",
                                                     "title",
                                                     "date",
                                                     "author",
                                                     "site",
                                                     "lang",
                                                     "lang_score",
                                                     "source",
                                                     "warc_date",
                                                     "stage",
                                                     "reason",
                                                     "dedup_cluster_id",
                                                     "dedup_cluster_size",
                                                     "duplicate_of",
                                                     "pii_email",
                                                     "pii_ip",
                                                     "pii_phone"};
    for (std::string_view r : kReserved) {
      if (k == r) return true;
    }
    return false;
  }

  // "no \"text\" key", or "no text key: none of \"text\", \"raw_content\", \"content\"".
  std::string NoTextKey() const {
    if (text_keys_.size() == 1) return "no \"" + text_keys_[0] + "\" key";
    std::string list;
    for (const std::string& k : text_keys_) list += (list.empty() ? "\"" : ", \"") + k + "\"";
    return "no text key: none of " + list;
  }

  // The keys of a record that lacks the text key (the first 10000 such records), for the hint.
  void NoteKeys(simdjson::dom::object obj) {
    if (++missing_ > 10000) return;
    for (auto [k, v] : obj) {
      KeyStats& ks = keys_[std::string(k)];
      ++ks.records;
      std::string_view sv;
      if (!v.get(sv)) {
        ++ks.strings;
        ks.chars += sv.size();
      }
    }
  }

  // When most records lack the text key, a warning naming the keys they have and the option
  // that would read them (the string key with the longest values, as text is).
  void HintAtEnd() {
    if (hinted_ || missing_ == 0 || missing_ * 2 <= objects_) return;
    hinted_ = true;
    uint64_t seen = std::min<uint64_t>(missing_, 10000);
    std::vector<std::pair<std::string, KeyStats>> keys(keys_.begin(), keys_.end());
    std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
      return a.second.records != b.second.records ? a.second.records > b.second.records
                                                  : a.first < b.first;
    });
    std::string list, best;
    double best_len = 0;
    for (size_t i = 0; i < keys.size(); ++i) {
      const auto& [k, ks] = keys[i];
      if (i < 12) list += (list.empty() ? "" : ", ") + k + " (" + std::to_string(ks.records) + ")";
      if (ks.strings * 2 >= seen) {
        double avg = double(ks.chars) / double(ks.strings);
        if (avg > best_len) {
          best_len = avg;
          best = k;
        }
      }
    }
    if (keys.size() > 12) list += ", ...";
    std::string keylist;
    for (const std::string& k : text_keys_) keylist += (keylist.empty() ? "\"" : ", \"") + k + "\"";
    std::string msg =
        std::to_string(missing_) + " of " + std::to_string(objects_) + " records have " +
        (text_keys_.size() == 1 ? "no " + keylist + " key" : "none of the text keys " + keylist) +
        "; keys found in " +
        (seen < missing_ ? "the first " + std::to_string(seen) + " of them" : std::string("them")) +
        ": " + (list.empty() ? "none" : list);
    if (!best.empty())
      msg += "; to read the text from \"" + best + "\": --set input.jsonl_text_key=" + best;
    warnings_.push_back({0, std::move(msg)});
  }

  struct KeyStats {
    uint64_t records = 0, strings = 0, chars = 0;
  };

  std::unique_ptr<InputStream> in_;
  std::string file_;
  ReaderOptions options_;
  std::string stem_;
  simdjson::dom::parser parser_;
  uint64_t index_ = 0;
  uint64_t line_no_ = 0;
  uint64_t objects_ = 0;  // lines that are JSON objects
  uint64_t missing_ = 0;  // ... of which lack the text key
  std::map<std::string, KeyStats> keys_;
  bool hinted_ = false;
  std::vector<std::string> text_keys_, id_keys_;  // options_' comma-separated key lists
};

class PageFilesReader : public RecordReader {
 public:
  PageFilesReader(std::vector<std::string> files, const ReaderOptions& options)
      : files_(std::move(files)), options_(options) {}

  uint64_t bytes_consumed() const override { return consumed_; }
  uint64_t bytes_decoded() const override { return consumed_; }

  Result<bool> Next(InputRecord* rec) override {
    if (next_ >= files_.size()) return false;
    const std::string& path = files_[next_];
    *rec = InputRecord();
    rec->file = path;
    rec->offset = 0;
    rec->index = next_++;
    rec->id = FileStem(path);
    Status s = ReadFile(path, options_.max_record_bytes, &rec->body);
    if (!s.ok()) {
      rec->body.clear();
      rec->kind = InputRecord::Kind::kUnreadable;
      rec->error = s;
      return true;
    }
    consumed_ += rec->body.size();
    rec->kind = InputRecord::Kind::kPage;
    return true;
  }

 private:
  std::vector<std::string> files_;
  ReaderOptions options_;
  size_t next_ = 0;
  uint64_t consumed_ = 0;
};

}  // namespace

InputKind SniffInputKind(const std::string& path) {
  InputKind by_name = KindByName(path);
  if (by_name == InputKind::kPage) return by_name;  // a page may well start with "{" or "WARC/"
  auto in = InputStream::Open(path);
  if (!in.ok()) return by_name;
  size_t n = (*in)->Ensure(64);
  std::string_view v = (*in)->Peek().substr(0, n);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
  if (v.substr(0, 5) == "WARC/") return InputKind::kWarc;
  if (!v.empty() && v.front() == '{') return InputKind::kJsonl;
  return by_name;
}

Result<std::unique_ptr<RecordReader>> OpenRecordReader(const std::string& path, InputKind kind,
                                                       const ReaderOptions& options) {
  if (kind == InputKind::kPage) return MakePageFilesReader({path}, options);
  auto in = InputStream::Open(path);
  if (!in.ok()) return in.status();
  switch (kind) {
    case InputKind::kWarc:
      return MakeWarcReader(std::move(*in), path, options);
    case InputKind::kJsonl:
      return MakeJsonlReader(std::move(*in), path, options);
    default:
      break;
  }
  return Status::Unsupported("not a WARC, WET or JSONL file");
}

std::unique_ptr<RecordReader> MakeJsonlReader(std::unique_ptr<InputStream> in, std::string file,
                                              const ReaderOptions& options) {
  return std::make_unique<JsonlReader>(std::move(in), std::move(file), options);
}

std::unique_ptr<RecordReader> MakePageFilesReader(std::vector<std::string> files,
                                                  const ReaderOptions& options) {
  return std::make_unique<PageFilesReader>(std::move(files), options);
}

}  // namespace kilang
