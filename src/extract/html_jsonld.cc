// JSON-LD (schema.org) reader for the HTML extractor: simdjson's DOM API with error codes (no
// exceptions escape), a repair pass for the usual invalid JSON of the web, and a last-resort key
// scan when the text still does not parse.
#include <simdjson.h>

#include <string>
#include <unordered_map>

#include "html_internal.h"
#include "kilang/util/text.h"

namespace kilang::html_internal {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

bool IsArticleType(std::string_view t) {
  return t.find("Article") != std::string_view::npos ||
         t.find("BlogPosting") != std::string_view::npos || t == "Report" ||
         t == "LiveBlogPosting" || t == "SocialMediaPosting" || t == "Review";
}

std::string TypeOf(element obj) {
  element t;
  if (obj["@type"].get(t) != simdjson::SUCCESS) return "";
  std::string_view s;
  if (t.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  simdjson::dom::array arr;
  if (t.get_array().get(arr) == simdjson::SUCCESS) {
    std::string best;
    for (element e : arr) {
      if (e.get_string().get(s) != simdjson::SUCCESS) continue;
      if (best.empty() || IsArticleType(s)) best = std::string(s);
    }
    return best;
  }
  return "";
}

std::string StringOf(element e) {
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) return CollapseSpace(s);
  return "";
}

struct Walker {
  JsonLdInfo* info;
  std::unordered_map<std::string, std::string> names_by_id;  // Person/Organization @id -> name

  // Name of a person/organisation value: "X", {"name": "X"}, {"@id": ...}.
  std::string NameOf(element e) {
    std::string s = StringOf(e);
    if (!s.empty()) return s;
    element n;
    if (e["name"].get(n) == simdjson::SUCCESS) {
      s = StringOf(n);
      if (!s.empty()) return s;
    }
    element id;
    if (e["@id"].get(id) == simdjson::SUCCESS) {
      auto it = names_by_id.find(StringOf(id));
      if (it != names_by_id.end()) return it->second;
    }
    return "";
  }

  void CollectNames(element e, int depth) {
    if (depth > 8) return;
    simdjson::dom::array arr;
    if (e.get_array().get(arr) == simdjson::SUCCESS) {
      for (element c : arr) CollectNames(c, depth + 1);
      return;
    }
    simdjson::dom::object obj;
    if (e.get_object().get(obj) != simdjson::SUCCESS) return;
    element id, name;
    if (obj["@id"].get(id) == simdjson::SUCCESS && obj["name"].get(name) == simdjson::SUCCESS) {
      std::string i = StringOf(id), n = StringOf(name);
      if (!i.empty() && !n.empty()) names_by_id.emplace(i, n);
    }
    element g;
    if (obj["@graph"].get(g) == simdjson::SUCCESS) CollectNames(g, depth + 1);
  }

  void Fill(simdjson::dom::object obj, bool article, const std::string& type) {
    // Article objects overwrite facts taken from non-article ones; first article wins.
    bool overwrite = article && !info->is_article;
    auto set = [&](std::string* field, const char* key) {
      element v;
      if (obj[key].get(v) != simdjson::SUCCESS) return;
      std::string s = StringOf(v);
      if (!s.empty() && (field->empty() || overwrite)) *field = s;
    };
    if (overwrite) {
      info->headline.clear();
      info->date_published.clear();
      info->authors.clear();
    }
    set(&info->headline, "headline");
    if (info->headline.empty() && article) set(&info->headline, "name");
    set(&info->date_published, "datePublished");
    if (info->date_published.empty()) set(&info->date_published, "dateCreated");
    set(&info->date_modified, "dateModified");
    if (article) {
      set(&info->article_body, "articleBody");
      set(&info->url, "url");
    }
    element a;
    if (obj["author"].get(a) == simdjson::SUCCESS && (info->authors.empty() || overwrite)) {
      info->authors.clear();
      simdjson::dom::array arr;
      if (a.get_array().get(arr) == simdjson::SUCCESS) {
        for (element x : arr) {
          std::string n = NameOf(x);
          if (!n.empty()) info->authors.push_back(n);
        }
      } else {
        std::string n = NameOf(a);
        if (!n.empty()) info->authors.push_back(n);
      }
    }
    element p;
    if (obj["publisher"].get(p) == simdjson::SUCCESS && (info->publisher.empty() || overwrite)) {
      simdjson::dom::array arr;
      if (p.get_array().get(arr) == simdjson::SUCCESS) {
        for (element x : arr) {
          info->publisher = NameOf(x);
          if (!info->publisher.empty()) break;
        }
      } else {
        info->publisher = NameOf(p);
      }
    }
    if (overwrite) {
      info->is_article = true;
      info->type = type;
    } else if (info->type.empty()) {
      info->type = type;
    }
  }

  void Walk(element e, int depth) {
    if (depth > 8) return;
    simdjson::dom::array arr;
    if (e.get_array().get(arr) == simdjson::SUCCESS) {
      for (element c : arr) Walk(c, depth + 1);
      return;
    }
    simdjson::dom::object obj;
    if (e.get_object().get(obj) != simdjson::SUCCESS) return;
    std::string type = TypeOf(e);
    bool article = IsArticleType(type);
    bool page_like = type == "WebPage" || type == "ItemPage" || type.empty();
    if (article || (page_like && !info->is_article)) Fill(obj, article, type);
    for (const char* key :
         {"@graph", "mainEntity", "mainEntityOfPage", "hasPart", "itemListElement"}) {
      element c;
      if (obj[key].get(c) == simdjson::SUCCESS) Walk(c, depth + 1);
    }
  }
};

// Makes common invalid JSON-LD parseable: comment/CDATA wrappers, raw control characters,
// trailing commas, several concatenated objects.
std::string Repair(std::string_view s) {
  s = TrimSpace(s);
  for (std::string_view pre : {"<!--", "//<![CDATA[", "<![CDATA["}) {
    if (StartsWith(s, pre)) s = TrimSpace(s.substr(pre.size()));
  }
  for (std::string_view suf : {"-->", "//]]>", "]]>"}) {
    if (EndsWith(s, suf)) s = TrimSpace(s.substr(0, s.size() - suf.size()));
  }
  while (!s.empty() && s.back() == ';') s.remove_suffix(1);
  std::string out;
  out.reserve(s.size() + 2);
  bool in_str = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_str) {
      if (c == '\\' && i + 1 < s.size()) {
        char n = s[i + 1];
        if (n == '"' || n == '\\' || n == '/' || n == 'b' || n == 'f' || n == 'n' || n == 'r' ||
            n == 't' || n == 'u') {
          out.push_back(c);
          out.push_back(n);
        } else {
          out.push_back(n);  // invalid escape such as \' : keep the character
        }
        ++i;
        continue;
      }
      if (c == '"') in_str = false;
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
      out.push_back(c);
      continue;
    }
    if (c == '"') in_str = true;
    if (c == ',') {
      size_t j = i + 1;
      while (j < s.size() && (s[j] == ' ' || s[j] == '\n' || s[j] == '\r' || s[j] == '\t')) ++j;
      if (j < s.size() && (s[j] == '}' || s[j] == ']')) continue;  // trailing comma
    }
    out.push_back(c);
  }
  // Concatenated top-level values "{...}{...}" or "{...},{...}": wrap into an array.
  if (!out.empty() && out[0] == '{') {
    int depth = 0;
    bool str = false;
    for (size_t i = 0; i < out.size(); ++i) {
      char c = out[i];
      if (str) {
        if (c == '\\')
          ++i;
        else if (c == '"')
          str = false;
        continue;
      }
      if (c == '"')
        str = true;
      else if (c == '{' || c == '[')
        ++depth;
      else if (c == '}' || c == ']') {
        if (--depth == 0 && i + 1 < out.size()) {
          std::string_view rest = TrimSpace(std::string_view(out).substr(i + 1));
          if (!rest.empty()) return "[" + out + "]";
          break;
        }
      }
    }
  }
  return out;
}

// Value of "key": "..." found by scanning text that does not parse.
std::string ScanKey(std::string_view s, std::string_view key) {
  std::string pat;
  pat.reserve(key.size() + 2);
  pat.push_back('"');
  pat.append(key);
  pat.push_back('"');
  size_t p = s.find(pat);
  if (p == std::string_view::npos) return "";
  p += pat.size();
  while (p < s.size() && (s[p] == ' ' || s[p] == ':' || s[p] == '\n' || s[p] == '\t')) ++p;
  if (p >= s.size() || s[p] != '"') return "";
  size_t e = p + 1;
  std::string out;
  while (e < s.size() && s[e] != '"' && out.size() < 2000) {
    if (s[e] == '\\' && e + 1 < s.size()) ++e;
    out.push_back(s[e]);
    ++e;
  }
  return CollapseSpace(out);
}

}  // namespace

void ParseJsonLd(std::string_view json, JsonLdInfo* info) {
  if (json.size() > (8u << 20)) return;
  thread_local simdjson::dom::parser parser;
  element root;
  simdjson::padded_string ps(json.data(), json.size());
  if (parser.parse(ps).get(root) != simdjson::SUCCESS) {
    std::string fixed = Repair(json);
    simdjson::padded_string ps2(fixed.data(), fixed.size());
    if (parser.parse(ps2).get(root) != simdjson::SUCCESS) {
      // Still invalid: take the plain keys we can see.
      bool article = false;
      for (std::string_view t : {"NewsArticle", "\"Article\"", "BlogPosting", "ReportageNews"}) {
        if (json.find(t) != std::string_view::npos) article = true;
      }
      if (!article) return;
      if (info->headline.empty()) info->headline = ScanKey(json, "headline");
      if (info->date_published.empty()) info->date_published = ScanKey(json, "datePublished");
      return;
    }
    Walker w{info, {}};
    w.CollectNames(root, 0);
    w.Walk(root, 0);
    return;
  }
  Walker w{info, {}};
  w.CollectNames(root, 0);
  w.Walk(root, 0);
}

}  // namespace kilang::html_internal
