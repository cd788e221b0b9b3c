#include "kilang/pipeline/options.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace kilang {

namespace {

Status Bad(std::string_view key, std::string_view value, std::string_view why) {
  return Status::InvalidArgument("'" + std::string(key) + "': bad value '" + std::string(value) +
                                 "': " + std::string(why));
}

bool ParseInt(std::string_view s, int64_t* out) {
  std::string t(s);
  if (t.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(t.c_str(), &end, 10);
  if (errno || *end) return false;
  *out = v;
  return true;
}

}  // namespace

void OptionBinder::Add(std::string key, bool* v, std::string help) {
  std::string k = key;
  fields_.push_back({std::move(key), std::move(help), "bool",
                     [v, k](std::string_view s) {
                       if (s == "true" || s == "yes" || s == "on" || s == "1")
                         *v = true;
                       else if (s == "false" || s == "no" || s == "off" || s == "0")
                         *v = false;
                       else
                         return Bad(k, s, "expected true or false");
                       return Status::Ok();
                     },
                     [v] { return std::string(*v ? "true" : "false"); }});
}

void OptionBinder::Add(std::string key, int* v, std::string help, int64_t min, int64_t max) {
  std::string k = key;
  fields_.push_back({std::move(key), std::move(help), "int",
                     [v, k, min, max](std::string_view s) {
                       int64_t x;
                       if (!ParseInt(s, &x)) return Bad(k, s, "expected an integer");
                       if (x < min || x > max) {
                         return Bad(k, s,
                                    "expected " + std::to_string(min) + ".." + std::to_string(max));
                       }
                       *v = int(x);
                       return Status::Ok();
                     },
                     [v] { return std::to_string(*v); }});
}

void OptionBinder::Add(std::string key, uint64_t* v, std::string help, uint64_t min, uint64_t max) {
  std::string k = key;
  fields_.push_back({std::move(key), std::move(help), "uint",
                     [v, k, min, max](std::string_view s) {
                       std::string t(s);
                       char* end = nullptr;
                       errno = 0;
                       if (t.empty() || t[0] == '-')
                         return Bad(k, s, "expected a non-negative integer");
                       unsigned long long x = std::strtoull(t.c_str(), &end, 10);
                       if (errno || *end) return Bad(k, s, "expected a non-negative integer");
                       if (x < min || x > max) {
                         return Bad(k, s,
                                    "expected " + std::to_string(min) + ".." + std::to_string(max));
                       }
                       *v = x;
                       return Status::Ok();
                     },
                     [v] { return std::to_string(*v); }});
}

void OptionBinder::Add(std::string key, double* v, std::string help, double min, double max) {
  std::string k = key;
  fields_.push_back({std::move(key), std::move(help), "double",
                     [v, k, min, max](std::string_view s) {
                       std::string t(s);
                       char* end = nullptr;
                       errno = 0;
                       double x = std::strtod(t.c_str(), &end);
                       if (t.empty() || errno || *end || !std::isfinite(x))
                         return Bad(k, s, "expected a number");
                       if (x < min || x > max) return Bad(k, s, "out of range");
                       *v = x;
                       return Status::Ok();
                     },
                     [v] {
                       char buf[32];
                       std::snprintf(buf, sizeof buf, "%.17g", *v);
                       return std::string(buf);
                     }});
}

void OptionBinder::Add(std::string key, std::string* v, std::string help,
                       std::vector<std::string> choices) {
  std::string k = key;
  fields_.push_back({std::move(key), std::move(help), "string",
                     [v, k, choices](std::string_view s) {
                       if (!choices.empty()) {
                         bool ok = false;
                         std::string list;
                         for (const auto& c : choices) {
                           ok |= c == s;
                           list += (list.empty() ? "" : ", ") + c;
                         }
                         if (!ok) return Bad(k, s, "expected one of " + list);
                       }
                       v->assign(s);
                       return Status::Ok();
                     },
                     [v] { return *v; }});
}

Status OptionBinder::Set(std::string_view key, std::string_view value) {
  for (Field& f : fields_) {
    if (f.key == key) return f.set(value);
  }
  return Status::InvalidArgument("unknown key '" + std::string(key) + "' (known: " + KeyList() +
                                 ")");
}

bool OptionBinder::Has(std::string_view key) const {
  for (const Field& f : fields_) {
    if (f.key == key) return true;
  }
  return false;
}

std::string OptionBinder::Dump() const {
  std::string out;
  for (const Field& f : fields_) out += f.key + "=" + f.get() + "\n";
  return out;
}

std::string OptionBinder::KeyList() const {
  std::string out;
  for (const Field& f : fields_) out += (out.empty() ? "" : ", ") + f.key;
  return out.empty() ? "none" : out;
}

}  // namespace kilang
