// MinHash signatures over word n-gram shingles, and LSH band keys.
//
// Each shingle (n consecutive words of the normalised text, joined by single spaces) is hashed
// once with XXH3-64. The k "permutations" are then derived from that one hash h by
// multiply-add modulo 2^64:  h_i = a_i * h + b_i  (a_i odd, a_i and b_i from a SplitMix64 stream
// seeded with `seed`). With a_i odd this is a bijection of the 64-bit space, so each h_i is as
// uniform as h; it costs one multiply and one add per hash (no 128-bit modular reduction as with
// the Mersenne prime 2^61-1 used by datatrove), which the compiler can vectorise. The quality
// test checks estimated against exact Jaccard on real text.
// The signature is the minimum of each h_i over the shingle set. Documents with fewer than n
// words have one shingle (the whole text); documents with no words have no shingles and an
// empty signature (they take part in no near-duplicate comparison).
//
// LSH: the k values are split into `bands` bands of `rows` consecutive values; a band key is
// XXH3-64 (seed = band index) of the band's values. Two documents are candidates when any band
// key is equal. P(candidate | Jaccard s) = 1 - (1 - s^rows)^bands.
#ifndef KILANG_DEDUP_MINHASH_H_
#define KILANG_DEDUP_MINHASH_H_

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace kilang::dedup {

struct MinHashOptions {
  size_t ngram = 5;   // words per shingle (FineWeb: 5)
  size_t bands = 14;  // LSH bands (FineWeb: 14)
  size_t rows = 8;    // hashes per band (FineWeb: 8); k = bands * rows = 112
  uint64_t seed = 1;  // seeds the permutation parameters
  size_t num_hashes() const { return bands * rows; }
};

// Immutable after construction (the permutation parameters); thread-safe.
class MinHasher {
 public:
  explicit MinHasher(const MinHashOptions& options = MinHashOptions());

  // Computes the signature of already-normalised text (words separated by single spaces) into
  // `sig` (resized to num_hashes()). Returns the number of shingles; 0 means "no words" and
  // `sig` is then all UINT64_MAX.
  // If `shingles` is not null it receives the shingle hashes (in text order, with repeats).
  size_t Signature(std::string_view normalized, std::vector<uint64_t>* sig,
                   std::vector<uint64_t>* shingles = nullptr) const;

  // Calls fn(hash) for each shingle hash of `normalized` (same shingles as Signature()).
  template <typename Fn>
  void ForEachShingle(std::string_view normalized, Fn&& fn) const;

  // The band keys of a signature (bands() values). REQUIRES: sig.size() == num_hashes().
  void BandKeys(const std::vector<uint64_t>& sig, std::vector<uint64_t>* keys) const;

  // Fraction of equal positions of two signatures: the Jaccard estimate.
  static double EstimateJaccard(const uint64_t* a, const uint64_t* b, size_t k);

  const MinHashOptions& options() const { return options_; }

 private:
  MinHashOptions options_;
  std::vector<uint32_t> a_, b_;  // permutation i: rank = a_[i] * x + b_[i] mod 2^32
};

// Hash of one shingle (bytes of the n-word window). Exposed for tests and the verifier.
uint64_t ShingleHash(std::string_view shingle);

template <typename Fn>
void MinHasher::ForEachShingle(std::string_view s, Fn&& fn) const {
  // Word starts; words are separated by exactly one ' '.
  const size_t n = options_.ngram;
  if (s.empty()) return;
  // Ring buffer of the start offsets of the last n words.
  size_t starts[64];
  const size_t ring = n <= 64 ? n : 64;
  size_t count = 0;
  size_t i = 0;
  const size_t len = s.size();
  while (i <= len) {
    size_t start = i;
    const void* sp = std::memchr(s.data() + i, ' ', len - i);
    size_t end = sp ? static_cast<size_t>(static_cast<const char*>(sp) - s.data()) : len;
    starts[count % ring] = start;
    ++count;
    if (count >= ring) {
      size_t first = starts[(count - ring) % ring];
      fn(ShingleHash(s.substr(first, end - first)));
    }
    i = end + 1;
  }
  if (count < ring) fn(ShingleHash(s));
}

}  // namespace kilang::dedup

#endif  // KILANG_DEDUP_MINHASH_H_
