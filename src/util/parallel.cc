#include "kilang/util/parallel.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace kilang {

Status ParallelFor(size_t n, size_t threads, const std::function<Status(size_t)>& fn,
                   const std::function<void(size_t)>& on_done) {
  std::atomic<size_t> next{0}, finished{0};
  std::mutex mu;
  Status first;  // guarded by mu
  auto worker = [&]() {
    for (;;) {
      const size_t i = next.fetch_add(1);
      if (i >= n) return;
      Status st = fn(i);
      if (!st.ok()) {
        std::lock_guard<std::mutex> l(mu);
        if (first.ok()) first = std::move(st);
      }
      if (on_done) on_done(finished.fetch_add(1) + 1);
    }
  };
  const size_t t = std::max<size_t>(1, std::min(threads, n));
  std::vector<std::thread> pool;
  pool.reserve(t - 1);
  for (size_t i = 1; i < t; ++i) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  return first;
}

}  // namespace kilang
