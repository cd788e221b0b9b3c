#include "kilang/util/phrase_matcher.h"

#include <algorithm>

#include "kilang/util/text.h"

namespace kilang {

void PhraseMatcher::Add(const std::vector<std::string>& phrases, int category) {
  std::vector<std::string_view> words;
  for (const std::string& p : phrases) {
    SplitWords(p, &words);
    if (words.empty()) {
      if (!p.empty()) symbols_.emplace_back(p, category);
      continue;
    }
    std::vector<Phrase>& list = by_first_[words[0]];
    list.push_back({std::vector<std::string>(words.begin(), words.end()), category});
    std::stable_sort(list.begin(), list.end(), [](const Phrase& a, const Phrase& b) {
      return a.words.size() > b.words.size();
    });
  }
}

uint32_t PhraseMatcher::FindAll(const std::vector<std::string_view>& words,
                                std::string_view lower_text,
                                std::array<Match, kMaxCategories>* found,
                                size_t max_start) const {
  uint32_t mask = 0;
  for (size_t i = 0; i < words.size() && i < max_start; ++i) {
    const std::vector<Phrase>* list = by_first_.Find(words[i]);
    if (!list) continue;
    for (const Phrase& phrase : *list) {
      uint32_t bit = 1u << phrase.category;
      if ((mask & bit) || i + phrase.words.size() > words.size()) continue;
      bool ok = true;
      for (size_t k = 1; k < phrase.words.size() && ok; ++k) ok = words[i + k] == phrase.words[k];
      if (ok) {
        mask |= bit;
        (*found)[phrase.category] = {i, phrase.words.size()};
      }
    }
  }
  for (const auto& [s, category] : symbols_) {
    uint32_t bit = 1u << category;
    if (!(mask & bit) && lower_text.find(s) != std::string_view::npos) {
      mask |= bit;
      (*found)[category] = {words.size(), 0};
    }
  }
  return mask;
}

bool PhraseMatcher::Find(const std::vector<std::string_view>& words, std::string_view lower_text,
                         Match* m) const {
  std::array<Match, kMaxCategories> found;
  uint32_t mask = FindAll(words, lower_text, &found);
  if (!mask) return false;
  if (m) *m = found[__builtin_ctz(mask)];
  return true;
}

}  // namespace kilang
