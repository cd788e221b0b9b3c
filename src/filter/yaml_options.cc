#include "yaml_options.h"

#include <cstdio>
#include <exception>

namespace kilang::filter_internal {

std::string LineOf(const YAML::Node& node) {
  if (!node.IsDefined()) return "";
  YAML::Mark m = node.Mark();
  if (m.is_null()) return "";
  return "line " + std::to_string(m.line + 1);
}

OptionReader::OptionReader(const YAML::Node& node, std::string_view stage)
    : node_(node), stage_(stage) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) {
    status_ = Status::InvalidArgument("options of stage '" + stage_ + "' must be a map (" +
                                      LineOf(node_) + ")");
  }
}

YAML::Node OptionReader::Find(const char* key) {
  known_.insert(key);
  if (!status_.ok() || !node_.IsDefined() || !node_.IsMap())
    return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& kv : node_) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node OptionReader::Child(const char* key) { return Find(key); }

void OptionReader::Fail(const char* key, const YAML::Node& value, std::string_view what) {
  if (!status_.ok()) return;
  std::string where = LineOf(value);
  status_ = Status::InvalidArgument("stage '" + stage_ + "': option '" + key + "' " +
                                    std::string(what) + (where.empty() ? "" : " (" + where + ")"));
}

namespace {

std::string Flow(const YAML::Node& n) {
  YAML::Emitter e;
  e.SetMapFormat(YAML::Flow);
  e.SetSeqFormat(YAML::Flow);
  e << n;
  return e.c_str();
}

std::string Num(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", d);
  return buf;
}

}  // namespace

void OptionReader::Get(const char* key, double* out) {
  Note(key, "number", [out] { return Num(*out); });
  YAML::Node v = Find(key);
  if (!v.IsDefined()) return;
  try {
    *out = v.as<double>();
  } catch (const std::exception&) {
    Fail(key, v, "must be a number");
  }
}

void OptionReader::Get(const char* key, int* out) {
  Note(key, "int", [out] { return std::to_string(*out); });
  YAML::Node v = Find(key);
  if (!v.IsDefined()) return;
  try {
    *out = v.as<int>();
  } catch (const std::exception&) {
    Fail(key, v, "must be an integer");
  }
}

void OptionReader::Get(const char* key, bool* out) {
  Note(key, "bool", [out] { return std::string(*out ? "true" : "false"); });
  YAML::Node v = Find(key);
  if (!v.IsDefined()) return;
  try {
    *out = v.as<bool>();
  } catch (const std::exception&) {
    Fail(key, v, "must be true or false");
  }
}

void OptionReader::Get(const char* key, std::string* out) {
  Note(key, "string", [out] { return Flow(YAML::Node(*out)); });
  YAML::Node v = Find(key);
  if (!v.IsDefined()) return;
  if (!v.IsScalar()) return Fail(key, v, "must be a string");
  *out = v.Scalar();
}

void OptionReader::Get(const char* key, std::vector<std::string>* out) {
  Note(key, "list of strings", [out] {
    YAML::Node n(YAML::NodeType::Sequence);
    for (const auto& x : *out) n.push_back(x);
    return Flow(n);
  });
  YAML::Node v = Find(key);
  if (!v.IsDefined()) return;
  if (v.IsNull()) {
    out->clear();
    return;
  }
  if (!v.IsSequence()) return Fail(key, v, "must be a list of strings");
  out->clear();
  for (const auto& e : v) {
    if (!e.IsScalar()) return Fail(key, e, "must be a list of strings");
    out->push_back(e.Scalar());
  }
}

void OptionReader::Get(const char* key, std::map<std::string, double>* out) {
  Note(key, "map of numbers", [out] {
    std::string t;
    for (const auto& [k, x] : *out)
      t += (t.empty() ? "" : ", ") + Flow(YAML::Node(k)) + ": " + Num(x);
    return "{" + t + "}";
  });
  YAML::Node v = Find(key);
  if (!v.IsDefined()) return;
  if (!v.IsMap()) return Fail(key, v, "must be a map of numbers");
  try {
    for (const auto& kv : v) (*out)[kv.first.Scalar()] = kv.second.as<double>();
  } catch (const std::exception&) {
    Fail(key, v, "must be a map of numbers");
  }
}

void OptionReader::Get(const char* key, std::vector<std::pair<int, double>>* out) {
  Note(key, "map of n-gram size to fraction", [out] {
    std::string t;
    for (const auto& [k, x] : *out)
      t += (t.empty() ? "" : ", ") + std::to_string(k) + ": " + Num(x);
    return "{" + t + "}";
  });
  YAML::Node v = Find(key);
  if (!v.IsDefined()) return;
  std::vector<std::pair<int, double>> r;
  try {
    if (v.IsMap()) {
      for (const auto& kv : v) r.emplace_back(kv.first.as<int>(), kv.second.as<double>());
    } else if (v.IsSequence()) {
      for (const auto& e : v) {
        if (!e.IsSequence() || e.size() != 2) return Fail(key, e, "entries must be [n, fraction]");
        r.emplace_back(e[0].as<int>(), e[1].as<double>());
      }
    } else if (!v.IsNull()) {
      return Fail(key, v, "must be a map {n: fraction} or a list of [n, fraction]");
    }
  } catch (const std::exception&) {
    return Fail(key, v, "must map integers to numbers");
  }
  for (const auto& [n, f] : r) {
    if (n < 1 || n > 64) return Fail(key, v, "n-gram sizes must be in 1..64");
  }
  *out = std::move(r);
}

Status OptionReader::Finish() {
  if (!status_.ok()) return status_;
  if (node_.IsDefined() && node_.IsMap()) {
    for (const auto& kv : node_) {
      std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "?";
      if (!known_.count(k)) {
        std::string where = LineOf(kv.first);
        std::string list;
        for (const std::string& n : known_) list += (list.empty() ? "" : ", ") + n;
        return Status::InvalidArgument("stage '" + stage_ + "': unknown option '" + k + "'" +
                                       (where.empty() ? "" : " (" + where + ")") +
                                       " (known: " + list + ")");
      }
    }
  }
  if (sink_) {
    for (const NoteEntry& n : notes_) sink_->push_back({n.key, {n.type, n.value()}});
  }
  return Status::Ok();
}

}  // namespace kilang::filter_internal
