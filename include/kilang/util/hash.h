// Fast string hashing and hash containers keyed by std::string that can be probed with a
// std::string_view without allocating (C++20 heterogeneous lookup).
#ifndef KILANG_UTIL_HASH_H_
#define KILANG_UTIL_HASH_H_

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace kilang {

// A fast 64-bit hash for hash tables (8 bytes per step, multiply-xorshift mixing). Stable
// across runs and machines, but not a fingerprint: use XXH3/XXH128 (dedup/) where collisions
// matter.
inline uint64_t Hash64(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xFF51AFD7ED558CCDULL);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  uint64_t w = 0;
  std::memcpy(&w, p, n);
  h = (h ^ w) * 0x94D049BB133111EBULL;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ULL;
  return h ^ (h >> 32);
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return static_cast<size_t>(Hash64(s)); }
};

template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

}  // namespace kilang

#endif  // KILANG_UTIL_HASH_H_
