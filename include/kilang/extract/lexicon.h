// Lexicon: the language knowledge the extractors use, loaded from data files.
//
// Each language is one YAML file, data/lang/<code>.yaml (see data/lang/README.md for the keys):
// month and weekday names, relative-time words, boilerplate phrases, list headers, byline
// prefixes, copyright words and stopwords. data/lang/common.yaml holds language-neutral
// knowledge (time-zone abbreviations). Adding a language is adding a file: the build embeds every
// file under data/lang/ into the library, and KILANG_DATA_DIR (or Lexicon::LoadDir) loads a
// folder at run time instead.
//
// A Lexicon merges all languages: extraction runs before language ID, and the words of the
// different languages rarely collide. Lookups take lower-cased UTF-8 (see LowerUtf8).
//
// Thread-safety: immutable after loading; share one instance across threads.
#ifndef KILANG_EXTRACT_LEXICON_H_
#define KILANG_EXTRACT_LEXICON_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "kilang/util/hash.h"
#include "kilang/util/status.h"

namespace kilang {

class Lexicon {
 public:
  // The lexicon built from the data files embedded at build time, or from $KILANG_DATA_DIR when
  // that variable is set. Loaded once; aborts with a message if the data is invalid (a build
  // defect, caught by the tests).
  static const Lexicon& Default();

  // Parses the embedded files.
  static Result<std::unique_ptr<Lexicon>> LoadBuiltin();
  // Parses every *.yaml in `dir`. Errors name the file, key and line.
  static Result<std::unique_ptr<Lexicon>> LoadDir(const std::string& dir);
  // Parses (file name, YAML text) pairs. `common.yaml` is language-neutral.
  static Result<std::unique_ptr<Lexicon>> LoadFiles(
      const std::vector<std::pair<std::string, std::string>>& files);

  Lexicon(const Lexicon&) = delete;
  Lexicon& operator=(const Lexicon&) = delete;

  // Language codes loaded, sorted.
  const std::vector<std::string>& languages() const { return languages_; }

  // ---- dates ----
  // 1..12 for a month name or abbreviation ("oktober", "okt", "oct", "oct."), else 0.
  int Month(std::string_view lower_word) const;
  bool IsWeekday(std::string_view lower_word) const;
  // UTC offset in minutes of a time-zone abbreviation ("WIB" -> 420); case-insensitive.
  std::optional<int> TimezoneOffset(std::string_view abbr) const;
  // Whether the abbreviation follows US or EU daylight-saving rules ("ET", "CET"...); the
  // offset above is then the standard-time one.
  enum class DstRule { kNone, kUs, kEu };
  DstRule TimezoneDst(std::string_view abbr) const;
  // Seconds in a relative-time unit word ("menit" -> 60, "hours" -> 3600), 0 when not a unit.
  int64_t TimeUnitSeconds(std::string_view lower_word) const;
  // Value of a small number word that can stand for the amount in a relative time ("an" hour
  // ago, "einer" Stunde, "dua" jam): 1 for "a"/"an"/"one"..., else nullopt.
  std::optional<int> NumberWord(std::string_view lower_word) const;
  // Words/phrases that follow ("yang lalu", "ago") or precede ("vor", "il y a", "hace") the amount
  // in a relative time.
  const std::vector<std::string>& ago_after() const { return ago_after_; }
  const std::vector<std::string>& ago_before() const { return ago_before_; }
  // Day offset of a relative-day phrase ("kemarin" -> -1, "today" -> 0).
  std::optional<int> RelativeDay(std::string_view lower_phrase) const;
  const StringMap<int>& relative_days() const { return relative_days_; }
  // "am"/"pm" words: +0 or +12 hours; nullopt when not one.
  std::optional<bool> IsPm(std::string_view lower_word) const;
  // Words that may appear in a date line without making it prose ("pukul", "at", "updated").
  bool IsDateFiller(std::string_view lower_word) const;
  // The merged date tables behind the lookups above, for callers that build their own index
  // (DateParser folds them into one table so a word costs one lookup).
  const StringMap<int>& months() const { return months_; }
  const StringSet& weekdays() const { return weekdays_; }
  const StringMap<int64_t>& time_units() const { return time_units_; }
  const StringMap<int>& numbers() const { return numbers_; }
  const StringMap<bool>& am_pm() const { return am_pm_; }
  const StringSet& date_filler() const { return date_filler_; }

  // ---- boilerplate ----
  // Phrases whose presence marks a short line as site chrome ("baca juga", "read more").
  const std::vector<std::string>& boilerplate() const { return boilerplate_; }
  // Lines that head a list of links ("berita terkait", "related articles"); matched whole.
  bool IsListHeader(std::string_view lower_line) const;
  // Lines after which an article's body does not continue ("comments", "berita terkait",
  // "related articles"); matched whole, on the line lower-cased with digits, brackets and
  // trailing punctuation removed ("[ 167 comments ]" -> "comments").
  bool IsEndMarker(std::string_view normalized_line) const;
  // The subset of end markers that open a comment thread ("comments", "leave a reply",
  // "komentar"): what follows them is never the article. Same normalisation.
  bool IsCommentMarker(std::string_view normalized_line) const;
  // Copyright / rights lexicon ("copyright", "all rights reserved", "hak cipta").
  const std::vector<std::string>& copyright() const { return copyright_; }
  // Byline prefixes, without the colon ("penulis", "editor", "by").
  const std::vector<std::string>& byline_prefixes() const { return byline_prefixes_; }
  // Lines that are only a UI word ("loading...", "share", "advertisement"); matched whole.
  bool IsUiLine(std::string_view lower_line) const;

  // All whole-line lexicons in one look-up: a bit set of WholeLine kinds for `lower_line`.
  enum WholeLine : uint8_t { kUiLine = 1, kListHeaderLine = 2, kEndMarkerLine = 4,
                             kCommentMarkerLine = 8 };
  uint8_t WholeLineKinds(std::string_view lower_line) const;

  // ---- language hints ----
  // Bitmask over languages() of the languages that list `lower_word` as a stopword; 0 if none.
  uint64_t StopwordMask(std::string_view lower_word) const;
  bool IsStopword(std::string_view lower_word) const { return StopwordMask(lower_word) != 0; }

 private:
  Lexicon() = default;
  Status AddFile(const std::string& name, const std::string& yaml);
  void Finish();

  std::vector<std::string> languages_;
  StringMap<int> months_;
  StringSet weekdays_;
  StringMap<int> tz_offsets_;
  StringMap<DstRule> tz_dst_;
  StringMap<int64_t> time_units_;
  StringMap<int> numbers_;
  std::vector<std::string> ago_after_, ago_before_;
  StringMap<int> relative_days_;
  StringMap<bool> am_pm_;
  StringSet date_filler_;
  std::vector<std::string> boilerplate_;
  std::vector<std::string> copyright_;
  std::vector<std::string> byline_prefixes_;
  // Whole-line lexicons (UI words, list headers, end and comment markers): line -> WholeLine bits.
  FlatStringMap<uint8_t> whole_lines_;
  StringMap<uint64_t> stopwords_;
  // The same, flat, for the hot StopwordMask() path (built by Finish()); words longer than the
  // longest stopword are rejected before hashing.
  FlatStringMap<uint64_t> stop_flat_;
  size_t stop_max_len_ = 0;
};

}  // namespace kilang

#endif  // KILANG_EXTRACT_LEXICON_H_
