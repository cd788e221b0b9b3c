#include "kilang/util/hash.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace kilang {

uint64_t Hash64(std::string_view s) { return XXH3_64bits(s.data(), s.size()); }

}  // namespace kilang
