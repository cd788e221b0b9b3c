#include "kilang/core/document.h"

#include <cmath>
#include <cstdio>

namespace kilang {

void AppendJsonString(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the current run of bytes that need no escaping
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

namespace {

void AppendField(std::string_view key, std::string_view value, bool* first, std::string* out) {
  if (value.empty()) return;
  if (!*first) out->push_back(',');
  *first = false;
  AppendJsonString(key, out);
  out->push_back(':');
  AppendJsonString(value, out);
}

}  // namespace

std::string ToJsonLine(const Document& doc) {
  std::string out;
  out.reserve(doc.text.size() + 256);
  out.append("{\"id\":");
  AppendJsonString(doc.id, &out);
  out.append(",\"text\":");
  AppendJsonString(doc.text, &out);
  out.append(",\"metadata\":{");
  const Metadata& m = doc.metadata;
  bool first = true;
  AppendField("url", m.url, &first, &out);
  AppendField("title", m.title, &first, &out);
  AppendField("date", m.date, &first, &out);
  AppendField("author", m.author, &first, &out);
  AppendField("site", m.site, &first, &out);
  AppendField("lang", m.lang, &first, &out);
  if (m.lang_score >= 0 && std::isfinite(m.lang_score)) {
    if (!first) out.push_back(',');
    first = false;
    char buf[32];
    std::snprintf(buf, sizeof buf, "\"lang_score\":%.4g", m.lang_score);
    out.append(buf);
  }
  AppendField("source", m.source, &first, &out);
  for (const auto& [k, v] : m.extra) AppendField(k, v, &first, &out);
  for (const auto& [k, v] : m.json_fields) {
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(k, &out);
    out.push_back(':');
    out.append(v);
  }
  out.append("}}");
  return out;
}

std::string ToRemovedMetaLine(const Document& doc) {
  std::string out = "{\"id\":";
  AppendJsonString(doc.id, &out);
  out.append(",\"metadata\":{");
  bool first = true;
  const Metadata& m = doc.metadata;
  AppendField("url", m.url, &first, &out);
  AppendField("source", m.source, &first, &out);
  for (const auto& [k, v] : m.extra) {
    if (k == "stage" || k == "reason") AppendField(k, v, &first, &out);
  }
  if (!first) out.push_back(',');
  out.append("\"length\":" + std::to_string(doc.text.size()) + "}}");
  return out;
}

}  // namespace kilang
