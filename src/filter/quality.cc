#include "kilang/filter/quality.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <unordered_set>

#include "kilang/filter/lang_config.h"
#include "kilang/filter/registry.h"
#include "kilang/filter/words.h"
#include "kilang/util/text.h"
#include "kilang/util/utf8.h"
#include "lines.h"
#include "text_util.h"

namespace kilang {

using filter_internal::AnalyzeLines;
using filter_internal::AnalyzeWords;
using filter_internal::CodePoints;
using filter_internal::DocumentLines;
using filter_internal::DocumentWords;
using filter_internal::FindLineDuplicates;
using filter_internal::FlatMap;
using filter_internal::LineDuplicates;
using filter_internal::LStrip;
using filter_internal::ParagraphDuplicates;
using filter_internal::PieceDuplicates;
using filter_internal::SplitLines;
using filter_internal::Strip;

namespace {

// Options per language: the base options, and an overridden copy for every language that has a
// config section for this stage.
template <typename O>
class PerLanguage {
 public:
  // `section` picks the stage's section of a language config; `extra` adjusts a per-language copy.
  template <typename Parse, typename Section, typename Extra>
  Status Init(const O& base, Parse parse, Section section, Extra extra) {
    base_ = base;
    extra(nullptr, &base_);
    if (!base.use_language_configs) return Status::Ok();
    auto configs = FilterLanguageConfigs();
    if (!configs.ok()) return configs.status();
    for (const auto& [code, cfg] : *configs.value()) {
      O o = base;
      Status st = parse(section(cfg), &o, nullptr);
      if (!st.ok())
        return Status::InvalidArgument("data/filters/" + code + ".yaml: " + st.message());
      extra(&cfg, &o);
      by_lang_.emplace(code, std::move(o));
    }
    return Status::Ok();
  }
  const O& For(std::string_view lang) const {
    auto it = by_lang_.find(lang);
    return it == by_lang_.end() ? base_ : it->second;
  }

 private:
  O base_;
  std::map<std::string, O, std::less<>> by_lang_;
};

std::string_view DocLang(const Document& doc, const std::string& fallback) {
  return doc.metadata.lang.empty() ? std::string_view(fallback)
                                   : std::string_view(doc.metadata.lang);
}

// ---------------------------------------------------------------- Gopher quality

struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

// Stop word -> index in the list, found by the word's TokenHash (the hash the token facts carry)
// and verified by comparing the strings. Read-only after Build (shared by worker threads).
class StopWordIndex {
 public:
  void Build(const std::vector<std::string>& list) {
    list_ = list;
    map_.Clear(list_.size());
    for (size_t i = 0; i < list_.size(); ++i) {
      bool inserted;
      uint32_t& v = map_.Upsert(filter_internal::TokenHash(list_[i]), &inserted);
      if (inserted) v = static_cast<uint32_t>(i);  // a repeated word keeps its first index
    }
  }
  size_t size() const { return list_.size(); }
  // Index of `w` in the list, or -1.
  int Find(uint64_t hash, std::string_view w) const {
    const uint32_t* v = map_.Find(hash);
    return v && list_[*v] == w ? static_cast<int>(*v) : -1;
  }

 private:
  std::vector<std::string> list_;
  FlatMap<uint32_t> map_;
};

struct GopherQualityResolved {
  GopherQualityOptions o;
  StopWordIndex stop;
  bool elisions = false;  // some stop word ends with an apostrophe
};

const std::vector<std::string>& GopherEnglishStopWords() {
  static const auto* w =
      new std::vector<std::string>{"the", "be", "to", "of", "and", "that", "have", "with"};
  return *w;
}

class GopherQualityStage : public DocumentStage {
 public:
  Status Init(const GopherQualityOptions& base) {
    KILANG_RETURN_IF_ERROR(opts_.Init(
        base, ParseGopherQualityOptions,
        [](const FilterLanguageConfig& c) { return c.gopher_quality; },
        [&base](const FilterLanguageConfig* c, GopherQualityOptions* o) {
          if (o->stop_words.empty() || (c && base.stop_words.empty())) {
            o->stop_words = (c && !c->stopwords.empty()) ? c->stopwords : GopherEnglishStopWords();
          }
        }));
    return Status::Ok();
  }
  std::string_view name() const override { return "gopher_quality"; }

  Verdict Process(Document& doc, StageContext& ctx) const override {
    std::string_view lang = DocLang(doc, default_lang_);
    const GopherQualityOptions& o = opts_.For(lang);
    const std::string_view text = doc.text;
    const DocumentWords& dw = AnalyzeWords(text, lang, ctx);
    const auto& words = *dw.tokens;
    const size_t n_words = words.size();
    const size_t n_non_symbol = dw.non_symbol_words, non_symbol_chars = dw.non_symbol_chars;
    if (o.min_doc_words && n_non_symbol < static_cast<size_t>(o.min_doc_words)) {
      return Verdict::Remove("gopher_short_doc");
    }
    if (o.max_doc_words && n_non_symbol > static_cast<size_t>(o.max_doc_words)) {
      return Verdict::Remove("gopher_long_doc");
    }
    if (n_non_symbol == 0) return Verdict::Remove("gopher_short_doc");  // all rules need words
    double avg = static_cast<double>(non_symbol_chars) / n_non_symbol;
    if (o.min_avg_word_length && avg < o.min_avg_word_length) {
      return Verdict::Remove("gopher_below_avg_threshold");
    }
    if (o.max_avg_word_length && avg > o.max_avg_word_length) {
      return Verdict::Remove("gopher_above_avg_threshold");
    }
    if (o.max_symbol_word_ratio) {
      const filter_internal::SymbolCounts sc = filter_internal::CountHashesAndEllipses(text);
      if (static_cast<double>(sc.hashes) / n_words > o.max_symbol_word_ratio) {
        return Verdict::Remove("gopher_too_many_hashes");
      }
      if (static_cast<double>(sc.ellipses) / n_words > o.max_symbol_word_ratio) {
        return Verdict::Remove("gopher_too_many_ellipsis");
      }
    }
    if (o.max_bullet_lines_ratio || o.max_ellipsis_lines_ratio) {
      const DocumentLines& dl = AnalyzeLines(text, ctx);
      const double n_lines = static_cast<double>(dl.lines);
      if (dl.lines && o.max_bullet_lines_ratio &&
          dl.bullet_lines / n_lines > o.max_bullet_lines_ratio) {
        return Verdict::Remove("gopher_too_many_bullets");
      }
      if (dl.lines && o.max_ellipsis_lines_ratio &&
          dl.ellipsis_lines / n_lines > o.max_ellipsis_lines_ratio) {
        return Verdict::Remove("gopher_too_many_end_ellipsis");
      }
    }
    if (o.max_non_alpha_words_ratio) {
      if (static_cast<double>(dw.letter_words) / n_words < o.max_non_alpha_words_ratio) {
        return Verdict::Remove("gopher_below_alpha_threshold");
      }
    }
    if (o.min_stop_words > 0) {
      const GopherQualityResolved& r = Resolved(lang);
      // Distinct stop words: a bit per (stop word, apostrophe form).
      auto& found = ctx.Scratch<std::vector<uint8_t>>("kilang.gopher_quality.found");
      found.assign(2 * r.stop.size(), 0);
      size_t n_found = 0;
      auto mark = [&](size_t slot) {
        if (!found[slot]) {
          found[slot] = 1;
          ++n_found;
        }
      };
      for (size_t i = 0; i < n_words && n_found < static_cast<size_t>(o.min_stop_words); ++i) {
        const std::string_view w = words[i];
        if (int idx = r.stop.Find(dw.facts[i].hash, w); idx >= 0) {
          mark(2 * idx);
        } else if (r.elisions) {
          // "l'homme" / "l’homme": try the elided prefix "l'".
          size_t ap = w.find('\'');
          bool curly = false;
          if (ap == std::string_view::npos) {
            ap = w.find("\u2019");
            curly = true;
          }
          if (ap != std::string_view::npos && ap > 0) {
            std::string pre(w.substr(0, ap));
            pre += '\'';
            if (int idx = r.stop.Find(filter_internal::TokenHash(pre), pre); idx >= 0)
              mark(2 * idx + curly);
          }
        }
      }
      if (n_found < static_cast<size_t>(o.min_stop_words)) {
        return Verdict::Remove("gopher_enough_stop_words");
      }
    }
    return Verdict::Keep();
  }

  void Finalize(const std::string& default_lang) {
    default_lang_ = default_lang;
    auto make = [](const GopherQualityOptions& o) {
      GopherQualityResolved r;
      r.o = o;
      r.stop.Build(o.stop_words);
      for (const auto& w : o.stop_words) {
        if (!w.empty() && w.back() == '\'') r.elisions = true;
      }
      return r;
    };
    base_resolved_ = make(opts_.For(""));
    if (auto configs = FilterLanguageConfigs(); configs.ok()) {
      for (const auto& [code, cfg] : *configs.value())
        resolved_.emplace(code, make(opts_.For(code)));
    }
  }

 private:
  const GopherQualityResolved& Resolved(std::string_view lang) const {
    auto it = resolved_.find(lang);
    return it == resolved_.end() ? base_resolved_ : it->second;
  }

  PerLanguage<GopherQualityOptions> opts_;
  std::string default_lang_;
  GopherQualityResolved base_resolved_;
  std::map<std::string, GopherQualityResolved, std::less<>> resolved_;
};

// ---------------------------------------------------------------- Gopher repetition

inline uint64_t NgramHash(const filter_internal::TokenFacts* f, size_t i, int n) {
  uint64_t x = 0x84222325CBF29CE4ULL;
  for (int k = 0; k < n; ++k) {
    x ^= f[i + k].hash;
    x *= 0x100000001B3ULL;
    x = (x << 23) | (x >> 41);
  }
  return x;
}

// Open-addressing table of 64-bit n-gram keys and their counts, kept across uses (documents,
// n-gram sizes): a slot belongs to the current use when it carries the current stamp, so a use
// starts without clearing the table. Not thread-safe (one per worker).
class GramTable {
 public:
  // Starts a use for at most `n` distinct keys (the table stays at most half full: fewer probes).
  void Start(size_t n) {
    size_t cap = 16;
    while (cap < 2 * n) cap <<= 1;
    if (slots_.size() < cap || ++stamp_ == 0) {  // a larger table, or the stamps wrapped
      slots_.assign(std::max(cap, slots_.size()), Slot{0, 0, 0});
      stamp_ = 1;
    } else if (slots_.size() > filter_internal::kScratchKeep && slots_.size() > 8 * cap) {
      std::vector<Slot>(cap, Slot{0, 0, 0}).swap(slots_);  // release what a large document grew
      stamp_ = 1;
    }
    shift_ = 64 - __builtin_ctzll(cap);
    mask_ = cap - 1;
  }
  void Prefetch(uint64_t key) const { __builtin_prefetch(&slots_[Home(key)]); }
  // Adds one occurrence of `key`; returns its slot.
  uint32_t Add(uint64_t key) {
    uint32_t count;
    return Add(key, &count);
  }
  // The same, and sets `*count` to the key's occurrences so far (this one included).
  uint32_t Add(uint64_t key, uint32_t* count) {
    size_t slot = Home(key);
    // One branch per probe: (key difference) * (slot in use) is 0 at the key or at a free slot.
    // Whether the key is new is not predictable; a collision is rare.
    while (((slots_[slot].key ^ key) * static_cast<uint64_t>(slots_[slot].stamp == stamp_)) != 0) {
      slot = (slot + 1) & mask_;
    }
    Slot& e = slots_[slot];
    e.count = (e.count & (0u - static_cast<uint32_t>(e.stamp == stamp_))) + 1;  // 1 when free
    e.key = key;
    e.stamp = stamp_;
    *count = e.count;
    return static_cast<uint32_t>(slot);
  }
  // Occurrences of the key in `slot` (a slot Add returned in the current use).
  uint32_t Count(uint32_t slot) const { return slots_[slot].count; }

 private:
  struct Slot {
    uint64_t key;
    uint32_t count;
    uint32_t stamp;
  };
  size_t Home(uint64_t key) const { return (key * 0x9E3779B97F4A7C15ULL) >> shift_; }

  std::vector<Slot> slots_;
  uint32_t stamp_ = 0;
  int shift_ = 60;
  size_t mask_ = 15;
};

struct NgramBest {
  uint32_t count = 0;
  uint32_t first = 0;
};

struct RepetitionScratch {
  const filter_internal::TokenFacts* words = nullptr;  // the document's token facts
  GramTable table;
  std::vector<uint32_t> slot_of;  // each position's slot in `table`
  std::vector<uint8_t> multi, multi2;
  std::vector<uint32_t> prefix;  // prefix[i]: code points of words [0, i)
  uint32_t longest_word = 0;     // code points of the longest word
  std::vector<uint32_t> count2;  // count2[i]: occurrences of the 2-gram starting at word i
  bool read_back = false;        // count2, multi2 and best2 are the current document's
  NgramBest best2;               // the most frequent 2-gram
};

// Counts the n-grams starting at the positions i with (*only)[i] set (all when null), in two
// passes (each position's slot, then the counts read back). Marks in `*multi` (when not null;
// resized and cleared) the positions whose n-gram occurs twice or more. Returns the most frequent
// n-gram's count and first position (first seen among ties: the first position with the largest
// count).
NgramBest CountNgrams(RepetitionScratch* s, size_t nw, int n, const std::vector<uint8_t>* only,
                      std::vector<uint8_t>* multi) {
  NgramBest best;
  if (multi) {
    multi->assign(nw, 0);
    filter_internal::TrimScratch(multi);
  }
  if (nw < static_cast<size_t>(n)) return best;
  const size_t end = nw - n + 1;  // positions [0, end)
  size_t positions = end;
  if (only) positions = std::count(only->begin(), only->begin() + end, 1);
  s->table.Start(positions);
  s->slot_of.resize(nw);
  filter_internal::TrimScratch(&s->slot_of);
  uint32_t* slot_of = s->slot_of.data();
  for (size_t i = 0; i < end; ++i) {
    if (only && !(*only)[i]) continue;
    slot_of[i] = s->table.Add(NgramHash(s->words, i, n));
  }
  for (size_t i = 0; i < end; ++i) {
    if (only && !(*only)[i]) continue;
    const uint32_t c = s->table.Count(slot_of[i]);
    if (multi) (*multi)[i] = c >= 2;
    if (c > best.count) {
      best.count = c;
      best.first = static_cast<uint32_t>(i);
    }
  }
  return best;
}

// Key of the 2-gram of two token hashes (only compared with other 2-gram keys).
inline uint64_t BigramKey(uint64_t a, uint64_t b) { return (a << 21 | a >> 43) ^ b; }

// s->prefix (sized nw + 1) and s->longest_word for the nw words.
void FillPrefix(RepetitionScratch* s, size_t nw) {
  uint32_t* prefix = s->prefix.data();
  uint32_t longest = 0;
  prefix[0] = 0;
  for (size_t i = 0; i < nw; ++i) {
    prefix[i + 1] = prefix[i] + s->words[i].chars;
    longest = std::max(longest, s->words[i].chars);
  }
  s->longest_word = longest;
}

struct BigramCounts {
  uint32_t max_count = 0;  // occurrences of the most frequent 2-gram
  size_t max_chars = 0;    // code points of the longest 2-gram (two words and a space)
  // Code points of the words covered by runs of >= run_min consecutive non-first occurrences of
  // 2-grams.
  size_t covered = 0;
};

// Counts every 2-gram of the nw >= 2 words (each position's slot in s->table, read back by
// ReadBackBigrams) and fills s->prefix (sized nw + 1 by the caller) and s->longest_word as
// FillPrefix does. What the bounds need comes from the running counts, without reading the table
// back: the largest count, the longest 2-gram, and with run_min > 0 the covered words. A position
// whose running count is 2 or more holds a non-first occurrence of its 2-gram.
BigramCounts CountBigrams(RepetitionScratch* s, size_t nw, size_t run_min) {
  const filter_internal::TokenFacts* w = s->words;
  GramTable& table = s->table;
  table.Start(nw);
  s->read_back = false;
  s->slot_of.resize(nw);
  filter_internal::TrimScratch(&s->slot_of);
  uint32_t* slot_of = s->slot_of.data();
  // The table was last used a document ago and is likely out of the caches (no clearing warms
  // it): prefetch the slot of the 2-gram kAhead words on.
  constexpr size_t kAhead = 16;
  const size_t prefetch_end = nw > kAhead + 1 ? nw - kAhead - 1 : 0;
  // The prefix sums ride along (independent of the table's latency).
  uint32_t* prefix = s->prefix.data();
  uint32_t longest = 0, max_count = 0, max_pair = 0;
  size_t run = 0, last_end = 0, covered = 0;  // non-first positions up to i; words [.., last_end)
  if (run_min == 0) run_min = nw;             // never reached
  prefix[0] = 0;
  auto step = [&](size_t i) __attribute__((always_inline)) {
    uint32_t c;
    slot_of[i] = table.Add(BigramKey(w[i].hash, w[i + 1].hash), &c);
    prefix[i + 1] = prefix[i] + w[i].chars;
    longest = std::max(longest, w[i].chars);
    max_count = std::max(max_count, c);
    max_pair = std::max(max_pair, w[i].chars + w[i + 1].chars);
    run = (run + 1) & (0 - static_cast<size_t>(c >= 2));  // run + 1, or 0
    if (run >= run_min) {
      // Positions i-run+1 .. i are non-first occurrences: words i-run+1 to i+1 are covered.
      const size_t from = std::max(last_end, i + 1 - run);
      covered += prefix[i + 1] + w[i + 1].chars - prefix[from];
      last_end = i + 2;
    }
  };
  size_t i = 0;
  for (; i < prefetch_end; ++i) {
    table.Prefetch(BigramKey(w[i + kAhead].hash, w[i + kAhead + 1].hash));
    step(i);
  }
  for (; i + 1 < nw; ++i) step(i);
  prefix[nw] = prefix[nw - 1] + w[nw - 1].chars;
  s->longest_word = std::max(longest, w[nw - 1].chars);
  BigramCounts r;
  r.max_count = max_count;
  r.max_chars = static_cast<size_t>(max_pair) + 1;
  r.covered = covered;
  return r;
}

// After CountBigrams, and before s->table is used again (once per document; later calls do
// nothing): s->count2 (count2[i]: occurrences of the 2-gram at i; 0 for the last word),
// s->multi2 (count2 >= 2) and s->best2, the most frequent 2-gram as CountNgrams finds it (the
// first position with the largest count is the first occurrence of the first-seen most frequent
// 2-gram).
void ReadBackBigrams(RepetitionScratch* s, size_t nw) {
  if (s->read_back) return;
  s->read_back = true;
  s->count2.resize(nw);
  s->multi2.resize(nw);
  filter_internal::TrimScratch(&s->count2);
  filter_internal::TrimScratch(&s->multi2);
  uint32_t* count2 = s->count2.data();
  uint8_t* multi2 = s->multi2.data();
  NgramBest best;
  for (size_t i = 0; i + 1 < nw; ++i) {
    const uint32_t c = s->table.Count(s->slot_of[i]);
    count2[i] = c;
    multi2[i] = c >= 2;
    if (c > best.count) {
      best.count = c;
      best.first = static_cast<uint32_t>(i);
    }
  }
  count2[nw - 1] = 0;
  multi2[nw - 1] = 0;
  s->best2 = best;
}

class GopherRepetitionStage : public DocumentStage {
 public:
  Status Init(const GopherRepetitionOptions& base) {
    default_lang_ = base.default_language;
    return opts_.Init(
        base, ParseGopherRepetitionOptions,
        [](const FilterLanguageConfig& c) { return c.gopher_repetition; },
        [](const FilterLanguageConfig*, GopherRepetitionOptions*) {});
  }
  std::string_view name() const override { return "gopher_repetition"; }

  Verdict Process(Document& doc, StageContext& ctx) const override {
    std::string_view lang = DocLang(doc, default_lang_);
    const GopherRepetitionOptions& o = opts_.For(lang);
    const std::string_view text = doc.text;
    DocumentLines& dl = AnalyzeLines(text, ctx);
    const size_t text_len = dl.chars;
    if (text_len == 0) return Verdict::Keep();  // nothing can repeat
    auto& s = ctx.Scratch<std::shared_ptr<RepetitionScratch>>("kilang.gopher_repetition");
    if (!s) s = std::make_shared<RepetitionScratch>();
    if (o.dup_para_frac || o.dup_para_char_frac) {
      FindLineDuplicates(text, &dl);
      const PieceDuplicates para = ParagraphDuplicates(text, &dl);
      if (o.dup_para_frac && static_cast<double>(para.dups) / para.pieces > o.dup_para_frac) {
        return Verdict::Remove("dup_para_frac");
      }
      if (o.dup_para_char_frac &&
          static_cast<double>(para.dup_chars) / text_len > o.dup_para_char_frac) {
        return Verdict::Remove("dup_para_char_frac");
      }
    }
    if (o.dup_line_frac || o.dup_line_char_frac) {
      FindLineDuplicates(text, &dl);
      const PieceDuplicates line = LineDuplicates(dl);
      if (o.dup_line_frac && static_cast<double>(line.dups) / line.pieces > o.dup_line_frac) {
        return Verdict::Remove("dup_line_frac");
      }
      if (o.dup_line_char_frac &&
          static_cast<double>(line.dup_chars) / text_len > o.dup_line_char_frac) {
        return Verdict::Remove("dup_line_char_frac");
      }
    }
    if (o.top_n_grams.empty() && o.dup_n_grams.empty()) return Verdict::Keep();
    const DocumentWords& dw = AnalyzeWords(text, lang, ctx);
    const size_t nw = dw.facts.size();
    s->words = dw.facts.data();
    // Per-document arrays a larger document grew (not all of them are used for every document).
    for (auto* v : {&s->slot_of, &s->prefix, &s->count2}) filter_internal::ReleaseScratch(v, nw + 1);
    for (auto* v : {&s->multi, &s->multi2}) filter_internal::ReleaseScratch(v, nw);
    // Counting every n-gram of every size is the cost of this stage. An n-gram (n >= 2) can only
    // occur twice where its first two words do, so one full count of 2-grams marks those
    // positions (multi2) and the larger sizes are counted there only. Results are exactly those
    // of full counts: every occurrence of a repeated n-gram is at a marked position, and when
    // nothing repeats, Counter.most_common(1) returns the first n-gram (count 1).
    int min_n = 64;
    for (const auto* list : {&o.top_n_grams, &o.dup_n_grams}) {
      for (const auto& [n, frac] : *list) {
        if (frac > 0) min_n = std::min(min_n, n);
      }
    }
    const bool sparse = min_n >= 2 && nw >= 2;
    // With the 2-gram counts known, cheap upper bounds rule out most of the exact computations
    // (exact verdicts: a rule is only skipped when its bound shows it cannot fire):
    //  - top 2-gram: the largest count times the longest 2-gram;
    //  - top n-gram (n > 2): an n-gram at i occurs at most count2(i) times, so
    //    max_i count2(i) * chars_n(i) bounds its character fraction (after looser bounds);
    //  - duplicated n-grams (n >= m >= 2): every word datatrove's scan counts lies in a non-first
    //    occurrence of an n-gram, whose n-1 >= m-1 2-grams are non-first occurrences too; the
    //    words covered by runs of >= m-1 such positions bound every sum.
    // The bounds come from the first counting pass; the counts are read back (ReadBackBigrams)
    // only when a bound does not settle a rule.
    // m: the smallest duplicated n-gram size in use (64: none).
    int m = 64;
    double min_frac = 1e300;
    for (const auto& [n, frac] : o.dup_n_grams) {
      if (frac > 0 && nw >= static_cast<size_t>(n)) {
        m = std::min(m, n);
        min_frac = std::min(min_frac, frac);
      }
    }
    BigramCounts counts2;
    s->prefix.resize(nw + 1);
    filter_internal::TrimScratch(&s->prefix);
    if (sparse) {
      counts2 = CountBigrams(s.get(), nw, m == 64 ? 0 : m - 1);  // fills prefix too
    } else {
      FillPrefix(s.get(), nw);
    }
    const uint32_t longest_word = s->longest_word;
    const uint32_t top2_count = counts2.max_count;
    auto window_chars = [&](size_t i, int n) {  // chars_n(i): words joined by one space
      return static_cast<size_t>(s->prefix[i + n] - s->prefix[i]) + (n - 1);
    };
    for (const auto& [n, frac] : o.top_n_grams) {
      if (frac <= 0 || nw < static_cast<size_t>(n)) continue;
      NgramBest best;
      if (sparse && n == 2) {
        // Bound: the largest count times the longest 2-gram (at least 1 x the first 2-gram).
        if (static_cast<double>(std::max(top2_count, 1u) * counts2.max_chars) / text_len <= frac) {
          continue;  // cannot fire
        }
        ReadBackBigrams(s.get(), nw);
        best = s->best2;
      } else if (sparse) {
        // Loose bounds first (the top 2-gram count times n longest words, then times the longest
        // n-gram), then the tight one.
        const size_t loose = static_cast<size_t>(n) * longest_word + (n - 1);
        if (static_cast<double>(top2_count) * loose / text_len <= frac) continue;
        size_t longest = 0;
        for (size_t i = 0; i + n <= nw; ++i) longest = std::max(longest, window_chars(i, n));
        if (static_cast<double>(top2_count) * longest / text_len <= frac) continue;
        ReadBackBigrams(s.get(), nw);  // before CountNgrams reuses the table
        const std::vector<uint32_t>& count2 = s->count2;
        size_t bound = 0;
        for (size_t i = 0; i + n <= nw; ++i) {
          bound = std::max(bound, count2[i] * window_chars(i, n));
        }
        if (static_cast<double>(bound) / text_len <= frac) continue;  // cannot fire
        best = CountNgrams(s.get(), nw, n, &s->multi2, nullptr);
      } else {
        best = CountNgrams(s.get(), nw, n, nullptr, nullptr);
      }
      if (best.count < 2) best = {1, 0};
      if (static_cast<double>(window_chars(best.first, n)) * best.count / text_len > frac) {
        return Verdict::Remove("top_" + std::to_string(n) + "_gram");
      }
    }
    if (!o.dup_n_grams.empty()) {
      // A scan for n only needs lookups where the first m words (m = the smallest n) repeat: any
      // other position holds a new n-gram that can never be seen again. Same sums as datatrove's
      // full scan.
      if (m == 64) return Verdict::Keep();
      if (sparse) {
        if (static_cast<double>(counts2.covered) / text_len <= min_frac) return Verdict::Keep();
        ReadBackBigrams(s.get(), nw);  // multi2, before CountNgrams reuses the table
      }
      CountNgrams(s.get(), nw, m, sparse ? &s->multi2 : nullptr, &s->multi);
      size_t n_multi = 0;
      for (size_t i = 0; i < nw; ++i) n_multi += s->multi[i];
      for (const auto& [n, frac] : o.dup_n_grams) {
        if (frac <= 0 || nw < static_cast<size_t>(n) || !n_multi) continue;
        s->table.Start(n_multi);
        size_t repeated = 0, i = 0;
        const uint8_t* multi = s->multi.data();
        while (i + n <= nw) {
          if (!multi[i]) {
            ++i;
            uint64_t x;  // then skip unmarked positions eight at a time
            while (i + 8 <= nw && (std::memcpy(&x, multi + i, 8), x == 0)) i += 8;
            continue;
          }
          if (s->table.Count(s->table.Add(NgramHash(s->words, i, n))) > 1) {  // seen before
            repeated += s->prefix[i + n] - s->prefix[i];  // the words joined, no spaces
            i += n;
          } else {
            ++i;
          }
        }
        if (static_cast<double>(repeated) / text_len > frac) {
          return Verdict::Remove("duplicated_" + std::to_string(n) + "_n_grams");
        }
      }
    }
    return Verdict::Keep();
  }

 private:
  PerLanguage<GopherRepetitionOptions> opts_;
  std::string default_lang_;
};

// ---------------------------------------------------------------- FineWeb quality

bool IsTerminalPunct(uint32_t cp) { return u_hasBinaryProperty(cp, UCHAR_TERMINAL_PUNCTUATION); }

// IsTerminalPunct(LastCodePoint(line)), with the ASCII answers from a table.
bool EndsInTerminalPunct(std::string_view line) {
  static const auto* ascii = [] {
    auto* t = new std::array<bool, 128>();
    for (uint32_t c = 0; c < 128; ++c) (*t)[c] = IsTerminalPunct(c);
    return t;
  }();
  if (line.empty()) return IsTerminalPunct(0);
  const unsigned char c = static_cast<unsigned char>(line.back());
  if (c < 0x80) return (*ascii)[c];
  return IsTerminalPunct(filter_internal::LastCodePoint(line));
}

class FineWebQualityStage : public DocumentStage {
 public:
  Status Init(const FineWebQualityOptions& base) {
    default_lang_ = base.default_language;
    return opts_.Init(
        base, ParseFineWebQualityOptions,
        [](const FilterLanguageConfig& c) { return c.fineweb_quality; },
        [](const FilterLanguageConfig*, FineWebQualityOptions*) {});
  }
  std::string_view name() const override { return "fineweb_quality"; }

  Verdict Process(Document& doc, StageContext& ctx) const override {
    std::string_view lang = DocLang(doc, default_lang_);
    const FineWebQualityOptions& o = opts_.For(lang);
    const std::string_view text = doc.text;
    DocumentLines& dl = AnalyzeLines(text, ctx);
    const size_t newlines = dl.newlines();
    size_t n_nonblank = 0, punct = 0;
    for (const auto& l : dl.pieces) {
      if (l.blank()) continue;
      ++n_nonblank;
      punct += EndsInTerminalPunct(text.substr(l.begin, l.end - l.begin));
    }
    if (n_nonblank == 0) return Verdict::Remove("empty");
    const double n_lines = static_cast<double>(n_nonblank);
    double ratio = punct / n_lines;
    if (ratio < o.line_punct_thr && !(ratio == 0 && o.line_punct_exclude_zero)) {
      return Verdict::Remove("line_punct_ratio");
    }
    const size_t short_len = static_cast<size_t>(std::max(0, o.short_line_length));
    size_t short_lines = 0;
    for (const auto& l : dl.pieces) short_lines += !l.blank() && l.chars <= short_len;
    if (short_lines / n_lines > o.short_line_thr) return Verdict::Remove("short_line_ratio");
    FindLineDuplicates(text, &dl);
    size_t dup_chars = 0;
    for (const auto& l : dl.pieces) {
      if (l.dup && !l.blank()) dup_chars += l.chars;
    }
    size_t chars = dl.chars - newlines;
    if (chars > 0 && static_cast<double>(dup_chars) / chars > o.char_duplicates_ratio) {
      return Verdict::Remove("char_dup_ratio");
    }
    const auto& words = DocumentTokens(text, lang, ctx);
    if (!words.empty() && static_cast<double>(newlines) / words.size() > o.new_line_ratio) {
      return Verdict::Remove("list_ratio");
    }
    return Verdict::Keep();
  }

 private:
  PerLanguage<FineWebQualityOptions> opts_;
  std::string default_lang_;
};

// ---------------------------------------------------------------- C4

const char* const kPolicy[] = {"terms of use", "privacy policy", "cookie policy",
                               "uses cookies", "use of cookies", "use cookies"};

// Removes "[<digits>]", "[edit]" and "[citation needed]".
std::string RemoveCitations(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  size_t i = 0;
  while (i < line.size()) {
    if (line[i] == '[') {
      size_t j = i + 1;
      while (j < line.size() && line[j] >= '0' && line[j] <= '9') ++j;
      if (j < line.size() && line[j] == ']') {
        i = j + 1;
        continue;
      }
      std::string_view rest = line.substr(i);
      if (StartsWith(rest, "[edit]")) {
        i += 6;
        continue;
      }
      if (StartsWith(rest, "[citation needed]")) {
        i += 17;
        continue;
      }
    }
    out.push_back(line[i++]);
  }
  return out;
}

// Python str.split(): runs of white space.
void SplitWhitespace(std::string_view s, std::vector<std::string_view>* out) {
  out->clear();
  size_t i = 0;
  while (i < s.size()) {
    std::string_view rest = LStrip(s.substr(i));
    i = s.size() - rest.size();
    if (i >= s.size()) break;
    size_t j = i;
    while (j < s.size()) {
      std::string_view r = s.substr(j);
      if (LStrip(r).size() != r.size()) break;
      size_t pos = j;
      NextCodePoint(s, &pos);
      j = pos;
    }
    out->push_back(s.substr(i, j - i));
    i = j;
  }
}

class C4Stage : public DocumentStage {
 public:
  Status Init(const C4Options& base) {
    default_lang_ = base.default_language;
    return opts_.Init(
        base, ParseC4Options, [](const FilterLanguageConfig& c) { return c.c4; },
        [](const FilterLanguageConfig*, C4Options*) {});
  }
  std::string_view name() const override { return "c4"; }

  Verdict Process(Document& doc, StageContext& ctx) const override {
    std::string_view lang = DocLang(doc, default_lang_);
    const C4Options& o = opts_.For(lang);
    std::vector<std::string_view> lines, words;
    SplitLines(doc.text, &lines);
    std::string kept;
    size_t removed = 0;
    int sentences = 0;
    WordSegmenter* seg = nullptr;
    for (std::string_view raw : lines) {
      std::string_view stripped = Strip(raw);
      SplitWhitespace(stripped, &words);
      if (o.max_word_length >= 0) {
        bool too_long = false;
        for (std::string_view w : words) {
          if (CodePoints(w) > static_cast<size_t>(o.max_word_length)) too_long = true;
        }
        if (too_long) {
          ++removed;
          continue;
        }
      }
      std::string line = o.remove_citations ? RemoveCitations(stripped) : std::string(stripped);
      if (o.filter_no_terminal_punct) {
        bool ends =
            !line.empty() && (line.back() == '.' || line.back() == '?' || line.back() == '!' ||
                              line.back() == '"' || line.back() == '\'');
        if (!ends || EndsWith(line, "...")) {
          ++removed;
          continue;
        }
      }
      if (static_cast<int>(words.size()) < o.min_words_per_line) {
        ++removed;
        continue;
      }
      std::string lower = LowerUtf8(line);
      if (o.filter_lorem_ipsum && lower.find("lorem ipsum") != std::string::npos) {
        return Verdict::Remove("lorem_ipsum");
      }
      if (o.filter_javascript && lower.find("javascript") != std::string::npos) {
        ++removed;
        continue;
      }
      if (o.filter_curly_bracket && line.find('{') != std::string::npos) {
        return Verdict::Remove("curly_bracket");
      }
      if (o.filter_policy) {
        bool policy = false;
        for (const char* p : kPolicy) policy = policy || lower.find(p) != std::string::npos;
        if (policy) {
          ++removed;
          continue;
        }
      }
      if (o.min_num_sentences >= 0) {
        if (!seg) seg = &WorkerSegmenter(lang, ctx);
        sentences += seg->CountSentences(line);
      }
      if (!kept.empty()) kept.push_back('\n');
      kept += line;
    }
    if (o.min_num_sentences >= 0 && sentences < o.min_num_sentences) {
      return Verdict::Remove("too_few_sentences");
    }
    doc.text = std::string(Strip(kept));
    if (removed > 0) doc.metadata.extra.emplace_back("c4_lines_removed", std::to_string(removed));
    return Verdict::Keep();
  }

 private:
  PerLanguage<C4Options> opts_;
  std::string default_lang_;
};

Status CheckFraction(std::string_view stage, std::string_view key, double v) {
  if (v < 0) {
    return Status::InvalidArgument(std::string(stage) + ": " + std::string(key) +
                                   " must not be negative");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<DocumentStage>> MakeGopherQualityStage(const GopherQualityOptions& o) {
  for (auto [k, v] : {std::pair<const char*, double>{"min_avg_word_length", o.min_avg_word_length},
                      {"max_avg_word_length", o.max_avg_word_length},
                      {"max_symbol_word_ratio", o.max_symbol_word_ratio},
                      {"max_bullet_lines_ratio", o.max_bullet_lines_ratio},
                      {"max_ellipsis_lines_ratio", o.max_ellipsis_lines_ratio},
                      {"max_non_alpha_words_ratio", o.max_non_alpha_words_ratio},
                      {"min_doc_words", static_cast<double>(o.min_doc_words)},
                      {"max_doc_words", static_cast<double>(o.max_doc_words)},
                      {"min_stop_words", static_cast<double>(o.min_stop_words)}}) {
    KILANG_RETURN_IF_ERROR(CheckFraction("gopher_quality", k, v));
  }
  auto stage = std::make_unique<GopherQualityStage>();
  KILANG_RETURN_IF_ERROR(stage->Init(o));
  stage->Finalize(o.default_language);
  return std::unique_ptr<DocumentStage>(std::move(stage));
}

Result<std::unique_ptr<DocumentStage>> MakeGopherRepetitionStage(const GopherRepetitionOptions& o) {
  for (auto [k, v] : {std::pair<const char*, double>{"dup_para_frac", o.dup_para_frac},
                      {"dup_para_char_frac", o.dup_para_char_frac},
                      {"dup_line_frac", o.dup_line_frac},
                      {"dup_line_char_frac", o.dup_line_char_frac}}) {
    KILANG_RETURN_IF_ERROR(CheckFraction("gopher_repetition", k, v));
  }
  for (const auto* list : {&o.top_n_grams, &o.dup_n_grams}) {
    for (const auto& [n, f] : *list) {
      if (n < 1 || n > 64)
        return Status::InvalidArgument("gopher_repetition: n-gram size out of 1..64");
      KILANG_RETURN_IF_ERROR(CheckFraction("gopher_repetition", "n-gram fraction", f));
    }
  }
  auto stage = std::make_unique<GopherRepetitionStage>();
  KILANG_RETURN_IF_ERROR(stage->Init(o));
  return std::unique_ptr<DocumentStage>(std::move(stage));
}

Result<std::unique_ptr<DocumentStage>> MakeC4Stage(const C4Options& o) {
  auto stage = std::make_unique<C4Stage>();
  KILANG_RETURN_IF_ERROR(stage->Init(o));
  return std::unique_ptr<DocumentStage>(std::move(stage));
}

Result<std::unique_ptr<DocumentStage>> MakeFineWebQualityStage(const FineWebQualityOptions& o) {
  for (auto [k, v] : {std::pair<const char*, double>{"line_punct_thr", o.line_punct_thr},
                      {"short_line_thr", o.short_line_thr},
                      {"char_duplicates_ratio", o.char_duplicates_ratio},
                      {"new_line_ratio", o.new_line_ratio}}) {
    KILANG_RETURN_IF_ERROR(CheckFraction("fineweb_quality", k, v));
  }
  auto stage = std::make_unique<FineWebQualityStage>();
  KILANG_RETURN_IF_ERROR(stage->Init(o));
  return std::unique_ptr<DocumentStage>(std::move(stage));
}

}  // namespace kilang
