#include "kilang/extract/date.h"

#include <cstdio>

#include "kilang/util/text.h"

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
    if (!num(p + 1, 2, &d.hour) || p + 3 >= s.size() || s[p + 3] != ':' || !num(p + 4, 2, &d.minute))
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
        if (!num(q, 2, &m)) m = 0, q -= 0; else q += 2;
        d.tz_offset_minutes = (s[p] == '-' ? -1 : 1) * (h * 60 + m);
        p = q;
      }
    }
  }
  if (p != s.size()) return std::nullopt;
  return d;
}

std::optional<DateMatch> DateParser::Find(std::string_view text,
                                          const std::optional<DateTime>& now) const {
  if (auto iso = DateTime::ParseIso(text)) return DateMatch{*iso, DateKind::kAbsolute, 1.0};
  return std::nullopt;
}

bool DateParser::IsRelativeTimeLine(std::string_view line) const { return false; }

}  // namespace kilang
