#include "kilang/io/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace kilang {

Result<std::unique_ptr<FileLock>> FileLock::TryAcquire(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(path + ": cannot create: " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    std::string owner;
    char buf[32] = {0};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    if (err != EWOULDBLOCK) return Status::IoError(path + ": cannot lock: " + std::strerror(err));
    for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) owner.push_back(buf[i]);
    return Status::ResourceExhausted(owner.empty() ? "held by another process"
                                                   : "held by process " + owner);
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) != ssize_t(pid.size())) {
    ::close(fd);
    return Status::IoError(path + ": cannot write: " + std::strerror(errno));
  }
  return std::unique_ptr<FileLock>(new FileLock(fd));
}

FileLock::~FileLock() {
  // Empty again: a finished run leaves no PID behind (nor a difference between two runs' folders).
  if (::ftruncate(fd_, 0) != 0) {
  }
  ::close(fd_);
}

}  // namespace kilang
