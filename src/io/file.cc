#include "kilang/io/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kilang {

namespace {

Status ErrnoStatus(int err, const char* what) {
  std::string m = std::string(what) + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR: return Status::NotFound(std::move(m));
    case EACCES:
    case EPERM: return Status::PermissionDenied(std::move(m));
    default: return Status::IoError(std::move(m));
  }
}

Status ReadFd(int fd, size_t max_bytes, std::string* out) {
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) return Status::Ok();
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "read failed");
    }
    if (max_bytes && out->size() + size_t(n) > max_bytes) {
      return Status::ResourceExhausted("larger than the limit of " + std::to_string(max_bytes) +
                                       " bytes");
    }
    out->append(buf, size_t(n));
  }
}

}  // namespace

Status ReadFile(const std::string& path, size_t max_bytes, std::string* out) {
  out->clear();
  if (path == "-") return ReadFd(0, max_bytes, out);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "cannot open");
  struct stat st;
  if (::fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return Status::IoError("is a directory, not a file");
    }
    if (max_bytes && S_ISREG(st.st_mode) && size_t(st.st_size) > max_bytes) {
      ::close(fd);
      return Status::ResourceExhausted("file is " + std::to_string(st.st_size) +
                                       " bytes, over the limit of " + std::to_string(max_bytes));
    }
    if (S_ISREG(st.st_mode)) out->reserve(size_t(st.st_size));
  }
  Status s = ReadFd(fd, max_bytes, out);
  ::close(fd);
  return s;
}

std::string FileStem(const std::string& path) {
  size_t slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  size_t dot = base.find_last_of('.');
  if (dot != std::string::npos && dot > 0) base.resize(dot);
  return base;
}

}  // namespace kilang
