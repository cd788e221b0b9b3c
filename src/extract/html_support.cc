// Hints vocabulary, nesting guard, and title/URL/date helpers of the HTML extractor.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "html_internal.h"
#include "kilang/util/embedded.h"
#include "kilang/util/text.h"
#include "kilang/util/utf8.h"

namespace kilang {

namespace html_internal {

namespace {

std::string FoldHint(std::string_view s) {
  std::string out = LowerUtf8(s);
  for (char& c : out) {
    if (c == '_') c = '-';
  }
  return out;
}

bool IsHintBoundary(char c) { return c == ' ' || c == '-' || c == '\t' || c == '\n'; }

}  // namespace

void Hints::PatternSet::Add(Pattern p) {
  size_t dash = p.text.find('-');
  if (p.prefix && dash == std::string::npos) {
    // Kept sorted, with the range of each first byte, so a token is checked against the few
    // prefixes that start like it.
    prefix_tokens_.insert(std::upper_bound(prefix_tokens_.begin(), prefix_tokens_.end(), p.text),
                          p.text);
    prefix_range_.fill({0, 0});
    for (size_t k = 0; k < prefix_tokens_.size(); ++k) {
      auto& r = prefix_range_[static_cast<unsigned char>(prefix_tokens_[k][0])];
      if (r.second == 0) r.first = static_cast<uint16_t>(k);
      r.second = static_cast<uint16_t>(k + 1);
    }
    return;
  }
  std::string first = dash == std::string::npos ? p.text : p.text.substr(0, dash);
  by_first_token_[first].push_back(static_cast<int>(pats_.size()));
  pats_.push_back(std::move(p));
}

bool Hints::PatternSet::Matches(std::string_view value) const {
  size_t i = 0;
  const size_t n = value.size();
  while (i < n) {
    while (i < n && IsHintBoundary(value[i])) ++i;
    if (i >= n) break;
    size_t e = i;
    while (e < n && !IsHintBoundary(value[e])) ++e;
    std::string_view token = value.substr(i, e - i);
    // One-token prefix patterns: "comment*" against "comments", "commentlist".
    auto [lo, hi] = prefix_range_[static_cast<unsigned char>(token[0])];
    for (size_t k = lo; k < hi; ++k) {
      if (StartsWith(token, prefix_tokens_[k])) return true;
    }
    auto it = by_first_token_.find(token);
    if (it != by_first_token_.end()) {
      for (int idx : it->second) {
        const Pattern& p = pats_[idx];
        if (value.compare(i, p.text.size(), p.text) != 0) continue;
        size_t end = i + p.text.size();
        if (p.prefix || end == n || IsHintBoundary(value[end])) return true;
      }
    }
    i = e;
  }
  return false;
}

bool Hints::IsDropLine(std::string_view lower_line) const {
  while (!lower_line.empty() && (lower_line.back() == ':' || lower_line.back() == '.')) {
    lower_line.remove_suffix(1);
  }
  return drop_lines_.count(std::string(TrimSpace(lower_line))) > 0;
}

bool Hints::HasPromoPhrase(std::string_view lower) const {
  for (const std::string& p : promo_phrases_) {
    if (lower.find(p) != std::string_view::npos) return true;
  }
  return false;
}

bool Hints::IsCreditLine(std::string_view lower) const {
  for (const std::string& p : credit_prefixes_) {
    if (StartsWith(lower, p)) return true;
  }
  return false;
}

bool Hints::IsCaptionText(std::string_view lower) const {
  for (const std::string& p : caption_markers_) {
    if (lower.find(p) != std::string_view::npos) return true;
  }
  return false;
}

Result<Hints> Hints::Parse(const std::string& name, const std::string& yaml) {
  Hints h;
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
    if (!root.IsMap()) return Status::InvalidArgument(name + ": expected a mapping");
    auto read = [&](const char* key, PatternSet* out) -> Status {
      YAML::Node n = root[key];
      if (!n) return Status::Ok();
      if (!n.IsSequence()) return Status::InvalidArgument(name + ": " + key + ": expected a list");
      for (const auto& item : n) {
        std::string v = FoldHint(item.as<std::string>());
        Pattern p;
        if (!v.empty() && v.back() == '*') {
          p.prefix = true;
          v.pop_back();
        }
        if (v.empty()) continue;
        p.text = v;
        out->Add(std::move(p));
      }
      return Status::Ok();
    };
    KILANG_RETURN_IF_ERROR(read("remove", &h.remove_));
    KILANG_RETURN_IF_ERROR(read("content", &h.content_));
    KILANG_RETURN_IF_ERROR(read("caption", &h.caption_));
    for (auto [key, out] : {std::pair{"promo_phrases", &h.promo_phrases_},
                            std::pair{"credit_prefixes", &h.credit_prefixes_},
                            std::pair{"caption_markers", &h.caption_markers_}}) {
      YAML::Node n = root[key];
      if (!n) continue;
      if (!n.IsSequence()) {
        return Status::InvalidArgument(name + ": " + key + ": expected a list");
      }
      for (const auto& item : n) out->push_back(LowerUtf8(item.as<std::string>()));
    }
    for (const char* key : {"remove_roles", "drop_lines"}) {
      YAML::Node n = root[key];
      if (!n) continue;
      if (!n.IsSequence()) return Status::InvalidArgument(name + ": " + key + ": expected a list");
      auto& set = std::string(key) == "remove_roles" ? h.remove_roles_ : h.drop_lines_;
      for (const auto& item : n) set.insert(LowerUtf8(item.as<std::string>()));
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(name + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return h;
}

const Hints& Hints::Default() {
  static const Hints* hints = [] {
    for (size_t i = 0; i < kEmbeddedHtmlFileCount; ++i) {
      if (std::string(kEmbeddedHtmlFiles[i].name) != "hints.yaml") continue;
      std::string text(reinterpret_cast<const char*>(kEmbeddedHtmlFiles[i].data),
                       kEmbeddedHtmlFiles[i].size);
      Result<Hints> r = Parse("data/html/hints.yaml", text);
      if (!r.ok()) {
        std::fprintf(stderr, "kilang: invalid built-in HTML hints: %s\n",
                     r.status().ToString().c_str());
        std::abort();
      }
      return new Hints(std::move(r).value());
    }
    std::fprintf(stderr, "kilang: data/html/hints.yaml was not embedded\n");
    std::abort();
    return static_cast<Hints*>(nullptr);
  }();
  return *hints;
}

// ---- hint texts ----

void AppendHintText(std::string_view value, std::string* out) {
  const size_t start = out->size();
  bool ascii = true;
  char prev = 0;
  for (char c : value) {
    if (c >= 'A' && c <= 'Z') {
      if (prev >= 'a' && prev <= 'z') out->push_back('-');
      out->push_back(static_cast<char>(c + 32));
    } else {
      if (static_cast<unsigned char>(c) >= 0x80) ascii = false;
      out->push_back(c);
    }
    prev = c;
  }
  if (!ascii) {
    std::string lower = LowerUtf8(std::string_view(*out).substr(start));
    out->replace(start, std::string::npos, lower);
  }
}

// ---- entities ----

namespace {}  // namespace

std::string DecodeEntities(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return std::string(s);
  static const std::pair<std::string_view, uint32_t> kNamed[] = {
      {"amp", '&'},       {"quot", '"'},     {"apos", '\''},    {"lt", '<'},
      {"gt", '>'},        {"nbsp", 0xA0},    {"lsquo", 0x2018}, {"rsquo", 0x2019},
      {"ldquo", 0x201C},  {"rdquo", 0x201D}, {"ndash", 0x2013}, {"mdash", 0x2014},
      {"hellip", 0x2026}, {"laquo", 0xAB},   {"raquo", 0xBB},   {"copy", 0xA9},
      {"reg", 0xAE},      {"trade", 0x2122}, {"eacute", 0xE9},  {"egrave", 0xE8},
      {"aacute", 0xE1},   {"oacute", 0xF3},  {"iacute", 0xED},  {"uacute", 0xFA},
      {"ntilde", 0xF1},   {"ccedil", 0xE7},  {"uuml", 0xFC},    {"ouml", 0xF6},
      {"auml", 0xE4},     {"szlig", 0xDF}};
  std::string out;
  out.reserve(s.size());
  // Twice at most: "&amp;#8216;" is a doubly-encoded entity.
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '&') {
      out.push_back(s[i++]);
      continue;
    }
    size_t semi = s.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 10) {
      out.push_back(s[i++]);
      continue;
    }
    std::string_view name = s.substr(i + 1, semi - i - 1);
    uint32_t cp = 0;
    if (!name.empty() && name[0] == '#') {
      bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
      std::string_view digits = name.substr(hex ? 2 : 1);
      bool ok = !digits.empty();
      for (char c : digits) {
        int v = (c >= '0' && c <= '9')          ? c - '0'
                : (hex && c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (hex && c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                : -1;
        if (v < 0)
          ok = false;
        else
          cp = cp * (hex ? 16 : 10) + v;
        if (cp > 0x10FFFF) ok = false;
        if (!ok) break;
      }
      if (!ok) cp = 0;
    } else {
      for (const auto& [n, c] : kNamed) {
        if (name == n) cp = c;
      }
    }
    if (cp == 0) {
      out.push_back(s[i++]);
      continue;
    }
    AppendUtf8(cp, &out);
    i = semi + 1;
  }
  if (out.find('&') != std::string::npos && out.find(';') != std::string::npos && out != s) {
    std::string again = DecodeEntities(out);
    return again;
  }
  return out;
}

// ---- dates, titles, hosts ----

std::optional<DateTime> ParseMachineDate(std::string_view s) {
  s = TrimSpace(s);
  if (s.size() < 8 || s.size() > 64) return std::nullopt;
  if (auto d = DateTime::ParseIso(s)) return d;
  std::string t(s);
  // "2019-11-21T10:00:00 +0000", "2019-11-21T10:00:00 GMT", "2019-11-21T10:00:00.000Z"
  if (t.size() >= 19) {
    std::string head = t.substr(0, 19);
    std::string rest(TrimSpace(std::string_view(t).substr(19)));
    if (!rest.empty() && rest[0] == '.') {
      size_t k = 1;
      while (k < rest.size() && rest[k] >= '0' && rest[k] <= '9') ++k;
      rest = std::string(TrimSpace(std::string_view(rest).substr(k)));
    }
    if (rest == "GMT" || rest == "UTC" || rest == "Z") rest = "Z";
    if (auto d = DateTime::ParseIso(head + rest)) return d;
    if (auto d = DateTime::ParseIso(head)) return d;
  }
  // "20191121" / "2019/11/21"
  if (t.size() >= 10 && t[4] == '/' && t[7] == '/') {
    std::string u = t;
    u[4] = u[7] = '-';
    if (auto d = DateTime::ParseIso(u.substr(0, 10))) return d;
  }
  if (t.size() == 8 && t.find_first_not_of("0123456789") == std::string::npos) {
    return DateTime::ParseIso(t.substr(0, 4) + "-" + t.substr(4, 2) + "-" + t.substr(6, 2));
  }
  if (t.size() >= 10) {
    if (auto d = DateTime::ParseIso(t.substr(0, 10))) return d;
  }
  return std::nullopt;
}

std::string HostOf(std::string_view url) {
  size_t p = url.find("://");
  if (p == std::string_view::npos) {
    if (StartsWith(url, "//"))
      p = 0;
    else
      return "";
  }
  url.remove_prefix(p + (p == 0 && StartsWith(url, "//") ? 2 : 3));
  size_t e = url.find_first_of("/?#:");
  std::string host = LowerUtf8(url.substr(0, e));
  if (StartsWith(host, "www.")) host = host.substr(4);
  return host;
}

namespace {

// Letters and digits only, lower-cased: "The Verge" -> "theverge".
std::string Squash(std::string_view s) {
  std::string low = LowerUtf8(s), out;
  for (unsigned char c : low) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) out.push_back(c);
  }
  return out;
}

size_t CountWords(std::string_view s) {
  std::vector<std::string_view> w;
  SplitWords(s, &w);
  return w.size();
}

}  // namespace

std::string CleanTitle(std::string_view title_in, std::string_view site, std::string_view h1) {
  std::string title = CollapseSpace(title_in);
  if (title.empty()) return title;
  // Split on separators surrounded by spaces.
  static const char* kSeps[] = {
      " | ", " - ", " – ", " — ", " :: ", " · ", " / ", " » ", " « ", " : "};
  std::vector<std::string> parts;
  std::string_view rest = title;
  while (true) {
    size_t best = std::string_view::npos, blen = 0;
    for (const char* sep : kSeps) {
      size_t p = rest.find(sep);
      if (p != std::string_view::npos && p < best) best = p, blen = std::strlen(sep);
    }
    if (best == std::string_view::npos) break;
    parts.emplace_back(TrimSpace(rest.substr(0, best)));
    rest.remove_prefix(best + blen);
  }
  parts.emplace_back(TrimSpace(rest));
  if (parts.size() == 1) return title;
  std::string site_sq = Squash(site), h1_sq = Squash(h1);
  auto is_site = [&](const std::string& p) {
    std::string sq = Squash(p);
    if (sq.empty()) return true;
    if (site_sq.empty()) return false;
    if (sq == site_sq || (sq.size() >= 3 && site_sq.find(sq) != std::string::npos)) return true;
    // "The Daily Example Online" is the site; "The Guardian view on Hong Kong" is not.
    return sq.find(site_sq) != std::string::npos && CountWords(p) <= CountWords(site) + 2;
  };
  // An h1 that equals the title or one part of it is the headline (an <h1> that is the site's
  // name, as on many blogs, says nothing about it).
  if (!h1_sq.empty() && !is_site(std::string(h1))) {
    if (Squash(title) == h1_sq) return title;
    for (const std::string& p : parts) {
      if (Squash(p) == h1_sq) return p;
    }
  }

  // Drop site parts from both ends, then short trailing section names.
  size_t b = 0, e = parts.size();
  while (e - b > 1 && is_site(parts[e - 1])) --e;
  while (e - b > 1 && is_site(parts[b])) ++b;
  if (e - b > 1) {
    // Keep the longest remaining part when the others are short (names, sections).
    size_t longest = b;
    for (size_t i = b; i < e; ++i) {
      if (CountWords(parts[i]) > CountWords(parts[longest])) longest = i;
    }
    bool others_short = true;
    for (size_t i = b; i < e; ++i) {
      if (i != longest && CountWords(parts[i]) > 4) others_short = false;
    }
    if (others_short && CountWords(parts[longest]) >= 3) return parts[longest];
    // Otherwise join back what is left: the separator was part of the headline.
    std::string joined;
    size_t pos = 0;
    std::string_view t = title;
    // Rebuild from the original text between parts b and e-1.
    size_t start = t.find(parts[b]);
    size_t last = t.rfind(parts[e - 1]);
    if (start != std::string_view::npos && last != std::string_view::npos && last >= start) {
      return std::string(t.substr(start, last + parts[e - 1].size() - start));
    }
    (void)pos;
    return title;
  }
  return parts[b];
}

}  // namespace html_internal
}  // namespace kilang
