#include "record_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <queue>

namespace kilang::dedup::internal {

namespace {

constexpr uint64_t kMagic = 0x3143455244444c4bULL;  // "KLDDREC1"
constexpr size_t kFooterWords = 6;
constexpr size_t kWriteBuffer = 1 << 16;

bool PreadAll(int fd, void* buf, size_t n, uint64_t off) {
  char* p = static_cast<char*>(buf);
  while (n > 0) {
    ssize_t r = ::pread(fd, p, n, static_cast<off_t>(off));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
    off += static_cast<uint64_t>(r);
  }
  return true;
}

bool WriteAll(int fd, const void* buf, size_t n) {
  const char* p = static_cast<const char*>(buf);
  while (n > 0) {
    ssize_t r = ::write(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

template <size_t W>
void SortFixed(std::vector<uint64_t>* v) {
  auto* b = reinterpret_cast<std::array<uint64_t, W>*>(v->data());
  std::sort(b, b + v->size() / W);
}

}  // namespace

Status ErrnoStatus(const std::string& what) {
  return Status::IoError(what + ": " + std::strerror(errno));
}

// ---- writer ----

RecordFileWriter::RecordFileWriter(std::string path, size_t words, size_t num_sections,
                                   uint64_t tag)
    : path_(std::move(path)), words_(words), num_sections_(num_sections), tag_(tag) {
  table_.assign(3 * num_sections_, 0);
  state_ = XXH3_createState();
  XXH3_64bits_reset(state_);
  buf_.reserve(kWriteBuffer);
}

RecordFileWriter::~RecordFileWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink((path_ + ".tmp").c_str());
  }
  XXH3_freeState(state_);
}

Status RecordFileWriter::Open() {
  fd_ = ::open((path_ + ".tmp").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) return ErrnoStatus("open " + path_ + ".tmp");
  return Status::Ok();
}

void RecordFileWriter::Flush() {
  if (buf_.empty() || failed_) {
    buf_.clear();
    return;
  }
  if (!WriteAll(fd_, buf_.data(), buf_.size())) {
    failed_ = true;
    error_ = std::strerror(errno);
  }
  buf_.clear();
}

void RecordFileWriter::CloseSectionsUpTo(size_t section) {
  while (current_ < section) {
    table_[3 * current_] = section_start_;
    table_[3 * current_ + 1] = offset_ - section_start_;
    table_[3 * current_ + 2] = XXH3_64bits_digest(state_);
    XXH3_64bits_reset(state_);
    section_start_ = offset_;
    ++current_;
  }
}

void RecordFileWriter::Append(size_t section, const uint64_t* record) {
  assert(section >= current_ && section < num_sections_);
  if (section != current_) CloseSectionsUpTo(section);
  const size_t n = 8 * words_;
  XXH3_64bits_update(state_, record, n);
  const char* p = reinterpret_cast<const char*>(record);
  buf_.insert(buf_.end(), p, p + n);
  offset_ += n;
  ++records_;
  if (buf_.size() >= kWriteBuffer) Flush();
}

Status RecordFileWriter::Finish() {
  CloseSectionsUpTo(num_sections_);
  Flush();
  std::vector<uint64_t> tail = table_;
  uint64_t table_hash = XXH3_64bits(table_.data(), table_.size() * 8);
  uint64_t footer[kFooterWords] = {kMagic, words_, num_sections_, tag_, table_hash, kMagic};
  tail.insert(tail.end(), footer, footer + kFooterWords);
  if (!failed_ && !WriteAll(fd_, tail.data(), tail.size() * 8)) {
    failed_ = true;
    error_ = std::strerror(errno);
  }
  int rc = ::close(fd_);
  fd_ = -1;
  std::string tmp = path_ + ".tmp";
  if (failed_ || rc != 0) {
    ::unlink(tmp.c_str());
    return Status::IoError("write " + path_ + ": " + (failed_ ? error_ : "close failed"));
  }
  if (::rename(tmp.c_str(), path_.c_str()) != 0) return ErrnoStatus("rename " + tmp);
  return Status::Ok();
}

// ---- reader ----

RecordFile::~RecordFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<RecordFile>> RecordFile::Open(const std::string& path, size_t words,
                                                     uint64_t tag) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path);
    return ErrnoStatus("open " + path);
  }
  std::unique_ptr<RecordFile> f(new RecordFile());
  f->fd_ = fd;
  f->path_ = path;
  f->words_ = words;
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoStatus("stat " + path);
  uint64_t size = static_cast<uint64_t>(st.st_size);
  auto bad = [&](const char* why) { return Status::Corruption(path + ": " + why); };
  if (size < kFooterWords * 8 || size % 8 != 0) return bad("truncated (no footer)");
  uint64_t footer[kFooterWords];
  if (!PreadAll(fd, footer, sizeof(footer), size - sizeof(footer))) return bad("footer read");
  if (footer[0] != kMagic || footer[5] != kMagic) return bad("truncated or not a record file");
  if (footer[1] != words) return bad("record width mismatch");
  if (footer[3] != tag) return bad("written with other options (tag mismatch)");
  uint64_t ns = footer[2];
  if (ns > (size / 24)) return bad("section count out of range");
  uint64_t table_bytes = ns * 24;
  if (table_bytes + sizeof(footer) > size) return bad("truncated section table");
  f->table_.resize(3 * ns);
  if (ns > 0 && !PreadAll(fd, f->table_.data(), table_bytes, size - sizeof(footer) - table_bytes)) {
    return bad("table read");
  }
  if (XXH3_64bits(f->table_.data(), table_bytes) != footer[4]) return bad("table checksum");
  uint64_t payload_end = size - sizeof(footer) - table_bytes;
  uint64_t expect = 0;
  for (uint64_t s = 0; s < ns; ++s) {
    if (f->table_[3 * s] != expect || f->table_[3 * s + 1] % (8 * words) != 0) {
      return bad("section layout");
    }
    expect += f->table_[3 * s + 1];
  }
  if (expect != payload_end) return bad("payload size mismatch");
  return f;
}

Status RecordFile::ReadRecords(size_t s, uint64_t index, uint64_t count, uint64_t* out) const {
  if (s >= num_sections() || index + count > section_records(s)) {
    return Status::Corruption(path_ + ": record index out of range");
  }
  uint64_t off = table_[3 * s] + index * 8 * words_;
  if (!PreadAll(fd_, out, count * 8 * words_, off)) return ErrnoStatus("read " + path_);
  return Status::Ok();
}

Status RecordFile::ReadRecord(size_t s, uint64_t index, uint64_t* out) const {
  return ReadRecords(s, index, 1, out);
}

Status RecordFile::Validate(bool check_sorted) const {
  std::vector<uint64_t> rec(words_);
  for (size_t s = 0; s < num_sections(); ++s) {
    SectionCursor c(this, s, 1 << 16, check_sorted);
    while (c.Next(rec.data())) {
    }
    KILANG_RETURN_IF_ERROR(c.status());
  }
  return Status::Ok();
}

SectionCursor::SectionCursor(const RecordFile* file, size_t section, size_t buffer_bytes,
                             bool check_sorted)
    : file_(file), words_(file->words_), check_sorted_(check_sorted) {
  pos_ = file->table_[3 * section];
  end_ = pos_ + file->table_[3 * section + 1];
  expected_hash_ = file->table_[3 * section + 2];
  size_t rec_bytes = 8 * words_;
  size_t n = std::max<size_t>(1, buffer_bytes / rec_bytes);
  buf_.resize(n * words_);
  prev_.resize(words_);
  state_ = XXH3_createState();
  XXH3_64bits_reset(state_);
}

SectionCursor::~SectionCursor() { XXH3_freeState(state_); }

bool SectionCursor::Refill() {
  uint64_t remaining = end_ - pos_;
  size_t n = static_cast<size_t>(std::min<uint64_t>(remaining, buf_.size() * 8));
  if (!PreadAll(file_->fd_, buf_.data(), n, pos_)) {
    status_ = Status::Corruption(file_->path_ + ": short read");
    return false;
  }
  XXH3_64bits_update(state_, buf_.data(), n);
  pos_ += n;
  buf_pos_ = 0;
  buf_len_ = n / 8;
  return true;
}

bool SectionCursor::Next(uint64_t* out) {
  if (!status_.ok()) return false;
  if (buf_pos_ >= buf_len_) {
    if (pos_ >= end_) {
      if (XXH3_64bits_digest(state_) != expected_hash_) {
        status_ = Status::Corruption(file_->path_ + ": checksum mismatch");
      }
      return false;
    }
    if (!Refill()) return false;
  }
  const uint64_t* r = buf_.data() + buf_pos_;
  if (check_sorted_) {
    if (have_prev_ && CompareRecords(r, prev_.data(), words_) < 0) {
      status_ = Status::Corruption(file_->path_ + ": records out of order");
      return false;
    }
    std::memcpy(prev_.data(), r, 8 * words_);
    have_prev_ = true;
  }
  std::memcpy(out, r, 8 * words_);
  buf_pos_ += words_;
  // Verify the checksum as soon as the last record is handed out, so a caller that stops at
  // the last record still learns about corruption.
  if (buf_pos_ >= buf_len_ && pos_ >= end_ && XXH3_64bits_digest(state_) != expected_hash_) {
    status_ = Status::Corruption(file_->path_ + ": checksum mismatch");
    return false;
  }
  return true;
}

// ---- merge ----

Status MergeStreams(const std::vector<RecordStream*>& streams, size_t words, bool unique,
                    const std::function<void(const uint64_t*)>& fn) {
  const size_t k = streams.size();
  std::vector<uint64_t> heads(k * words);
  auto cmp = [&](size_t a, size_t b) {  // min-heap on (record, stream index)
    int c = CompareRecords(&heads[a * words], &heads[b * words], words);
    return c != 0 ? c > 0 : a > b;
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(cmp)> heap(cmp);
  for (size_t i = 0; i < k; ++i) {
    if (streams[i]->Next(&heads[i * words])) {
      heap.push(i);
    } else {
      KILANG_RETURN_IF_ERROR(streams[i]->status());
    }
  }
  std::vector<uint64_t> last(words);
  bool have_last = false;
  while (!heap.empty()) {
    size_t i = heap.top();
    heap.pop();
    const uint64_t* r = &heads[i * words];
    if (!unique || !have_last || CompareRecords(r, last.data(), words) != 0) {
      fn(r);
      if (unique) {
        std::memcpy(last.data(), r, 8 * words);
        have_last = true;
      }
    }
    if (streams[i]->Next(&heads[i * words])) {
      heap.push(i);
    } else {
      KILANG_RETURN_IF_ERROR(streams[i]->status());
    }
  }
  return Status::Ok();
}

// ---- external sorter ----

ExternalSorter::ExternalSorter(size_t words, size_t budget_bytes, std::string tmp_dir,
                               std::string name)
    : words_(words),
      budget_records_(std::max<size_t>(64, budget_bytes / (8 * words))),
      tmp_dir_(std::move(tmp_dir)),
      name_(std::move(name)) {}

ExternalSorter::~ExternalSorter() {
  for (const auto& r : runs_) ::unlink(r.c_str());
}

void ExternalSorter::SortBuffer() {
  switch (words_) {
    case 1:
      std::sort(buf_.begin(), buf_.end());
      break;
    case 2:
      SortFixed<2>(&buf_);
      break;
    case 3:
      SortFixed<3>(&buf_);
      break;
    case 4:
      SortFixed<4>(&buf_);
      break;
    case 5:
      SortFixed<5>(&buf_);
      break;
    default:
      assert(false && "unsupported record width");
  }
}

Status ExternalSorter::Add(const uint64_t* record) {
  if (buf_.capacity() == 0) buf_.reserve(std::min<size_t>(budget_records_, 1 << 16) * words_);
  buf_.insert(buf_.end(), record, record + words_);
  if (buf_.size() / words_ >= budget_records_) return Spill();
  return Status::Ok();
}

Status ExternalSorter::Spill() {
  SortBuffer();
  std::string path = tmp_dir_ + "/" + name_ + ".run" + std::to_string(runs_.size());
  RecordFileWriter w(path, words_, 1, 0);
  KILANG_RETURN_IF_ERROR(w.Open());
  for (size_t i = 0; i < buf_.size(); i += words_) w.Append(0, &buf_[i]);
  KILANG_RETURN_IF_ERROR(w.Finish());
  runs_.push_back(path);
  buf_.clear();
  buf_.shrink_to_fit();
  return Status::Ok();
}

namespace {
class VectorStream : public RecordStream {
 public:
  VectorStream(const std::vector<uint64_t>* v, size_t words) : v_(v), words_(words) {}
  bool Next(uint64_t* out) override {
    if (pos_ >= v_->size()) return false;
    std::memcpy(out, v_->data() + pos_, 8 * words_);
    pos_ += words_;
    return true;
  }
  Status status() const override { return Status::Ok(); }

 private:
  const std::vector<uint64_t>* v_;
  size_t words_;
  size_t pos_ = 0;
};
}  // namespace

Status ExternalSorter::Drain(bool unique, const std::function<void(const uint64_t*)>& fn) {
  SortBuffer();
  std::vector<std::unique_ptr<RecordFile>> files;
  std::vector<std::unique_ptr<RecordStream>> streams;
  for (const auto& r : runs_) {
    auto f = RecordFile::Open(r, words_, 0);
    if (!f.ok()) return f.status();
    files.push_back(std::move(f).value());
  }
  size_t per_run = std::max<size_t>(
      8 * words_, (budget_records_ * 8 * words_) / std::max<size_t>(1, runs_.size() + 1) / 2);
  for (const auto& f : files) {
    streams.push_back(std::make_unique<SectionCursor>(f.get(), 0, per_run, true));
  }
  streams.push_back(std::make_unique<VectorStream>(&buf_, words_));
  std::vector<RecordStream*> raw;
  for (auto& s : streams) raw.push_back(s.get());
  Status st = MergeStreams(raw, words_, unique, fn);
  buf_.clear();
  buf_.shrink_to_fit();
  return st;
}

// ---- string tables ----

void StringTableWriter::Add(std::string_view s) {
  for (unsigned char c : s) {
    pending_ |= static_cast<uint64_t>(c) << (8 * pending_len_);
    if (++pending_len_ == 8) {
      w_.Append(0, &pending_);
      pending_ = 0;
      pending_len_ = 0;
    }
  }
  offsets_.push_back(offsets_.back() + s.size());
}

Status StringTableWriter::Finish() {
  if (pending_len_ > 0) w_.Append(0, &pending_);
  pending_ = 0;
  pending_len_ = 0;
  for (uint64_t off : offsets_) w_.Append(1, &off);
  return w_.Finish();
}

Result<std::string> ReadTableString(const RecordFile& f, uint64_t index) {
  if (f.num_sections() != 2 || index + 1 >= f.section_records(1)) {
    return Status::Corruption(f.path() + ": string " + std::to_string(index) + " out of range");
  }
  uint64_t off[2];
  KILANG_RETURN_IF_ERROR(f.ReadRecords(1, index, 2, off));
  if (off[1] < off[0] || off[1] > 8 * f.section_records(0)) {
    return Status::Corruption(f.path() + ": bad string offsets");
  }
  std::string out(off[1] - off[0], '\0');
  if (out.empty()) return out;
  const uint64_t w0 = off[0] / 8, w1 = (off[1] + 7) / 8;
  std::vector<uint64_t> words(w1 - w0);
  KILANG_RETURN_IF_ERROR(f.ReadRecords(0, w0, words.size(), words.data()));
  for (uint64_t b = off[0]; b < off[1]; ++b) {
    out[b - off[0]] = static_cast<char>(words[b / 8 - w0] >> (8 * (b % 8)));
  }
  return out;
}

}  // namespace kilang::dedup::internal
