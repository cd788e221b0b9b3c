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

uint64_t ShingleHash(std::string_view shingle) {
  return XXH3_64bits(shingle.data(), shingle.size());
}

MinHasher::MinHasher(const MinHashOptions& options) : options_(options) {
  const size_t k = options_.num_hashes();
  a_.resize(k);
  b_.resize(k);
  uint64_t state = options_.seed;
  for (size_t i = 0; i < k; ++i) {
    uint64_t r = SplitMix64(&state);
    a_[i] = static_cast<uint32_t>(r) | 1;
    b_[i] = static_cast<uint32_t>(r >> 32);
  }
}

namespace {

// For each of the k permutations, the index of the shingle with the smallest 32-bit rank
// (a_i * x + b_i) mod 2^32; ties keep the earlier shingle. Compiled twice (AVX2 and baseline),
// the loader picks one at run time.
__attribute__((target_clones("avx2", "default"))) void MinRanks(
    const uint32_t* __restrict x, size_t n, const uint32_t* __restrict a,
    const uint32_t* __restrict b, uint32_t* __restrict m, uint32_t* __restrict idx, size_t k) {
  for (size_t s = 0; s < n; ++s) {
    const uint32_t xs = x[s];
    const uint32_t si = static_cast<uint32_t>(s);
    for (size_t i = 0; i < k; ++i) {
      uint32_t v = a[i] * xs + b[i];
      bool lt = v < m[i];
      m[i] = lt ? v : m[i];
      idx[i] = lt ? si : idx[i];
    }
  }
}

struct Scratch {
  std::vector<uint64_t> hashes;
  std::vector<uint32_t> folded, mins, idx;
};

}  // namespace

size_t MinHasher::Signature(std::string_view normalized, std::vector<uint64_t>* sig,
                            std::vector<uint64_t>* shingles) const {
  const size_t k = options_.num_hashes();
  thread_local Scratch t;
  t.hashes.clear();
  ForEachShingle(normalized, [&](uint64_t h) { t.hashes.push_back(h); });
  const size_t n = t.hashes.size();
  sig->assign(k, std::numeric_limits<uint64_t>::max());
  if (shingles) shingles->clear();
  if (n == 0) return 0;
  t.folded.resize(n);
  for (size_t s = 0; s < n; ++s) {
    t.folded[s] = static_cast<uint32_t>(t.hashes[s] ^ (t.hashes[s] >> 32));
  }
  t.mins.assign(k, std::numeric_limits<uint32_t>::max());
  t.idx.assign(k, 0);
  MinRanks(t.folded.data(), n, a_.data(), b_.data(), t.mins.data(), t.idx.data(), k);
  for (size_t i = 0; i < k; ++i) (*sig)[i] = t.hashes[t.idx[i]];
  if (shingles) shingles->assign(t.hashes.begin(), t.hashes.end());
  return n;
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
