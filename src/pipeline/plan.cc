#include "kilang/pipeline/plan.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <utility>

namespace kilang {

namespace {

uint64_t FileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? uint64_t(st.st_size) : 0;
}

using DevIno = std::pair<uint64_t, uint64_t>;

// Adds the task(s) of one WARC/WET/JSONL file: several pieces for a big per-record-gzip WARC.
void AddFileTasks(InputKind kind, const std::string& f, uint64_t split_bytes,
                  std::vector<Task>* tasks) {
  uint64_t size = FileSize(f);
  std::vector<uint64_t> points;
  if (kind == InputKind::kWarc && split_bytes > 0 && size > split_bytes) {
    points = FindWarcSplitPoints(f, split_bytes);
  }
  uint64_t begin = 0;
  for (size_t i = 0; i <= points.size(); ++i) {
    Task t{kind, {f}, 0, begin, i < points.size() ? points[i] : UINT64_MAX, ""};
    t.bytes = (i < points.size() ? points[i] : size) - begin;
    tasks->push_back(std::move(t));
    if (i < points.size()) begin = points[i];
  }
}

std::string Join(const std::string& dir, const char* name) {
  return dir.empty() || dir.back() == '/' ? dir + name : dir + "/" + name;
}

}  // namespace

FolderListing ListInputFolder(const std::string& root, const std::string& exclude) {
  FolderListing out;
  struct stat st;
  DevIno skip{UINT64_MAX, UINT64_MAX};
  if (!exclude.empty() && ::stat(exclude.c_str(), &st) == 0) skip = {st.st_dev, st.st_ino};
  std::set<DevIno> seen;
  if (::stat(root.c_str(), &st) == 0) seen.insert({st.st_dev, st.st_ino});
  std::vector<std::string> stack = {root};
  while (!stack.empty()) {
    std::string dir = std::move(stack.back());
    stack.pop_back();
    DIR* d = ::opendir(dir.c_str());
    if (!d) {
      out.unreadable.push_back(
          {dir, 0, std::string("cannot list folder: ") + std::strerror(errno)});
      continue;
    }
    std::vector<std::string> subdirs;
    for (;;) {
      errno = 0;  // readdir() reports an error only through errno
      dirent* e = ::readdir(d);
      if (!e) break;
      if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
      std::string path = Join(dir, e->d_name);
      if (::stat(path.c_str(), &st) != 0) {
        // A dangling link (or an entry gone meanwhile): an input that will be reported unreadable.
        out.files.push_back(path);
        continue;
      }
      if (S_ISDIR(st.st_mode)) {
        DevIno id{st.st_dev, st.st_ino};
        if (id == skip) continue;  // the run's own output folder
        if (!seen.insert(id).second) {
          out.warnings.push_back({path, 0, "link to a folder already listed; not followed again"});
          continue;
        }
        subdirs.push_back(std::move(path));
      } else if (S_ISREG(st.st_mode)) {
        out.files.push_back(std::move(path));
      } else {
        out.warnings.push_back({path, 0, "not a regular file (device, pipe or socket); ignored"});
      }
    }
    if (errno != 0) {
      out.unreadable.push_back(
          {dir, 0, std::string("folder listing failed: ") + std::strerror(errno)});
    }
    ::closedir(d);
    // Depth-first, in name order (the files are sorted at the end anyway).
    std::sort(subdirs.rbegin(), subdirs.rend());
    for (auto& s : subdirs) stack.push_back(std::move(s));
  }
  std::sort(out.files.begin(), out.files.end());
  auto by_file = [](const UnreadableItem& a, const UnreadableItem& b) { return a.file < b.file; };
  std::sort(out.unreadable.begin(), out.unreadable.end(), by_file);
  std::sort(out.warnings.begin(), out.warnings.end(), by_file);
  return out;
}

bool IsRemoteInput(const std::string& input) {
  size_t colon = input.find("://");
  if (colon == std::string::npos || colon == 0) return false;
  for (size_t i = 0; i < colon; ++i) {
    char c = input[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) return false;
  }
  return true;
}

std::vector<std::string> ExpandInputPatterns(const std::vector<std::string>& inputs) {
  std::vector<std::string> out;
  for (const std::string& in : inputs) {
    struct stat st;
    bool pattern = in.find_first_of("*?[") != std::string::npos;
    if (in == "-" || !pattern || ::lstat(in.c_str(), &st) == 0) {
      out.push_back(in);
      continue;
    }
    std::vector<std::string> hits;
    size_t star2 = in.find("**");
    if (star2 == std::string::npos) {
      glob_t g;
      if (::glob(in.c_str(), 0, nullptr, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; ++i) hits.emplace_back(g.gl_pathv[i]);
      }
      ::globfree(&g);
    } else {
      // "ROOT/**/REST": every file under ROOT whose path matches, '*' crossing folders.
      size_t slash = in.rfind('/', star2);
      std::string root = slash == std::string::npos ? "." : in.substr(0, slash);
      if (root.empty()) root = "/";
      if (root.find_first_of("*?[") == std::string::npos) {
        FolderListing l = ListInputFolder(root);
        std::string pat = slash == std::string::npos ? "./" + in : in;
        // "**/" may also match no folder at all: "a/**/*.gz" matches "a/x.gz".
        std::string flat = pat;
        for (size_t at; (at = flat.find("**/")) != std::string::npos;) flat.erase(at, 3);
        for (const std::string& f : l.files) {
          if (::fnmatch(pat.c_str(), f.c_str(), 0) == 0 ||
              ::fnmatch(flat.c_str(), f.c_str(), 0) == 0) {
            hits.push_back(f);
          }
        }
      }
    }
    std::sort(hits.begin(), hits.end());
    if (hits.empty()) {
      out.push_back(in);  // reported as not found
    } else {
      for (auto& h : hits) out.push_back(std::move(h));
    }
  }
  return out;
}

RunPlan PlanRun(const std::vector<std::string>& inputs, uint64_t pages_per_task,
                uint64_t split_bytes, const std::string& output_dir) {
  RunPlan plan;
  std::vector<Task>* tasks = &plan.tasks;
  auto add_pages = [&](std::vector<std::string>& pages) {
    for (size_t i = 0; i < pages.size(); i += pages_per_task) {
      Task t;
      t.kind = InputKind::kPage;
      for (size_t j = i; j < std::min<size_t>(pages.size(), i + pages_per_task); ++j) {
        t.bytes += FileSize(pages[j]);
        t.files.push_back(pages[j]);
      }
      tasks->push_back(std::move(t));
    }
    pages.clear();
  };
  for (const std::string& in : inputs) {
    struct stat st;
    if (::stat(in.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      FolderListing listing = ListInputFolder(in, output_dir);
      std::vector<std::string> pages;
      for (const std::string& f : listing.files) {
        InputKind k = SniffInputKind(f);
        if (k == InputKind::kPage) {
          pages.push_back(f);
        } else if (k == InputKind::kUnknown) {
          plan.ignored.push_back(f);
        } else {
          add_pages(pages);
          AddFileTasks(k, f, split_bytes, tasks);
        }
      }
      add_pages(pages);
      // Folders that cannot be listed: one unreadable item each, after the folder's files.
      for (auto& u : listing.unreadable) {
        Task t;
        t.files = {u.file};
        t.problem = std::move(u.reason);
        tasks->push_back(std::move(t));
      }
      for (auto& w : listing.warnings) plan.warnings.push_back(std::move(w));
    } else if (in.find_first_of("*?[") != std::string::npos && ::lstat(in.c_str(), &st) != 0) {
      Task t;  // a pattern that matched nothing (ExpandInputPatterns)
      t.files = {in};
      t.problem = "no file matches this pattern";
      tasks->push_back(std::move(t));
    } else {
      // A named file: its own task(s); unknown kinds and missing files are reported unreadable.
      InputKind k = SniffInputKind(in);
      if (k == InputKind::kWarc || k == InputKind::kJsonl) {
        AddFileTasks(k, in, split_bytes, tasks);
      } else {
        Task t;
        t.kind = k;
        t.files = {in};
        t.bytes = FileSize(in);
        tasks->push_back(std::move(t));
      }
    }
  }
  for (const Task& t : plan.tasks) plan.total_bytes += t.bytes;
  return plan;
}

InputState StatInput(const std::string& path) {
  InputState st;
  st.path = path;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return st;
  struct stat sb;
  if (::fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
    st.size = uint64_t(sb.st_size);
    st.mtime_ns = int64_t(sb.st_mtim.tv_sec) * 1000000000 + sb.st_mtim.tv_nsec;
    constexpr size_t kPart = size_t(64) << 10;
    std::string buf(2 * kPart, '\0');
    size_t head = st.size < kPart ? size_t(st.size) : kPart;
    size_t tail_at = st.size > 2 * kPart ? size_t(st.size - kPart) : head;
    size_t tail = size_t(st.size) - tail_at;
    ssize_t a = ::pread(fd, buf.data(), head, 0);
    ssize_t b = tail > 0 ? ::pread(fd, buf.data() + head, tail, off_t(tail_at)) : 0;
    if (a >= 0 && b >= 0) st.digest = XXH3_64bits(buf.data(), size_t(a) + size_t(b));
  }
  ::close(fd);
  return st;
}

std::vector<InputState> PlanInputStates(const RunPlan& plan) {
  std::vector<InputState> out;
  std::set<std::string> seen;
  for (const Task& t : plan.tasks) {
    if (t.files.empty()) continue;
    if (t.kind == InputKind::kPage) {
      InputState s;
      s.path = t.files[0] + " (+" + std::to_string(t.files.size() - 1) + " page files)";
      XXH3_state_t* h = XXH3_createState();
      XXH3_64bits_reset(h);
      for (const std::string& f : t.files) {
        InputState fs = StatInput(f);
        s.size += fs.size;
        s.mtime_ns = std::max(s.mtime_ns, fs.mtime_ns);
        XXH3_64bits_update(h, f.data(), f.size() + 1);
        uint64_t v[3] = {fs.size, uint64_t(fs.mtime_ns), fs.digest};
        XXH3_64bits_update(h, v, sizeof v);
      }
      s.digest = XXH3_64bits_digest(h);
      XXH3_freeState(h);
      out.push_back(std::move(s));
    } else if (seen.insert(t.files[0]).second) {
      out.push_back(StatInput(t.files[0]));
    }
  }
  return out;
}

std::string DescribeInputChanges(const std::vector<InputState>& before,
                                 const std::vector<InputState>& now, size_t max_listed) {
  std::map<std::string, const InputState*> old;
  for (const InputState& s : before) old[s.path] = &s;
  std::vector<std::string> lines;
  for (const InputState& s : now) {
    auto it = old.find(s.path);
    if (it == old.end()) {
      lines.push_back(s.path + ": new input");
      continue;
    }
    const InputState& o = *it->second;
    old.erase(it);
    if (o.size != s.size) {
      lines.push_back(s.path + ": size " + std::to_string(o.size) + " -> " +
                      std::to_string(s.size));
    } else if (o.digest != s.digest) {
      lines.push_back(s.path + ": content changed (same size)");
    } else if (o.mtime_ns != s.mtime_ns) {
      lines.push_back(s.path + ": modified (same size and first/last bytes, new time)");
    }
  }
  for (const auto& [path, s] : old) lines.push_back(path + ": gone from the inputs");
  std::string out;
  for (size_t i = 0; i < lines.size() && i < max_listed; ++i) {
    out += (i ? "; " : "") + lines[i];
  }
  if (lines.size() > max_listed)
    out += "; and " + std::to_string(lines.size() - max_listed) + " more";
  return out;
}

}  // namespace kilang
