// ParseArena: the bump allocator an HTML parse and its Dom live in (internal, not a public API).
#ifndef KILANG_SRC_EXTRACT_HTML_ARENA_H_
#define KILANG_SRC_EXTRACT_HTML_ARENA_H_

#include <algorithm>
#include <cstddef>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define KILANG_ARENA_USES_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KILANG_ARENA_USES_MALLOC 1
#endif
#endif
#ifndef KILANG_ARENA_USES_MALLOC
#define KILANG_ARENA_USES_MALLOC 0
#endif

namespace kilang::html_internal {

// The memory of one parse: a bump allocator whose frees are no-ops, released all at once by
// Reset() or the destructor. gumbo makes one malloc per node, attribute, string and vector and
// keeps nearly all of it until the tree is destroyed (on the aeb pages it frees ~7% of what it
// allocates before the end), so per-call malloc/free and the per-node gumbo_destroy_output walk
// are pure overhead. Blocks grow from 64 KB to 4 MB; a request larger than a quarter of the next
// block gets a block of its own. Not thread-safe: one arena per thread. Built with
// AddressSanitizer, every request is a malloc block of its own (red zones for the fuzzers).
class ParseArena {
 public:
  ParseArena() = default;
  ParseArena(const ParseArena&) = delete;
  ParseArena& operator=(const ParseArena&) = delete;
  ~ParseArena();

  // 16-byte aligned, never null (out of memory aborts, as gumbo cannot handle a failure).
  void* Allocate(size_t n) {
#if KILANG_ARENA_USES_MALLOC
    // Under AddressSanitizer every request is its own malloc block, so reads past a node or
    // string still hit a red zone.
    return AllocateOwn(n);
#else
    n = (std::max<size_t>(n, 1) + kAlign - 1) & ~(kAlign - 1);
    if (n <= left_) {
      char* p = next_;
      next_ += n;
      left_ -= n;
      return p;
    }
    return AllocateSlow(n);
#endif
  }
  // Frees everything allocated; keeps the first 64 KB block for the next parse.
  void Reset();
  // Bytes held from malloc.
  size_t reserved() const { return reserved_; }

 private:
  struct Block {
    char* data;
    size_t size;
  };
  static constexpr size_t kAlign = 16;  // as malloc: gumbo's structures need no more
  void* AllocateSlow(size_t n);         // `n` rounded up to kAlign
  void* AllocateOwn(size_t n);          // a malloc block of its own
  std::vector<Block> blocks_;           // regular blocks; the one being filled is the last
  std::vector<Block> large_;            // blocks of one large request each
  char* next_ = nullptr;
  size_t left_ = 0;
  size_t reserved_ = 0;
};

}  // namespace kilang::html_internal

#endif  // KILANG_SRC_EXTRACT_HTML_ARENA_H_
