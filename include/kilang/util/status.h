// Status and Result<T>: how kilang reports errors across library boundaries.
//
// Nothing a bad web page can trigger throws across a public API: operations return a Status (or
// a Result<T> holding either a value or a non-OK Status). Programmer errors assert.
//
// Two kinds of failure matter to callers:
//   - recoverable: this one document/file is bad (IsRecoverable() == true); count it, go on.
//   - fatal: the shard or run cannot continue (e.g. the output disk is full).
#ifndef KILANG_UTIL_STATUS_H_
#define KILANG_UTIL_STATUS_H_

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace kilang {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // usage error: a bad option or value
  kNotFound,           // a named input does not exist
  kPermissionDenied,   // an input exists but cannot be read
  kIoError,            // read/write failed
  kCorruption,         // bytes are not what their format promises (bad gzip, broken record)
  kUnsupported,        // a format or encoding kilang does not handle (e.g. a binary file)
  kResourceExhausted,  // a configured budget (size, memory) was exceeded
  kInternal,           // a bug; should never be seen
  kCancelled,          // the caller asked the operation to stop (e.g. Ctrl-C); it can be resumed
};

// A value type: cheap to copy when OK (no allocation).
class Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status Unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
  static Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Whether the failure concerns one input only (the run should count it and continue).
  bool IsRecoverable() const { return code_ != StatusCode::kInternal && code_ != StatusCode::kInvalidArgument; }

  // "ok" or "<code name>: <message>".
  std::string ToString() const;
  static std::string_view CodeName(StatusCode code);

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Either a T or a non-OK Status. REQUIRES: constructed from a non-OK Status when not a value.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // The error; Status::Ok() when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  // REQUIRES: ok().
  T& value() & { assert(ok()); return std::get<T>(v_); }
  const T& value() const& { assert(ok()); return std::get<T>(v_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace kilang

// Returns early from the enclosing function when `expr` (a Status) is not OK.
#define KILANG_RETURN_IF_ERROR(expr)          \
  do {                                        \
    ::kilang::Status _kilang_st = (expr);     \
    if (!_kilang_st.ok()) return _kilang_st;  \
  } while (0)

#endif  // KILANG_UTIL_STATUS_H_
