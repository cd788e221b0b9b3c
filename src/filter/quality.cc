#include "kilang/filter/quality.h"

#include <unicode/uchar.h>

#include <algorithm>
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
#include "text_util.h"

namespace kilang {

using filter_internal::AnalyzeWords;
using filter_internal::CodePoints;
using filter_internal::CountOf;
using filter_internal::DocumentWords;
using filter_internal::FlatMap;
using filter_internal::LStrip;
using filter_internal::RStrip;
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
      Status st = parse(section(cfg), &o);
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
      if (static_cast<double>(CountOf(text, "#")) / n_words > o.max_symbol_word_ratio) {
        return Verdict::Remove("gopher_too_many_hashes");
      }
      if (static_cast<double>(CountOf(text, "...") + CountOf(text, "\u2026")) / n_words >
          o.max_symbol_word_ratio) {
        return Verdict::Remove("gopher_too_many_ellipsis");
      }
    }
    auto& lines = ctx.Scratch<std::vector<std::string_view>>("kilang.gopher_quality.lines");
    SplitLines(text, &lines);
    if (!lines.empty()) {
      if (o.max_bullet_lines_ratio) {
        size_t bullets = 0;
        for (std::string_view l : lines) {
          std::string_view s = LStrip(l);
          bullets += StartsWith(s, "\u2022") || StartsWith(s, "-");
        }
        if (static_cast<double>(bullets) / lines.size() > o.max_bullet_lines_ratio) {
          return Verdict::Remove("gopher_too_many_bullets");
        }
      }
      if (o.max_ellipsis_lines_ratio) {
        size_t ell = 0;
        for (std::string_view l : lines) {
          std::string_view s = RStrip(l);
          ell += EndsWith(s, "...") || EndsWith(s, "\u2026");
        }
        if (static_cast<double>(ell) / lines.size() > o.max_ellipsis_lines_ratio) {
          return Verdict::Remove("gopher_too_many_end_ellipsis");
        }
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

struct RepetitionScratch {
  std::vector<std::string_view> pieces;
  const filter_internal::TokenFacts* words = nullptr;  // the document's token facts
  FlatMap<uint8_t> seen;
  struct Count {
    uint32_t count = 0;
    uint32_t first = 0;
  };
  FlatMap<Count> counts;
  std::vector<uint8_t> multi, multi2;
  std::vector<uint32_t> prefix;  // prefix[i]: code points of words [0, i)
  std::vector<uint32_t> count2;  // count2[i]: occurrences of the 2-gram starting at word i
  // CountBigrams' table (key 0 = empty slot) and each position's slot.
  struct Bigram {
    uint64_t key = 0;
    uint32_t count = 0;
    uint32_t first = 0;  // position of the first occurrence
  };
  std::vector<Bigram> bigrams;
  std::vector<uint32_t> slot_of;
};

struct NgramBest {
  uint32_t count = 0;
  uint32_t first = 0;
};

// Counts the n-grams starting at the positions i with (*only)[i] set (all when null). Marks in
// `*multi` (when not null; resized and cleared) the positions whose n-gram occurs twice or more.
// Returns the most frequent n-gram's count and first position (first seen among ties).
NgramBest CountNgrams(RepetitionScratch* s, size_t nw, int n, const std::vector<uint8_t>* only,
                      std::vector<uint8_t>* multi) {
  NgramBest best;
  if (multi) multi->assign(nw, 0);
  if (nw < static_cast<size_t>(n)) return best;
  s->counts.Clear(only ? 64 : nw);
  for (size_t i = 0; i + n <= nw; ++i) {
    if (only && !(*only)[i]) continue;
    bool inserted;
    auto& c = s->counts.Upsert(NgramHash(s->words, i, n), &inserted);
    if (inserted) {
      c.first = static_cast<uint32_t>(i);
    } else if (multi) {
      (*multi)[c.first] = 1;
      (*multi)[i] = 1;
    }
    ++c.count;
    if (c.count > best.count || (c.count == best.count && c.first < best.first)) {
      best.count = c.count;
      best.first = c.first;
    }
  }
  return best;
}

// Counts every 2-gram (one pass, a table sized for the document); marks in s->multi2 the
// positions whose 2-gram occurs twice or more. Returns the most
// frequent 2-gram as CountNgrams does.
NgramBest CountBigrams(RepetitionScratch* s, size_t nw) {
  const filter_internal::TokenFacts* w = s->words;
  size_t cap = 16;
  while (cap < nw + nw / 2) cap <<= 1;  // at most 2/3 full (fewer distinct 2-grams than words)
  const int shift = 64 - __builtin_ctzll(cap);
  s->bigrams.assign(cap, RepetitionScratch::Bigram{});
  s->slot_of.resize(nw);
  s->multi2.assign(nw, 0);
  s->count2.clear();  // filled by Count2() when a bound needs it
  RepetitionScratch::Bigram* table = s->bigrams.data();
  uint8_t* multi2 = s->multi2.data();
  NgramBest best;
  constexpr size_t kAhead = 8;  // prefetch the slot of the 2-gram kAhead words on
  for (size_t i = 0; i + 1 < nw; ++i) {
    if (i + kAhead + 1 < nw) {
      const uint64_t ahead = NgramHash(w, i + kAhead, 2) | 1;
      __builtin_prefetch(&table[(ahead * 0x9E3779B97F4A7C15ULL) >> shift]);
    }
    const uint64_t key = NgramHash(w, i, 2) | 1;  // never 0
    size_t slot = (key * 0x9E3779B97F4A7C15ULL) >> shift;
    while (table[slot].key != 0 && table[slot].key != key) slot = (slot + 1) & (cap - 1);
    RepetitionScratch::Bigram& b = table[slot];
    if (b.key == 0) {
      b.key = key;
      b.first = static_cast<uint32_t>(i);
    }
    const uint32_t c = ++b.count;
    s->slot_of[i] = static_cast<uint32_t>(slot);
    if (c >= 2) {
      multi2[i] = 1;
      if (c == 2) multi2[b.first] = 1;
    }
    if (c > best.count || (c == best.count && b.first < best.first)) {
      best.count = c;
      best.first = b.first;
    }
  }
  return best;
}

// count2[i]: occurrences of the 2-gram at word i (after CountBigrams; 0 for the last word).
const std::vector<uint32_t>& Count2(RepetitionScratch* s, size_t nw) {
  if (s->count2.size() != nw) {
    s->count2.resize(nw);
    for (size_t i = 0; i + 1 < nw; ++i) s->count2[i] = s->bigrams[s->slot_of[i]].count;
    if (nw) s->count2[nw - 1] = 0;
  }
  return s->count2;
}

// Duplicates among `pieces` from the second occurrence on: (count, code points).
std::pair<size_t, size_t> FindDuplicates(const std::vector<std::string_view>& pieces,
                                         FlatMap<uint8_t>* seen) {
  seen->Clear(pieces.size());
  size_t dups = 0, chars = 0;
  for (std::string_view p : pieces) {
    bool inserted;
    seen->Upsert(filter_internal::Hash64(p) ^ (p.size() * 0x9E3779B97F4A7C15ULL), &inserted);
    if (!inserted) {
      ++dups;
      chars += CodePoints(p);
    }
  }
  return {dups, chars};
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
    const size_t text_len = CodePoints(text);
    if (text_len == 0) return Verdict::Keep();  // nothing can repeat
    auto& s = ctx.Scratch<std::shared_ptr<RepetitionScratch>>("kilang.gopher_repetition");
    if (!s) s = std::make_shared<RepetitionScratch>();
    if (o.dup_para_frac || o.dup_para_char_frac) {
      // Paragraphs: text.strip() split on runs of 2+ newlines.
      std::string_view t = Strip(text);
      s->pieces.clear();
      size_t start = 0, i = 0;
      while (true) {
        const void* nl = i < t.size() ? std::memchr(t.data() + i, '\n', t.size() - i) : nullptr;
        if (!nl) break;
        i = static_cast<const char*>(nl) - t.data();
        if (i + 1 < t.size() && t[i + 1] == '\n') {
          s->pieces.push_back(t.substr(start, i - start));
          while (i < t.size() && t[i] == '\n') ++i;
          start = i;
        } else {
          ++i;
        }
      }
      s->pieces.push_back(t.substr(start));
      auto [dups, chars] = FindDuplicates(s->pieces, &s->seen);
      if (o.dup_para_frac && static_cast<double>(dups) / s->pieces.size() > o.dup_para_frac) {
        return Verdict::Remove("dup_para_frac");
      }
      if (o.dup_para_char_frac && static_cast<double>(chars) / text_len > o.dup_para_char_frac) {
        return Verdict::Remove("dup_para_char_frac");
      }
    }
    if (o.dup_line_frac || o.dup_line_char_frac) {
      // Lines: text split on runs of newlines (leading/trailing empty pieces kept, as re.split).
      s->pieces.clear();
      size_t start = 0, i = 0;
      while (true) {
        const void* nl =
            i < text.size() ? std::memchr(text.data() + i, '\n', text.size() - i) : nullptr;
        if (!nl) break;
        i = static_cast<const char*>(nl) - text.data();
        s->pieces.push_back(text.substr(start, i - start));
        while (i < text.size() && text[i] == '\n') ++i;
        start = i;
      }
      s->pieces.push_back(text.substr(start));
      auto [dups, chars] = FindDuplicates(s->pieces, &s->seen);
      if (o.dup_line_frac && static_cast<double>(dups) / s->pieces.size() > o.dup_line_frac) {
        return Verdict::Remove("dup_line_frac");
      }
      if (o.dup_line_char_frac && static_cast<double>(chars) / text_len > o.dup_line_char_frac) {
        return Verdict::Remove("dup_line_char_frac");
      }
    }
    if (o.top_n_grams.empty() && o.dup_n_grams.empty()) return Verdict::Keep();
    const DocumentWords& dw = AnalyzeWords(text, lang, ctx);
    const size_t nw = dw.facts.size();
    s->words = dw.facts.data();
    s->prefix.resize(nw + 1);
    s->prefix[0] = 0;
    uint32_t longest_word = 0;
    for (size_t i = 0; i < nw; ++i) {
      s->prefix[i + 1] = s->prefix[i] + s->words[i].chars;
      longest_word = std::max(longest_word, s->words[i].chars);
    }
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
    // With the 2-gram counts known, cheap upper bounds rule out most of the larger counts (exact
    // verdicts: a rule is only skipped when its bound shows it cannot fire):
    //  - top n-gram (n > 2): an n-gram at i occurs at most count2(i) times, so
    //    max_i count2(i) * chars_n(i) bounds its character fraction;
    //  - duplicated n-grams (n >= m >= 2): every word datatrove's scan counts lies in a non-first
    //    occurrence of an m-gram, whose m-1 2-grams all occur twice or more; the words covered
    //    by runs of >= m-1 such positions bound every sum.
    NgramBest base;
    if (sparse) base = CountBigrams(s.get(), nw);
    auto window_chars = [&](size_t i, int n) {  // chars_n(i): words joined by one space
      return static_cast<size_t>(s->prefix[i + n] - s->prefix[i]) + (n - 1);
    };
    for (const auto& [n, frac] : o.top_n_grams) {
      if (frac <= 0 || nw < static_cast<size_t>(n)) continue;
      NgramBest best;
      if (sparse && n == 2) {
        best = base;
      } else if (sparse) {
        // Loose bounds first (the top 2-gram count times n longest words, then times the longest
        // n-gram), then the tight one.
        const size_t loose = static_cast<size_t>(n) * longest_word + (n - 1);
        if (static_cast<double>(base.count) * loose / text_len <= frac) continue;
        size_t longest = 0;
        for (size_t i = 0; i + n <= nw; ++i) longest = std::max(longest, window_chars(i, n));
        if (static_cast<double>(base.count) * longest / text_len <= frac) continue;
        const std::vector<uint32_t>& count2 = Count2(s.get(), nw);
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
      int m = 64;
      double min_frac = 1e300;
      for (const auto& [n, frac] : o.dup_n_grams) {
        if (frac > 0 && nw >= static_cast<size_t>(n)) {
          m = std::min(m, n);
          min_frac = std::min(min_frac, frac);
        }
      }
      if (m == 64) return Verdict::Keep();
      if (sparse) {
        size_t covered = 0, run = 0, last_end = 0;  // chars of covered words; words [.., last_end)
        for (size_t i = 0; i + 1 < nw; ++i) {
          run = (run + 1) & (0 - static_cast<size_t>(s->multi2[i]));  // run + 1, or 0
          if (run >= static_cast<size_t>(m - 1)) {
            // Positions i-run+1 .. i repeat: words from i-run+1 to i+1 are covered.
            size_t from = std::max(last_end, i + 1 - run);
            covered += s->prefix[i + 2] - s->prefix[from];
            last_end = i + 2;
          }
        }
        if (static_cast<double>(covered) / text_len <= min_frac) return Verdict::Keep();
      }
      bool any = false;
      s->multi.assign(nw, 0);
      CountNgrams(s.get(), nw, m, sparse ? &s->multi2 : nullptr, &s->multi);
      for (size_t i = 0; i < nw && !any; ++i) any = s->multi[i];
      for (const auto& [n, frac] : o.dup_n_grams) {
        if (frac <= 0 || nw < static_cast<size_t>(n) || !any) continue;
        s->seen.Clear(64);
        size_t repeated = 0, i = 0;
        while (i + n <= nw) {
          if (!s->multi[i]) {
            ++i;
            continue;
          }
          bool inserted;
          s->seen.Upsert(NgramHash(s->words, i, n), &inserted);
          if (!inserted) {
            for (int k = 0; k < n; ++k) repeated += s->words[i + k].chars;  // joined, no spaces
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
    auto& lines = ctx.Scratch<std::vector<std::string_view>>("kilang.fineweb.lines");
    lines.clear();
    size_t newlines = 0;
    {
      size_t start = 0;
      while (true) {
        size_t nl = text.find('\n', start);
        std::string_view l = text.substr(start, nl == std::string_view::npos ? nl : nl - start);
        if (!Strip(l).empty()) lines.push_back(l);
        if (nl == std::string_view::npos) break;
        ++newlines;
        start = nl + 1;
      }
    }
    if (lines.empty()) return Verdict::Remove("empty");
    const double n_lines = static_cast<double>(lines.size());
    size_t punct = 0;
    for (std::string_view l : lines) punct += IsTerminalPunct(filter_internal::LastCodePoint(l));
    double ratio = punct / n_lines;
    if (ratio < o.line_punct_thr && !(ratio == 0 && o.line_punct_exclude_zero)) {
      return Verdict::Remove("line_punct_ratio");
    }
    size_t short_lines = 0;
    for (std::string_view l : lines) {
      short_lines += CodePoints(l) <= static_cast<size_t>(std::max(0, o.short_line_length));
    }
    if (short_lines / n_lines > o.short_line_thr) return Verdict::Remove("short_line_ratio");
    auto& seen = ctx.Scratch<std::shared_ptr<FlatMap<uint8_t>>>("kilang.fineweb.seen");
    if (!seen) seen = std::make_shared<FlatMap<uint8_t>>();
    size_t dup_chars = FindDuplicates(lines, seen.get()).second;
    size_t chars = CodePoints(text) - newlines;
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
