// Helpers shared by the bench binaries: loading a folder of pages, timing, peak RSS.
#ifndef KILANG_BENCH_BENCH_UTIL_H_
#define KILANG_BENCH_BENCH_UTIL_H_

#include <dirent.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "kilang/io/file.h"

namespace kilang::bench {

// Every file in `dir` whose name ends with `ext`, read into memory, in name order.
inline std::vector<std::string> LoadPages(const std::string& dir, const std::string& ext) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > ext.size() && n.compare(n.size() - ext.size(), ext.size(), ext) == 0)
        names.push_back(n);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  std::vector<std::string> pages;
  for (const std::string& n : names) {
    std::string bytes;
    if (ReadFile(dir + "/" + n, 0, &bytes).ok()) pages.push_back(std::move(bytes));
  }
  return pages;
}

// Peak resident set size of this process so far, in MiB.
inline double PeakRssMiB() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_maxrss) / 1024.0;
}

// CPU time of the calling thread: on a loaded machine it measures our work, not the queue.
inline double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

inline double NowSeconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace kilang::bench

#endif  // KILANG_BENCH_BENCH_UTIL_H_
