// The report's small pieces: sampling keys, text cutting, line marks, the funnel's stage order
// and the JSON writer (report_internal.h).
#include <xxhash.h>

#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "kilang/core/document.h"
#include "kilang/pipeline/registry.h"
#include "report_internal.h"

namespace kilang::report {

void Histogram::Add(double v) {
  if (counts.empty()) return;
  // upper_bound: the first edge greater than v; the bin is the one before it.
  size_t i = size_t(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin());
  i = i == 0 ? 0 : i - 1;
  ++counts[std::min(i, counts.size() - 1)];
}

void Histogram::Merge(const Histogram& o) {
  if (counts.empty()) {
    *this = o;
    return;
  }
  for (size_t i = 0; i < counts.size() && i < o.counts.size(); ++i) counts[i] += o.counts[i];
}

namespace internal {

uint64_t SampleKey(std::string_view id, uint64_t seed) {
  return XXH3_64bits_withSeed(id.data(), id.size(), seed);
}

uint64_t CountCodePoints(std::string_view s) {
  uint64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string_view CutCodePoints(std::string_view s, size_t max_code_points, bool* truncated) {
  size_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (seen == max_code_points) {
      *truncated = true;
      return s.substr(0, i);
    }
    ++seen;
  }
  *truncated = false;
  return s;
}

std::string_view CutBytes(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t i = max_bytes;
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return s.substr(0, i);
}

size_t FitBudget(const std::vector<size_t>& text_bytes, size_t budget) {
  uint64_t total = 0;
  size_t longest = 0;
  for (size_t n : text_bytes) {
    total += n;
    longest = std::max(longest, n);
  }
  if (total <= budget) return SIZE_MAX;
  auto used = [&](size_t cap) {
    uint64_t sum = 0;
    for (size_t n : text_bytes) sum += std::min(n, cap);
    return sum;
  };
  size_t lo = 0, hi = longest;  // used(lo) <= budget < used(hi)
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    (used(mid) <= budget ? lo : hi) = mid;
  }
  return lo;
}

namespace {

bool HasPiiCount(const SampleDoc& doc) {
  for (const auto& [k, v] : doc.extra) {
    if (k.rfind("pii_", 0) == 0 && v != "0" && !v.empty()) return true;
  }
  return false;
}

bool RemovedForRepetition(const SampleDoc& doc) {
  return doc.stage == "gopher_repetition" || doc.reason == "char_dup_ratio";
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

std::vector<LineMark> MarkLines(const SampleDoc& doc,
                                const std::vector<std::string>& placeholders) {
  std::vector<LineMark> marks;
  const bool pii = HasPiiCount(doc);
  const bool repetition = RemovedForRepetition(doc);
  if (!pii && !repetition) return marks;
  std::vector<std::string_view> lines;
  std::string_view text = doc.text;
  for (size_t i = 0;;) {
    size_t e = text.find('\n', i);
    lines.push_back(text.substr(i, e == std::string_view::npos ? std::string_view::npos : e - i));
    if (e == std::string_view::npos) break;
    i = e + 1;
  }
  std::unordered_map<std::string_view, int> count;
  if (repetition) {
    for (std::string_view l : lines) {
      l = Trim(l);
      if (!l.empty()) ++count[l];
    }
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (pii) {
      bool hit = false;
      for (const std::string& p : placeholders)
        hit = hit || (!p.empty() && lines[i].find(p) != std::string_view::npos);
      if (hit) {
        marks.push_back({uint32_t(i), "pii"});
        continue;
      }
    }
    if (repetition) {
      std::string_view l = Trim(lines[i]);
      if (!l.empty() && count[l] > 1) marks.push_back({uint32_t(i), "repeated"});
    }
  }
  return marks;
}

std::vector<std::string> DefaultStageOrder() {
  std::vector<std::string> out = DefaultPipeline();
  for (const char* s : {"exact_dedup", "minhash_dedup", "line_dedup"}) out.emplace_back(s);
  return out;
}

std::vector<std::string> StageOrder(const std::vector<std::string>& configured,
                                    const std::vector<std::string>& in_stats) {
  static const std::vector<std::string> kDedup = {"exact_dedup", "minhash_dedup", "line_dedup"};
  auto contains = [](const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  std::vector<std::string> out;
  for (const std::string& s : configured) {
    if (!contains(kDedup, s) && !contains(out, s)) out.push_back(s);
  }
  std::vector<std::string> extra;
  for (const std::string& s : in_stats) {
    if (!contains(kDedup, s) && !contains(out, s) && !contains(extra, s)) extra.push_back(s);
  }
  std::sort(extra.begin(), extra.end());
  out.insert(out.end(), extra.begin(), extra.end());
  for (const std::string& s : kDedup) {
    if (contains(configured, s) || contains(in_stats, s)) out.push_back(s);
  }
  return out;
}

// ---- JsonWriter ----

void JsonWriter::Sep() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.back()) out_.push_back(',');
  first_.back() = false;
}

JsonWriter& JsonWriter::Open(char c) {
  Sep();
  out_.push_back(c);
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::Close(char c) {
  out_.push_back(c);
  first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view k) {
  Sep();
  AppendJsonString(k, &out_);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view s) {
  Sep();
  AppendJsonString(s, &out_);
  return *this;
}

JsonWriter& JsonWriter::Uint(uint64_t v) {
  Sep();
  out_ += std::to_string(v);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t v) {
  Sep();
  out_ += std::to_string(v);
  return *this;
}

JsonWriter& JsonWriter::Double(double v) {
  Sep();
  if (!std::isfinite(v)) {
    out_ += "null";
    return *this;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  out_ += buf;
  return *this;
}

JsonWriter& JsonWriter::Bool(bool v) {
  Sep();
  out_ += v ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Null() {
  Sep();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  Sep();
  out_.append(json);
  return *this;
}

}  // namespace internal
}  // namespace kilang::report
