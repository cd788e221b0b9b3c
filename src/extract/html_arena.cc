// ParseArena: the bump allocator a parse lives in (see html_arena.h).
#include "html_arena.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace kilang::html_internal {

namespace {

constexpr size_t kFirstBlock = 64 << 10;
constexpr size_t kMaxBlock = 4 << 20;

// gumbo (C) cannot take an exception or a null pointer from its allocator: out of memory ends the
// process, as it would with gumbo's default allocator.
char* MallocOrDie(size_t n) {
  void* p = std::malloc(n);
  if (!p) {
    std::fprintf(stderr, "kilang: out of memory (%zu bytes for the HTML parser)\n", n);
    std::abort();
  }
  return static_cast<char*>(p);
}

}  // namespace

ParseArena::~ParseArena() {
  for (Block& b : blocks_) std::free(b.data);
  for (Block& b : large_) std::free(b.data);
}

void* ParseArena::AllocateOwn(size_t n) {
  char* own = MallocOrDie(std::max<size_t>(n, 1));
  large_.push_back(Block{own, n});
  reserved_ += n;
  return own;
}

void* ParseArena::AllocateSlow(size_t n) {
  // Blocks double up to kMaxBlock; a request larger than a quarter of the next block gets a block
  // of its own, so the current block's free space is not given up for it.
  size_t size = blocks_.empty() ? kFirstBlock : std::min(kMaxBlock, blocks_.back().size * 2);
  if (n > size / 4) {
    char* own = MallocOrDie(n);
    large_.push_back(Block{own, n});
    reserved_ += n;
    return own;
  }
  char* data = MallocOrDie(size);
  blocks_.push_back(Block{data, size});
  reserved_ += size;
  next_ = data + n;
  left_ = size - n;
  return data;
}

void ParseArena::Reset() {
  for (Block& b : large_) std::free(b.data);
  large_.clear();
  // Keep the first block: the next page mostly fits in it.
  for (size_t i = 1; i < blocks_.size(); ++i) std::free(blocks_[i].data);
  if (blocks_.size() > 1) blocks_.erase(blocks_.begin() + 1, blocks_.end());
  reserved_ = blocks_.empty() ? 0 : kFirstBlock;
  next_ = blocks_.empty() ? nullptr : blocks_.front().data;
  left_ = blocks_.empty() ? 0 : kFirstBlock;
}

}  // namespace kilang::html_internal
