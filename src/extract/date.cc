#include "kilang/extract/date.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "kilang/util/text.h"
#include "kilang/util/utf8.h"

namespace kilang {

namespace {

// Days since 1970-01-01 of a civil date (proleptic Gregorian), after H. Hinnant's algorithm.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = static_cast<int>(yy + (*m <= 2));
}

}  // namespace

std::string DateTime::ToIso() const {
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  if (has_time()) {
    n += std::snprintf(buf + n, sizeof buf - n, "T%02d:%02d:%02d", hour, minute < 0 ? 0 : minute,
                       second < 0 ? 0 : second);
    if (tz_offset_minutes) {
      int off = *tz_offset_minutes;
      char sign = off < 0 ? '-' : '+';
      if (off < 0) off = -off;
      std::snprintf(buf + n, sizeof buf - n, "%c%02d:%02d", sign, off / 60, off % 60);
    }
  }
  return buf;
}

int64_t DateTime::ToUnixSeconds() const {
  int64_t days = DaysFromCivil(year, unsigned(month), unsigned(day));
  int64_t s = days * 86400;
  if (has_time()) s += hour * 3600 + (minute < 0 ? 0 : minute) * 60 + (second < 0 ? 0 : second);
  if (tz_offset_minutes) s -= int64_t(*tz_offset_minutes) * 60;
  return s;
}

DateTime DateTime::FromUnixSeconds(int64_t secs, int tz) {
  int64_t local = secs + int64_t(tz) * 60;
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  int64_t rem = local - days * 86400;
  DateTime d;
  CivilFromDays(days, &d.year, &d.month, &d.day);
  d.hour = int(rem / 3600);
  d.minute = int(rem / 60 % 60);
  d.second = int(rem % 60);
  d.tz_offset_minutes = tz;
  return d;
}

std::optional<DateTime> DateTime::ParseIso(std::string_view s) {
  s = TrimSpace(s);
  DateTime d;
  auto num = [&](size_t pos, size_t len, int* out) {
    if (pos + len > s.size()) return false;
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  if (!num(0, 4, &d.year) || s.size() < 10 || s[4] != '-' || !num(5, 2, &d.month) || s[7] != '-' ||
      !num(8, 2, &d.day))
    return std::nullopt;
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31) return std::nullopt;
  size_t p = 10;
  if (p < s.size() && (s[p] == 'T' || s[p] == ' ')) {
    if (!num(p + 1, 2, &d.hour) || p + 3 >= s.size() || s[p + 3] != ':' ||
        !num(p + 4, 2, &d.minute))
      return std::nullopt;
    p += 6;
    d.second = 0;
    if (p < s.size() && s[p] == ':') {
      if (!num(p + 1, 2, &d.second)) return std::nullopt;
      p += 3;
      if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
        ++p;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
      }
    }
    if (d.hour > 23 || d.minute > 59 || d.second > 60) return std::nullopt;
    if (p < s.size()) {
      if (s[p] == 'Z' || s[p] == 'z') {
        d.tz_offset_minutes = 0;
        ++p;
      } else if (s[p] == '+' || s[p] == '-') {
        int h = 0, m = 0;
        if (!num(p + 1, 2, &h)) return std::nullopt;
        size_t q = p + 3;
        if (q < s.size() && s[q] == ':') ++q;
        if (num(q, 2, &m)) q += 2;
        else m = 0;
        if (h > 14 || m > 59) return std::nullopt;
        d.tz_offset_minutes = (s[p] == '-' ? -1 : 1) * (h * 60 + m);
        p = q;
      }
    }
  }
  if (p != s.size()) return std::nullopt;
  // A real calendar day (Feb 30 is not); any year, as --now may name one.
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
  if (d.day > kDays[d.month - 1] || (d.month == 2 && d.day == 29 && !leap)) return std::nullopt;
  return d;
}

// ---------------------------------------------------------------------------------------------
// Finding dates in text.
//
// The text is cut once into tokens: numbers (ASCII digit runs), words (letters and marks, with an
// apostrophe or hyphen between letters; lower-cased into one buffer) and single punctuation
// marks. Each token remembers whether white space came before it, which tells "22.10.2024" from
// "22. 10". The patterns below walk the token array; none of them backtracks more than a few
// tokens, so a call is linear in the text.

namespace {

constexpr size_t kShortText = 200;         // bytes; longer text: number-anchored patterns only
constexpr size_t kMaxScanBytes = 1 << 16;  // only this much of a text is tokenised
constexpr int kMinYear = 1970, kMaxYear = 2100;

enum class TokKind : uint8_t { kNum, kWord, kPunct };

struct Token {
  TokKind kind;
  bool space_before;            // white space (or the start of the text) right before the token
  uint32_t begin, end;          // byte range in the text
  uint32_t lbegin, lend;        // kWord: the lower-cased form, in Scratch::lower
  int64_t value;                // kNum: the number (-1 past 9 digits); kPunct: the code point
  const struct WordInfo* info;  // kWord: what the word is, once looked up (null: nothing)
  bool looked_up;
  int digits() const { return static_cast<int>(end - begin); }
};

// Everything the date patterns need to know about a word, from every table of the lexicon.
struct WordInfo {
  int64_t unit_seconds = 0;  // time unit ("menit" 60)
  int number = -1;           // number word ("an" 1)
  int month = 0;             // month name 1..12
  int ampm = -1;             // 0 am, 1 pm
  bool weekday = false;
  bool filler = false;          // date filler
  bool relative_first = false;  // first word of a relative-day or ago_before phrase
};

// A read-only open-addressing hash table from lower-cased word to WordInfo, looked up by
// string_view without allocating. Built once per DateParser.
class WordTable {
 public:
  WordTable() = default;
  explicit WordTable(const std::unordered_map<std::string, WordInfo>& words) {
    size_t cap = 16;
    while (cap < words.size() * 2) cap *= 2;
    slots_.resize(cap);
    mask_ = cap - 1;
    for (const auto& [w, info] : words) {
      size_t h = Hash(w) & mask_;
      while (slots_[h].used) h = (h + 1) & mask_;
      slots_[h] = Slot{w, info, true};
    }
  }

  const WordInfo* Find(std::string_view w) const {
    if (slots_.empty()) return nullptr;
    for (size_t h = Hash(w) & mask_;; h = (h + 1) & mask_) {
      const Slot& s = slots_[h];
      if (!s.used) return nullptr;
      if (s.word == w) return &s.info;
    }
  }

 private:
  struct Slot {
    std::string word;
    WordInfo info;
    bool used = false;
  };
  static size_t Hash(std::string_view w) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (unsigned char c : w) h = (h ^ c) * 1099511628211ull;
    return static_cast<size_t>(h ^ (h >> 29));
  }
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

// Per-thread buffers, reused across calls so the steady state does not allocate.
struct Scratch {
  std::vector<Token> tokens;
  std::string lower;
  std::string tmp;
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

bool IsWordCp(uint32_t cp) {
  if (cp < 0x80) return (cp | 32) >= 'a' && (cp | 32) <= 'z';
  if (IsLetter(cp)) return true;
  auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC;
}

inline bool IsAsciiAlpha(unsigned char c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }

uint32_t CodePointAt(std::string_view s, size_t* pos) {
  unsigned char c = static_cast<unsigned char>(s[*pos]);
  if (c < 0x80) {
    ++*pos;
    return c;
  }
  return NextCodePoint(s, pos);
}

void Tokenize(std::string_view s, Scratch* sc) {
  sc->tokens.clear();
  sc->lower.clear();
  bool space = true;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    Token t{};
    t.space_before = space;
    t.begin = static_cast<uint32_t>(i);
    if (c >= '0' && c <= '9') {
      size_t j = i;
      int64_t v = 0;
      while (j < s.size() && s[j] >= '0' && s[j] <= '9') {
        if (j - i < 9) v = v * 10 + (s[j] - '0');
        ++j;
      }
      t.kind = TokKind::kNum;
      t.end = static_cast<uint32_t>(j);
      t.value = j - i > 9 ? -1 : v;
      sc->tokens.push_back(t);
      space = false;
      i = j;
      continue;
    }
    size_t j = i;
    uint32_t cp = CodePointAt(s, &j);
    if (!IsWordCp(cp)) {
      if (IsSpace(cp) || cp == 0xA0) {
        space = true;
      } else {
        t.kind = TokKind::kPunct;
        t.end = static_cast<uint32_t>(j);
        t.value = cp;
        sc->tokens.push_back(t);
        space = false;
      }
      i = j;
      continue;
    }
    // A word: letters and marks, with ' ’ or - between two letters ("jum'at", "avant-hier").
    bool ascii = c < 0x80;
    size_t k = j;
    while (k < s.size()) {
      const unsigned char d = static_cast<unsigned char>(s[k]);
      if (d < 0x80) {  // ASCII fast path
        if (IsAsciiAlpha(d)) {
          ++k;
          continue;
        }
        if ((d == '\'' || d == '-') && k + 1 < s.size() &&
            IsAsciiAlpha(static_cast<unsigned char>(s[k + 1]))) {
          k += 2;
          continue;
        }
        if (d != '\'' && d != '-') break;
      }
      size_t m = k;
      uint32_t cp2 = CodePointAt(s, &m);
      if (IsWordCp(cp2)) {
        ascii &= cp2 < 0x80;
        k = m;
        continue;
      }
      if ((cp2 == '\'' || cp2 == 0x2019 || cp2 == '-') && m < s.size()) {
        size_t q = m;
        uint32_t cp3 = CodePointAt(s, &q);
        if (IsWordCp(cp3)) {
          ascii &= cp2 < 0x80 && cp3 < 0x80;
          k = q;
          continue;
        }
      }
      break;
    }
    t.kind = TokKind::kWord;
    t.end = static_cast<uint32_t>(k);
    t.lbegin = static_cast<uint32_t>(sc->lower.size());
    std::string_view word = s.substr(i, k - i);
    if (ascii) {
      const size_t old = sc->lower.size();
      sc->lower.resize(old + word.size());
      char* out = sc->lower.data() + old;
      for (size_t p = 0; p < word.size(); ++p) {
        const char ch = word[p];
        out[p] = ch >= 'A' && ch <= 'Z' ? char(ch + 32) : ch;
      }
    } else {
      LowerUtf8(word, &sc->tmp);
      // Fold the typographic apostrophe, so "aujourd’hui" finds "aujourd'hui".
      for (size_t p = 0; p < sc->tmp.size(); ++p) {
        if (sc->tmp.compare(p, 3, "\xE2\x80\x99") == 0) {
          sc->lower.push_back('\'');
          p += 2;
        } else {
          sc->lower.push_back(sc->tmp[p]);
        }
      }
    }
    t.lend = static_cast<uint32_t>(sc->lower.size());
    sc->tokens.push_back(t);
    space = false;
    i = k;
  }
}

// Non-space characters (code points) in `s`.
size_t CountNonSpace(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (!(c == ' ' || (c >= 9 && c <= 13))) ++n;
      ++i;
      continue;
    }
    uint32_t cp = NextCodePoint(s, &i);
    if (!IsSpace(cp) && cp != 0xA0) ++n;
  }
  return n;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

bool ValidDate(int64_t y, int64_t m, int64_t d) {
  return y >= kMinYear && y <= kMaxYear && m >= 1 && m <= 12 && d >= 1 &&
         d <= DaysInMonth(int(y), int(m));
}

// UTC offsets run from -12:00 to +14:00.
bool ValidOffset(const std::optional<int>& minutes) {
  return !minutes || (*minutes >= -12 * 60 && *minutes <= 14 * 60);
}

// 0 = Sunday.
int WeekdayOfDays(int64_t days) { return static_cast<int>(((days % 7) + 7 + 4) % 7); }

int NthSunday(int y, int m, int nth) {
  int wd = WeekdayOfDays(DaysFromCivil(y, unsigned(m), 1));
  return 1 + (7 - wd) % 7 + 7 * (nth - 1);
}

int LastSunday(int y, int m) {
  int dim = DaysInMonth(y, m);
  return dim - WeekdayOfDays(DaysFromCivil(y, unsigned(m), unsigned(dim)));
}

// Whether a local wall-clock time (noon for a date alone) falls in daylight-saving time under
// `rule` for a zone whose standard offset is `std_offset` minutes.
bool InDst(const DateTime& d, Lexicon::DstRule rule, int std_offset) {
  const int y = d.year;
  int64_t wall = DaysFromCivil(y, unsigned(d.month), unsigned(d.day)) * 1440 +
                 (d.has_time() ? d.hour * 60 + std::max(d.minute, 0) : 12 * 60);
  if (rule == Lexicon::DstRule::kUs) {
    // Since 2007: second Sunday of March to first Sunday of November; before: first Sunday of
    // April to last Sunday of October. Both switch at 02:00 local time.
    int64_t start = y >= 2007 ? DaysFromCivil(y, 3, unsigned(NthSunday(y, 3, 2)))
                              : DaysFromCivil(y, 4, unsigned(NthSunday(y, 4, 1)));
    int64_t end = y >= 2007 ? DaysFromCivil(y, 11, unsigned(NthSunday(y, 11, 1)))
                            : DaysFromCivil(y, 10, unsigned(LastSunday(y, 10)));
    return wall >= start * 1440 + 120 && wall < end * 1440 + 120;
  }
  if (rule == Lexicon::DstRule::kEu) {
    // Last Sunday of March to last Sunday of October (September before 1996), at 01:00 UTC.
    int64_t utc = wall - std_offset;
    int64_t start = DaysFromCivil(y, 3, unsigned(LastSunday(y, 3))) * 1440 + 60;
    int end_month = y >= 1996 ? 10 : 9;
    int64_t end =
        DaysFromCivil(y, unsigned(end_month), unsigned(LastSunday(y, end_month))) * 1440 + 60;
    return utc >= start && utc - 60 < end;
  }
  return false;
}

// A time of day read from the text, with its zone when one was given.
struct TimeOfDay {
  int hour = -1, minute = 0, second = 0;
  std::optional<int> tz;
  Lexicon::DstRule dst = Lexicon::DstRule::kNone;
};

void ApplyTime(const TimeOfDay& t, DateTime* d) {
  d->hour = t.hour;
  d->minute = t.minute;
  d->second = t.second;
  d->tz_offset_minutes = t.tz;
  if (t.tz && t.dst != Lexicon::DstRule::kNone && InDst(*d, t.dst, *t.tz)) {
    d->tz_offset_minutes = *t.tz + 60;
  }
}

// A relative time found in the text: an amount of seconds back, or a day offset (with an
// optional time of day).
struct Relative {
  size_t end = 0;
  bool is_days = false;
  int64_t seconds = 0;
  int days = 0;
  TimeOfDay time;
};

class Matcher {
 public:
  // `text` is the tokenised text; `sc` holds its tokens.
  Matcher(const Lexicon& lex, const WordTable& words, std::string_view text, Scratch& sc)
      : lex_(lex),
        words_(words),
        t_(sc.tokens),
        lower_(sc.lower),
        n_(sc.tokens.size()),
        text_(text) {}

  size_t size() const { return n_; }
  bool IsNum(size_t i, int max_digits = 9) const {
    return i < n_ && t_[i].kind == TokKind::kNum && t_[i].digits() <= max_digits &&
           t_[i].value >= 0;
  }
  bool IsNumDigits(size_t i, int digits) const { return IsNum(i) && t_[i].digits() == digits; }
  int64_t Val(size_t i) const { return t_[i].value; }
  bool IsWord(size_t i) const { return i < n_ && t_[i].kind == TokKind::kWord; }
  bool IsPunct(size_t i) const { return i < n_ && t_[i].kind == TokKind::kPunct; }
  bool Punct(size_t i, uint32_t cp) const { return IsPunct(i) && t_[i].value == cp; }
  bool Attached(size_t i) const { return i < n_ && !t_[i].space_before; }
  std::string_view Word(size_t i) const {
    if (!IsWord(i)) return {};
    return std::string_view(lower_).substr(t_[i].lbegin, t_[i].lend - t_[i].lbegin);
  }
  const Token& tok(size_t i) const { return t_[i]; }
  // What word token i is; null when not a word or not in any table.
  const WordInfo* Info(size_t i) const {
    if (!IsWord(i)) return nullptr;
    Token& t = t_[i];
    if (!t.looked_up) {
      t.info = words_.Find(Word(i));
      t.looked_up = true;
    }
    return t.info;
  }
  // Whether word token i is written in ASCII capitals in the text.
  bool IsUpperAscii(size_t i) const {
    for (size_t p = t_[i].begin; p < t_[i].end; ++p)
      if (text_[p] < 'A' || text_[p] > 'Z') return false;
    return true;
  }

  // ---- absolute dates ----

  // A date (with its time when one follows or precedes it) starting at token i. Returns the end
  // token, 0 when none.
  size_t Absolute(size_t i, DateTime* d) const {
    if (IsNum(i, 2) && (Punct(i + 1, ':') || Word(i + 1) == "h") && Attached(i + 1)) {
      // A time first: "1:39 am EST, Wednesday, November 20, 2019".
      TimeOfDay tod;
      size_t te = Time(i, /*allow_dot=*/false, /*iso=*/false, &tod);
      if (te) {
        bool filler = false, iso = false;
        size_t k = Skip(te, 4, &filler, &iso);
        int glued = -1;
        size_t de = Date(k, d, &glued);
        if (de) {
          if (!d->has_time()) ApplyTime(tod, d);
          return de;
        }
      }
      return 0;
    }
    int glued = -1;
    size_t de = Date(i, d, &glued);
    if (!de) return 0;
    if (d->has_time()) return de;
    TimeOfDay tod;
    if (glued >= 0) {
      // "Nov 19 20197:05 AM": the year and the hour ran together.
      size_t te = TimeFrom(glued, de, false, false, &tod);
      if (!te) return de;
      ApplyTime(tod, d);
      return te;
    }
    bool filler = false, iso = false;
    size_t k = Skip(de, 4, &filler, &iso);
    size_t te = Time(k, filler, iso, &tod);
    if (!te) return de;
    ApplyTime(tod, d);
    return te;
  }

  // A date alone at token i. *glued_hour is set (else left alone) when the year token also
  // held the hour of a time that follows ("20197:05" = 2019, 7:05); the date then ends at the ':'.
  size_t Date(size_t i, DateTime* d, int* glued_hour) const {
    if (IsNum(i)) {
      if (size_t e = NumericDate(i, d)) return e;
      if (size_t e = DayMonthYear(i, d, glued_hour)) return e;
      if (size_t e = YearMonthDay(i, d)) return e;
      if (size_t e = CjkDate(i, d)) return e;
      return 0;
    }
    if (IsWord(i)) return MonthDayYear(i, d, glued_hour);
    return 0;
  }

  // A four-digit year at token j; or a year with the hour of a time glued to it ("20197:05"),
  // then *glued_hour is the hour.
  bool Year(size_t j, int64_t* year, int* glued_hour) const {
    if (IsNumDigits(j, 4)) {
      *year = Val(j);
      return true;
    }
    const int digits = IsNum(j) ? t_[j].digits() : 0;
    if ((digits == 5 || digits == 6) && Punct(j + 1, ':') && Attached(j + 1) &&
        IsNumDigits(j + 2, 2) && Attached(j + 2)) {
      const int64_t div = digits == 5 ? 10 : 100;
      *year = Val(j) / div;
      const int64_t hour = Val(j) % div;
      if (hour > 23 || *year < kMinYear || *year > kMaxYear) return false;
      *glued_hour = int(hour);
      return true;
    }
    return false;
  }

  // "2019, November 18", "2024 Oct 22".
  size_t YearMonthDay(size_t i, DateTime* d) const {
    if (!IsNumDigits(i, 4)) return 0;
    size_t j = i + 1;
    if (Punct(j, ',')) ++j;
    int month = MonthAt(j);
    if (!month) return 0;
    ++j;
    if (Punct(j, '.') && Attached(j)) ++j;
    if (!IsNum(j, 2)) return 0;
    // Not the start of a time or of another number ("2019 May 5:30", "2019 Nov 5.5").
    if (IsPunct(j + 1) && Attached(j + 1) && IsNum(j + 2) && Attached(j + 2)) return 0;
    if (!ValidDate(Val(i), month, Val(j))) return 0;
    SetDate(Val(i), month, Val(j), d);
    return j + 1;
  }

  // "22/10/2024", "22.10.2024", "22-10-2024", "10/22/2024", "2024-10-22", "2024/10/22".
  size_t NumericDate(size_t i, DateTime* d) const {
    if (i + 4 >= n_ || !IsPunct(i + 1)) return 0;
    const uint32_t sep = static_cast<uint32_t>(t_[i + 1].value);
    if (sep != '/' && sep != '-' && sep != '.') return 0;
    if (!Attached(i + 1) || !IsNum(i + 2, 4) || !Attached(i + 2) || !Punct(i + 3, sep) ||
        !Attached(i + 3) || !IsNum(i + 4) || !Attached(i + 4))
      return 0;
    // Part of a longer dotted/slashed number ("1.22.10.2024", "192.168.10.2024")?
    if (i > 0 && Attached(i) && (IsWord(i - 1) || IsNum(i - 1))) return 0;
    if (i > 1 && Attached(i) && IsPunct(i - 1) &&
        (t_[i - 1].value == '.' || t_[i - 1].value == '/' || t_[i - 1].value == '-') &&
        IsNum(i - 2) && Attached(i - 1))
      return 0;
    if (Punct(i + 5, sep) && Attached(i + 5) && IsNum(i + 6) && Attached(i + 6)) return 0;
    int64_t a = Val(i), b = Val(i + 2), c = Val(i + 4);
    int da = t_[i].digits(), db = t_[i + 2].digits(), dc = t_[i + 4].digits();
    int64_t y, m, day;
    if (da == 4 && db <= 2 && dc <= 2) {
      y = a, m = b, day = c;
    } else if (da <= 2 && db <= 2 && dc == 4) {
      y = c;
      if (b > 12 && a <= 12) {
        m = a, day = b;  // month first: only when the day cannot be a month
      } else {
        day = a, m = b;
      }
    } else {
      return 0;
    }
    if (!ValidDate(y, m, day)) return 0;
    SetDate(y, m, day, d);
    return i + 5;
  }

  // "22 Oktober 2024", "22. Oktober 2024", "22 de octubre de 2024", "1er octobre 2024",
  // "18-NOV-2019", "3rd Aug. 2023".
  size_t DayMonthYear(size_t i, DateTime* d, int* glued_hour) const {
    if (!IsNum(i, 2)) return 0;
    int64_t day = Val(i);
    if (day < 1 || day > 31) return 0;
    size_t j = SkipOrdinal(i + 1);
    if (Punct(j, '.') && Attached(j)) {
      ++j;
    } else if (Punct(j, '-') || Punct(j, '/')) {
      ++j;
    }
    j = SkipConnector(j);
    int month = MonthAt(j);
    if (!month) return 0;
    ++j;
    if (Punct(j, '.') && Attached(j)) ++j;
    if (Punct(j, ',') || Punct(j, '-') || Punct(j, '/')) ++j;
    j = SkipConnector(j);
    int64_t year = 0;
    int glued = -1;
    if (!Year(j, &year, &glued) || !ValidDate(year, month, day)) return 0;
    SetDate(year, month, day, d);
    if (glued >= 0) *glued_hour = glued;
    return j + 1;
  }

  // "Oct 22, 2024", "Nov. 19, 2019", "November 19 2019", "Maret 30, 2015", "May 1st, 2024".
  size_t MonthDayYear(size_t i, DateTime* d, int* glued_hour) const {
    int month = MonthAt(i);
    if (!month) return 0;
    size_t j = i + 1;
    if (Punct(j, '.') && Attached(j)) ++j;
    if (Punct(j, '-') || Punct(j, '/')) ++j;
    if (!IsNum(j, 2)) return 0;
    int64_t day = Val(j);
    j = SkipOrdinal(j + 1);
    if (Punct(j, ',') || Punct(j, '-') || Punct(j, '/')) ++j;
    int64_t year = 0;
    int glued = -1;
    if (!Year(j, &year, &glued) || !ValidDate(year, month, day)) return 0;
    SetDate(year, month, day, d);
    if (glued >= 0) *glued_hour = glued;
    return j + 1;
  }

  // "2024年10月22日", "2024년 10월 22일".
  size_t CjkDate(size_t i, DateTime* d) const {
    if (!IsNumDigits(i, 4) || !IsNum(i + 2, 2) || !IsNum(i + 4, 2)) return 0;
    auto starts = [&](size_t k, std::string_view a, std::string_view b) {
      std::string_view w = Word(k);
      return StartsWith(w, a) || StartsWith(w, b);
    };
    if (!starts(i + 1, "年", "년") || !starts(i + 3, "月", "월") || !starts(i + 5, "日", "일"))
      return 0;
    if (!ValidDate(Val(i), Val(i + 2), Val(i + 4))) return 0;
    SetDate(Val(i), Val(i + 2), Val(i + 4), d);
    return i + 6;
  }

  // "13:38", "13:38:05", "1:38 PM", "10:28am", "13h38", "13.38" (when allow_dot), then a zone.
  size_t Time(size_t i, bool allow_dot, bool iso, TimeOfDay* t) const {
    if (!IsNum(i, 2)) return 0;
    return TimeFrom(Val(i), i + 1, allow_dot, iso, t);
  }

  // The rest of a time whose hour `h` was read; token j is the one after the hour.
  size_t TimeFrom(int64_t h, size_t j, bool allow_dot, bool iso, TimeOfDay* t) const {
    int64_t m = 0, s = 0;
    bool seconds = false;
    if (Punct(j, ':') && Attached(j) && IsNumDigits(j + 1, 2) && Attached(j + 1)) {
      m = Val(j + 1);
      j += 2;
      if (Punct(j, ':') && Attached(j) && IsNumDigits(j + 1, 2) && Attached(j + 1)) {
        s = Val(j + 1);
        seconds = true;
        j += 2;
        if ((Punct(j, '.') || Punct(j, ',')) && Attached(j) && IsNum(j + 1, 20) && Attached(j + 1))
          j += 2;
      }
      if (Punct(j, ':') && Attached(j) && IsNum(j + 1) && Attached(j + 1)) return 0;  // 1:2:3:4
    } else if (Word(j) == "h" && Attached(j)) {
      ++j;
      if (IsNumDigits(j, 2) && Attached(j)) {
        m = Val(j);
        ++j;
      }
    } else if ((allow_dot || IsZoneWord(j + 2)) && Punct(j, '.') && Attached(j) &&
               IsNumDigits(j + 1, 2) && Attached(j + 1) &&
               !(Punct(j + 2, '.') && Attached(j + 2) && IsNum(j + 3))) {
      m = Val(j + 1);
      j += 2;
    } else {
      return 0;
    }
    if (h > 23 || m > 59 || s > 60) return 0;
    size_t k = 0;
    if (auto pm = AmPm(j, &k)) {
      if (h < 1 || h > 23) return 0;
      if (*pm && h < 12) h += 12;
      if (!*pm && h == 12) h = 0;
      j = k;
    }
    t->hour = int(h);
    t->minute = int(m);
    t->second = int(s);
    return Zone(j, iso || seconds, t);
  }

  // Whether token j is a time-zone abbreviation ("WIB"), so "10.30 WIB" is a time.
  bool IsZoneWord(size_t j) const {
    std::string_view w = Word(j);
    return w.size() > 1 && w.size() <= 5 && lex_.TimezoneOffset(w).has_value();
  }

  // "am", "PM", "a.m.", "p.m".
  std::optional<bool> AmPm(size_t j, size_t* end) const {
    if (!IsWord(j)) return std::nullopt;
    std::string_view w = Word(j);
    if (w.size() == 1 && Punct(j + 1, '.') && Attached(j + 1) && IsWord(j + 2) && Attached(j + 2) &&
        Word(j + 2).size() == 1) {
      std::string dotted = std::string(w) + "." + std::string(Word(j + 2));
      size_t e = j + 3;
      if (Punct(e, '.') && Attached(e)) {
        dotted += '.';
        ++e;
      }
      const WordInfo* info = words_.Find(dotted);
      if (info && info->ampm >= 0) {
        *end = e;
        return info->ampm == 1;
      }
      return std::nullopt;
    }
    const WordInfo* info = Info(j);
    if (info && info->ampm >= 0) {
      *end = j + 1;
      if (Punct(*end, '.') && Attached(*end)) ++*end;
      return info->ampm == 1;
    }
    return std::nullopt;
  }

  // A zone after a time: "WIB", "(WIB)", "GMT+7", "UTC +07:00", "+07:00" / "-0400" / "Z" (ISO
  // style, attached). Returns the end (j when there is no zone).
  size_t Zone(size_t j, bool numeric_ok, TimeOfDay* t) const {
    if (IsWord(j)) {
      std::string_view w = Word(j);
      if (w.size() == 1 && !(w == "z" && Attached(j))) return j;
      auto off = lex_.TimezoneOffset(w);
      if (!off) return j;
      // "et", "est", "ist" are also words ("et" = and): those need capitals ("ET").
      if (lex_.IsStopword(w) && !IsUpperAscii(j)) return j;
      t->tz = off;
      t->dst = lex_.TimezoneDst(w);
      size_t k = j + 1;
      if ((w == "gmt" || w == "utc") && (Punct(k, '+') || Punct(k, '-') || Punct(k, 0x2212))) {
        int o = 0;
        if (size_t e = NumericOffset(k, &o)) {
          t->tz = o;
          t->dst = Lexicon::DstRule::kNone;
          k = e;
        }
      }
      return k;
    }
    if (Punct(j, '(') && IsWord(j + 1) && Punct(j + 2, ')')) {
      TimeOfDay z = *t;
      if (Zone(j + 1, false, &z) == j + 2) {
        *t = z;
        return j + 3;
      }
      return j;
    }
    if (numeric_ok && Attached(j) && (Punct(j, '+') || Punct(j, '-'))) {
      int o = 0;
      if (size_t e = NumericOffset(j, &o)) {
        t->tz = o;
        t->dst = Lexicon::DstRule::kNone;
        return e;
      }
    }
    return j;
  }

  // "+07:00", "+0700", "+7", "-04" at token j (the sign).
  size_t NumericOffset(size_t j, int* out) const {
    int sign = Punct(j, '+') ? 1 : -1;
    if (!IsNum(j + 1, 4) || !Attached(j + 1)) return 0;
    int64_t v = Val(j + 1);
    int64_t h, m = 0;
    size_t e = j + 2;
    if (t_[j + 1].digits() >= 3) {
      h = v / 100, m = v % 100;
    } else {
      h = v;
      if (Punct(e, ':') && Attached(e) && IsNumDigits(e + 1, 2) && Attached(e + 1)) {
        m = Val(e + 1);
        e += 2;
      }
    }
    if (h > 14 || m > 59) return 0;
    *out = sign * int(h * 60 + m);
    return e;
  }

  // ---- relative times ----

  // A relative time starting at token i. `words`: also try word-anchored forms (relative days,
  // number words, "vor"/"il y a"/"hace" first).
  bool RelativeAt(size_t i, bool words, Relative* r) const {
    if (IsNum(i, 4)) return AmountUnitAgo(i, Val(i), r);
    if (!words || !IsWord(i)) return false;
    const WordInfo* info = Info(i);
    if (!info) return false;
    if (info->number >= 0 && AmountUnitAgo(i, info->number, r)) return true;
    if (!info->relative_first) return false;
    for (const auto& phrase : lex_.ago_before()) {
      size_t k = Phrase(i, phrase);
      if (!k) continue;
      int64_t amount = -1;
      if (IsNum(k, 4)) {
        amount = Val(k);
      } else if (const WordInfo* n = Info(k); n && n->number >= 0) {
        amount = n->number;
      } else {
        continue;
      }
      size_t e = 0;
      int64_t unit = Unit(k + 1, &e);
      if (!unit) continue;
      SetAmount(amount * unit, e, r);
      return true;
    }
    // Relative days, longest phrase first ("kemarin lusa" before "kemarin"). They count at the
    // start of the text or after punctuation / filler / a weekday ("Published today"), not
    // inside a name or a phrase ("USA TODAY", "CMO Today", "NBC 5 Today at 6am").
    if (i > 0 && !Coverable(i - 1)) return false;
    std::string joined;
    size_t best_end = 0;
    int best_days = 0;
    for (size_t k = i; k < n_ && k < i + 3 && IsWord(k); ++k) {
      if (k > i) joined += ' ';
      joined += Word(k);
      if (auto days = lex_.RelativeDay(joined)) {
        best_end = k + 1;
        best_days = *days;
      }
    }
    if (!best_end) return false;
    r->is_days = true;
    r->days = best_days;
    r->end = best_end;
    TimeAfter(best_end, r);
    return true;
  }

  // amount (at token i) + unit + "ago" phrase.
  bool AmountUnitAgo(size_t i, int64_t amount, Relative* r) const {
    size_t k = 0;
    int64_t unit = Unit(i + 1, &k);
    if (!unit) return false;
    for (const auto& phrase : lex_.ago_after()) {
      if (size_t e = Phrase(k, phrase)) {
        SetAmount(amount * unit, e, r);
        return true;
      }
    }
    return false;
  }

  // A relative time of `seconds` ending at token e; a day or more becomes a day offset, which
  // may take a time of day ("2 days ago at 07:52 am").
  void SetAmount(int64_t seconds, size_t e, Relative* r) const {
    r->end = e;
    if (seconds < 86400) {
      r->is_days = false;
      r->seconds = seconds;
      return;
    }
    r->is_days = true;
    r->days = static_cast<int>(-std::min<int64_t>(seconds / 86400, 1 << 20));
    TimeAfter(e, r);
  }

  // A time of day right after a relative day ("kemarin, 13:38 WIB").
  void TimeAfter(size_t e, Relative* r) const {
    bool filler = false, iso = false;
    size_t k = Skip(e, 3, &filler, &iso);
    TimeOfDay tod;
    if (size_t te = Time(k, filler, false, &tod)) {
      r->time = tod;
      r->end = te;
    }
  }

  // Seconds of a time-unit word at token k ("menit", "hours", "min."), 0 when not one.
  int64_t Unit(size_t k, size_t* end) const {
    const WordInfo* info = Info(k);
    int64_t s = info ? info->unit_seconds : 0;
    if (!s) return 0;
    *end = k + 1;
    if (Punct(*end, '.') && Attached(*end)) ++*end;
    return s;
  }

  // The token after `phrase` when its words start at token k, else 0.
  size_t Phrase(size_t k, std::string_view phrase) const {
    while (!phrase.empty()) {
      size_t sp = phrase.find(' ');
      std::string_view part = phrase.substr(0, sp);
      if (!IsWord(k) || Word(k) != part) return 0;
      ++k;
      phrase = sp == std::string_view::npos ? std::string_view() : phrase.substr(sp + 1);
    }
    return k;
  }

  // ---- helpers ----

  int MonthAt(size_t j) const {
    const WordInfo* info = Info(j);
    return info ? info->month : 0;
  }

  // "st", "nd", "rd", "th", "er", "º" right after a day number.
  size_t SkipOrdinal(size_t j) const {
    if (!IsWord(j) || !Attached(j)) return j;
    std::string_view w = Word(j);
    if (w == "st" || w == "nd" || w == "rd" || w == "th" || w == "er" || w == "e" ||
        w == "\xC2\xBA" || w == "\xC2\xAA")
      return j + 1;
    return j;
  }

  // One filler word between the parts of a date ("de" in "22 de octubre de 2024").
  size_t SkipConnector(size_t j) const {
    const WordInfo* info = Info(j);
    if (info && info->filler && !info->month) return j + 1;
    return j;
  }

  // Skips up to `max` tokens of punctuation, filler, weekday words and the ISO "T" between a date
  // and a time. Sets *filler when a filler word was skipped, *iso for the ISO "T".
  size_t Skip(size_t j, size_t max, bool* filler, bool* iso) const {
    for (size_t k = 0; k < max && j < n_; ++k, ++j) {
      if (IsPunct(j)) {
        uint32_t cp = static_cast<uint32_t>(t_[j].value);
        if (cp == '+') break;
        continue;
      }
      if (!IsWord(j)) break;
      std::string_view w = Word(j);
      if (w == "t" && Attached(j) && Attached(j + 1) && IsNum(j + 1)) {
        *iso = true;
        continue;
      }
      const WordInfo* info = Info(j);
      if (info && info->filler) {
        *filler = true;
        continue;
      }
      if (info && info->weekday) continue;
      break;
    }
    return j;
  }

  // Whether token i may sit around a date without making the line prose.
  bool Coverable(size_t i) const {
    if (IsPunct(i)) return true;
    if (!IsWord(i)) return false;
    const WordInfo* info = Info(i);
    if (info && (info->weekday || info->filler)) return true;
    std::string_view w = Word(i);
    return w.size() > 1 && w.size() <= 5 && lex_.TimezoneOffset(w).has_value();
  }

  // Grows [b, e) over coverable neighbours.
  void Extend(size_t* b, size_t* e) const {
    while (*b > 0 && Coverable(*b - 1)) --*b;
    while (*e < n_ && Coverable(*e)) ++*e;
  }

 private:
  static void SetDate(int64_t y, int64_t m, int64_t d, DateTime* out) {
    *out = DateTime();
    out->year = int(y);
    out->month = int(m);
    out->day = int(d);
  }

  const Lexicon& lex_;
  const WordTable& words_;
  std::vector<Token>& t_;  // the cached word lookups are filled in lazily
  const std::string& lower_;
  size_t n_;
  std::string_view text_;
};

// Whether `s` has an ASCII digit, and a run of four or more (every absolute date has a year).
void ScanDigits(std::string_view s, bool* any, bool* run4) {
  *any = *run4 = false;
  int run = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      *any = true;
      if (++run == 4) {
        *run4 = true;
        return;
      }
    } else {
      run = 0;
    }
  }
}

// Share of the non-space characters of `text` in tokens [b, e) grown over coverable neighbours.
double Coverage(const Matcher& m, std::string_view text, size_t b, size_t e) {
  m.Extend(&b, &e);
  if (e <= b) return 0;
  if (b == 0 && e == m.size() && text.size() <= kMaxScanBytes) return 1.0;  // the whole text
  const size_t begin = m.tok(b).begin, end = m.tok(e - 1).end;
  const size_t covered = CountNonSpace(text.substr(begin, end - begin));
  const size_t total =
      covered + CountNonSpace(text.substr(0, begin)) + CountNonSpace(text.substr(end));
  return total == 0 ? 0 : std::min(1.0, double(covered) / double(total));
}

std::optional<DateTime> Resolve(const Relative& r, const DateTime& now) {
  const int64_t today = DaysFromCivil(now.year, unsigned(now.month), unsigned(now.day));
  DateTime d;
  if (r.is_days) {
    CivilFromDays(today + r.days, &d.year, &d.month, &d.day);
    d.tz_offset_minutes = now.tz_offset_minutes;
    if (r.time.hour >= 0) {
      TimeOfDay t = r.time;
      if (!t.tz) t.tz = now.tz_offset_minutes;
      ApplyTime(t, &d);
    }
  } else {
    d = DateTime::FromUnixSeconds(now.ToUnixSeconds() - r.seconds,
                                  now.tz_offset_minutes.value_or(0));
    if (!now.tz_offset_minutes) d.tz_offset_minutes.reset();
  }
  if (d.year < kMinYear || d.year > kMaxYear) return std::nullopt;
  return d;
}

WordTable BuildWordTable(const Lexicon& lex) {
  std::unordered_map<std::string, WordInfo> w;
  for (const auto& [word, month] : lex.months()) {
    // Abbreviations may be listed with their dot ("sept."); tokens never hold one.
    std::string key = word;
    if (!key.empty() && key.back() == '.') key.pop_back();
    w[key].month = month;
  }
  for (const auto& word : lex.weekdays()) w[word].weekday = true;
  for (const auto& [word, secs] : lex.time_units()) w[word].unit_seconds = secs;
  for (const auto& [word, n] : lex.numbers()) w[word].number = n;
  for (const auto& [word, pm] : lex.am_pm()) w[word].ampm = pm ? 1 : 0;
  for (const auto& word : lex.date_filler()) w[word].filler = true;
  auto first_word = [](const std::string& phrase) { return phrase.substr(0, phrase.find(' ')); };
  for (const auto& [phrase, days] : lex.relative_days())
    w[first_word(phrase)].relative_first = true;
  for (const auto& phrase : lex.ago_before()) w[first_word(phrase)].relative_first = true;
  return WordTable(w);
}

}  // namespace

struct DateParser::Tables {
  WordTable words;
};

DateParser::DateParser(const Lexicon& lexicon)
    : lex_(lexicon), tables_(std::make_shared<Tables>(Tables{BuildWordTable(lexicon)})) {}

std::optional<DateMatch> DateParser::Find(std::string_view text,
                                          const std::optional<DateTime>& now) const {
  text = TrimSpace(text);
  if (text.empty()) return std::nullopt;
  const bool is_short = text.size() <= kShortText;
  std::string_view scan = text.substr(0, kMaxScanBytes);
  bool digits = false, year_like = false;
  ScanDigits(scan, &digits, &year_like);
  if (!year_like && !now) return std::nullopt;
  if (!digits && !is_short) return std::nullopt;

  Scratch& sc = ThreadScratch();
  Tokenize(scan, &sc);
  Matcher m(lex_, tables_->words, scan, sc);
  const size_t n = m.size();

  if (year_like) {
    for (size_t i = 0; i < n; ++i) {
      if (m.IsWord(i)) {
        // A month name is only worth a lookup when a number follows closely.
        if (!(m.IsNum(i + 1) || m.IsNum(i + 2) || m.IsNum(i + 3))) continue;
      } else if (!m.IsNum(i)) {
        continue;
      }
      DateTime d;
      if (size_t e = m.Absolute(i, &d)) {
        // Whatever path matched, the contract holds: a real day in 1970..2100, a real offset.
        if (!ValidDate(d.year, d.month, d.day) || !ValidOffset(d.tz_offset_minutes)) continue;
        return DateMatch{d, DateKind::kAbsolute, Coverage(m, text, i, e)};
      }
    }
  }
  if (!now) return std::nullopt;
  for (size_t i = 0; i < n; ++i) {
    Relative r;
    if (!m.RelativeAt(i, is_short, &r)) continue;
    auto d = Resolve(r, *now);
    if (!d) continue;
    return DateMatch{*d, DateKind::kRelative, Coverage(m, text, i, r.end)};
  }
  return std::nullopt;
}

bool DateParser::IsRelativeTimeLine(std::string_view line) const {
  line = TrimSpace(line);
  if (line.empty() || line.size() > kShortText) return false;
  Scratch& sc = ThreadScratch();
  Tokenize(line, &sc);
  Matcher m(lex_, tables_->words, line, sc);
  const size_t n = m.size();
  for (size_t i = 0; i < n; ++i) {
    Relative r;
    if (m.RelativeAt(i, true, &r)) {
      size_t b = i, e = r.end;
      m.Extend(&b, &e);
      return b == 0 && e == n;
    }
    if (!m.Coverable(i)) return false;  // prose before any relative time
  }
  return false;
}

}  // namespace kilang
