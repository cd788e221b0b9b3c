#include "kilang/dedup/minhash.h"

#include <algorithm>
#include <limits>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace kilang::dedup {

namespace {
uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
}  // namespace

uint64_t ShingleHash(std::string_view shingle) { return XXH3_64bits(shingle.data(), shingle.size()); }

MinHasher::MinHasher(const MinHashOptions& options) : options_(options) {
  const size_t k = options_.num_hashes();
  a_.resize(k);
  b_.resize(k);
  uint64_t state = options_.seed;
  for (size_t i = 0; i < k; ++i) {
    a_[i] = SplitMix64(&state) | 1;
    b_[i] = SplitMix64(&state);
  }
}

size_t MinHasher::Signature(std::string_view normalized, std::vector<uint64_t>* sig) const {
  const size_t k = options_.num_hashes();
  sig->assign(k, std::numeric_limits<uint64_t>::max());
  uint64_t* __restrict m = sig->data();
  const uint64_t* __restrict a = a_.data();
  const uint64_t* __restrict b = b_.data();
  size_t shingles = 0;
  ForEachShingle(normalized, [&](uint64_t h) {
    ++shingles;
    for (size_t i = 0; i < k; ++i) {
      uint64_t v = a[i] * h + b[i];
      m[i] = v < m[i] ? v : m[i];
    }
  });
  return shingles;
}

void MinHasher::BandKeys(const std::vector<uint64_t>& sig, std::vector<uint64_t>* keys) const {
  keys->resize(options_.bands);
  for (size_t bnd = 0; bnd < options_.bands; ++bnd) {
    (*keys)[bnd] = XXH3_64bits_withSeed(sig.data() + bnd * options_.rows, 8 * options_.rows, bnd);
  }
}

double MinHasher::EstimateJaccard(const uint64_t* a, const uint64_t* b, size_t k) {
  if (k == 0) return 0;
  size_t eq = 0;
  for (size_t i = 0; i < k; ++i) eq += a[i] == b[i];
  return static_cast<double>(eq) / static_cast<double>(k);
}

}  // namespace kilang::dedup
