#include "kilang/filter/langid.h"

#include <fasttext/fasttext.h>
#include <fasttext/loss.h>
#include <fasttext/model.h>
#include <fasttext/productquantizer.h>
#include <fasttext/quantmatrix.h>
#define XXH_INLINE_ALL
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <sys/mman.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <new>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>

#include "kilang/filter/lang_config.h"
#include "kilang/util/text.h"
#include "kilang/util/utf8.h"

namespace kilang {
namespace {

constexpr std::string_view kLabelPrefix = "__label__";
constexpr size_t kMaxCachedTokens = 1 << 17;  // 20 MiB of slots at most
constexpr size_t kMaxTokenBytes = 1024;

// Allocator for the tables read at random for every token (n-gram index and rows, the token
// cache): blocks of at least 1 MiB are 2 MiB-aligned and, where the kernel allows it, backed by
// transparent huge pages, so that the random reads need one TLB entry per 2 MiB instead of one
// per 4 KiB (the TLB misses were a visible part of the cost). Smaller blocks: operator new.
template <typename T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr size_t kHuge = size_t{2} << 20;
  static constexpr size_t kMin = size_t{1} << 20;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: allocator rebinding
  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kMin) {
      return static_cast<T*>(::operator new (bytes, std::align_val_t{alignof(T)}));
    }
    const size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
    void* p = std::aligned_alloc(kHuge, rounded);
    if (!p) throw std::bad_alloc();
#if defined(MADV_HUGEPAGE)
    madvise(p, rounded, MADV_HUGEPAGE);  // a hint; failure only costs speed
#endif
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) {
    if (n * sizeof(T) < kMin) {
      ::operator delete (p, std::align_val_t{alignof(T)});
    } else {
      std::free(p);
    }
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};
template <typename T>
using HugeVector = std::vector<T, HugePageAllocator<T>>;

// fastText's word separators (Dictionary::readWord).
inline bool IsFastTextSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0';
}

// Gives access to the loaded model's parts (protected in fasttext::FastText / Dictionary)
// without changing them, to precompute a dense copy of what prediction reads.
class Model : public fasttext::FastText {
 public:
  void Init() { loss_ = createLoss(output_); }
  const fasttext::Dictionary& dict() const { return *dict_; }
  const fasttext::Loss& loss() const { return *loss_; }
  const fasttext::Matrix& input() const { return *input_; }
  const fasttext::Args& args() const { return *args_; }

 private:
  std::shared_ptr<fasttext::Loss> loss_;
};

// Reads Dictionary's protected pruning table through a member pointer formed in a derived class.
struct DictionaryAccess : fasttext::Dictionary {
  static const std::unordered_map<int32_t, int32_t>& PruneIndex(const fasttext::Dictionary& d) {
    return d.*(&DictionaryAccess::pruneidx_);
  }
  static int64_t PruneIndexSize(const fasttext::Dictionary& d) {
    return d.*(&DictionaryAccess::pruneidx_size_);
  }
};

// Reads a product-quantized input matrix's codes (protected in fasttext::QuantMatrix).
struct QuantAccess : fasttext::QuantMatrix {
  static const QuantMatrix* Of(const fasttext::Matrix& m) {
    return dynamic_cast<const fasttext::QuantMatrix*>(&m);
  }
  static const fasttext::ProductQuantizer* Pq(const QuantMatrix& m) {
    return (m.*(&QuantAccess::pq_)).get();
  }
  static const fasttext::ProductQuantizer* Npq(const QuantMatrix& m) {
    return (m.*(&QuantAccess::npq_)).get();
  }
  static const std::vector<uint8_t>& Codes(const QuantMatrix& m) {
    return m.*(&QuantAccess::codes_);
  }
  static const std::vector<uint8_t>& NormCodes(const QuantMatrix& m) {
    return m.*(&QuantAccess::norm_codes_);
  }
  static bool Qnorm(const QuantMatrix& m) { return m.*(&QuantAccess::qnorm_); }
};

// fastText's string hash (Dictionary::hash): 32-bit FNV-1a over bytes read as signed chars.
inline uint32_t FtHashStep(uint32_t h, char c) {
  h ^= static_cast<uint32_t>(static_cast<int8_t>(c));
  return h * 16777619u;
}

// Transparent hashing so lookups by string_view do not allocate.
struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

constexpr int kDim = 16;  // lid.176's dimension; other models are rejected at load

struct alignas(64) Row {  // one cache line
  float v[kDim];
};

// A running sum of rows, in registers (the same float additions as a loop over d).
class RowSum {
 public:
#if defined(__SSE2__)
  void Add(const Row& r) {
    a0_ = _mm_add_ps(a0_, _mm_load_ps(r.v));
    a1_ = _mm_add_ps(a1_, _mm_load_ps(r.v + 4));
    a2_ = _mm_add_ps(a2_, _mm_load_ps(r.v + 8));
    a3_ = _mm_add_ps(a3_, _mm_load_ps(r.v + 12));
  }
  void Store(Row* out) const {
    _mm_store_ps(out->v, a0_);
    _mm_store_ps(out->v + 4, a1_);
    _mm_store_ps(out->v + 8, a2_);
    _mm_store_ps(out->v + 12, a3_);
  }

 private:
  __m128 a0_ = _mm_setzero_ps(), a1_ = _mm_setzero_ps(), a2_ = _mm_setzero_ps(),
         a3_ = _mm_setzero_ps();
#else
  void Add(const Row& r) {
    for (int d = 0; d < kDim; ++d) s_.v[d] += r.v[d];
  }
  void Store(Row* out) const { *out = s_; }

 private:
  Row s_{};
#endif
};

// Open-addressing string -> V table keyed by a 64-bit hash, entries in insertion order. No
// division and one probe array, unlike std::unordered_map (which dominated the profile).
template <typename V>
class StringTable {
 public:
  size_t size() const { return entries_.size(); }
  void Clear() {
    entries_.clear();
    slots_.assign(slots_.empty() ? 1024 : slots_.size(), 0);
  }
  const V* Find(std::string_view key, uint64_t h) const {
    if (slots_.empty()) return nullptr;
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      uint64_t s = slots_[i];
      if (s == 0) return nullptr;
      const Entry& e = entries_[(s & 0xffffffffu) - 1];
      if ((s >> 32) == (h >> 32) && e.key == key) return &e.value;
    }
  }
  void Prefetch(uint64_t h) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[h & (slots_.size() - 1)]);
  }
  void Insert(std::string_view key, uint64_t h, const V& v) {
    if ((entries_.size() + 1) * 2 > slots_.size())
      Rehash(std::max<size_t>(1024, slots_.size() * 2));
    entries_.push_back({std::string(key), h, v});
    Place(h, entries_.size());
  }

 private:
  struct Entry {
    std::string key;
    uint64_t hash;
    V value;
  };
  void Place(uint64_t h, size_t index1) {
    size_t mask = slots_.size() - 1;
    size_t i = h & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = (h >> 32) << 32 | index1;
  }
  void Rehash(size_t n) {
    slots_.assign(n, 0);
    for (size_t k = 0; k < entries_.size(); ++k) Place(entries_[k].hash, k + 1);
  }
  std::vector<Entry> entries_;
  std::vector<uint64_t> slots_;
};

// Token hash. Tokens of up to 16 bytes (almost all) are read as two little-endian words padded
// with zero bytes (unambiguous: a token never contains NUL, a fastText space) and mixed with one
// 64x64->128-bit multiply; longer ones use XXH3. The constants' low bytes are 0, so neither
// multiplicand can be 0 (a token's first byte and, past 8 bytes, its ninth are never NUL).
constexpr uint64_t kHashK0 = 0xa0761d6478bd6400ULL;
constexpr uint64_t kHashK1 = 0xe7037ed1a0b42800ULL;
inline uint64_t ShortHash(uint64_t lo, uint64_t hi) {
  const __uint128_t r = static_cast<__uint128_t>(lo ^ kHashK0) * (hi ^ kHashK1);
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}
inline uint64_t TokenHash(std::string_view s) {
  if (s.size() > 16) return XXH3_64bits(s.data(), s.size());
  char buf[16] = {};
  std::memcpy(buf, s.data(), s.size());
  uint64_t lo, hi;
  std::memcpy(&lo, buf, 8);
  std::memcpy(&hi, buf + 8, 8);
  return ShortHash(lo, hi);
}
// Masks keeping the first `len` bytes (0..16) of a 16-byte little-endian (lo, hi) word pair.
struct LenMasks {
  uint64_t lo[17], hi[17];
  constexpr LenMasks() : lo(), hi() {
    for (int len = 0; len <= 16; ++len) {
      lo[len] = len >= 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * len)) - 1;
      hi[len] = len <= 8 ? 0 : len == 16 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * (len - 8))) - 1;
    }
  }
};
constexpr LenMasks kLenMasks;
// TokenHash of the `len` (0..16) bytes at p, when 16 bytes may be read at p.
inline uint64_t ShortTokenHashUnpadded(const char* p, size_t len) {
  uint64_t lo, hi;
  std::memcpy(&lo, p, 8);
  std::memcpy(&hi, p + 8, 8);
  return ShortHash(lo & kLenMasks.lo[len], hi & kLenMasks.hi[len]);
}

// Bit i set when p[i] is a fastText space (" \t\n\v\f\r" or NUL), for the 16 bytes at p.
inline uint32_t SpaceMask16(const char* p) {
#if !defined(__SSE2__)
  uint32_t m = 0;
  for (int i = 0; i < 16; ++i) m |= static_cast<uint32_t>(IsFastTextSpace(p[i])) << i;
  return m;
#else
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i sp = _mm_cmpeq_epi8(v, _mm_set1_epi8(' '));
  const __m128i nul = _mm_cmpeq_epi8(v, _mm_setzero_si128());
  // 9..13 -> -128..-124 (signed), everything else above.
  const __m128i x = _mm_add_epi8(v, _mm_set1_epi8(static_cast<char>(0x80 - 9)));
  const __m128i ctl = _mm_cmplt_epi8(x, _mm_set1_epi8(static_cast<char>(-128 + 5)));
  return static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(sp, nul), ctl)));
#endif
}

// Bit i set when p[i] is a fastText space, for the 64 bytes at p.
inline uint64_t SpaceMask64(const char* p) {
  return static_cast<uint64_t>(SpaceMask16(p)) | static_cast<uint64_t>(SpaceMask16(p + 16)) << 16 |
         static_cast<uint64_t>(SpaceMask16(p + 32)) << 32 |
         static_cast<uint64_t>(SpaceMask16(p + 48)) << 48;
}

// fastText's tokens of a line, 64 bytes at a time: each block's space mask gives the bits where
// tokens start (a non-space after a space) and end (a space after a non-space); tokens are then
// read off the two masks with a count-trailing-zeros each, whatever their length.
class Tokenizer {
 public:
  explicit Tokenizer(std::string_view text) : p_(text.data()), n_(text.size()) {}
  // Up to `max` next tokens as [b[i], e[i]); returns how many (0 at the end).
  int Next(size_t* b, size_t* e, int max) {
    // In locals: stores through b and e could otherwise alias the members.
    size_t base = base_, start = start_;
    uint64_t starts = starts_, ends = ends_;
    bool open = open_;
    int m = 0;
    while (m < max) {
      if (open) {
        if (ends == 0) {
          if (Load(&base, &starts, &ends)) continue;
          b[m] = start, e[m++] = n_;  // the last token runs to the end of the text
          open = false;
          break;
        }
        b[m] = start, e[m++] = base + __builtin_ctzll(ends);
        ends &= ends - 1;
        open = false;
        continue;
      }
      if (starts == 0) {
        if (Load(&base, &starts, &ends)) continue;
        break;
      }
      start = base + __builtin_ctzll(starts);
      starts &= starts - 1;
      open = true;
    }
    base_ = base, start_ = start, starts_ = starts, ends_ = ends, open_ = open;
    return m;
  }

 private:
  // The masks of the next block; false past the end. Bytes past the end count as spaces.
  bool Load(size_t* base, uint64_t* starts, uint64_t* ends) {
    if (next_ >= n_) return false;
    *base = next_;
    uint64_t s;
    if (next_ + 64 <= n_) {
      s = SpaceMask64(p_ + next_);
    } else {
      char tail[64];
      std::memset(tail, ' ', sizeof tail);
      std::memcpy(tail, p_ + next_, n_ - next_);
      s = SpaceMask64(tail);
    }
    const uint64_t after_space = s << 1 | carry_;  // bit i: byte i - 1 is a space
    *starts = ~s & after_space;
    *ends = s & ~after_space;
    carry_ = s >> 63;
    next_ += 64;
    return true;
  }

  const char* p_;
  size_t n_;
  size_t next_ = 0, base_ = 0, start_ = 0;
  uint64_t starts_ = 0, ends_ = 0;
  uint64_t carry_ = 1;  // the text starts after a space
  bool open_ = false;
};

}  // namespace

// Per-worker cache: token -> summed input rows (word row + character n-gram rows) and their
// count. A compact open-addressing probe table of 16-byte slots {hash, row index, count, hits}
// (four per cache line, at most half full) points into a dense array of 64-byte rows. Tokens are
// identified by their 64-bit hash alone (a collision among the at most kMaxCachedTokens cached
// tokens has probability ~1e-9 and would only perturb one score).
//
// Bounded: when kMaxCachedTokens would be exceeded, the least used half (by a saturating hit
// count, halved at every eviction so it follows recent use) is dropped and the rest compacted,
// so frequent words stay cached. Eviction only changes speed, never results.
struct LanguageIdentifier::Scratch {
  struct Slot {
    uint64_t hash;  // 0: empty
    uint32_t index;
    uint16_t count;
    uint16_t hits;  // saturates at 255
  };
  const void* owner = nullptr;
  HugeVector<Slot> slots;
  HugeVector<Row> rows;
  size_t max_tokens = kMaxCachedTokens;
  // N-gram bucket ids of a batch's new tokens (bounded: 16 tokens of at most 1 KiB; 263 KB for
  // lid.176).
  std::vector<uint32_t> ngram_ids;
  // Output-layer working memory (allocated once per worker).
  std::unique_ptr<fasttext::Model::State> state;
  fasttext::Predictions heap;

  void Reset() {
    state.reset();  // sized for the previous owner's label count
    slots.assign(16384, Slot{});
    rows.clear();
    // Address space for the bound at once (pages are only touched as rows are added), so rows
    // are never copied as the cache grows.
    rows.reserve(max_tokens + 64);
  }
  // Makes room for `k` more tokens without a rehash or eviction in between (row indices stay
  // valid until the next call).
  void Reserve(size_t k) {
    if (rows.size() + k > max_tokens) Evict();
    if ((rows.size() + k) * 2 > slots.size()) {
      size_t n = slots.size();
      while ((rows.size() + k) * 2 > n) n *= 2;
      Rebuild(n);
      rows.reserve(n / 2);
    }
  }
  // (Lookups probe the slots inline in Predict: from h & (size - 1) to the slot holding h or
  // the first empty one, where a new token's slot goes.)
  void Place(const Slot& s) {
    const size_t mask = slots.size() - 1;
    size_t i = s.hash & mask;
    while (slots[i].hash != 0) i = (i + 1) & mask;
    slots[i] = s;
  }

 private:
  void Rebuild(size_t n) {
    HugeVector<Slot> old = std::move(slots);
    slots.assign(n, Slot{});
    for (const Slot& s : old) {
      if (s.hash) Place(s);
    }
  }
  void Evict() {
    size_t hist[257] = {};
    for (const Slot& s : slots) {
      if (s.hash) ++hist[s.hits];
    }
    // Smallest threshold keeping at most half.
    size_t t = 256, kept = 0;
    while (t > 1 && kept + hist[t - 1] <= max_tokens / 2) kept += hist[--t];
    HugeVector<Slot> old = std::move(slots);
    HugeVector<Row> old_rows = std::move(rows);
    slots.assign(old.size(), Slot{});
    rows.clear();
    rows.reserve(max_tokens + 64);
    for (const Slot& s : old) {
      if (s.hash == 0 || s.hits < t) continue;
      Slot n = s;
      n.index = static_cast<uint32_t>(rows.size());
      n.hits = static_cast<uint16_t>(std::max(1, s.hits / 2));
      rows.push_back(old_rows[s.index]);
      Place(n);
    }
  }
};

inline int Popcount64(uint64_t x) {  // portable (the build targets baseline x86-64)
  x -= (x >> 1) & 0x5555555555555555ULL;
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<int>((x * 0x0101010101010101ULL) >> 56);
}

// What prediction needs, precomputed at load: every input row decoded from the product
// quantizer into floats, the pruned-bucket index as a rank bitmap, the n-gram rows in a compact
// coded form, and for each vocabulary word the sum of its rows (word + character n-grams) and
// how many rows that is.
struct LanguageIdentifier::Impl {
  Model model;
  std::vector<std::string> labels;  // without prefix
  std::vector<Row> rows;            // input matrix, dense (freed after load when `coded`)
  bool pruned = false;              // pruneidx_size_ > 0
  bool no_subwords = false;         // pruneidx_size_ == 0
  // Pruned models: bucket b has a row when bit b of pbits is set; its position among the kept
  // buckets (in bucket order) is prank[b / 64] + the set bits below it in its word. For lid.176
  // (2M buckets, ~43k kept) this is 375 KB and fits in L2, unlike a hash table of the same map.
  std::vector<uint64_t> pbits;
  std::vector<uint32_t> prank;
  std::vector<int32_t> pos_row;  // position -> input row
  // lid.176.ftz's input matrix is product-quantized (8 sub-quantizers of 2 floats, 256
  // centroids each, and a quantized norm): its n-gram rows are kept here in that coded form too,
  // 9 bytes a row instead of a 64-byte dense row, seven rows to a cache line (row at position p:
  // line p / 7, entry p % 7; one cache miss a row), decoded from `centroids` and `norms` (16 KB,
  // in L1) to the same floats (checked at load; else `coded` is false and the dense rows are
  // used).
  static constexpr int kCodesPerLine = 7;
  struct alignas(64) CodeLine {
    uint64_t code[kCodesPerLine];  // byte q: centroid of sub-quantizer q
    uint8_t norm[kCodesPerLine];   // norm centroid
  };
  bool coded = false;
  std::vector<CodeLine> code_lines;
  // What prediction reads of pbits, prank and code_lines, copied into one block (lid.176:
  // 0.8 MB, one huge page when the kernel gives one).
  HugeVector<uint64_t> arena;
  const uint64_t* pb = nullptr;
  const uint32_t* pr = nullptr;
  const CodeLine* cl = nullptr;
  alignas(16) float centroids[kDim / 2][256][2] = {};
  float norms[256] = {};
  int32_t nwords = 0, minn = 0, maxn = 0;
  uint32_t bucket = 1;
  uint64_t bucket_magic = 0;  // for FastMod()
  std::string label_prefix;
  struct Word {
    Row sum;
    int count = 0;
  };
  StringTable<Word> vocab;
  Word eos;

  // Builds pbits/prank/pos_row and, when possible, the coded rows. Corruption on a bad index.
  Status BuildNgramIndex(const std::unordered_map<int32_t, int32_t>& pruneidx) {
    const int64_t nrows = static_cast<int64_t>(rows.size());
    std::vector<int32_t> row_of;  // position -> row
    if (pruned) {
      pbits.assign((bucket + 63) / 64, 0);
      std::vector<std::pair<int32_t, int32_t>> kept(pruneidx.begin(), pruneidx.end());
      std::sort(kept.begin(), kept.end());
      for (const auto& [b, index] : kept) {
        if (b < 0 || static_cast<uint32_t>(b) >= bucket || index < 0 || nwords + index >= nrows)
          return Status::Corruption("bad pruned n-gram index");
        pbits[b / 64] |= UINT64_C(1) << (b % 64);
        row_of.push_back(nwords + index);
      }
      prank.resize(pbits.size());
      uint32_t r = 0;
      for (size_t w = 0; w < pbits.size(); ++w) {
        prank[w] = r;
        r += Popcount64(pbits[w]);
      }
      pos_row = row_of;
    } else {
      if (nwords + static_cast<int64_t>(bucket) > nrows)
        return Status::Corruption("input matrix smaller than nwords + bucket");
      for (uint32_t b = 0; b < bucket; ++b) row_of.push_back(nwords + static_cast<int32_t>(b));
    }
    BuildCodes(row_of);
    Pack();
    return Status::Ok();
  }

  // Moves pbits, prank and code_lines into `arena`.
  void Pack() {
    const size_t words = pbits.size(), ranks = (prank.size() + 1) / 2;
    const size_t lines_at = (words + ranks + 7) / 8 * 8;  // in words; 64-byte aligned
    const size_t n = lines_at + code_lines.size() * (sizeof(CodeLine) / 8);
    arena.reserve(std::max(n, HugePageAllocator<uint64_t>::kMin / 8));  // a huge-page block
    arena.assign(n, 0);
    if (words) std::memcpy(arena.data(), pbits.data(), words * 8);
    if (ranks) std::memcpy(arena.data() + words, prank.data(), prank.size() * 4);
    if (!code_lines.empty()) {
      std::memcpy(arena.data() + lines_at, code_lines.data(), code_lines.size() * sizeof(CodeLine));
    }
    pb = arena.data();
    pr = reinterpret_cast<const uint32_t*>(arena.data() + words);
    cl = code_lines.empty() ? nullptr : reinterpret_cast<const CodeLine*>(arena.data() + lines_at);
    pbits = {};
    prank = {};
    code_lines = {};
  }

  // The coded form of the n-gram rows, when the input matrix is product-quantized with 8
  // sub-quantizers of 2 floats (lid.176.ftz) and decoding reproduces `rows` bit for bit.
  void BuildCodes(const std::vector<int32_t>& row_of) {
    const fasttext::QuantMatrix* qm = QuantAccess::Of(model.input());
    if (!qm) return;
    const fasttext::ProductQuantizer* pq = QuantAccess::Pq(*qm);
    const fasttext::ProductQuantizer* npq = QuantAccess::Npq(*qm);
    const std::vector<uint8_t>& qcodes = QuantAccess::Codes(*qm);
    const std::vector<uint8_t>& ncodes = QuantAccess::NormCodes(*qm);
    const bool qnorm = QuantAccess::Qnorm(*qm);
    constexpr int kSub = kDim / 2;
    if (!pq || (qnorm && (!npq || ncodes.size() < rows.size())) ||
        qcodes.size() != rows.size() * kSub) {
      return;
    }
    for (int q = 0; q < kSub; ++q) {
      for (int c = 0; c < 256; ++c) {
        const float* f = pq->get_centroids(q, static_cast<uint8_t>(c));
        centroids[q][c][0] = f[0];
        centroids[q][c][1] = f[1];
      }
    }
    for (int c = 0; c < 256; ++c) {
      norms[c] = qnorm ? npq->get_centroids(0, static_cast<uint8_t>(c))[0] : 1.0f;
    }
    code_lines.assign((row_of.size() + kCodesPerLine - 1) / kCodesPerLine, CodeLine{});
    cl = code_lines.data();
    for (size_t p = 0; p < row_of.size(); ++p) {
      uint64_t c = 0;
      for (int q = 0; q < kSub; ++q) {
        c |= static_cast<uint64_t>(qcodes[static_cast<size_t>(row_of[p]) * kSub + q]) << (8 * q);
      }
      CodeLine& line = code_lines[p / kCodesPerLine];
      line.code[p % kCodesPerLine] = c;
      line.norm[p % kCodesPerLine] = qnorm ? ncodes[row_of[p]] : 0;
      Row decoded{};
      const uint32_t pos = static_cast<uint32_t>(p);
      AddCoded(&pos, &decoded, 1);
      if (std::memcmp(&decoded, &rows[row_of[p]], sizeof(Row)) != 0) {
        code_lines.clear();
        cl = nullptr;
        return;
      }
    }
    coded = true;
  }

  // Adds the coded rows at positions pos[0..m) to *sum, in order: sum += norm * centroid, as
  // fastText's ProductQuantizer::addcode (one rounded product, one rounded sum per float).
  void AddCoded(const uint32_t* pos, Row* sum, int m) const {
#if !defined(__SSE2__)
    for (int k = 0; k < m; ++k) {
      const CodeLine& line = cl[pos[k] / kCodesPerLine];
      const uint64_t c = line.code[pos[k] % kCodesPerLine];
      const float alpha = norms[line.norm[pos[k] % kCodesPerLine]];
      for (int q = 0; q < kDim / 2; ++q) {
        const float* f = centroids[q][c >> (8 * q) & 0xFF];
        const float p0 = alpha * f[0], p1 = alpha * f[1];  // rounded products, then sums
        sum->v[2 * q] += p0;
        sum->v[2 * q + 1] += p1;
      }
    }
#else
    __m128 a0 = _mm_load_ps(sum->v), a1 = _mm_load_ps(sum->v + 4);
    __m128 a2 = _mm_load_ps(sum->v + 8), a3 = _mm_load_ps(sum->v + 12);
    auto pair2 = [&](uint64_t c, int q) {  // centroid pairs q and q + 1
      const __m128d lo =
          _mm_load_sd(reinterpret_cast<const double*>(centroids[q][c >> (8 * q) & 0xFF]));
      return _mm_castpd_ps(_mm_loadh_pd(
          lo, reinterpret_cast<const double*>(centroids[q + 1][c >> (8 * q + 8) & 0xFF])));
    };
    for (int k = 0; k < m; ++k) {
      const CodeLine& line = cl[pos[k] / kCodesPerLine];
      const uint64_t c = line.code[pos[k] % kCodesPerLine];
      const __m128 alpha = _mm_set1_ps(norms[line.norm[pos[k] % kCodesPerLine]]);
      a0 = _mm_add_ps(a0, _mm_mul_ps(alpha, pair2(c, 0)));
      a1 = _mm_add_ps(a1, _mm_mul_ps(alpha, pair2(c, 2)));
      a2 = _mm_add_ps(a2, _mm_mul_ps(alpha, pair2(c, 4)));
      a3 = _mm_add_ps(a3, _mm_mul_ps(alpha, pair2(c, 6)));
    }
    _mm_store_ps(sum->v, a0);
    _mm_store_ps(sum->v + 4, a1);
    _mm_store_ps(sum->v + 8, a2);
    _mm_store_ps(sum->v + 12, a3);
#endif
  }

  // Writes the bucket ids of the character n-grams of the word "<" + tok + ">" that have a row
  // (all for an unpruned model) to ids[0..NgramIdsMax()), in fastText's order
  // (Dictionary::computeSubwords: by start character, then length). Each start's n-gram hashes
  // extend one another (FNV-1a is a running hash); pure-ASCII words (most) take a loop without
  // UTF-8 character steps.
  int NgramIds(std::string_view tok, uint32_t* ids) const {
    if (no_subwords) return 0;
    char w[kMaxTokenBytes + 2];
    const size_t n = tok.size() + 2;
    w[0] = '<';
    std::memcpy(w + 1, tok.data(), tok.size());
    w[n - 1] = '>';
    uint64_t high = 0;  // the bytes' top bits, 8 at a time
    size_t i8 = 0;
    for (; i8 + 8 <= tok.size(); i8 += 8) {
      uint64_t word;
      std::memcpy(&word, tok.data() + i8, 8);
      high |= word;
    }
    for (; i8 < tok.size(); ++i8) high |= static_cast<uint8_t>(tok[i8]);
    const size_t maxlen = static_cast<size_t>(std::max(0, maxn));
    const size_t minlen = static_cast<size_t>(std::max(1, minn));
    // In locals (members would be reloaded after every store).
    size_t m = 0;
    const uint64_t magic = bucket_magic;
    const uint32_t nbuckets = bucket;
    const uint64_t* const bits = pb;
    const bool filter = pruned;
    auto add = [&](uint32_t h) {
      const uint32_t id = FastMod(h, magic, nbuckets);
      ids[m] = id;
      // Most n-grams have no row (lid.176: ~88%): the bitmap alone answers them.
      m += filter ? static_cast<size_t>((bits[id >> 6] >> (id & 63)) & 1) : 1;
    };
    if ((high & UINT64_C(0x8080808080808080)) == 0) {  // one byte a character
      // The n-grams starting at i: [i, j) for first <= j <= last.
      for (size_t i = 0; i + minlen <= n; ++i) {
        const size_t first = i + minlen, last = std::min(n, i + maxlen);
        if (first > last) break;  // maxn < minn: none at all
        uint32_t h = 2166136261u;
        size_t j = i;
        for (; j < first; ++j) h = FtHashStep(h, w[j]);
        // A one-character n-gram is skipped at the word's ends ("<" and ">").
        if (!(first - i == 1 && (i == 0 || first == n))) add(h);
        for (; j < last; ++j) {
          h = FtHashStep(h, w[j]);
          add(h);
        }
      }
    } else {
      for (size_t i = 0; i < n; ++i) {
        if ((static_cast<unsigned char>(w[i]) & 0xC0) == 0x80) continue;
        uint32_t h = 2166136261u;
        size_t j = i;
        for (int len = 1; j < n && len <= maxn; ++len) {
          h = FtHashStep(h, w[j++]);
          while (j < n && (static_cast<unsigned char>(w[j]) & 0xC0) == 0x80) {
            h = FtHashStep(h, w[j++]);
          }
          if (len < minn || (len == 1 && (i == 0 || j == n))) continue;
          add(h);
        }
      }
    }
    return static_cast<int>(m);
  }

  // Room NgramIds needs: at most maxn n-grams per character of "<token>".
  size_t NgramIdsMax() const {
    return no_subwords ? 0 : (kMaxTokenBytes + 2) * static_cast<size_t>(std::max(0, maxn));
  }

  // Bucket ids ids[begin[t]..begin[t + 1]) are token t's n-grams that have a row (t < ntok):
  // adds their rows to *sums[t], in order. Rewrites ids. In phases over all tokens (rank, row),
  // so that the cache misses of each phase overlap, also across tokens.
  void SumNgramRows(uint32_t* ids, const uint32_t* begin, int ntok, Row* const* sums) const {
    const uint32_t m = begin[ntok];
    if (pruned) {
      const uint64_t* const bits = pb;
      for (uint32_t k = 0; k < m; ++k) __builtin_prefetch(&pr[ids[k] >> 6]);
      for (uint32_t k = 0; k < m; ++k) {
        const uint32_t id = ids[k];
        const uint64_t below = bits[id >> 6] & ((UINT64_C(2) << (id & 63)) - 1);
        ids[k] = pr[id >> 6] + static_cast<uint32_t>(Popcount64(below)) - 1;
        PrefetchRow(ids[k]);
      }
    } else {
      for (uint32_t k = 0; k < m; ++k) PrefetchRow(ids[k]);
    }
    for (int t = 0; t < ntok; ++t) {
      AddRows(ids + begin[t], sums[t], static_cast<int>(begin[t + 1] - begin[t]));
    }
  }

  static constexpr int kMaxNewTokens = 16;  // per SumNgramRows call

 private:
  // x % d without a division, given magic = 2^64 / d + 1 (Lemire's fastmod; exact for 32-bit
  // operands).
  static uint32_t FastMod(uint32_t x, uint64_t magic, uint32_t d) {
    return static_cast<uint32_t>((static_cast<__uint128_t>(magic * x) * d) >> 64);
  }

  void PrefetchRow(uint32_t p) const {
    if (coded) {
      __builtin_prefetch(&cl[p / kCodesPerLine]);
    } else {
      __builtin_prefetch(&rows[pruned ? pos_row[p] : nwords + p]);
    }
  }
  // Adds the n-gram rows at positions pos[0..m) to *sum, in order.
  void AddRows(const uint32_t* pos, Row* sum, int m) const {
    if (m == 0) return;
    if (coded) {
      AddCoded(pos, sum, m);
      return;
    }
    for (int k = 0; k < m; ++k) {
      const Row& r = rows[pruned ? pos_row[pos[k]] : nwords + pos[k]];
      for (int d = 0; d < kDim; ++d) sum->v[d] += r.v[d];
    }
  }
};

LanguageIdentifier::LanguageIdentifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LanguageIdentifier::~LanguageIdentifier() = default;

Result<std::unique_ptr<LanguageIdentifier>> LanguageIdentifier::Load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::NotFound("language-ID model not found: " + path +
                            " (run scripts/setup.sh, or set KILANG_MODEL_DIR)");
  }
  auto impl = std::make_unique<Impl>();
  try {
    impl->model.loadModel(path);
    impl->model.Init();
  } catch (const std::exception& e) {
    return Status::Corruption("cannot load fastText model " + path + ": " + e.what());
  }
  Model& m = impl->model;
  const auto& dict = m.dict();
  const auto& args = m.args();
  if (m.getDimension() != kDim || args.wordNgrams > 1 || dict.nlabels() == 0) {
    return Status::Unsupported(path + ": expected a lid.176-style model (dim 16, no word n-grams)");
  }
  for (int32_t i = 0; i < dict.nlabels(); ++i) {
    std::string l = dict.getLabel(i);
    if (l.compare(0, kLabelPrefix.size(), kLabelPrefix) == 0) l.erase(0, kLabelPrefix.size());
    impl->labels.push_back(std::move(l));
  }
  impl->nwords = dict.nwords();
  impl->minn = args.minn;
  impl->maxn = args.maxn;
  if (args.bucket <= 0 && !(DictionaryAccess::PruneIndexSize(dict) == 0 || args.maxn <= 0)) {
    return Status::Corruption(path + ": bad bucket count");
  }
  impl->bucket = static_cast<uint32_t>(std::max(1, args.bucket));
  impl->bucket_magic = UINT64_C(0xFFFFFFFFFFFFFFFF) / impl->bucket + 1;
  impl->label_prefix = args.label;
  int64_t psize = DictionaryAccess::PruneIndexSize(dict);
  impl->pruned = psize > 0;
  impl->no_subwords = psize == 0 || args.maxn <= 0;
  if (!impl->no_subwords &&
      static_cast<int64_t>(args.maxn) * (kMaxTokenBytes + 2) + 1 > UINT16_MAX) {
    return Status::Unsupported(path + ": maxn too large");  // row counts are cached as uint16
  }
  const int64_t nrows = m.input().size(0);
  impl->rows.resize(nrows);
  fasttext::Vector v(kDim);
  for (int64_t r = 0; r < nrows; ++r) {
    v.zero();
    m.input().addRowToVector(v, static_cast<int32_t>(r));
    for (int d = 0; d < kDim; ++d) impl->rows[r].v[d] = v[d];
  }
  if (!impl->no_subwords) {
    Status st = impl->BuildNgramIndex(DictionaryAccess::PruneIndex(dict));
    if (!st.ok()) return Status::Corruption(path + ": " + st.message());
  }
  for (int32_t w = 0; w < impl->nwords; ++w) {
    Impl::Word e{};
    for (int32_t id : dict.getSubwords(w)) {
      if (id < 0 || id >= nrows) continue;
      for (int d = 0; d < kDim; ++d) e.sum.v[d] += impl->rows[id].v[d];
      ++e.count;
    }
    std::string word = dict.getWord(w);
    if (word == fasttext::Dictionary::EOS) impl->eos = e;
    impl->vocab.Insert(word, TokenHash(word), e);
  }
  if (impl->coded) {  // prediction reads the codes; the dense copy was only needed up to here
    impl->rows.clear();
    impl->rows.shrink_to_fit();
    impl->pos_row.clear();
    impl->pos_row.shrink_to_fit();
  }
  return std::unique_ptr<LanguageIdentifier>(new LanguageIdentifier(std::move(impl)));
}

std::string LanguageIdentifier::DefaultModelPath() {
  namespace fs = std::filesystem;
  const char* env = std::getenv("KILANG_MODEL_DIR");
  if (env && *env) return (fs::path(env) / "lid.176.ftz").string();
  std::vector<fs::path> candidates;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path dir = exe.parent_path();
    candidates.push_back(dir / ".." / "third_party" / "models" / "lid.176.ftz");
    candidates.push_back(dir / ".." / ".." / "third_party" / "models" / "lid.176.ftz");
    candidates.push_back(dir / "models" / "lid.176.ftz");
  }
#ifdef KILANG_SOURCE_DIR
  candidates.push_back(fs::path(KILANG_SOURCE_DIR) / "third_party" / "models" / "lid.176.ftz");
#endif
  for (const auto& c : candidates) {
    if (fs::is_regular_file(c, ec)) return fs::weakly_canonical(c, ec).string();
  }
  return candidates.empty() ? "lid.176.ftz" : candidates.back().string();
}

Result<const LanguageIdentifier*> LanguageIdentifier::Default() {
  static std::mutex mu;
  static std::unique_ptr<LanguageIdentifier> instance;
  static Status error;
  static bool tried = false;
  std::lock_guard<std::mutex> lock(mu);
  if (!tried) {
    tried = true;
    auto r = Load(DefaultModelPath());
    if (r.ok()) {
      instance = std::move(r).value();
    } else {
      error = r.status();
    }
  }
  if (!instance) return error;
  return static_cast<const LanguageIdentifier*>(instance.get());
}

int LanguageIdentifier::num_labels() const { return static_cast<int>(impl_->labels.size()); }

std::vector<LangScore> LanguageIdentifier::Predict(std::string_view text, int k,
                                                   Scratch* scratch) const {
  thread_local Scratch local;
  if (!scratch) scratch = &local;
  if (scratch->owner != this || scratch->slots.empty()) {
    scratch->Reset();
    scratch->owner = this;
  }
  const Impl& im = *impl_;
  RowSum hidden;
  int64_t rows = 0;
  // Tokens as fastText reads them; newlines count as spaces (the text is one line). In batches
  // of 16, software-pipelined: the next batch's tokens are found and hashed and their probe
  // slots prefetched before the current batch is probed (so each prefetch has a batch's time to
  // complete); the probe prefetches the rows of known tokens and creates the slots of new ones,
  // whose sums are then computed together; the rows are summed in token order (the float sum
  // is the same as one token at a time).
  constexpr int kBatch = Impl::kMaxNewTokens;
  struct Batch {
    int m = 0;
    size_t begins[kBatch], ends[kBatch];
    uint64_t hashes[kBatch];
  };
  Batch batches[2];
  const size_t n = text.size();
  const char* const p = text.data();
  Tokenizer tokens(text);
  // Finds and hashes the next tokens into *bt; prefetches their slots.
  auto fill = [&](Batch* bt) {
    const int m = bt->m = tokens.Next(bt->begins, bt->ends, kBatch);
    const Scratch::Slot* const slots = scratch->slots.data();
    const size_t mask = scratch->slots.size() - 1;
    for (int k = 0; k < m; ++k) {
      const size_t b = bt->begins[k];
      size_t len = bt->ends[k] - b;
      uint64_t h;
      if (len <= 16 && b + 16 <= n) {
        h = ShortTokenHashUnpadded(p + b, len);
      } else {
        // Cap absurd tokens (a 10 MB "word" would cost seconds of n-gram hashing): keep the
        // first kMaxTokenBytes bytes, cut at a UTF-8 character boundary. (len is 0 when a cut
        // token has only continuation bytes: hashed as the empty token.)
        if (len > kMaxTokenBytes) {
          len = kMaxTokenBytes;
          while (len > 0 && (static_cast<unsigned char>(p[b + len]) & 0xC0) == 0x80) --len;
          bt->ends[k] = b + len;
        }
        h = TokenHash(std::string_view(p + b, len));
      }
      h += h == 0;  // 0 marks an empty slot
      bt->hashes[k] = h;
      __builtin_prefetch(&slots[h & mask]);
    }
  };
  uint32_t index[kBatch];
  fill(&batches[0]);
  for (int cur = 0; batches[cur].m > 0; cur ^= 1) {
    const Batch& bt = batches[cur];
    const int m = bt.m;
    scratch->Reserve(kBatch);  // (a rehash here only makes the next batch's prefetches stale)
    fill(&batches[cur ^ 1]);
    // In locals (valid until the next Reserve; insert() neither rehashes nor moves the rows).
    Scratch::Slot* const slots = scratch->slots.data();
    const size_t mask = scratch->slots.size() - 1;
    // Probe. A new token gets its slot (the empty one the probe ended at) and a zeroed row now,
    // and its sum below; a token met again in this batch after that finds the slot, but its
    // row count is only final below ("late").
    const uint32_t first_new = static_cast<uint32_t>(scratch->rows.size());
    struct Fresh {
      int k;
      Scratch::Slot* slot;
    };
    Fresh fresh[kBatch];
    Scratch::Slot* late[kBatch];
    int nfresh = 0, nlate = 0;
    for (int k = 0; k < m; ++k) {
      const uint64_t h = bt.hashes[k];
      Scratch::Slot* s = &slots[h & mask];
      while (s->hash != h && s->hash != 0) s = s + 1 == slots + mask + 1 ? slots : s + 1;
      if (s->hash != 0) {
        index[k] = s->index;
        if (s->index < first_new) {
          rows += s->count;
        } else {
          late[nlate++] = s;
        }
        s->hits += s->hits < 255;
        __builtin_prefetch(&scratch->rows[s->index]);
      } else {
        index[k] = static_cast<uint32_t>(scratch->rows.size());
        scratch->rows.emplace_back();  // zeroed; no reallocation (Reserve)
        *s = {h, index[k], 0, 1};
        fresh[nfresh++] = {k, s};
      }
    }
    if (nfresh > 0) {
      // Vocabulary words take their precomputed sums, labels nothing; the other new tokens
      // their character n-grams' rows, looked up for all of them at once.
      for (int f = 0; f < nfresh; ++f) im.vocab.Prefetch(bt.hashes[fresh[f].k]);
      std::vector<uint32_t>& ids = scratch->ngram_ids;
      const size_t per_token = im.NgramIdsMax();
      if (ids.size() < per_token * kBatch) ids.resize(per_token * kBatch);  // once per worker
      uint32_t nids = 0;
      uint32_t begin[kBatch + 1];
      Row* sums[kBatch];
      Scratch::Slot* owners[kBatch];
      int nt = 0;
      for (int f = 0; f < nfresh; ++f) {
        const int k = fresh[f].k;
        const std::string_view tok = text.substr(bt.begins[k], bt.ends[k] - bt.begins[k]);
        Row& sum = scratch->rows[fresh[f].slot->index];
        if (const Impl::Word* w = im.vocab.Find(tok, bt.hashes[k])) {
          sum = w->sum;
          fresh[f].slot->count = static_cast<uint16_t>(w->count);
        } else if (tok.size() >= im.label_prefix.size() &&
                   tok.compare(0, im.label_prefix.size(), im.label_prefix) == 0) {
          // fastText treats it as a label, not a word: no rows.
        } else {
          begin[nt] = nids;
          nids += static_cast<uint32_t>(im.NgramIds(tok, ids.data() + nids));
          sums[nt] = &sum;
          owners[nt++] = fresh[f].slot;
        }
      }
      begin[nt] = nids;
      if (nt > 0) {
        im.SumNgramRows(ids.data(), begin, nt, sums);
        for (int t = 0; t < nt; ++t) {
          owners[t]->count = static_cast<uint16_t>(begin[t + 1] - begin[t]);
        }
      }
      for (int f = 0; f < nfresh; ++f) rows += fresh[f].slot->count;
    }
    for (int i = 0; i < nlate; ++i) rows += late[i]->count;
    const Row* const cached = scratch->rows.data();
    for (int k = 0; k < m; ++k) hidden.Add(cached[index[k]]);
  }
  hidden.Add(im.eos.sum);  // the line's terminating newline
  rows += im.eos.count;
  if (!scratch->state)
    scratch->state = std::make_unique<fasttext::Model::State>(kDim, num_labels(), 0);
  fasttext::Model::State& state = *scratch->state;
  // As fastText's Model::computeHidden: the sum times (float)(1.0 / number of rows).
  const float inv = rows > 0 ? static_cast<float>(1.0 / static_cast<double>(rows)) : 0.0f;
  Row sum;
  hidden.Store(&sum);
  for (int d = 0; d < kDim; ++d) state.hidden[d] = sum.v[d] * inv;
  fasttext::Predictions& heap = scratch->heap;
  heap.clear();
  int kk = k <= 0 ? num_labels() : std::min(k, num_labels());
  heap.reserve(kk + 1);
  im.model.loss().predict(kk, 0.0, heap, state);
  std::vector<LangScore> out;
  out.reserve(heap.size());
  for (const auto& [logp, id] : heap) out.push_back({im.labels[id], std::exp(logp)});
  return out;
}

std::vector<LangScore> LanguageIdentifier::PredictReference(std::string_view text, int k) const {
  std::string line(text);
  std::replace(line.begin(), line.end(), '\n', ' ');
  line.push_back('\n');
  std::istringstream in(line);
  std::vector<std::pair<fasttext::real, std::string>> preds;
  impl_->model.predictLine(in, preds, k <= 0 ? -1 : k, 0.0);
  std::vector<LangScore> out;
  for (auto& [p, l] : preds) {
    if (l.compare(0, kLabelPrefix.size(), kLabelPrefix) == 0) l.erase(0, kLabelPrefix.size());
    out.push_back({l, p});
  }
  return out;
}

namespace {

bool HasLetterOrDigit(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    unsigned char b = static_cast<unsigned char>(text[pos]);
    if (b < 0x80) {  // ASCII letters and digits, as std::isalnum in the "C" locale
      if (static_cast<unsigned>((b | 0x20) - 'a') < 26 || static_cast<unsigned>(b - '0') < 10)
        return true;
      ++pos;
      continue;
    }
    uint32_t cp = NextCodePoint(text, &pos);
    if (cp != 0xFFFD && (IsLetter(cp) || IsDigit(cp))) return true;
  }
  return false;
}

class LangIdStage : public DocumentStage {
 public:
  LangIdStage(LangIdOptions o, const LanguageIdentifier* model,
              std::unique_ptr<LanguageIdentifier> owned)
      : o_(std::move(o)),
        model_(model),
        owned_(std::move(owned)),
        // One token cache per model in a worker: two langid stages with different models do
        // not evict each other's cache on every document.
        scratch_key_("kilang.langid/" + std::to_string(reinterpret_cast<uintptr_t>(model))) {
    allowed_.insert(o_.languages.begin(), o_.languages.end());
  }
  std::string_view name() const override { return "langid"; }

  double ThresholdFor(const std::string& lang) const {
    auto it = o_.thresholds.find(lang);
    if (it != o_.thresholds.end()) return it->second;
    if (o_.use_language_configs) {
      const FilterLanguageConfig* c = FindFilterLanguageConfig(lang);
      if (c && c->language_score >= 0) return c->language_score;
    }
    return o_.threshold;
  }

  Verdict Process(Document& doc, StageContext& ctx) const override {
    auto& scratch = ctx.Scratch<std::shared_ptr<LanguageIdentifier::Scratch>>(scratch_key_);
    if (!scratch) scratch = MakeScratch();
    // All labels when a language list must be checked; the top one otherwise.
    std::string_view text = doc.text;
    if (o_.max_chars > 0 && text.size() > static_cast<size_t>(o_.max_chars)) {
      size_t cut = static_cast<size_t>(o_.max_chars);
      size_t space = text.find_last_of(" \n\t", cut);
      if (space != std::string_view::npos && space + 64 >= cut) {
        cut = space;
      } else {
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
      }
      text = text.substr(0, cut);
    }
    std::vector<LangScore> preds = model_->Predict(text, allowed_.empty() ? 1 : 0, scratch.get());
    if (preds.empty()) return o_.label_only ? Verdict::Keep() : Verdict::Remove("lang_empty");
    doc.metadata.lang = preds[0].lang;
    doc.metadata.lang_score = preds[0].score;
    if (o_.label_only) return Verdict::Keep();
    if (!HasLetterOrDigit(doc.text)) return Verdict::Remove("lang_empty");
    if (allowed_.empty()) {
      return preds[0].score > ThresholdFor(preds[0].lang) ? Verdict::Keep()
                                                          : Verdict::Remove("lang_low_score");
    }
    for (const auto& p : preds) {
      if (allowed_.count(p.lang) && p.score > ThresholdFor(p.lang)) return Verdict::Keep();
    }
    return Verdict::Remove(allowed_.count(preds[0].lang) ? "lang_low_score" : "lang_not_allowed");
  }

 private:
  static std::shared_ptr<LanguageIdentifier::Scratch> MakeScratch();

  LangIdOptions o_;
  const LanguageIdentifier* model_;
  std::unique_ptr<LanguageIdentifier> owned_;
  std::set<std::string> allowed_;
  std::string scratch_key_;
};

}  // namespace

// Defined here, where Scratch is complete.
std::shared_ptr<LanguageIdentifier::Scratch> LangIdStage::MakeScratch() {
  return std::make_shared<LanguageIdentifier::Scratch>();
}

Result<std::unique_ptr<DocumentStage>> MakeLangIdStage(const LangIdOptions& options) {
  if (options.max_chars < 0) return Status::InvalidArgument("langid: max_chars must be >= 0");
  if (options.threshold < 0 || options.threshold > 1) {
    return Status::InvalidArgument("langid: threshold must be in [0, 1]");
  }
  for (const auto& [lang, t] : options.thresholds) {
    if (t < 0 || t > 1)
      return Status::InvalidArgument("langid: threshold of " + lang + " must be in [0, 1]");
  }
  const LanguageIdentifier* model = nullptr;
  std::unique_ptr<LanguageIdentifier> owned;
  if (options.model.empty()) {
    auto r = LanguageIdentifier::Default();
    if (!r.ok()) return r.status();
    model = r.value();
  } else {
    auto r = LanguageIdentifier::Load(options.model);
    if (!r.ok()) return r.status();
    owned = std::move(r).value();
    model = owned.get();
  }
  return std::unique_ptr<DocumentStage>(new LangIdStage(options, model, std::move(owned)));
}

}  // namespace kilang
