#include "kilang/util/phrase_matcher.h"

#include <algorithm>

#include "kilang/util/text.h"

namespace kilang {

PhraseMatcher::PhraseMatcher(const std::vector<std::string>& phrases) {
  std::vector<std::string_view> words;
  for (const std::string& p : phrases) {
    SplitWords(p, &words);
    if (words.empty()) {
      if (!p.empty()) symbols_.push_back(p);
      continue;
    }
    std::vector<std::string> ws(words.begin(), words.end());
    by_first_[ws[0]].push_back(std::move(ws));
  }
  for (auto& [first, list] : by_first_) {
    std::sort(list.begin(), list.end(),
              [](const auto& a, const auto& b) { return a.size() > b.size(); });
  }
}

bool PhraseMatcher::Find(const std::vector<std::string_view>& words, std::string_view lower_text,
                         Match* m) const {
  for (size_t i = 0; i < words.size(); ++i) {
    auto it = by_first_.find(words[i]);
    if (it == by_first_.end()) continue;
    for (const auto& phrase : it->second) {
      if (i + phrase.size() > words.size()) continue;
      bool ok = true;
      for (size_t k = 1; k < phrase.size() && ok; ++k) ok = words[i + k] == phrase[k];
      if (ok) {
        if (m) *m = {i, phrase.size()};
        return true;
      }
    }
  }
  for (const std::string& s : symbols_) {
    if (lower_text.find(s) != std::string_view::npos) {
      if (m) *m = {words.size(), 0};
      return true;
    }
  }
  return false;
}

}  // namespace kilang
