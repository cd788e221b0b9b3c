// ParallelFor: the one small thread pool of the library. Runs independent work items on a few
// threads and reports the first error; used by the dedup phases, the dedup writing step and
// anywhere else work splits into items.
#ifndef KILANG_UTIL_PARALLEL_H_
#define KILANG_UTIL_PARALLEL_H_

#include <cstddef>
#include <functional>

#include "kilang/util/status.h"

namespace kilang {

// Calls fn(i) for every i in [0, n) on up to `threads` threads (the calling thread is one of
// them), items handed out in increasing order. Returns the first non-OK status in completion
// order; the other items still run (a failing item does not cancel the rest). `on_done(k)`, when
// set, is called after each item with the number of items finished so far, from the worker
// threads (the callee synchronises). `threads` 0 is treated as 1.
Status ParallelFor(size_t n, size_t threads, const std::function<Status(size_t)>& fn,
                   const std::function<void(size_t)>& on_done = nullptr);

}  // namespace kilang

#endif  // KILANG_UTIL_PARALLEL_H_
