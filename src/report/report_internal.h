// Internal pieces of the report, exposed for the unit tests: the deterministic sampler, text
// cutting, line marks, the sample budget, and a small JSON writer.
#ifndef KILANG_SRC_REPORT_REPORT_INTERNAL_H_
#define KILANG_SRC_REPORT_REPORT_INTERNAL_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "kilang/report/report.h"

namespace kilang::report::internal {

// The sampling key of a document: XXH3-64 of its id with `seed`.
uint64_t SampleKey(std::string_view id, uint64_t seed);

// Keeps the `k` items with the smallest (key, id, order) seen so far: a uniform random sample of
// size k ("bottom-k"), the same whatever order the items are offered in. T needs `key`, `id`;
// `order` (the document's position: shard << 32 | line) breaks ties between equal ids.
template <typename T>
class BottomK {
 public:
  explicit BottomK(size_t k = 0) : k_(k) {}
  size_t k() const { return k_; }
  size_t size() const { return items_.size(); }

  // Whether an item with this rank would be kept now (cheap: call before building the item).
  bool Wants(uint64_t key, std::string_view id, uint64_t order) const {
    if (k_ == 0) return false;
    if (items_.size() < k_) return true;
    const Entry& top = items_.front();
    return std::tie(key, id, order) < std::tie(top.item.key, top.item.id, top.order);
  }
  void Offer(T item, uint64_t order) {
    if (!Wants(item.key, item.id, order)) return;
    items_.push_back(Entry{std::move(item), order});
    std::push_heap(items_.begin(), items_.end(), Less);
    if (items_.size() > k_) {
      std::pop_heap(items_.begin(), items_.end(), Less);
      items_.pop_back();
    }
  }
  void Merge(BottomK&& o) {
    for (Entry& e : o.items_) Offer(std::move(e.item), e.order);
    o.items_.clear();
  }
  // The kept items by increasing rank; empties the sampler.
  std::vector<T> Take() {
    std::sort(items_.begin(), items_.end(), Less);
    std::vector<T> out;
    out.reserve(items_.size());
    for (Entry& e : items_) out.push_back(std::move(e.item));
    items_.clear();
    return out;
  }

 private:
  struct Entry {
    T item;
    uint64_t order;
  };
  static bool Less(const Entry& a, const Entry& b) {
    return std::tie(a.item.key, a.item.id, a.order) < std::tie(b.item.key, b.item.id, b.order);
  }
  size_t k_;
  std::vector<Entry> items_;  // a max-heap on rank
};

// Code points in valid UTF-8 `s` (bytes that are not continuation bytes).
uint64_t CountCodePoints(std::string_view s);

// The first `max_code_points` code points of `s` (all of it when shorter); *truncated tells.
std::string_view CutCodePoints(std::string_view s, size_t max_code_points, bool* truncated);
// The longest prefix of `s` of at most `max_bytes` bytes that ends on a code point boundary.
std::string_view CutBytes(std::string_view s, size_t max_bytes);

// The largest per-text byte cap such that the texts cut to it sum to at most `budget` bytes
// (SIZE_MAX when they already fit).
size_t FitBudget(const std::vector<size_t>& text_bytes, size_t budget);

// The lines of doc.text to mark (see LineMark): "pii" for lines holding one of `placeholders`
// when the document has a pii_* count, "repeated" for non-blank lines that occur more than once
// when the document was removed for repetition.
std::vector<LineMark> MarkLines(const SampleDoc& doc, const std::vector<std::string>& placeholders);

// The per-document stages of the default pipeline and the dedup stages, in pipeline order.
std::vector<std::string> DefaultStageOrder();

// Orders the funnel: `configured` stages first (in that order), then stages found only in
// stats.json (alphabetically), then the dedup stages, which always run last.
std::vector<std::string> StageOrder(const std::vector<std::string>& configured,
                                    const std::vector<std::string>& in_stats);

// A minimal streaming JSON writer (UTF-8 in, UTF-8 out; commas handled).
class JsonWriter {
 public:
  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  JsonWriter& Key(std::string_view k);
  JsonWriter& String(std::string_view s);
  JsonWriter& Uint(uint64_t v);
  JsonWriter& Int(int64_t v);
  JsonWriter& Double(double v);  // non-finite numbers are written as null
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  JsonWriter& Raw(std::string_view json);  // an already serialised value
  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  JsonWriter& Open(char c);
  JsonWriter& Close(char c);
  void Sep();
  std::string out_;
  std::vector<bool> first_{true};
  bool after_key_ = false;
};

}  // namespace kilang::report::internal

#endif  // KILANG_SRC_REPORT_REPORT_INTERNAL_H_
