// Internal to dedup: checksummed, sectioned files of fixed-width records (W little-endian u64
// words), external sorting with spill to disk, and k-way merging.
//
// File layout (all integers little-endian u64):
//   [section 0 payload][section 1 payload]...[section table][footer]
//   section table: per section {offset, bytes, xxh3_64(payload)}
//   footer (48 bytes): {magic "KLDDREC1", record_words, num_sections, tag,
//                       xxh3_64(section table), magic}
// `tag` is a fingerprint of the options that produced the file; a reader expecting another tag
// rejects the file. Files are written to "<path>.tmp" and renamed into place by Finish(), so a
// killed writer never leaves a file under its final name.
#ifndef KILANG_SRC_DEDUP_RECORD_FILE_H_
#define KILANG_SRC_DEDUP_RECORD_FILE_H_

#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kilang/util/status.h"

namespace kilang::dedup::internal {

// Lexicographic comparison of two records of `w` words.
inline int CompareRecords(const uint64_t* a, const uint64_t* b, size_t w) {
  for (size_t i = 0; i < w; ++i) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

class RecordFileWriter {
 public:
  RecordFileWriter(std::string path, size_t words, size_t num_sections, uint64_t tag);
  ~RecordFileWriter();
  RecordFileWriter(const RecordFileWriter&) = delete;
  RecordFileWriter& operator=(const RecordFileWriter&) = delete;

  Status Open();
  // Appends one record to section `section`. REQUIRES: sections are written in increasing
  // order (a call with a larger section closes the previous ones).
  void Append(size_t section, const uint64_t* record);
  // Writes table and footer, closes and renames into place.
  Status Finish();
  uint64_t records() const { return records_; }

 private:
  void CloseSectionsUpTo(size_t section);
  void Flush();
  std::string path_;
  size_t words_;
  size_t num_sections_;
  uint64_t tag_;
  int fd_ = -1;
  bool failed_ = false;
  std::string error_;
  std::vector<char> buf_;
  uint64_t offset_ = 0;
  size_t current_ = 0;  // section being written
  uint64_t section_start_ = 0;
  XXH3_state_t* state_ = nullptr;
  std::vector<uint64_t> table_;  // 3 words per section
  uint64_t records_ = 0;
};

// An opened, footer-validated record file. Thread-safe for concurrent reads (pread).
class RecordFile {
 public:
  ~RecordFile();
  // Validates the footer and the section table (not the payload checksums; see Validate()).
  // Corruption for a truncated/garbled file or a tag/width mismatch; NotFound if missing.
  static Result<std::unique_ptr<RecordFile>> Open(const std::string& path, size_t words,
                                                  uint64_t tag);
  size_t num_sections() const { return table_.size() / 3; }
  uint64_t section_records(size_t s) const { return table_[3 * s + 1] / (8 * words_); }
  size_t words() const { return words_; }
  const std::string& path() const { return path_; }
  // Reads every section, checking checksums and (if `check_sorted`) strict or non-strict
  // ascending order. Corruption on any failure.
  Status Validate(bool check_sorted) const;
  // Random access: record `index` of section `s`. No checksum check (call Validate() first).
  Status ReadRecord(size_t s, uint64_t index, uint64_t* out) const;
  // Reads `count` records starting at `index` of section `s` into `out`.
  Status ReadRecords(size_t s, uint64_t index, uint64_t count, uint64_t* out) const;

 private:
  friend class SectionCursor;
  RecordFile() = default;
  std::string path_;
  int fd_ = -1;
  size_t words_ = 0;
  std::vector<uint64_t> table_;
};

// A stream of records in some order.
class RecordStream {
 public:
  virtual ~RecordStream() = default;
  // Copies the next record into `out`; false at the end or on error (see status()).
  virtual bool Next(uint64_t* out) = 0;
  virtual Status status() const = 0;
};

// Streams one section with a bounded buffer; verifies the checksum when the end is reached and,
// if asked, that records never decrease. On failure Next() returns false and status() is
// Corruption naming the file.
class SectionCursor : public RecordStream {
 public:
  SectionCursor(const RecordFile* file, size_t section, size_t buffer_bytes, bool check_sorted);
  ~SectionCursor() override;
  bool Next(uint64_t* out) override;
  Status status() const override { return status_; }

 private:
  bool Refill();
  const RecordFile* file_;
  size_t words_;
  uint64_t pos_, end_, expected_hash_;
  bool check_sorted_;
  bool have_prev_ = false;
  std::vector<uint64_t> prev_;
  std::vector<uint64_t> buf_;
  size_t buf_pos_ = 0, buf_len_ = 0;  // in words
  XXH3_state_t* state_;
  Status status_;
};

// Sorts records of `words` words with at most `budget_bytes` held in memory, spilling sorted runs
// to `tmp_dir` when over budget. Single-threaded.
class ExternalSorter {
 public:
  ExternalSorter(size_t words, size_t budget_bytes, std::string tmp_dir, std::string name);
  ~ExternalSorter();
  Status Add(const uint64_t* record);
  // Calls `fn` for each record in ascending order (once per distinct record when `unique`).
  // The sorter is spent afterwards.
  Status Drain(bool unique, const std::function<void(const uint64_t*)>& fn);
  uint64_t spilled_runs() const { return runs_.size(); }

 private:
  Status Spill();
  void SortBuffer();
  size_t words_;
  size_t budget_records_;
  std::string tmp_dir_, name_;
  std::vector<uint64_t> buf_;
  std::vector<std::string> runs_;
};

// Merges sorted streams into one ascending stream, calling `fn` for each record (each distinct
// record once when `unique`). Returns the first stream error.
Status MergeStreams(const std::vector<RecordStream*>& streams, size_t words, bool unique,
                    const std::function<void(const uint64_t*)>& fn);

// Variable-length strings (document ids) stored in a record file of 1-word records: section 0
// holds the bytes of all strings back to back (packed into little-endian words, the last one
// zero-padded), section 1 the n+1 byte offsets. Single-threaded writer.
class StringTableWriter {
 public:
  StringTableWriter(std::string path, uint64_t tag) : w_(std::move(path), 1, 2, tag) {}
  Status Open() { return w_.Open(); }
  void Add(std::string_view s);
  // Writes the offsets, the table and the footer; renames into place.
  Status Finish();
  uint64_t size() const { return offsets_.size() - 1; }

 private:
  RecordFileWriter w_;
  std::vector<uint64_t> offsets_{0};
  uint64_t pending_ = 0;    // bytes not yet forming a whole word
  size_t pending_len_ = 0;  // 0..7
};

// String `index` of a string table (see StringTableWriter). Corruption when out of range.
// Thread-safe (pread).
Result<std::string> ReadTableString(const RecordFile& f, uint64_t index);
// Number of strings in a string table.
inline uint64_t TableStrings(const RecordFile& f) {
  return f.num_sections() == 2 && f.section_records(1) > 0 ? f.section_records(1) - 1 : 0;
}

// Returns a Status for errno after a failed call on `what`.
Status ErrnoStatus(const std::string& what);

}  // namespace kilang::dedup::internal

#endif  // KILANG_SRC_DEDUP_RECORD_FILE_H_
