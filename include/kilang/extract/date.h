// Dates and times as web pages write them, in any language the Lexicon knows.
//
//   "Selasa, 22 Oktober 2024 - 13:38 WIB"      -> 2024-10-22T13:38:00+07:00
//   "Kamis, 3 Agustus 2023 | 08:15 WITA"       -> 2023-08-03T08:15:00+08:00
//   "22/10/2024 13:38"                          -> 2024-10-22T13:38:00   (day first)
//   "22 Okt 2024", "October 22, 2024"           -> 2024-10-22
//   "Oct 22, 2024, 1:38 PM ET"                  -> 2024-10-22T13:38:00-04:00 (US DST applied)
//   "2024-10-22T13:38:00Z"                      -> 2024-10-22T13:38:00+00:00
//   "15 menit yang lalu", "2 hours ago", "kemarin", "yesterday" -> relative to `now`
//
// Thread-safety: a DateParser is immutable; share it.
#ifndef KILANG_EXTRACT_DATE_H_
#define KILANG_EXTRACT_DATE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kilang/extract/lexicon.h"

namespace kilang {

struct DateTime {
  int year = 0, month = 0, day = 0;         // month 1..12, day 1..31
  int hour = -1, minute = -1, second = -1;  // hour < 0: a date alone
  std::optional<int> tz_offset_minutes;     // set when the text gave a zone (or `now` had one)

  bool has_time() const { return hour >= 0; }
  // ISO 8601: "2024-10-22", "2024-10-22T13:38:00", "2024-10-22T13:38:00+07:00" ("+00:00" for UTC).
  std::string ToIso() const;
  // Seconds since the Unix epoch, treating a missing time as 00:00 and a missing zone as UTC.
  int64_t ToUnixSeconds() const;
  // The inverse, at a given offset (minutes) — the result has time and zone set.
  static DateTime FromUnixSeconds(int64_t secs, int tz_offset_minutes);
  // Parses strict ISO 8601 ("2024-10-22", "2024-10-22T13:38", "...:00Z", "...+07:00").
  static std::optional<DateTime> ParseIso(std::string_view s);
};

// What kind of date a text held.
enum class DateKind { kAbsolute, kRelative };

struct DateMatch {
  DateTime value;
  DateKind kind = DateKind::kAbsolute;
  // How much of the (trimmed) input the date expression covers, 0..1: a date line ("Selasa, 22
  // Oktober 2024 - 13:38 WIB") is near 1, a sentence that mentions a date is low.
  double coverage = 0;
};

class DateParser {
 public:
  // `lexicon` must outlive the parser.
  explicit DateParser(const Lexicon& lexicon);

  // Finds the first date/time expression in `text` (a line or a short phrase). `now` anchors
  // relative expressions; without it, relative expressions are not resolved (nullopt). Returns
  // nullopt when no plausible date is found (years outside 1970..2100 are rejected).
  //
  // What counts as a date:
  //   - a full date: day, month and a four-digit year, numeric ("22/10/2024", "22.10.2024",
  //     "2024-10-22", "2024/10/22"; day first unless the middle number cannot be a month:
  //     "10/22/2024" is October 22) or with a month name in any loaded language ("22 Okt 2024",
  //     "22. Oktober 2024", "22 de octubre de 2024", "Oct 22, 2024", "2024年10月22日"). A month and
  //     a year without a day ("Februari 2022") is not a date.
  //   - optionally a time before or after it ("13:38", "1:38 PM", "13.38 WIB" after "pukul",
  //     "13h38"), with a zone: an abbreviation from common.yaml (US/EU daylight-saving rules
  //     applied), "GMT+7", "+07:00", "Z".
  //   - relative times (need `now`): "15 menit yang lalu", "vor 2 Stunden", "an hour ago",
  //     "kemarin", "yesterday, 13:38". Amounts under a day give a date and time at `now`'s
  //     offset; a day or more, and relative days without a time, give a date alone.
  // An absolute date anywhere in the text wins over a relative one.
  // Numbers that are not dates (phone numbers, prices, versions, scores "7-2") do not match.
  //
  // Speed: no regular expressions, one tokenisation per call, one table lookup per word, and
  // early exits (every absolute date has a four-digit year; without `now`, text with no run of
  // four digits returns at once). Text longer than 200 bytes is scanned only for expressions
  // anchored on a number (relative days and number words such as "kemarin", "an hour ago" are
  // looked for in short text only); only its first 64 KiB are scanned. See docs/dates.md.
  std::optional<DateMatch> Find(std::string_view text, const std::optional<DateTime>& now) const;

  // True when `line` is only a relative time ("15 menit yang lalu", "2 hours ago", "kemarin"),
  // possibly with date filler words and punctuation around it ("Updated 2 hours ago", "• 5 jam
  // lalu"). Does not need `now`.
  bool IsRelativeTimeLine(std::string_view line) const;

 private:
  struct Tables;  // every date word of the lexicon in one table: a word costs one lookup

  const Lexicon& lex_;
  std::shared_ptr<const Tables> tables_;
};

}  // namespace kilang

#endif  // KILANG_EXTRACT_DATE_H_
