#include "kilang/extract/lang_guess.h"

#include <array>
#include <vector>

#include "kilang/util/text.h"
#include "kilang/util/utf8.h"

namespace kilang {

std::string GuessLanguage(std::string_view text, const Lexicon& lex) {
  text = text.substr(0, 64 * 1024);
  // Script census.
  size_t latin = 0, han = 0, kana = 0, hangul = 0, thai = 0, cyr = 0, arabic = 0, greek = 0,
         hebrew = 0, deva = 0;
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if ((c | 32) >= 'a' && (c | 32) <= 'z') ++latin;
      ++i;
      continue;
    }
    uint32_t cp = NextCodePoint(text, &i);
    if (cp >= 0x3040 && cp <= 0x30FF) ++kana;
    else if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)) ++han;
    else if (cp >= 0xAC00 && cp <= 0xD7AF) ++hangul;
    else if (cp >= 0x0E00 && cp <= 0x0E7F) ++thai;
    else if (cp >= 0x0400 && cp <= 0x04FF) ++cyr;
    else if (cp >= 0x0600 && cp <= 0x06FF) ++arabic;
    else if (cp >= 0x0370 && cp <= 0x03FF) ++greek;
    else if (cp >= 0x0590 && cp <= 0x05FF) ++hebrew;
    else if (cp >= 0x0900 && cp <= 0x097F) ++deva;
    else if (IsLetter(cp)) ++latin;
  }
  size_t total = latin + han + kana + hangul + thai + cyr + arabic + greek + hebrew + deva;
  if (total == 0) return "";
  if (kana * 10 >= total && kana + han >= total / 2) return "ja";
  if (han * 2 >= total) return "zh";
  if (hangul * 2 >= total) return "ko";
  if (thai * 2 >= total) return "th";
  if (cyr * 2 >= total) return "ru";
  if (arabic * 2 >= total) return "ar";
  if (greek * 2 >= total) return "el";
  if (hebrew * 2 >= total) return "he";
  if (deva * 2 >= total) return "hi";
  // Latin script: stopword votes per lexicon language.
  const auto& langs = lex.languages();
  std::vector<size_t> votes(langs.size(), 0);
  std::vector<std::string_view> words;
  SplitWords(text, &words);
  std::string lw;
  size_t counted = 0;
  for (std::string_view w : words) {
    if (w.size() > 12) continue;
    LowerUtf8(w, &lw);
    uint64_t mask = lex.StopwordMask(lw);
    if (!mask) continue;
    ++counted;
    // Words that only one language lists weigh more: they separate close relatives
    // (Indonesian "karena" / Malay "kerana").
    size_t weight = (mask & (mask - 1)) == 0 ? 3 : 1;
    for (size_t k = 0; k < langs.size(); ++k) {
      if (mask >> k & 1) votes[k] += weight;
    }
  }
  size_t best = 0, second = 0, best_k = 0;
  for (size_t k = 0; k < votes.size(); ++k) {
    if (votes[k] > best) {
      second = best;
      best = votes[k];
      best_k = k;
    } else if (votes[k] > second) {
      second = votes[k];
    }
  }
  // Clearly ahead overall, or ahead by at least two words only that language uses.
  if (best < 3 || (best * 4 < second * 5 && best - second < 6)) return "";
  return langs[best_k];
}

}  // namespace kilang
