#include "kilang/filter/pii.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kilang/util/text.h"

namespace kilang {

// RedactPii; with copy_when_clean false, `out` is left empty when nothing was found (the stage
// then keeps its text as it is, without a copy).
PiiCounts RedactPiiInto(std::string_view t, const PiiOptions& o, std::string* out,
                        bool copy_when_clean);

namespace {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
inline bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
// Bytes of multi-byte UTF-8 characters: treated as word characters (letters of other scripts).
inline bool IsHigh(char c) { return static_cast<unsigned char>(c) >= 0x80; }
inline bool IsLocalChar(char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
inline bool IsDomainChar(char c) { return IsAlnum(c) || c == '.' || c == '-'; }

// ---- e-mail: `at` is the index of '@'. Returns [begin, end) or false.
bool MatchEmail(std::string_view t, size_t at, size_t floor, size_t* b, size_t* e) {
  size_t s = at;
  while (s > floor && IsLocalChar(t[s - 1])) --s;
  if (s > floor && IsHigh(t[s - 1])) return false;  // glued to a non-ASCII word
  while (s < at && (t[s] == '.' || t[s] == '-' || t[s] == '+')) ++s;
  if (s == at || t[at - 1] == '.') return false;
  for (size_t k = s; k + 1 < at; ++k) {
    if (t[k] == '.' && t[k + 1] == '.') return false;
  }
  size_t d = at + 1, end = d;
  while (end < t.size() && IsDomainChar(t[end])) ++end;
  while (end > d && (t[end - 1] == '.' || t[end - 1] == '-')) --end;
  if (end < t.size() && IsHigh(t[end])) return false;
  std::string_view dom = t.substr(d, end - d);
  // Labels: non-empty, no leading/trailing '-'; 2+ labels; TLD letters only, 2..24.
  size_t labels = 0, start = 0;
  while (true) {
    size_t dot = dom.find('.', start);
    std::string_view label = dom.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty() || label.front() == '-' || label.back() == '-' || label.size() > 63)
      return false;
    ++labels;
    if (dot == std::string_view::npos) {
      if (label.size() < 2 || label.size() > 24) return false;
      for (char c : label) {
        if (!IsAlpha(c)) return false;
      }
      break;
    }
    start = dot + 1;
  }
  if (labels < 2) return false;
  // Reserved example domains (RFC 2606) are not personal; this also keeps the default
  // placeholder from being matched again.
  for (std::string_view ex : {"example.com", "example.org", "example.net"}) {
    if (dom.size() >= ex.size() && dom.substr(dom.size() - ex.size()) == ex &&
        (dom.size() == ex.size() || dom[dom.size() - ex.size() - 1] == '.')) {
      return false;
    }
  }
  *b = s;
  *e = end;
  return true;
}

// ---- IPv4
bool ParseOctet(std::string_view t, size_t* i, int* value) {
  size_t s = *i;
  int v = 0;
  while (*i < t.size() && IsDigit(t[*i]) && *i - s < 3) v = v * 10 + (t[(*i)++] - '0');
  size_t len = *i - s;
  if (len == 0 || v > 255 || (len > 1 && t[s] == '0')) return false;
  if (*i < t.size() && IsDigit(t[*i])) return false;  // 4+ digits
  *value = v;
  return true;
}

bool IsPublicIpv4(const int o[4]) {
  if (o[0] == 0 || o[0] == 10 || o[0] == 127 || o[0] >= 224) return false;
  if (o[0] == 100 && o[1] >= 64 && o[1] < 128) return false;  // shared (CGNAT)
  if (o[0] == 169 && o[1] == 254) return false;
  if (o[0] == 172 && o[1] >= 16 && o[1] < 32) return false;
  if (o[0] == 192 && o[1] == 168) return false;
  if (o[0] == 192 && o[1] == 0 && (o[2] == 0 || o[2] == 2)) return false;  // IETF, TEST-NET-1
  if (o[0] == 198 && (o[1] == 18 || o[1] == 19)) return false;             // benchmarking
  if (o[0] == 198 && o[1] == 51 && o[2] == 100) return false;              // TEST-NET-2
  if (o[0] == 203 && o[1] == 0 && o[2] == 113) return false;               // TEST-NET-3
  return true;
}

// Whether the text right before `i` says the number is a version or an amount.
bool VersionOrMoneyBefore(std::string_view t, size_t i) {
  size_t k = i;
  while (k > 0 && t[k - 1] == ' ') --k;
  std::string_view before = t.substr(k >= 12 ? k - 12 : 0, k >= 12 ? 12 : k);
  std::string lower(before);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* w : {"version", "versi", "ver.", "ver", "rp", "rp.", "idr", "usd", "$", "eur"}) {
    size_t n = std::strlen(w);
    if (lower.size() < n || lower.compare(lower.size() - n, n, w) != 0) continue;
    // A whole word: "server 8.8.8.8" is not "ver 8.8.8.8".
    size_t at = lower.size() - n;
    if (at == 0 || !IsAlnum(lower[at - 1]) || !IsAlnum(w[0])) return true;
  }
  // "€" (E2 82 AC) and "£" (C2 A3)
  return EndsWith(before, "\xE2\x82\xAC") || EndsWith(before, "\xC2\xA3");
}

bool MatchIpv4(std::string_view t, size_t i, size_t* e, bool* is_public) {
  int o[4];
  size_t p = i;
  for (int k = 0; k < 4; ++k) {
    if (!ParseOctet(t, &p, &o[k])) return false;
    if (k < 3) {
      if (p >= t.size() || t[p] != '.') return false;
      ++p;
    }
  }
  if (p < t.size() && (IsAlnum(t[p]) || IsHigh(t[p]) || t[p] == '_' || t[p] == '-')) return false;
  if (p + 1 < t.size() && t[p] == '.' && IsDigit(t[p + 1])) return false;  // 1.2.3.4.5
  if (VersionOrMoneyBefore(t, i)) return false;
  *e = p;
  *is_public = IsPublicIpv4(o);
  return true;
}

// ---- IPv6
bool MatchIpv6(std::string_view t, size_t i, size_t* e, bool* is_public) {
  size_t p = i;
  int colons = 0;
  while (p < t.size() && (IsHex(t[p]) || t[p] == ':' || t[p] == '.') && p - i < 64) {
    colons += t[p] == ':';
    ++p;
  }
  if (colons < 2) return false;
  if (p < t.size() && (IsAlnum(t[p]) || IsHigh(t[p]))) return false;
  // Trailing '.' or a single trailing ':' belong to the sentence.
  while (p > i && t[p - 1] == '.') --p;
  if (p - i >= 2 && t[p - 1] == ':' && t[p - 2] != ':') --p;
  std::string cand(t.substr(i, p - i));
  unsigned char a[16];
  if (inet_pton(AF_INET6, cand.c_str(), a) != 1) return false;
  *e = p;
  bool global = (a[0] & 0xE0) == 0x20;
  bool doc = a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8;
  *is_public = global && !doc;
  return true;
}

// ---- phones. Digit groups separated by one separator; returns digits and groups.
struct Groups {
  size_t end = 0;
  int digits = 0;
  int groups = 0;
  bool dots = false;
  int first_len = 0;
};

// Reads digit groups from `p`, allowing separators in `seps` between them and, when `paren` is
// set, one "(d..)" group. Stops before a separator not followed by a digit.
Groups ReadGroups(std::string_view t, size_t p, const char* seps, bool paren) {
  Groups g;
  bool used_paren = false;
  while (p < t.size()) {
    size_t q = p;
    bool in_paren = false;
    if (paren && !used_paren && t[q] == '(') {
      in_paren = true;
      ++q;
    }
    size_t ds = q;
    while (q < t.size() && IsDigit(t[q])) ++q;
    int len = static_cast<int>(q - ds);
    if (len == 0) break;
    if (in_paren) {
      if (q >= t.size() || t[q] != ')' || len > 4) break;
      ++q;
      used_paren = true;
    }
    if (g.groups == 0) g.first_len = len;
    g.digits += len;
    ++g.groups;
    g.end = q;
    p = q;
    if (in_paren && p < t.size() && IsDigit(t[p])) continue;  // "(0)20 ..."
    // One separator, then a digit or '(' must follow.
    if (p < t.size() && std::strchr(seps, t[p]) && t[p] != '\0') {
      size_t sep = p;
      size_t nxt = p + 1;
      if (t[p] == ' ' && nxt < t.size() && t[nxt] == '(' && paren && !used_paren) {
        p = nxt;
        continue;
      }
      if (nxt < t.size() && (IsDigit(t[nxt]) || (paren && !used_paren && t[nxt] == '('))) {
        if (t[sep] == '.') g.dots = true;
        p = nxt;
        continue;
      }
    } else if (paren && !used_paren && p < t.size() && t[p] == '(') {
      continue;
    }
    break;
  }
  return g;
}

bool EndsCleanly(std::string_view t, size_t e) {
  if (e >= t.size()) return true;
  char c = t[e];
  if (IsAlnum(c) || IsHigh(c) || c == '_') return false;
  if ((c == '.' || c == ',' || c == '-' || c == '/') && e + 1 < t.size() && IsDigit(t[e + 1])) {
    return false;
  }
  return true;
}

bool StartsCleanly(std::string_view t, size_t i) {
  if (i == 0) return true;
  char c = t[i - 1];
  return !(IsAlnum(c) || IsHigh(c) || c == '_' || c == '.' || c == ',' || c == '-' || c == '/' ||
           c == '+' || c == ':');
}

bool MatchInternationalPhone(std::string_view t, size_t i, size_t* e) {
  // t[i] == '+'
  if (i + 1 >= t.size() || !IsDigit(t[i + 1]) || t[i + 1] == '0') return false;
  if (i > 0 && (IsAlnum(t[i - 1]) || IsHigh(t[i - 1]))) return false;
  Groups g = ReadGroups(t, i + 1, " -.", true);
  if (g.digits < 8 || g.digits > 15) return false;
  if (g.dots && g.groups < 3) return false;
  if (!EndsCleanly(t, g.end)) return false;
  *e = g.end;
  return true;
}

bool MatchIndonesianPhone(std::string_view t, size_t i, size_t* e) {
  // t[i] == '0' or '('
  if (t[i] == '(') {
    // (0xx) nnn-nnnn / (0xxx) nnnnnnn
    size_t p = i + 1;
    size_t ds = p;
    while (p < t.size() && IsDigit(t[p])) ++p;
    size_t area = p - ds;
    if (area < 3 || area > 4 || t[ds] != '0' || t[ds + 1] == '0') return false;
    if (p >= t.size() || t[p] != ')') return false;
    ++p;
    if (p < t.size() && t[p] == ' ') ++p;
    Groups g = ReadGroups(t, p, " -", false);
    if (g.digits < 5 || g.digits > 8 || g.groups > 3 || g.first_len < 3) return false;
    if (!EndsCleanly(t, g.end)) return false;
    *e = g.end;
    return true;
  }
  if (!StartsCleanly(t, i)) return false;
  Groups g = ReadGroups(t, i, " -.", false);
  if (!EndsCleanly(t, g.end)) return false;
  if (i + 1 < t.size() && t[i + 1] == '8') {
    // Mobile: 08xx..., 10..13 digits; the first group is at least "08x".
    if (g.digits < 10 || g.digits > 13 || g.first_len < 3) return false;
    if (g.dots && g.groups < 3) return false;
    *e = g.end;
    return true;
  }
  // Landline with area code: 0xx-nnnnnnn or 0xxx-nnnnnn (hyphen after the area code only).
  if (g.first_len < 3 || g.first_len > 4 || t[i + 1] == '0' || g.groups < 2 || g.groups > 3) {
    return false;
  }
  if (t[i + g.first_len] != '-') return false;
  int subscriber = g.digits - g.first_len;
  if (subscriber < 6 || subscriber > 8 || g.dots) return false;
  *e = g.end;
  return true;
}

void AddCount(Document& doc, const char* key, size_t n) {
  if (n == 0) return;
  for (auto& [k, v] : doc.metadata.extra) {
    if (k == key) {
      v = std::to_string(std::stoull(v) + n);
      return;
    }
  }
  doc.metadata.extra.emplace_back(key, std::to_string(n));
}

class PiiStage : public DocumentStage {
 public:
  explicit PiiStage(PiiOptions o) : o_(std::move(o)) {}
  std::string_view name() const override { return "pii"; }
  Verdict Process(Document& doc, StageContext& ctx) const override {
    auto& buf = ctx.Scratch<std::string>("kilang.pii.buffer");
    PiiCounts c = RedactPiiInto(doc.text, o_, &buf, /*copy_when_clean=*/false);
    if (c.total() > 0) doc.text.swap(buf);
    if (o_.report_counts) {
      AddCount(doc, "pii_email", c.emails);
      AddCount(doc, "pii_ip", c.ips);
      AddCount(doc, "pii_phone", c.phones);
    }
    return Verdict::Keep();
  }

 private:
  PiiOptions o_;
};

}  // namespace

namespace {

// Index of the first byte at or after `i` that can start or mark a match ('@', digits, '+',
// '(', ':'), or n. Sixteen bytes at a time where SSE2 is available.
inline size_t NextInteresting(std::string_view t, size_t i, const std::array<bool, 256>& table) {
  const size_t n = t.size();
#if defined(__SSE2__)
  const __m128i lo = _mm_set1_epi8('0' - 1), hi = _mm_set1_epi8(':' + 1);
  const __m128i at = _mm_set1_epi8('@'), plus = _mm_set1_epi8('+'), paren = _mm_set1_epi8('(');
  while (i + 16 <= n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + i));
    // '0'..':' as signed bytes (bytes >= 0x80 are negative, so never in range).
    __m128i m = _mm_and_si128(_mm_cmpgt_epi8(v, lo), _mm_cmpgt_epi8(hi, v));
    m = _mm_or_si128(m,
                     _mm_or_si128(_mm_cmpeq_epi8(v, at),
                                  _mm_or_si128(_mm_cmpeq_epi8(v, plus), _mm_cmpeq_epi8(v, paren))));
    const int bits = _mm_movemask_epi8(m);
    if (bits) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(bits)));
    i += 16;
  }
#endif
  while (i < n && !table[static_cast<unsigned char>(t[i])]) ++i;
  return i;
}

}  // namespace

PiiCounts RedactPii(std::string_view t, const PiiOptions& o, std::string* out) {
  return RedactPiiInto(t, o, out, /*copy_when_clean=*/true);
}

PiiCounts RedactPiiInto(std::string_view t, const PiiOptions& o, std::string* out,
                        bool copy_when_clean) {
  out->clear();
  PiiCounts counts;
  size_t copied = 0, i = 0;
  const size_t n = t.size();
  auto replace = [&](size_t b, size_t e, const std::string& with) {
    out->append(t.data() + copied, b - copied);
    out->append(with);
    copied = e;
    i = e;
  };
  // Bytes that can start or mark a match: '@' (e-mail, found from its '@'), digits (IPv4,
  // IPv6, phones), '+' and '(' (phones), ':' (IPv6, found from a colon by walking back to the
  // start of its run of hex digits, colons and dots: an address always has a colon, and only
  // the run's first character can be a word start). Letters are never looked at one by one.
  static const auto* interesting = [] {
    auto* tab = new std::array<bool, 256>();
    for (int b = 0; b < 256; ++b) {
      char c = static_cast<char>(b);
      (*tab)[b] = c == '@' || IsDigit(c) || c == '+' || c == '(' || c == ':';
    }
    return tab;
  }();
  auto word_start = [&](size_t p) {
    return p == 0 || !(IsAlnum(t[p - 1]) || IsHigh(t[p - 1]) || t[p - 1] == '_' ||
                       t[p - 1] == '.' || t[p - 1] == ':' || t[p - 1] == '-');
  };
  size_t floor = 0;                // text before it belongs to a match already handled
  size_t v6_tried = SIZE_MAX;      // last start MatchIpv6 failed at
  auto try_ipv6 = [&](size_t s) {  // true when a match at s was handled (i moved past it)
    if (s == v6_tried) return false;
    size_t e;
    bool pub;
    if (!MatchIpv6(t, s, &e, &pub)) {
      v6_tried = s;
      return false;
    }
    if (pub) {
      if (s < copied) return false;  // cannot happen: s >= floor >= copied
      replace(s, e, o.ipv6_placeholder);
      ++counts.ips;
    } else {
      i = e;
    }
    floor = e;
    return true;
  };
  while (i < n) {
    i = NextInteresting(t, i, *interesting);
    if (i >= n) break;
    const char c = t[i];
    if (c == '@') {
      size_t b, e;
      if (o.emails && MatchEmail(t, i, copied, &b, &e)) {
        replace(b, e, o.email_placeholder);
        floor = e;
        ++counts.emails;
        continue;
      }
      ++i;
      continue;
    }
    if (c == ':') {
      if (o.ips) {
        // MatchIpv6 reads at most 64 bytes from a start: a run start further back either has a
        // colon within its first 64 bytes (tried from that colon already) or cannot match, so
        // the walk stops there (else a long colon run would cost quadratic time).
        const size_t lim = std::max(floor, i > 64 ? i - 64 : size_t{0});
        size_t s = i;
        while (s > lim && (IsHex(t[s - 1]) || t[s - 1] == ':' || t[s - 1] == '.')) --s;
        while (s < i && t[s] == '.') ++s;  // a run cannot start at a dot
        if ((IsHex(t[s]) || t[s] == ':') && word_start(s) && try_ipv6(s)) continue;
      }
      ++i;
      continue;
    }
    const bool ws = word_start(i);
    size_t e;
    bool pub;
    if (o.ips && IsDigit(c) && ws && MatchIpv4(t, i, &e, &pub)) {
      if (pub) {
        replace(i, e, o.ipv4_placeholder);
        ++counts.ips;
      } else {
        i = e;
      }
      floor = e;
      continue;
    }
    if (o.ips && IsDigit(c) && ws && try_ipv6(i)) continue;
    if (o.phones) {
      if (c == '+' && MatchInternationalPhone(t, i, &e)) {
        replace(i, e, o.phone_placeholder);
        floor = e;
        ++counts.phones;
        continue;
      }
      if ((c == '0' || c == '(') && MatchIndonesianPhone(t, i, &e)) {
        replace(i, e, o.phone_placeholder);
        floor = e;
        ++counts.phones;
        continue;
      }
    }
    // After a digit, skip the rest of its alphanumeric run: matches only start at word starts.
    // After '+' or '(' go on with the next byte ("(8.8.8.8)" starts an address there).
    ++i;
    if (IsDigit(c)) {
      while (i < n && (IsAlnum(t[i]) || t[i] == '_')) ++i;
    }
  }
  if (counts.total() == 0) {
    if (copy_when_clean) out->assign(t);
  } else {
    out->append(t.data() + copied, n - copied);
  }
  return counts;
}

PiiCounts PiiCountsFromMetadata(const Document& doc) {
  PiiCounts c;
  for (const auto& [k, v] : doc.metadata.extra) {
    size_t x = 0;
    for (char ch : v) {
      if (!IsDigit(ch)) break;
      x = x * 10 + (ch - '0');
    }
    if (k == "pii_email") c.emails += x;
    if (k == "pii_ip") c.ips += x;
    if (k == "pii_phone") c.phones += x;
  }
  return c;
}

Result<std::unique_ptr<DocumentStage>> MakePiiStage(const PiiOptions& options) {
  return std::unique_ptr<DocumentStage>(new PiiStage(options));
}

}  // namespace kilang
