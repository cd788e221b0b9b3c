#include "kilang/util/status.h"

namespace kilang {

std::string_view Status::CodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid argument";
    case StatusCode::kNotFound: return "not found";
    case StatusCode::kPermissionDenied: return "permission denied";
    case StatusCode::kIoError: return "I/O error";
    case StatusCode::kCorruption: return "corrupt input";
    case StatusCode::kUnsupported: return "unsupported input";
    case StatusCode::kResourceExhausted: return "resource limit exceeded";
    case StatusCode::kInternal: return "internal error";
    case StatusCode::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string s(CodeName(code_));
  if (!message_.empty()) {
    s += ": ";
    s += message_;
  }
  return s;
}

}  // namespace kilang
