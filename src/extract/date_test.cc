#include "kilang/extract/date.h"

#include <gtest/gtest.h>

#include <iterator>
#include <string>

namespace kilang {
namespace {

const Lexicon& Lex() {
  static const Lexicon* lex = [] {
    auto r = Lexicon::LoadBuiltin();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value().release();
  }();
  return *lex;
}

const DateParser& Parser() {
  static const DateParser parser(Lex());
  return parser;
}

// ISO form of the date found in `text`, "" when none.
std::string Iso(std::string_view text, const std::optional<DateTime>& now = std::nullopt) {
  auto m = Parser().Find(text, now);
  return m ? m->value.ToIso() : "";
}

// Tuesday 2024-10-22 15:00:00 at +07:00.
DateTime Now() { return *DateTime::ParseIso("2024-10-22T15:00:00+07:00"); }

TEST(DateParser, IndonesianDateLineWithWib) {
  auto m = Parser().Find("Selasa, 22 Oktober 2024 - 13:38 WIB", std::nullopt);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->value.ToIso(), "2024-10-22T13:38:00+07:00");
  EXPECT_EQ(m->kind, DateKind::kAbsolute);
  EXPECT_DOUBLE_EQ(m->coverage, 1.0);
}

TEST(DateParser, WitaIsPlusEight) {
  EXPECT_EQ(Iso("Kamis, 3 Agustus 2023 | 08:15 WITA"), "2023-08-03T08:15:00+08:00");
}

TEST(DateParser, NumericDateIsDayFirstAndKeepsNoZone) {
  EXPECT_EQ(Iso("22/10/2024 13:38"), "2024-10-22T13:38:00");
  EXPECT_EQ(Iso("05/10/2024"), "2024-10-05");
}

TEST(DateParser, NumericDateIsMonthFirstWhenTheMiddleCannotBeAMonth) {
  EXPECT_EQ(Iso("10/22/2024"), "2024-10-22");
}

TEST(DateParser, AbbreviatedMonthName) {
  EXPECT_EQ(Iso("22 Okt 2024"), "2024-10-22");
  EXPECT_EQ(Iso("22 Okt. 2024"), "2024-10-22");
  EXPECT_EQ(Iso("18 NOV 2019"), "2019-11-18");
  EXPECT_EQ(Iso("18-Nov-2019"), "2019-11-18");
}

TEST(DateParser, UsEasternTimeInSummerIsMinusFour) {
  EXPECT_EQ(Iso("Oct 22, 2024, 1:38 PM ET"), "2024-10-22T13:38:00-04:00");
}

TEST(DateParser, UsEasternTimeInWinterIsMinusFive) {
  EXPECT_EQ(Iso("Nov. 19, 2019 8:03 am ET"), "2019-11-19T08:03:00-05:00");
  // DST ends on the first Sunday of November (2024-11-03).
  EXPECT_EQ(Iso("Nov 2, 2024 10:00 AM ET"), "2024-11-02T10:00:00-04:00");
  EXPECT_EQ(Iso("Nov 4, 2024 10:00 AM ET"), "2024-11-04T10:00:00-05:00");
  // Fixed abbreviations are taken as written.
  EXPECT_EQ(Iso("Nov 13, 2019, 10:28am EST"), "2019-11-13T10:28:00-05:00");
  EXPECT_EQ(Iso("Nov 19, 2019, 10:31 pm CST"), "2019-11-19T22:31:00-06:00");
}

TEST(DateParser, CentralEuropeanTimeFollowsEuDst) {
  EXPECT_EQ(Iso("22.10.2024 13:38 CET"), "2024-10-22T13:38:00+02:00");
  EXPECT_EQ(Iso("28.10.2024 13:38 CET"), "2024-10-28T13:38:00+01:00");
  EXPECT_EQ(Iso("30.03.2024 13:38 CET"), "2024-03-30T13:38:00+01:00");
  EXPECT_EQ(Iso("31.03.2024 13:38 CET"), "2024-03-31T13:38:00+02:00");
}

TEST(DateParser, EnglishMonthFirstDateAlone) {
  EXPECT_EQ(Iso("October 22, 2024"), "2024-10-22");
  EXPECT_EQ(Iso("November 19 2019"), "2019-11-19");
  EXPECT_EQ(Iso("May 1st, 2024"), "2024-05-01");
}

TEST(DateParser, IsoTimestamps) {
  EXPECT_EQ(Iso("2024-10-22T13:38:00Z"), "2024-10-22T13:38:00+00:00");
  EXPECT_EQ(Iso("2024-10-22T13:38:00.000+07:00"), "2024-10-22T13:38:00+07:00");
  EXPECT_EQ(Iso("2018-08-25 15:24"), "2018-08-25T15:24:00");
  EXPECT_EQ(Iso("2024-10-22"), "2024-10-22");
}

TEST(DateParser, DottedAndYearFirstNumericDates) {
  EXPECT_EQ(Iso("22.10.2024"), "2024-10-22");
  EXPECT_EQ(Iso("2024/10/22"), "2024-10-22");
  EXPECT_EQ(Iso("22-10-2024"), "2024-10-22");
}

TEST(DateParser, TimeAfterEnglishFillerAndPunctuation) {
  EXPECT_EQ(Iso("October 9, 2018 at 4:02 pm"), "2018-10-09T16:02:00");
  EXPECT_EQ(Iso("Updated on: November 19, 2019 / 10:07 AM"), "2019-11-19T10:07:00");
  EXPECT_EQ(Iso("First Published: Tuesday, November 19, 2019 08:38 AM"), "2019-11-19T08:38:00");
  EXPECT_EQ(Iso("1:00 a.m. Oct 22, 2024"), "2024-10-22T01:00:00");
  EXPECT_EQ(Iso("Oct 22, 2024 12:15 p.m."), "2024-10-22T12:15:00");
}

TEST(DateParser, ZoneThatIsAlsoAWordNeedsCapitals) {
  EXPECT_EQ(Iso("le 22 octobre 2024 à 13h38 et demain"), "2024-10-22T13:38:00");
  EXPECT_EQ(Iso("22.10.2024 um 13:38 ist es soweit"), "2024-10-22T13:38:00");
  EXPECT_EQ(Iso("Oct 22, 2024 1:38 PM ET"), "2024-10-22T13:38:00-04:00");
  EXPECT_EQ(Iso("Nov 20 2019, 11:06 IST"), "2019-11-20T11:06:00+05:30");
}

TEST(DateParser, TimeBeforeTheDate) {
  EXPECT_EQ(Iso("1:39 am EST, Wednesday, November 20, 2019"), "2019-11-20T01:39:00-05:00");
}

TEST(DateParser, IndonesianDotTimeAfterPukul) {
  EXPECT_EQ(Iso("Selasa, 22 Oktober 2024 pukul 13.38 WIB"), "2024-10-22T13:38:00+07:00");
  // Without a filler word a dotted pair after a date is not read as a time.
  EXPECT_EQ(Iso("22 Oktober 2024 13.38"), "2024-10-22");
}

TEST(DateParser, IndonesianNewsSiteDateLines) {
  EXPECT_EQ(Iso("Selasa, 22 Okt 2024 13:38 WIB"), "2024-10-22T13:38:00+07:00");
  EXPECT_EQ(Iso("Kompas.com - 22/10/2024, 13:38 WIB"), "2024-10-22T13:38:00+07:00");
  EXPECT_EQ(Iso("Sabtu, 5 Oktober 2024 | 10.30 WIB"), "2024-10-05T10:30:00+07:00");
  EXPECT_EQ(Iso("Diperbarui 22 Okt 2024, 13:38 WIB"), "2024-10-22T13:38:00+07:00");
  EXPECT_EQ(Iso("Rabu, 23/10/2024 - 08:15"), "2024-10-23T08:15:00");
  EXPECT_EQ(Iso("Jumat, 25 Okt 2024 - 19:27 WIT"), "2024-10-25T19:27:00+09:00");
}

TEST(DateParser, GermanFrenchSpanishPortugueseMalayDates) {
  EXPECT_EQ(Iso("Dienstag, 22. Oktober 2024, 13:38 Uhr"), "2024-10-22T13:38:00");
  EXPECT_EQ(Iso("3. März 2023"), "2023-03-03");
  EXPECT_EQ(Iso("mardi 22 octobre 2024 à 13h38"), "2024-10-22T13:38:00");
  EXPECT_EQ(Iso("1er août 2023"), "2023-08-01");
  EXPECT_EQ(Iso("22 de octubre de 2024 - 13:38"), "2024-10-22T13:38:00");
  EXPECT_EQ(Iso("22 de outubro de 2024 às 13h38"), "2024-10-22T13:38:00");
  EXPECT_EQ(Iso("Khamis, 3 Ogos 2023 8:15 PM MYT"), "2023-08-03T20:15:00+08:00");
  EXPECT_EQ(Iso("Posted on Maret 30, 2015 by Admin"), "2015-03-30");
  EXPECT_EQ(Iso("Veröffentlicht am 22.10.2024 um 13:38 Uhr"), "2024-10-22T13:38:00");
  EXPECT_EQ(Iso("Publié le 22 octobre 2024 à 13h38, mis à jour le 23 octobre 2024"),
            "2024-10-22T13:38:00");
  EXPECT_EQ(Iso("Madrid - 22 OCT 2024 - 13:38 CEST"), "2024-10-22T13:38:00+02:00");
  EXPECT_EQ(Iso("Atualizado 22 out 2024, 13h38"), "2024-10-22T13:38:00");
  EXPECT_EQ(Iso("Oktober 22, 2024 @ 1:38pm"), "2024-10-22T13:38:00");
}

TEST(DateParser, YearFirstWithMonthName) {
  EXPECT_EQ(Iso("(2019, November 18)"), "2019-11-18");
  EXPECT_EQ(Iso("2024 Oct 22"), "2024-10-22");
  EXPECT_EQ(Iso("2019 May 5:30"), "");
}

TEST(DateParser, YearAndHourRunTogether) {
  EXPECT_EQ(Iso("Published Tue, Nov 19 20197:05 AM EST"), "2019-11-19T07:05:00-05:00");
  EXPECT_EQ(Iso("21:17 18.11.2019Get short URL"), "2019-11-18T21:17:00");
}

TEST(DateParser, ChineseAndKoreanDates) {
  EXPECT_EQ(Iso("2024年10月22日 13:38"), "2024-10-22T13:38:00");
  EXPECT_EQ(Iso("2024년 10월 22일"), "2024-10-22");
}

TEST(DateParser, GmtWithNumericOffset) {
  EXPECT_EQ(Iso("22 Oct 2024 14:53 GMT+7"), "2024-10-22T14:53:00+07:00");
  EXPECT_EQ(Iso("22 Oct 2024 14:53 (WIB)"), "2024-10-22T14:53:00+07:00");
}

TEST(DateParser, RelativeHoursAgoAfterFillerWord) {
  auto m = Parser().Find("Published 3 hours ago", Now());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->value.ToIso(), "2024-10-22T12:00:00+07:00");
  EXPECT_EQ(m->kind, DateKind::kRelative);
  EXPECT_DOUBLE_EQ(m->coverage, 1.0);
}

TEST(DateParser, IndonesianMinutesAgo) {
  EXPECT_EQ(Iso("15 menit yang lalu", Now()), "2024-10-22T14:45:00+07:00");
  EXPECT_EQ(Iso("5 jam lalu", Now()), "2024-10-22T10:00:00+07:00");
}

TEST(DateParser, EnglishHoursAgo) {
  EXPECT_EQ(Iso("2 hours ago", Now()), "2024-10-22T13:00:00+07:00");
  EXPECT_EQ(Iso("an hour ago", Now()), "2024-10-22T14:00:00+07:00");
  EXPECT_EQ(Iso("5m ago", Now()), "2024-10-22T14:55:00+07:00");
}

TEST(DateParser, DaysAgoGiveADateAlone) {
  EXPECT_EQ(Iso("1 day ago", Now()), "2024-10-21");
  EXPECT_EQ(Iso("3 hari yang lalu", Now()), "2024-10-19");
  EXPECT_EQ(Iso("2 days ago at 07:52 am", Now()), "2024-10-20T07:52:00+07:00");
}

TEST(DateParser, YesterdayGivesADateAlone) {
  EXPECT_EQ(Iso("kemarin", Now()), "2024-10-21");
  EXPECT_EQ(Iso("Yesterday", Now()), "2024-10-21");
  EXPECT_EQ(Iso("hari ini", Now()), "2024-10-22");
  EXPECT_EQ(Iso("kemarin lusa", Now()), "2024-10-20");
}

TEST(DateParser, RelativeDayInsideANameIsNotADate) {
  EXPECT_EQ(Iso("CMO Today", Now()), "");
  EXPECT_EQ(Iso("Welcome to USA TODAY NETWORK", Now()), "");
  EXPECT_EQ(Iso("NBC 5 Today at 6am", Now()), "");
  EXPECT_EQ(Iso("Updated today", Now()), "2024-10-22");
  EXPECT_EQ(Iso("Senin, hari ini", Now()), "2024-10-22");
}

TEST(DateParser, RelativeDayWithATime) {
  EXPECT_EQ(Iso("Kemarin, 13:38 WIB", Now()), "2024-10-21T13:38:00+07:00");
  EXPECT_EQ(Iso("Yesterday at 3:45 PM", Now()), "2024-10-21T15:45:00+07:00");
}

TEST(DateParser, GermanFrenchSpanishPortugueseRelativeTimes) {
  EXPECT_EQ(Iso("vor 2 Stunden", Now()), "2024-10-22T13:00:00+07:00");
  EXPECT_EQ(Iso("vor einer Stunde", Now()), "2024-10-22T14:00:00+07:00");
  EXPECT_EQ(Iso("il y a 2 heures", Now()), "2024-10-22T13:00:00+07:00");
  EXPECT_EQ(Iso("hace 2 horas", Now()), "2024-10-22T13:00:00+07:00");
  EXPECT_EQ(Iso("há 2 horas", Now()), "2024-10-22T13:00:00+07:00");
  EXPECT_EQ(Iso("2 horas atrás", Now()), "2024-10-22T13:00:00+07:00");
  EXPECT_EQ(Iso("2 jam yang lepas", Now()), "2024-10-22T13:00:00+07:00");
  EXPECT_EQ(Iso("gestern", Now()), "2024-10-21");
  EXPECT_EQ(Iso("aujourd’hui", Now()), "2024-10-22");
  EXPECT_EQ(Iso("ayer", Now()), "2024-10-21");
}

TEST(DateParser, RelativeTimesNeedNow) {
  EXPECT_FALSE(Parser().Find("15 menit yang lalu", std::nullopt));
  EXPECT_FALSE(Parser().Find("kemarin", std::nullopt));
}

TEST(DateParser, RelativeTimeWithoutZoneInNowHasNoZone) {
  DateTime now = *DateTime::ParseIso("2024-10-22T15:00:00");
  EXPECT_EQ(Iso("2 hours ago", now), "2024-10-22T13:00:00");
}

TEST(DateParser, AbsoluteDateWinsOverRelative) {
  EXPECT_EQ(Iso("Updated 2 hours ago | Published Oct 22, 2024", Now()), "2024-10-22");
}

TEST(DateParser, CoverageIsLowForASentence) {
  auto m = Parser().Find(
      "Amerika Serikat dan sekutunya telah menyuarakan kekhawatiran sejak 24 Februari 2022 "
      "tentang Korea Utara yang menyediakan senjata bagi Rusia.",
      std::nullopt);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->value.ToIso(), "2022-02-24");
  EXPECT_LT(m->coverage, 0.2);
}

TEST(DateParser, CoverageCountsBylineWordsAsUncovered) {
  auto m = Parser().Find("By admin - 2018-09-16", std::nullopt);
  ASSERT_TRUE(m);
  EXPECT_GT(m->coverage, 0.5);
  EXPECT_LT(m->coverage, 0.9);
}

TEST(DateParser, MonthAndYearWithoutADayIsNotADate) {
  EXPECT_EQ(Iso("Pada Februari 2022 Rusia menginvasi Ukraina."), "");
  EXPECT_EQ(Iso("Mac Pro December 2019"), "");
}

TEST(DateParser, RejectsYearsOutsideRange) {
  EXPECT_EQ(Iso("22 Oktober 1969"), "");
  EXPECT_EQ(Iso("22/10/2101"), "");
  EXPECT_EQ(Iso("22 Oktober 2100"), "2100-10-22");
}

TEST(DateParser, RejectsInvalidDays) {
  EXPECT_EQ(Iso("30 Februari 2024"), "");
  EXPECT_EQ(Iso("31/04/2024"), "");
  EXPECT_EQ(Iso("29 Feb 2023"), "");
  EXPECT_EQ(Iso("29 Feb 2024"), "2024-02-29");
}

TEST(DateParser, RejectsHoursOver23) {
  // The date stands; the impossible time is not attached to it.
  EXPECT_EQ(Iso("22/10/2024 25:38"), "2024-10-22");
  EXPECT_EQ(Iso("22/10/2024 13:61"), "2024-10-22");
}

TEST(DateParser, IgnoresPhoneNumbersPricesVersionsAndScores) {
  EXPECT_EQ(Iso("Hubungi 0812-3456-7890 sekarang"), "");
  EXPECT_EQ(Iso("Jual Beli Sepeda Motor EVA 085920594986"), "");
  EXPECT_EQ(Iso("Harga Rp 1.500.000 per unit"), "");
  EXPECT_EQ(Iso("Skor akhir 7-2 untuk tuan rumah"), "");
  EXPECT_EQ(Iso("version 1.22.10.2024 released"), "");
  EXPECT_EQ(Iso("v2.1.2024"), "");
  EXPECT_EQ(Iso("IP 192.168.10.2024"), "");
  EXPECT_EQ(Iso("© 1996-2019 News Communication"), "");
  EXPECT_EQ(Iso("Korea Utara Sangkal Kerahkan 1.500 Pasukan"), "");
}

TEST(DateParser, TextWithoutDigitsOrNowIsRejectedEarly) {
  EXPECT_FALSE(Parser().Find("Rusia juga belum mengonfirmasi klaim pengerahan", std::nullopt));
  EXPECT_FALSE(Parser().Find("", Now()));
}

TEST(DateParser, LongLineFindsItsFirstDate) {
  std::string line(300, 'x');
  line += " pada 22 Oktober 2024 dan 23 Oktober 2024 kemarin";
  auto m = Parser().Find(line, Now());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->value.ToIso(), "2024-10-22");
  EXPECT_LT(m->coverage, 0.2);
  // Relative days are not looked for in long text.
  std::string prose(300, 'y');
  EXPECT_FALSE(Parser().Find(prose + " kemarin", Now()));
}

TEST(DateParser, IsRelativeTimeLineAcceptsOnlyWholeLines) {
  const DateParser& p = Parser();
  EXPECT_TRUE(p.IsRelativeTimeLine("15 menit yang lalu"));
  EXPECT_TRUE(p.IsRelativeTimeLine("2 hours ago"));
  EXPECT_TRUE(p.IsRelativeTimeLine("kemarin"));
  EXPECT_TRUE(p.IsRelativeTimeLine("5 jam lalu"));
  EXPECT_TRUE(p.IsRelativeTimeLine("1 day ago"));
  EXPECT_TRUE(p.IsRelativeTimeLine("  Updated 2 hours ago. "));
  EXPECT_TRUE(p.IsRelativeTimeLine("vor 2 Stunden"));
  EXPECT_FALSE(p.IsRelativeTimeLine("Berita 2 hours ago"));
  EXPECT_FALSE(p.IsRelativeTimeLine("2 hours ago he left the building"));
  EXPECT_FALSE(p.IsRelativeTimeLine("22 Oktober 2024"));
  EXPECT_FALSE(p.IsRelativeTimeLine("Berita hari ini"));
  EXPECT_FALSE(p.IsRelativeTimeLine(""));
}

TEST(DateParser, SurvivesArbitraryPiecesOfDates) {
  // Random concatenations of date fragments: no crash, every result is valid ISO, coverage in
  // [0, 1]. (Also run under ASan/UBSan during development.)
  const char* pieces[] = {"1",       "22",  "2024", "20197", ":",  ".",     "/",  "-",
                          "+",       " ",   "Oct",  "okt",   "T",  "Z",     "am", "p",
                          "m",       "ago", "yang", "lalu",  "il", "y",     "a",  "h",
                          "ET",      "GMT", "(",    ")",     "年", "月",    "日", "\xC3",
                          "kemarin", ",",   "07",   "de",    "’",  "hours", "an", "vor"};
  uint32_t seed = 7;
  auto next = [&] { return seed = seed * 1664525u + 1013904223u, seed >> 8; };
  for (int it = 0; it < 20000; ++it) {
    std::string s;
    for (uint32_t k = 0, n = next() % 12; k < n; ++k) s += pieces[next() % std::size(pieces)];
    auto m = Parser().Find(s, (it & 1) ? std::optional<DateTime>(Now()) : std::nullopt);
    if (m) {
      ASSERT_TRUE(DateTime::ParseIso(m->value.ToIso())) << s;
      ASSERT_GE(m->coverage, 0.0);
      ASSERT_LE(m->coverage, 1.0);
    }
    Parser().IsRelativeTimeLine(s);
  }
}

TEST(DateParser, ResultRoundTripsThroughParseIso) {
  auto m = Parser().Find("Selasa, 22 Oktober 2024 - 13:38 WIB", std::nullopt);
  ASSERT_TRUE(m);
  auto back = DateTime::ParseIso(m->value.ToIso());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->ToUnixSeconds(), m->value.ToUnixSeconds());
  EXPECT_EQ(m->value.ToUnixSeconds(), 1729579080);  // 2024-10-22T06:38:00Z
}

}  // namespace
}  // namespace kilang

namespace kilang {
namespace {

// Regressions found by fuzz/date_fuzz.cc (fuzz/regressions/date/).
TEST(DateParserContract, IsoDatesOutsideTheYearRangeAreRejected) {
  DateParser p(Lexicon::Default());
  EXPECT_FALSE(p.Find("2421-01-22T13:38:00+07:00", std::nullopt));
  EXPECT_FALSE(p.Find("0024-10-22", std::nullopt));
}

TEST(DateParserContract, ImpossibleUtcOffsetsAreRejected) {
  DateParser p(Lexicon::Default());
  auto m = p.Find("2024-10-22T13:00+99:90", std::nullopt);
  if (m) {
    EXPECT_TRUE(!m->value.tz_offset_minutes || *m->value.tz_offset_minutes <= 14 * 60);
  }
  EXPECT_FALSE(DateTime::ParseIso("2024-10-22T13:00+99:90"));
  EXPECT_FALSE(DateTime::ParseIso("2023-02-29"));
  EXPECT_TRUE(DateTime::ParseIso("2024-02-29"));
}

}  // namespace
}  // namespace kilang
