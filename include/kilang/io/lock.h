// FileLock: an exclusive, advisory lock held by one process at a time (flock(2) on a lock file),
// used to keep two `kilang run`s out of one output folder.
//
// The lock file holds the owner's PID (one line), so that a process that finds the lock taken can
// say who holds it. The kernel releases the lock when the owner exits, however it exits (kill -9
// included): a stale lock file is never a problem, only a live owner is.
//
// Thread-safety: a FileLock is owned by one thread; it is not copyable.
#ifndef KILANG_IO_LOCK_H_
#define KILANG_IO_LOCK_H_

#include <memory>
#include <string>

#include "kilang/util/status.h"

namespace kilang {

class FileLock {
 public:
  // Takes the lock on `path` (creating the file) without waiting, and writes this process's PID
  // into it. Errors: ResourceExhausted when another process holds it (the message names its PID
  // when the file holds one: "held by process 1234"), IoError when the file cannot be created.
  static Result<std::unique_ptr<FileLock>> TryAcquire(const std::string& path);

  ~FileLock();  // empties the file and releases the lock (the file stays)
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace kilang

#endif  // KILANG_IO_LOCK_H_
