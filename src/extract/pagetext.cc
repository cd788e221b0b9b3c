// Page-text extraction: line features -> context scores -> segmentation -> cleanup -> metadata.
//
// The design, in short (see include/kilang/extract/pagetext.h for the contract):
//  1. Split the dump into lines, remembering blank-line separation (block boundaries).
//  2. Give every line features that hold on any site and language, and lexicon flags.
//  3. Turn features into a content score (positive: prose, negative: chrome).
//  4. Segment the page into content / non-content with a two-state Viterbi pass whose switching
//     cost makes the decision contextual: a short line between two paragraphs stays, a long-ish
//     line inside a link list goes.
//  5. Keep the main segment (and others strong enough), drop chrome lines inside them.
//  6. Read title, date, author and site from the lines around the body.
#include "kilang/extract/pagetext.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "kilang/extract/lang_guess.h"
#include "kilang/util/hash.h"
#include "kilang/util/phrase_matcher.h"
#include "kilang/util/text.h"
#include "kilang/util/utf8.h"
#include "learned_model.h"

namespace kilang {

namespace {

enum LineFlag : uint32_t {
  kBoiler = 1u << 0,      // contains boilerplate lexicon ("baca juga", "read more")
  kListHeader = 1u << 1,  // heads a link list ("berita terkait", "related articles")
  kUi = 1u << 2,          // a UI word alone ("loading...", "share")
  kCopyright = 1u << 3,   // copyright / rights line
  kDate = 1u << 4,        // a date line
  kRelTime = 1u << 5,     // a relative time line ("15 menit yang lalu")
  kByline = 1u << 6,      // "Penulis: X", "By Jane Doe", "(mas)"
  kTeaser = 1u << 7,      // "Title cut..." followed by the full title
  kTeaserFull = 1u << 8,  // the full title after a teaser
  kListRun = 1u << 9,     // a short line in a run of short lines (menu, link list)
  kDuplicate = 1u << 10,  // the same short line appears elsewhere on the page
  kInitials = 1u << 11,   // "(mas)": an author's initials closing an article
  kEndMarker = 1u << 12,  // "Comments", "Berita Terkait": the body does not continue past it
  kCommentMarker = 1u << 13,  // "Comments", "Leave a reply": a comment thread follows
};

constexpr uint32_t kChrome = kBoiler | kListHeader | kUi | kCopyright | kDate | kRelTime |
                             kByline | kTeaser | kTeaserFull | kInitials | kEndMarker;

// "[ 167 Comments ]" -> "167 comments" -> "comments": lower-case words only, digits dropped.
std::string NormalizeMarker(const std::vector<std::string_view>& lower_words) {
  std::string out;
  for (std::string_view w : lower_words) {
    bool digits = true;
    for (char c : w) digits &= (c >= '0' && c <= '9');
    if (digits) continue;
    if (!out.empty()) out.push_back(' ');
    out.append(w);
  }
  return out;
}

struct Line {
  std::string_view text;  // trimmed
  std::string_view lower;  // lower-cased text (first 256 bytes for long lines), in the arena
  uint64_t hash = 0;       // of `lower`
  float units = 0;        // word units: spaced words + unspaced-script characters / 2
  int words = 0;
  int chars = 0;
  int commas = 0;
  int letters = 0;
  int digits = 0;
  bool blank_before = false, blank_after = false;
  bool end_punct = false, ellipsis = false, colon_end = false;
  bool cjk = false;
  float stop_ratio = 0, cap_ratio = 0;
  uint32_t flags = 0;
  float score = 0;
  bool content = false;
};

// ---- the learned line model's features (see features.h; names below, in column order) ----
constexpr std::string_view kFeatureNames[] = {
    "log_units", "log_chars", "units_lt3", "units_lt8", "units_ge20", "end_punct", "ellipsis",
    "colon_end", "cjk", "stop_ratio", "few_words", "cap_ratio", "commas", "letter_ratio",
    "digit_ratio", "blank_before", "blank_after",
    // flags, bit by bit (LineFlag order)
    "f_boiler", "f_list_header", "f_ui", "f_copyright", "f_date", "f_rel_time", "f_byline",
    "f_teaser", "f_teaser_full", "f_list_run", "f_duplicate", "f_initials", "f_end_marker",
    "f_comment_marker",
    // the hand-weighted score and the segmentation's verdicts
    "score", "seg_content", "seg_kept", "in_main", "is_title",
    // position and context
    "pos", "before_body", "after_body", "log_dist_kept", "score_win2", "score_win6", "prev_kept",
    "next_kept", "prev_log_units", "next_log_units", "prev_end_punct", "next_end_punct",
    "log_lines", "kept_frac", "seg_rel", "log_main_sum", "bullet", "kept_units_frac_win6",
    "after_comments"};
constexpr size_t kPageTextFeatureCount = std::size(kFeatureNames);
constexpr int kFlagCount = 14;

std::span<const std::string_view> PageTextFeatureNames() { return kFeatureNames; }

// The second pass sees the first pass's features plus its log-odds around the line: means over
// the previous / next 1, 3 and 10 lines (0 past the page's ends) and the page's share of lines
// with positive log-odds. scripts/train_extract.py computes the same columns (ContextColumns).
constexpr size_t kContextCount = 7;
constexpr auto kContextFeatureNames = [] {
  std::array<std::string_view, kPageTextFeatureCount + kContextCount> a{};
  for (size_t j = 0; j < kPageTextFeatureCount; ++j) a[j] = kFeatureNames[j];
  const std::string_view extra[kContextCount] = {"z_prev1",  "z_next1",  "z_prev3",   "z_next3",
                                                 "z_prev10", "z_next10", "z_pos_frac"};
  for (size_t j = 0; j < kContextCount; ++j) a[kPageTextFeatureCount + j] = extra[j];
  return a;
}();

// Fills the context columns of every line (row-major `x`, stride kPageTextFeatureCount +
// kContextCount) from the first pass's log-odds `z`.
void ContextColumns(const std::vector<float>& z, float* x) {
  const size_t n = z.size();
  std::vector<double> c(n + 1, 0);
  size_t positive = 0;
  for (size_t i = 0; i < n; ++i) {
    c[i + 1] = c[i] + z[i];
    positive += z[i] > 0;
  }
  const float pos_frac = n ? float(positive) / float(n) : 0;
  auto mean = [&](size_t i, long lo, long hi) {
    long l = std::clamp(long(i) + lo, 0L, long(n)), h = std::clamp(long(i) + hi, 0L, long(n));
    long cnt = std::max(h - l, 1L);
    return float((c[h] - c[l]) / double(cnt));
  };
  constexpr size_t kStride = kPageTextFeatureCount + kContextCount;
  for (size_t i = 0; i < n; ++i) {
    float* o = x + i * kStride + kPageTextFeatureCount;
    o[0] = mean(i, -1, 0);
    o[1] = mean(i, 1, 2);
    o[2] = mean(i, -3, 0);
    o[3] = mean(i, 1, 4);
    o[4] = mean(i, -10, 0);
    o[5] = mean(i, 1, 11);
    o[6] = pos_frac;
  }
}

bool IsSentenceEnd(uint32_t cp) {
  switch (cp) {
    case '.': case '!': case '?': case ';': case 0x3002: case 0xFF01: case 0xFF1F: case 0x2026:
    case 0x0964: case 0x061F: case 0x06D4: case 0xFF0E:
      return true;
    default:
      return false;
  }
}

bool IsCloser(uint32_t cp) {
  switch (cp) {
    case '"': case '\'': case ')': case ']': case 0x201D: case 0x2019: case 0xBB: case 0x300D:
    case 0x300F: case 0xFF09:
      return true;
    default:
      return false;
  }
}

// Whether a line ends a sentence: "...end." / "...end.)" / "...end.”" — a closing bracket or
// quote counts only after sentence punctuation, so "Title (185)" and “Quoted title” do not.
bool EndsSentence(std::string_view t) {
  for (int k = 0; k < 3 && !t.empty(); ++k) {
    size_t start = t.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(t[start]) & 0xC0) == 0x80) --start;
    size_t j = start;
    uint32_t cp = NextCodePoint(t, &j);
    if (IsSentenceEnd(cp)) return true;
    if (!IsCloser(cp)) return false;
    t = t.substr(0, start);
  }
  return false;
}

// The last code point of `s` (non-empty).
uint32_t LastCodePoint(std::string_view s, size_t* start) {
  size_t k = s.size() - 1;
  while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
  size_t j = k;
  if (start) *start = k;
  return NextCodePoint(s, &j);
}

bool EndsWithEllipsis(std::string_view s) {
  return EndsWith(s, "...") || EndsWith(s, "\xE2\x80\xA6");  // U+2026
}

std::string_view StripEllipsis(std::string_view s) {
  if (EndsWith(s, "...")) s.remove_suffix(3);
  else if (EndsWith(s, "\xE2\x80\xA6")) s.remove_suffix(3);
  return TrimSpace(s);
}

// Removes trailing ':' and spaces: "Berita Terkait:" -> "berita terkait".
std::string_view StripColon(std::string_view s) {
  while (!s.empty() && (s.back() == ':' || s.back() == ' ' || s.back() == '>' || s.back() == '|'))
    s.remove_suffix(1);
  return s;
}

// A domain-like token ("SINDOnews.com", "www.example.co.id") in `s`, or empty.
std::string_view FindDomain(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && !(std::isalnum(static_cast<unsigned char>(s[i])))) ++i;
    size_t b = i;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '.' ||
                            s[i] == '-'))
      ++i;
    std::string_view tok = s.substr(b, i - b);
    while (!tok.empty() && (tok.back() == '.' || tok.back() == '-')) tok.remove_suffix(1);
    size_t dot = tok.rfind('.');
    if (dot != std::string_view::npos && dot > 0 && tok.size() - dot - 1 >= 2 &&
        tok.size() - dot - 1 <= 6) {
      bool alpha_tld = true;
      for (char c : tok.substr(dot + 1)) alpha_tld &= std::isalpha(static_cast<unsigned char>(c)) != 0;
      if (alpha_tld) return tok;
    }
    if (i == b) ++i;
  }
  return {};
}

// Character classes of ASCII bytes for the line scanner.
enum : uint8_t { kAsciiOther = 0, kAsciiLower = 1, kAsciiUpper = 2, kAsciiDigit = 3, kAsciiJoin = 4 };
constexpr auto kAsciiClass = [] {
  std::array<uint8_t, 128> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kAsciiLower;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kAsciiUpper;
  for (int c = '0'; c <= '9'; ++c) t[c] = kAsciiDigit;
  t['_'] = kAsciiLower;
  t['\''] = kAsciiJoin;
  t['-'] = kAsciiJoin;
  return t;
}();

// Per-byte flags for counting past a line's prefix: bit 0 letter (ASCII letter or UTF-8 lead
// byte), 1 digit, 2 comma, 3 space, 4 UTF-8 continuation byte.
constexpr auto kByteFlags = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = 1;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = 1;
  for (int c = '0'; c <= '9'; ++c) t[c] = 2;
  t[','] = 4;
  t[' '] = 8;
  t['\t'] = 8;
  for (int c = 0x80; c < 0xC0; ++c) t[c] = 16;
  for (int c = 0xC0; c < 0x100; ++c) t[c] = 1;
  return t;
}();

// Everything the features need from one line, in one pass over its bytes.
struct LineScan {
  // Lower-cased prefixes of all lines so far: an arena that never moves once sized by Reset().
  std::unique_ptr<char[]> buf;
  size_t cap = 0, size = 0;
  size_t base = 0;    // where this line's lower-cased prefix starts in `buf`
  void Reset(size_t capacity) {
    if (capacity > cap) {
      buf.reset(new char[capacity]);
      cap = capacity;
    }
    size = 0;
  }
  std::string_view view() const { return {buf.get(), size}; }
  std::vector<std::pair<uint32_t, uint32_t>> words;  // [begin, end) in `lower`
  int chars = 0, letters = 0, digits = 0, commas = 0, unspaced = 0, upper_starts = 0,
      spaced_words = 0;
};

// Words follow SplitWords: runs of letters, digits, marks and '_', with an apostrophe or hyphen
// kept inside a word when a word character follows.
void ScanLine(std::string_view t, size_t max_lower, LineScan* s) {
  s->base = s->size;
  s->words.clear();
  s->chars = s->letters = s->digits = s->commas = s->unspaced = s->upper_starts =
      s->spaced_words = 0;
  // The caller sized the arena for the whole page (a code point grows by at most one byte when
  // lower-cased), so writing through a raw pointer stays in bounds.
  char* const out0 = s->buf.get();
  char* out = out0 + s->base;
  char* const out_limit = out + max_lower;
  int64_t word_start = -1;
  size_t pending_join = 0;  // bytes of an apostrophe/hyphen inside a word, not yet confirmed
  size_t i = 0;
  auto at = [&] { return size_t(out - out0); };
  auto end_word = [&](size_t end) {
    if (word_start >= 0) s->words.emplace_back(uint32_t(word_start), uint32_t(end));
    word_start = -1;
  };
  while (i < t.size()) {
    if (out >= out_limit) {
      // Past the bounded prefix only count characters for the length features: branch-free,
      // one table look-up per byte (non-ASCII lead bytes count as letters).
      int letters = 0, digits = 0, commas = 0, chars = 0, words = 0;
      unsigned prev_space = 0;
      for (; i < t.size(); ++i) {
        uint8_t f = kByteFlags[static_cast<unsigned char>(t[i])];
        letters += f & 1;
        digits += (f >> 1) & 1;
        commas += (f >> 2) & 1;
        chars += !((f >> 4) & 1);
        unsigned space = (f >> 3) & 1;
        words += prev_space & !space;
        prev_space = space;
      }
      s->letters += letters;
      s->digits += digits;
      s->commas += commas;
      s->chars += chars;
      s->spaced_words += words;
      break;
    }
    unsigned char c = static_cast<unsigned char>(t[i]);
    ++s->chars;
    if (c < 0x80) {
      ++i;
      uint8_t k = kAsciiClass[c];
      bool letter = k == kAsciiLower || k == kAsciiUpper;
      bool word_char = letter || k == kAsciiDigit;
      s->letters += letter;
      s->digits += k == kAsciiDigit;
      s->commas += c == ',';
      if (k == kAsciiJoin && word_start >= 0 && !pending_join) {
        pending_join = 1;
        *out++ = static_cast<char>(c);
        continue;
      }
      if (pending_join && !word_char) end_word(at() - pending_join);  // the join ended the word
      pending_join = 0;
      if (word_char) {
        if (word_start < 0) {
          word_start = int64_t(at());
          ++s->spaced_words;
          s->upper_starts += k == kAsciiUpper;
        }
        *out++ = static_cast<char>(k == kAsciiUpper ? c + 32 : c);
        // The common case, the rest of an ASCII word: a tight loop.
        const size_t room = size_t(out_limit - out);
        const size_t stop = i + std::min(room, t.size() - i);
        size_t j = i;
        int letters = 0, digits = 0;
        while (j < stop) {
          unsigned char d = static_cast<unsigned char>(t[j]);
          if (d >= 0x80) break;
          uint8_t kd = kAsciiClass[d];
          if (kd == kAsciiLower) {
            ++letters;
            *out++ = static_cast<char>(d);
          } else if (kd == kAsciiUpper) {
            ++letters;
            *out++ = static_cast<char>(d + 32);
          } else if (kd == kAsciiDigit) {
            ++digits;
            *out++ = static_cast<char>(d);
          } else {
            break;
          }
          ++j;
        }
        s->letters += letters;
        s->digits += digits;
        s->chars += int(j - i);
        i = j;
      } else {
        end_word(at());
        *out++ = static_cast<char>(c);
      }
      continue;
    }
    uint32_t cp = NextCodePoint(t, &i);
    auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    bool word_char = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME) ||
                     (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
    bool unspaced_cp = IsUnspacedScript(cp);
    if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ++s->letters;
    else if (cat == UTF8PROC_CATEGORY_ND) ++s->digits;
    else if (cp == 0x3001 || cp == 0xFF0C || cp == 0x060C) ++s->commas;
    if (cp == 0x2019 && word_start >= 0 && !pending_join) {
      pending_join = 3;
      out += EncodeUtf8(cp, out);
      continue;
    }
    if (pending_join && !word_char) end_word(at() - pending_join);
    pending_join = 0;
    if (unspaced_cp) ++s->unspaced;
    if (word_char) {
      if (word_start < 0) {
        word_start = int64_t(at());
        if (!unspaced_cp) {
          ++s->spaced_words;
          s->upper_starts += cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
        }
      }
    } else {
      end_word(at());
    }
    out += EncodeUtf8(
        static_cast<uint32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp))), out);
  }
  end_word(at() - pending_join);
  s->size = at();
}

// Page-level context of the feature vectors.
struct LineContext {
  size_t body_begin, body_end;
  int title_idx;
  float main_sum;
};

// Prefix sums over the page, so each window feature costs O(1).
struct LineFeatureScratch {
  std::vector<float> score_sum;         // prefix sums of the hand scores
  std::vector<float> kept_units;        // prefix sums of units of kept lines
  std::vector<float> units;             // prefix sums of units
  std::vector<int32_t> prev_kept;       // index of the nearest kept line at or before i, or -1
  std::vector<int32_t> next_kept;       // index of the nearest kept line at or after i, or -1
  std::vector<uint8_t> after_comments;  // past a comment marker that follows >= 20 kept units
  size_t kept = 0;
};

void PrepareLineContext(const std::vector<Line>& lines, const std::vector<uint8_t>& keep,
                        LineFeatureScratch* s) {
  const size_t n = lines.size();
  s->score_sum.assign(n + 1, 0);
  s->kept_units.assign(n + 1, 0);
  s->units.assign(n + 1, 0);
  s->prev_kept.assign(n, -1);
  s->next_kept.assign(n, -1);
  s->kept = 0;
  for (size_t i = 0; i < n; ++i) {
    s->score_sum[i + 1] = s->score_sum[i] + lines[i].score;
    s->units[i + 1] = s->units[i] + lines[i].units;
    s->kept_units[i + 1] = s->kept_units[i] + (keep[i] ? lines[i].units : 0);
    s->kept += keep[i];
    s->prev_kept[i] = keep[i] ? int32_t(i) : (i ? s->prev_kept[i - 1] : -1);
  }
  for (size_t i = n; i-- > 0;) {
    s->next_kept[i] = keep[i] ? int32_t(i) : (i + 1 < n ? s->next_kept[i + 1] : -1);
  }
  s->after_comments.assign(n, 0);
  bool thread = false;
  for (size_t i = 0; i < n; ++i) {
    thread |= (lines[i].flags & kCommentMarker) && s->kept_units[i] >= 20;
    s->after_comments[i] = thread;
  }
}

// The feature vector of line `i` (kPageTextFeatureCount floats into `x`).
void LineFeatures(const std::vector<Line>& lines, const std::vector<uint8_t>& keep,
                  const LineFeatureScratch& s, const LineContext& ctx, float seg_sum, size_t i,
                  float* x) {
  const size_t n = lines.size();
  const Line& l = lines[i];
  auto window_mean = [&](const std::vector<float>& sum, size_t r, bool self) {
    size_t a = i >= r ? i - r : 0, b = std::min(n, i + r + 1);
    float v = sum[b] - sum[a];
    size_t cnt = b - a;
    if (!self) {
      v -= sum[i + 1] - sum[i];
      --cnt;
    }
    return cnt ? v / float(cnt) : 0.0f;
  };
  float chars = std::max(1, l.chars);
  size_t k = 0;
  x[k++] = std::log1p(l.units);
  x[k++] = std::log1p(float(l.chars));
  x[k++] = l.units < 3;
  x[k++] = l.units < 8;
  x[k++] = l.units >= 20;
  x[k++] = l.end_punct;
  x[k++] = l.ellipsis;
  x[k++] = l.colon_end;
  x[k++] = l.cjk;
  x[k++] = l.words >= 4 ? l.stop_ratio : 0;
  x[k++] = l.words < 4;
  x[k++] = l.cap_ratio;
  x[k++] = float(std::min(l.commas, 5)) / 5.0f;
  x[k++] = float(l.letters) / chars;
  x[k++] = float(l.digits) / chars;
  x[k++] = l.blank_before;
  x[k++] = l.blank_after;
  for (int b = 0; b < kFlagCount; ++b) x[k++] = (l.flags >> b) & 1;
  x[k++] = std::clamp(l.score, -8.0f, 8.0f);
  x[k++] = l.content;
  x[k++] = keep[i];
  x[k++] = i >= ctx.body_begin && i < ctx.body_end;
  x[k++] = int(i) == ctx.title_idx;
  x[k++] = float(i) / float(n);
  x[k++] = i < ctx.body_begin;
  x[k++] = i >= ctx.body_end;
  {
    size_t d = n;
    if (s.prev_kept[i] >= 0) d = std::min(d, i - size_t(s.prev_kept[i]));
    if (s.next_kept[i] >= 0) d = std::min(d, size_t(s.next_kept[i]) - i);
    x[k++] = std::log1p(float(d));
  }
  x[k++] = std::clamp(window_mean(s.score_sum, 2, false), -8.0f, 8.0f);
  x[k++] = std::clamp(window_mean(s.score_sum, 6, false), -8.0f, 8.0f);
  x[k++] = i > 0 && keep[i - 1];
  x[k++] = i + 1 < n && keep[i + 1];
  x[k++] = i > 0 ? std::log1p(lines[i - 1].units) : 0;
  x[k++] = i + 1 < n ? std::log1p(lines[i + 1].units) : 0;
  x[k++] = i > 0 && lines[i - 1].end_punct;
  x[k++] = i + 1 < n && lines[i + 1].end_punct;
  x[k++] = std::log1p(float(n));
  x[k++] = float(s.kept) / float(n);
  x[k++] = ctx.main_sum > 0 ? std::clamp(seg_sum / ctx.main_sum, -1.0f, 1.0f) : 0;
  x[k++] = std::log1p(std::max(0.0f, ctx.main_sum));
  {
    // A list item: "- x", "* x", "• x", "1. x", "2) x".
    std::string_view t = l.text;
    bool bullet = StartsWith(t, "- ") || StartsWith(t, "* ") || StartsWith(t, "\xE2\x80\xA2") ||
                  StartsWith(t, "\xC2\xB7");
    if (!bullet && !t.empty() && t[0] >= '0' && t[0] <= '9') {
      size_t j = 0;
      while (j < t.size() && j < 3 && t[j] >= '0' && t[j] <= '9') ++j;
      bullet = j < t.size() && (t[j] == '.' || t[j] == ')') && j + 1 < t.size() && t[j + 1] == ' ';
    }
    x[k++] = bullet;
  }
  {
    size_t a = i >= 6 ? i - 6 : 0, b = std::min(n, i + 7);
    float u = s.units[b] - s.units[a];
    x[k++] = u > 0 ? (s.kept_units[b] - s.kept_units[a]) / u : 0;
  }
  x[k++] = s.after_comments[i];
  assert(k == kPageTextFeatureCount);
}

}  // namespace

// One phrase matcher over the lexicon's boilerplate, copyright and byline phrases, so each word
// of a line is looked up once.
enum PhraseCategory { kCatBoiler = 0, kCatCopyright = 1, kCatByline = 2 };

struct PageTextExtractor::Matchers {
  explicit Matchers(const Lexicon& lex) {
    all.Add(lex.boilerplate(), kCatBoiler);
    all.Add(lex.copyright(), kCatCopyright);
    all.Add(lex.byline_prefixes(), kCatByline);
    byline.Add(lex.byline_prefixes(), 0);
  }
  PhraseMatcher all, byline;
};

PageTextExtractor::PageTextExtractor(const Lexicon& lexicon, PageTextOptions options)
    : lex_(lexicon),
      dates_(lexicon),
      options_(options),
      matchers_(std::make_shared<const Matchers>(lexicon)),
      line_model_(LearnedModel::Embedded("pagetext_lines.yaml", PageTextFeatureNames())),
      line_ctx_model_(line_model_
                          ? LearnedModel::Embedded("pagetext_lines_ctx.yaml", kContextFeatureNames)
                          : nullptr) {}

PageTextExtractor::~PageTextExtractor() = default;

void PageTextExtractor::Extract(std::string_view text, const std::optional<DateTime>& now,
                                Document* doc) const {
  Run(text, now, doc, nullptr);
}

void PageTextExtractor::ExtractFeatures(std::string_view text, const std::optional<DateTime>& now,
                                        FeatureTable* table) const {
  Document doc;
  Run(text, now, &doc, table);
}

void PageTextExtractor::Run(std::string_view text, const std::optional<DateTime>& now,
                            Document* doc, FeatureTable* table) const {
  // ---- 1. lines ----
  std::vector<Line> lines;
  lines.reserve(size_t(std::count(text.begin(), text.end(), '\n')) + 1);
  {
    bool blank = true;  // the page start counts as a block boundary
    const bool has_cr = text.find('\r') != std::string_view::npos;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl;
      if (!has_cr) {
        nl = text.find('\n', pos);  // memchr
        if (nl == std::string_view::npos) nl = text.size();
      } else {
        nl = pos;
        while (nl < text.size() && text[nl] != '\n' && text[nl] != '\r') ++nl;
      }
      std::string_view raw = text.substr(pos, nl - pos);
      pos = nl + 1;
      if (nl < text.size() && text[nl] == '\r' && pos < text.size() && text[pos] == '\n') ++pos;
      if (raw.size() > options_.max_line_bytes) {
        raw = raw.substr(0, options_.max_line_bytes);
        // Do not cut inside a UTF-8 sequence.
        while (!raw.empty() && (static_cast<unsigned char>(raw.back()) & 0xC0) == 0x80) raw.remove_suffix(1);
        if (!raw.empty() && static_cast<unsigned char>(raw.back()) >= 0xC0) raw.remove_suffix(1);
      }
      std::string_view t = TrimSpace(raw);
      if (t.empty()) {
        if (!lines.empty()) lines.back().blank_after = true;
        blank = true;
        continue;
      }
      Line l;
      l.text = t;
      l.blank_before = blank;
      blank = false;
      lines.push_back(std::move(l));
    }
  }
  doc->text.clear();
  if (lines.empty()) return;
  const size_t n = lines.size();

  // ---- 2. features ----
  const Matchers& mt = *matchers_;
  std::vector<std::string_view> words, lwords;
  LineScan scan;
  // The arena must not move while lines point into it: lower-casing never more than triples a
  // line's length (a code point grows by at most half), and each line's prefix is bounded.
  scan.Reset(text.size() * 2 + 16);
  for (Line& l : lines) {
    std::string_view t = l.text;
    // One pass: character classes, word spans and the lower-cased text.
    ScanLine(t, 256, &scan);
    l.chars = scan.chars;
    l.letters = scan.letters;
    l.digits = scan.digits;
    l.commas = scan.commas;
    l.words = scan.spaced_words;
    l.cjk = scan.unspaced * 2 > l.letters && scan.unspaced > 0;
    l.units = float(scan.spaced_words) + float(scan.unspaced) / 2.0f;
    l.cap_ratio = scan.spaced_words ? float(scan.upper_starts) / float(scan.spaced_words) : 0;
    l.lower = scan.view().substr(scan.base);
    lwords.clear();
    for (auto [b, e] : scan.words) lwords.push_back(scan.view().substr(b, e - b));
    uint32_t last = LastCodePoint(t, nullptr);
    l.ellipsis = EndsWithEllipsis(t);
    l.end_punct = EndsSentence(t) && !l.ellipsis;
    l.colon_end = last == ':' || last == 0xFF1A;

    int stops = 0;
    // The ratio of the first 48 words is as good as the whole line's.
    size_t sampled = std::min<size_t>(lwords.size(), 48);
    for (size_t k = 0; k < sampled; ++k) stops += lex_.IsStopword(lwords[k]) ? 1 : 0;
    l.stop_ratio = sampled ? float(stops) / float(sampled) : 0;

    // Lexicon flags. Long lines are prose whatever words they contain, so only short ones are
    // judged by phrases, except that a line *starting* with a boilerplate phrase is chrome.
    std::string_view lower = l.lower;
    std::string_view bare = StripColon(lower);
    // Headers, markers and UI words are short whole lines: one look-up per form of the line.
    if (l.units <= 8) {
      uint8_t kinds = lex_.WholeLineKinds(bare);
      if (bare.size() != lower.size()) kinds |= lex_.WholeLineKinds(lower) & Lexicon::kUiLine;
      // "[ 167 Comments ]" -> "comments" for the markers (only lines with digits or brackets
      // normalise to something other than `bare`).
      uint8_t marker_kinds = kinds;
      if (l.digits > 0 || bare.find_first_of("[]()") != std::string_view::npos) {
        std::string marker = NormalizeMarker(lwords);
        if (marker != bare) marker_kinds = lex_.WholeLineKinds(marker);
      }
      if (kinds & Lexicon::kListHeaderLine) l.flags |= kListHeader;
      if ((kinds & Lexicon::kUiLine) && l.units <= 6) l.flags |= kUi;
      if (marker_kinds & Lexicon::kEndMarkerLine) l.flags |= kEndMarker;
      if (marker_kinds & Lexicon::kCommentMarkerLine) l.flags |= kCommentMarker;
    }
    std::array<PhraseMatcher::Match, PhraseMatcher::kMaxCategories> found;
    // Phrases only condemn lines they open, or short lines (copyright <= 30 units): a long line
    // needs no look-up past its first words.
    uint32_t cats = mt.all.FindAll(lwords, lower, &found, l.units > 30 ? 1 : SIZE_MAX);
    // A line that opens with a boilerplate phrase is chrome at any length (cookie banners are
    // long); elsewhere in the line the phrase only condemns a short line.
    if ((cats >> kCatBoiler & 1) && (found[kCatBoiler].word_index == 0 || l.units <= 10))
      l.flags |= kBoiler;
    if ((cats >> kCatCopyright & 1) && l.units <= 30) l.flags |= kCopyright;
    const PhraseMatcher::Match& m = found[kCatByline];
    if ((cats >> kCatByline & 1) && l.units <= 8 && m.word_index == 0 &&
        lwords.size() > m.word_count) {
      // "Penulis: Rina", "By Jane Doe": the prefix, then a name.
      std::string_view after = t;
      size_t pfx = 0;
      // Skip past the prefix words in the original text.
      SplitWords(t, &words);
      if (words.size() > m.word_count) {
        pfx = size_t(words[m.word_count].data() - t.data());
        after = t.substr(pfx);
        std::string_view between = t.substr(0, pfx);
        bool colon = between.find(':') != std::string_view::npos;
        size_t j = 0;
        uint32_t first = NextCodePoint(after, &j);
        bool capital = first < 0x80 ? (first >= 'A' && first <= 'Z')
                                    : utf8proc_isupper(static_cast<utf8proc_int32_t>(first));
        if (colon || capital) l.flags |= kByline;
      }
    }
    // "(mas)", "(ant/ram)": initials in brackets on their own line.
    if (t.size() >= 3 && t.size() <= 24 && t.front() == '(' && t.back() == ')') {
      bool ok = true;
      for (char c : t.substr(1, t.size() - 2)) {
        ok &= std::isalpha(static_cast<unsigned char>(c)) || c == '/' || c == ' ' || c == '-' ||
              c == '.';
      }
      if (ok) l.flags |= kInitials;
    }
    if (l.digits == 0) {
      // Without a number only a relative day ("kemarin", "yesterday") can be a time line.
      if (l.units <= 3 && lex_.RelativeDay(bare)) l.flags |= kRelTime;
    } else if (l.units <= 20) {
      if (l.units <= 8 && dates_.IsRelativeTimeLine(t)) {
        l.flags |= kRelTime;
      } else {
        auto dm = dates_.Find(t, now);
        if (dm && dm->coverage >= 0.5) l.flags |= kDate;
      }
    }
    // Short lines repeat case-insensitively ("HOME" / "Home"); long ones whole.
    l.hash = t.size() > 256 ? Hash64(t) : Hash64(l.lower);
  }
  // Teasers: "Title cut..." followed by the same text in full.
  for (size_t i = 0; i + 1 < n; ++i) {
    Line& l = lines[i];
    if (!l.ellipsis) continue;
    std::string_view stem = StripEllipsis(l.text);
    if (stem.size() >= 6 && StartsWith(lines[i + 1].text, stem) &&
        lines[i + 1].text.size() > stem.size()) {
      l.flags |= kTeaser;
      lines[i + 1].flags |= kTeaserFull;
    }
  }
  // A line that occurs twice is site chrome (menus, tickers, teasers repeated in a footer):
  // an article does not repeat its own paragraphs.
  {
    // Sort (hash, index) pairs: runs of equal hashes are repeated lines. No per-line allocation.
    std::vector<std::pair<uint64_t, uint32_t>> by_hash(n);
    for (size_t i = 0; i < n; ++i) by_hash[i] = {lines[i].hash, uint32_t(i)};
    std::sort(by_hash.begin(), by_hash.end());
    for (size_t i = 0; i < n;) {
      size_t j = i + 1;
      while (j < n && by_hash[j].first == by_hash[i].first) ++j;
      if (j - i > 1) {
        for (size_t k = i; k < j; ++k) lines[by_hash[k].second].flags |= kDuplicate;
      }
      i = j;
    }
  }
  // Runs of lines with no blank line between them: a run mostly made of short, unpunctuated
  // lines is a menu or a link list.
  for (size_t b = 0; b < n;) {
    size_t e = b + 1;
    while (e < n && !lines[e].blank_before) ++e;
    size_t len = e - b, shorts = 0;
    for (size_t i = b; i < e; ++i) {
      const Line& l = lines[i];
      if (l.units < 10 && !l.end_punct) ++shorts;
    }
    if (len >= 3 && shorts * 10 >= len * 6) {
      for (size_t i = b; i < e; ++i) {
        if (lines[i].units < 10 && !lines[i].end_punct) lines[i].flags |= kListRun;
      }
    }
    b = e;
  }

  // ---- 3. scores ----
  constexpr float kSwitch = 2.5f;  // cost of entering or leaving the body in the segmentation
  for (Line& l : lines) {
    float u = l.units;
    float s = std::clamp((u - 8.0f) / 6.0f, -1.5f, 3.0f);
    if (l.end_punct && u >= 4) s += 1.0f;
    if (!l.end_punct) s -= u < 12 ? 0.6f : 1.0f;  // long unpunctuated lines: headlines, teasers
    if (l.colon_end && u >= 4) s += 0.3f;
    if (!l.cjk && l.words >= 4) s += std::clamp((l.stop_ratio - 0.12f) * 5.0f, -1.0f, 1.0f);
    if (!l.cjk && l.words >= 3 && l.cap_ratio > 0.6f && !l.end_punct) s -= 1.0f;
    s += std::min(l.commas, 3) * 0.2f;
    if (l.letters * 2 < l.chars) s -= 1.0f;  // mostly digits and symbols
    if (l.flags & kListRun) s -= 1.0f;
    if (l.flags & kDuplicate) s -= l.units < 25 ? 1.5f : 2.5f;
    if (l.flags & (kTeaser | kTeaserFull)) s = std::min(s, -2.5f);
    if (l.flags & (kListHeader | kUi | kRelTime)) s = std::min(s, -2.0f);
    // Segments never run across an end marker; the chaining below may rejoin them.
    if (l.flags & kEndMarker) s = std::min(s, -2.5f * kSwitch);
    if (l.flags & (kBoiler | kCopyright)) s = std::min(s, -2.0f);
    if (l.flags & (kDate | kByline | kInitials)) s = std::min(s, -0.5f);
    l.score = s;
  }

  // ---- 4. segmentation: two-state Viterbi, switching costs `kSwitch` ----
  {
    std::vector<uint8_t> back_c(n), back_b(n);  // predecessor state for content / boilerplate
    float vc = lines[0].score - kSwitch * 0.5f, vb = 0;
    for (size_t i = 1; i < n; ++i) {
      float s = lines[i].score;
      float c_from_c = vc, c_from_b = vb - kSwitch;
      float b_from_b = vb, b_from_c = vc - kSwitch;
      back_c[i] = c_from_c >= c_from_b ? 1 : 0;
      back_b[i] = b_from_c > b_from_b ? 1 : 0;
      vc = std::max(c_from_c, c_from_b) + s;
      vb = std::max(b_from_b, b_from_c);
    }
    bool state = vc > vb;  // true: content
    for (size_t i = n; i-- > 0;) {
      lines[i].content = state;
      if (i == 0) break;
      state = state ? back_c[i] : back_b[i];
    }
  }
  // Segments; keep the best one and any other close to it in strength.
  struct Segment {
    size_t b, e;
    float sum;
  };
  std::vector<Segment> segs;
  for (size_t i = 0; i < n;) {
    if (!lines[i].content) {
      ++i;
      continue;
    }
    size_t j = i;
    float sum = 0;
    while (j < n && lines[j].content) sum += lines[j++].score;
    segs.push_back({i, j, sum});
    i = j;
  }
  // A page whose article is one paragraph has no segment worth two switches: then take the
  // best-scoring run of lines (maximum subarray), if it is positive at all.
  if (segs.empty()) {
    float best = 0, run = 0;
    size_t run_b = 0, best_b = 0, best_e = 0;
    for (size_t i = 0; i < n; ++i) {
      if (run <= 0) {
        run = 0;
        run_b = i;
      }
      run += lines[i].score;
      if (run > best) {
        best = run;
        best_b = run_b;
        best_e = i + 1;
      }
    }
    if (best >= 1.0f) {
      for (size_t i = best_b; i < best_e; ++i) lines[i].content = true;
      segs.push_back({best_b, best_e, best});
    }
  }
  // End markers ("Comments", "Related articles") separate the body from what follows it:
  // comments and other pages' teasers, however prose-like. A segment that comes after a marker
  // (which itself follows a strong segment) is a weaker candidate for the body, and segments on
  // the far side of a marker from the body are not kept with it.
  constexpr float kStrong = 3.0f, kAfterMarker = 0.4f, kRelStrength = 0.15f;
  std::vector<int> zone(segs.size(), 0);       // number of markers passed before each segment
  std::vector<float> before(segs.size(), 0);   // strongest segment before the last marker passed
  std::vector<bool> in_thread(segs.size(), false);  // after a comment marker
  {
    bool thread = false;
    bool strong_seen = false;
    int markers = 0;
    float best_before_marker = 0, best_so_far = 0;
    size_t k = 0;
    for (size_t i = 0; i < n && k < segs.size(); ++i) {
      if (i == segs[k].b) {
        zone[k] = markers;
        before[k] = best_before_marker;
        in_thread[k] = thread;
        best_so_far = std::max(best_so_far, segs[k].sum);
        strong_seen |= segs[k].sum >= kStrong;
        i = segs[k].e - 1;
        ++k;
        continue;
      }
      if (strong_seen && (lines[i].flags & kEndMarker)) {
        thread |= (lines[i].flags & kCommentMarker) != 0;
        ++markers;
        best_before_marker = best_so_far;
      }
    }
  }
  size_t main_seg = 0;
  float main_weight = -1e9f;
  for (size_t k = 0; k < segs.size(); ++k) {
    // A marker weighs only when what precedes it is a real contender: an inline "Related
    // articles" box after a two-line lead must not cut the article in half.
    bool behind = zone[k] > 0 && before[k] >= kRelStrength * segs[k].sum;
    float w = segs[k].sum * (behind ? kAfterMarker : 1.0f);
    // Comments are never the article when a real contender came before the thread opened.
    if (in_thread[k] && before[k] >= kStrong) w = std::min(w, 0.0f);
    if (w > main_weight) {
      main_weight = w;
      main_seg = k;
    }
  }
  if (!segs.empty()) {
    // Other segments join the body when strong enough and either on the same side of every end
    // marker, or close to the body (an inline "Related articles" box is a few lines long).
    constexpr size_t kNearGap = 6;
    float best = segs[main_seg].sum;
    std::vector<bool> keep(segs.size(), false);
    keep[main_seg] = true;
    for (size_t k = main_seg + 1; k < segs.size(); ++k) {
      if (!keep[k - 1] || segs[k].sum < 0.3f * best) break;
      keep[k] = in_thread[k] == in_thread[main_seg] &&
                (zone[k] == zone[main_seg] || segs[k].b - segs[k - 1].e <= kNearGap);
    }
    for (size_t k = main_seg; k-- > 0;) {
      if (!keep[k + 1] || segs[k].sum < 0.3f * best) break;
      keep[k] = in_thread[k] == in_thread[main_seg] &&
                (zone[k] == zone[main_seg] || segs[k + 1].b - segs[k].e <= kNearGap);
    }
    for (size_t k = 0; k < segs.size(); ++k) {
      if (keep[k]) continue;
      for (size_t i = segs[k].b; i < segs[k].e; ++i) lines[i].content = false;
    }
    // Lines between two kept segments belong to the article (lists, short headings, table
    // rows) unless they are chrome.
    if (options_.fill_gaps) {
      for (size_t k = 0; k + 1 < segs.size(); ++k) {
        if (!keep[k] || !keep[k + 1]) continue;
        for (size_t i = segs[k].e; i < segs[k + 1].b; ++i) {
          if (!(lines[i].flags & (kChrome | kDuplicate | kEndMarker))) lines[i].content = true;
        }
      }
    }
  }
  size_t body_begin = segs.empty() ? n : segs[main_seg].b;
  size_t body_end = segs.empty() ? n : segs[main_seg].e;

  if (options_.debug) {
    for (size_t i = 0; i < n; ++i) {
      const Line& l = lines[i];
      std::fprintf(stderr, "%c %6.2f %4x %c| %.*s\n", l.content ? 'C' : ' ', l.score, l.flags,
                   l.blank_before ? '_' : ' ', int(std::min<size_t>(l.text.size(), 110)),
                   l.text.data());
    }
  }

  // ---- 6a. title: a heading-like line shortly before the body ----
  int title_idx = -1;
  {
    float best = -1e9f;
    size_t lo = body_begin > 25 ? body_begin - 25 : 0;
    size_t hi = std::min(n, body_begin + 3);
    for (size_t i = lo; i < hi; ++i) {
      const Line& l = lines[i];
      if (l.flags & (kChrome | kListRun)) continue;
      if (l.units < 3 || l.units > 30 || (l.end_punct && l.text.back() == '.')) continue;
      float s = 0;
      s += l.blank_before ? 1.0f : 0;
      s += l.blank_after ? 0.5f : 0;
      s += std::min(l.units, 14.0f) / 7.0f;
      s += l.cap_ratio > 0.5f ? 0.5f : 0;
      s -= (l.flags & kDuplicate) ? 1.0f : 0;
      // Nearer the body is better; a date/byline right below is a strong hint.
      size_t dist = i < body_begin ? body_begin - i : 0;
      s -= float(dist) * 0.08f;
      for (size_t k = i + 1; k < std::min(n, i + 4); ++k) {
        if (lines[k].flags & (kDate | kByline | kRelTime)) {
          s += 1.5f;
          break;
        }
      }
      if (i >= body_begin) s -= 1.0f;
      if (s > best) {
        best = s;
        title_idx = int(i);
      }
    }
  }
  if (title_idx >= 0) doc->metadata.title = std::string(lines[title_idx].text);

  // ---- 5. body text: the segmentation's verdict, then the learned line model's ----
  std::vector<uint8_t> keep_line(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const Line& l = lines[i];
    if (!l.content || (l.flags & kChrome) || int(i) == title_idx) continue;
    if ((l.flags & (kListRun | kDuplicate)) && l.units < 6) continue;
    keep_line[i] = 1;
  }
  if (table || (options_.learned && line_model_)) {
    LineContext ctx{body_begin, body_end, title_idx, segs.empty() ? 0.0f : segs[main_seg].sum};
    std::vector<float> seg_sum(n, 0);
    for (const Segment& sg : segs) {
      for (size_t i = sg.b; i < sg.e; ++i) seg_sum[i] = sg.sum;
    }
    if (table) {
      table->names = PageTextFeatureNames();
      table->texts.clear();
      table->values.clear();
    }
    // Pass 1 scores each line alone; pass 2 (when its model is there) sees pass 1's log-odds
    // around the line too, as a cheap stand-in for a sequence model.
    constexpr size_t kStride = kPageTextFeatureCount + kContextCount;
    std::vector<float> x(n * kStride);
    std::vector<float> z(n);
    LineFeatureScratch scratch;
    PrepareLineContext(lines, keep_line, &scratch);
    for (size_t i = 0; i < n; ++i) {
      float* xi = x.data() + i * kStride;
      LineFeatures(lines, keep_line, scratch, ctx, seg_sum[i], i, xi);
      if (table) {
        table->texts.emplace_back(lines[i].text);
        table->values.insert(table->values.end(), xi, xi + kPageTextFeatureCount);
      } else {
        z[i] = line_model_->Score(xi);
      }
    }
    if (table) return;
    // Verdicts the model does not overrule (so it is not asked): the title is metadata; lexicon
    // chrome (boilerplate, bylines, dates, UI words, copyright, list headers), short menu and
    // repeated lines are never body text. A comment thread is evidence (the `after_comments`
    // feature), not a verdict: on some pages the gold text includes the comments.
    auto vetoed = [&](size_t i) {
      const Line& l = lines[i];
      return int(i) == title_idx || (l.flags & kChrome) ||
             ((l.flags & (kListRun | kDuplicate)) && l.units < 6) ||
             (options_.drop_comments && scratch.after_comments[i]);
    };
    if (line_ctx_model_) ContextColumns(z, x.data());
    for (size_t i = 0; i < n; ++i) {
      keep_line[i] = !vetoed(i) && (line_ctx_model_ ? line_ctx_model_->Decide(x.data() + i * kStride)
                                                    : z[i] >= line_model_->threshold());
    }
  }
  std::string& out = doc->text;
  for (size_t i = 0; i < n; ++i) {
    if (!keep_line[i]) continue;
    if (!out.empty()) out.push_back('\n');
    out.append(lines[i].text);
  }

  // ---- 6b. date: a date line near the title/body start, else anywhere before the body ----
  if (doc->metadata.date.empty()) {
    size_t from = title_idx >= 0 ? size_t(title_idx) : (body_begin > 15 ? body_begin - 15 : 0);
    auto try_range = [&](size_t a, size_t b, uint32_t kinds) -> bool {
      for (size_t i = a; i < b && i < n; ++i) {
        if (!(lines[i].flags & kinds)) continue;
        auto dm = dates_.Find(lines[i].text, now);
        if (dm) {
          doc->metadata.date = dm->value.ToIso();
          return true;
        }
      }
      return false;
    };
    if (!try_range(from, std::min(n, body_begin + 5), kDate | kByline) &&
        !try_range(body_begin > 40 ? body_begin - 40 : 0, from, kDate) &&
        !try_range(body_end, std::min(n, body_end + 5), kDate) &&
        !try_range(from, std::min(n, body_begin + 5), kRelTime)) {
      // no date found
    }
  }

  // ---- 6c. author ----
  {
    size_t lo = title_idx >= 0 ? size_t(title_idx) : (body_begin > 15 ? body_begin - 15 : 0);
    std::string author;
    int author_rank = 99;
    auto consider = [&](size_t i) {
      const Line& l = lines[i];
      if (l.flags & kInitials) {
        if (author_rank > 2) {
          author = std::string(l.text.substr(1, l.text.size() - 2));
          author_rank = 2;
        }
        return;
      }
      if (!(l.flags & kByline)) return;
      PhraseMatcher::Match m;
      SplitWords(l.lower, &lwords);
      if (!mt.byline.Find(lwords, l.lower, &m)) return;
      std::string_view prefix = lwords[m.word_index];
      // Editors and photographers are not authors; writers and reporters are.
      int rank = (prefix == "editor" || prefix == "redaktur" || prefix == "penyunting" ||
                  prefix == "edited" || prefix == "foto" || prefix == "photo" ||
                  prefix == "photos" || prefix == "fotografer" || prefix == "source" ||
                  prefix == "sumber")
                     ? 3
                     : 1;
      if (rank >= author_rank) return;
      SplitWords(l.text, &words);
      if (words.size() <= m.word_count) return;
      std::string_view name = l.text.substr(size_t(words[m.word_count].data() - l.text.data()));
      name = TrimSpace(name);
      while (!name.empty() && (name.back() == '.' || name.back() == ',' || name.back() == '|'))
        name.remove_suffix(1);
      if (name.empty()) return;
      author = std::string(name);
      author_rank = rank;
    };
    for (size_t i = lo; i < std::min(n, body_begin + 6); ++i) consider(i);
    for (size_t i = body_end > 0 ? body_end - 1 : 0; i < std::min(n, body_end + 4); ++i) consider(i);
    if (!author.empty() && author_rank < 3) doc->metadata.author = author;
  }

  // ---- 6d. site: the copyright line names it ----
  if (doc->metadata.site.empty()) {
    for (size_t i = n; i-- > 0;) {
      const Line& l = lines[i];
      if (!(l.flags & kCopyright)) continue;
      std::string_view dom = FindDomain(l.text);
      if (!dom.empty()) {
        doc->metadata.site = std::string(dom);
        break;
      }
      // "© 2024 The Riverside Ledger. All rights reserved." -> the name after the year.
      std::string_view t = l.text;
      size_t p = 0;
      while (p < t.size()) {
        size_t j = p;
        uint32_t cp = NextCodePoint(t, &j);
        if (IsLetter(cp) && !(cp == 'c' || cp == 'C')) break;
        if (IsLetter(cp)) {
          // "Copyright" / "(c)": skip the word
          std::string_view rest = t.substr(p);
          if (StartsWith(LowerUtf8(rest.substr(0, 9)), "copyright")) {
            p += 9;
            continue;
          }
          break;
        }
        p = j;
      }
      std::string_view name = t.substr(p);
      size_t cut = name.find_first_of(".|,");
      if (cut != std::string_view::npos) name = name.substr(0, cut);
      std::string lname = LowerUtf8(name);
      size_t arr = lname.find("all rights");
      if (arr != std::string::npos) name = name.substr(0, arr);
      name = TrimSpace(name);
      if (!name.empty() && name.size() <= 60) {
        doc->metadata.site = std::string(name);
        break;
      }
    }
    if (doc->metadata.site.empty()) {
      // A promo line that names a domain ("... dari SINDOnews.com, Klik Disini ...").
      for (size_t i = body_end; i < n && i < body_end + 10; ++i) {
        if (!(lines[i].flags & kBoiler)) continue;
        std::string_view dom = FindDomain(lines[i].text);
        if (!dom.empty()) {
          doc->metadata.site = std::string(dom);
          break;
        }
      }
    }
  }

  // ---- 6e. language (first cut; the fastText model refines it when available) ----
  if (doc->metadata.lang.empty()) {
    std::string guess = GuessLanguage(doc->text.empty() ? text : std::string_view(doc->text), lex_);
    if (!guess.empty()) doc->metadata.lang = guess;
  }
}

}  // namespace kilang
