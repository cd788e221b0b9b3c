// Fast string hashing and hash containers keyed by std::string that can be probed with a
// std::string_view without allocating (C++20 heterogeneous lookup).
#ifndef KILANG_UTIL_HASH_H_
#define KILANG_UTIL_HASH_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace kilang {

// XXH3 64-bit hash of `s` (stable across runs and machines; seed 0).
uint64_t Hash64(std::string_view s);

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return static_cast<size_t>(Hash64(s)); }
};

template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

}  // namespace kilang

#endif  // KILANG_UTIL_HASH_H_
