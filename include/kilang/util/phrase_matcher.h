// PhraseMatcher: finds which of a fixed set of lower-case phrases occur in a text, matching on
// whole words. Built once (immutable, thread-safe), it indexes phrases by their first word, so a
// lookup costs one hash probe per word of the text rather than one scan per phrase.
#ifndef KILANG_UTIL_PHRASE_MATCHER_H_
#define KILANG_UTIL_PHRASE_MATCHER_H_

#include <string>
#include <string_view>
#include <vector>

#include "kilang/util/hash.h"

namespace kilang {

class PhraseMatcher {
 public:
  PhraseMatcher() = default;
  // `phrases` are lower-case; each is split into words with SplitWords. Phrases without any word
  // character (e.g. "©") are matched as plain substrings.
  explicit PhraseMatcher(const std::vector<std::string>& phrases);

  struct Match {
    size_t word_index = 0;  // index of the first matched word in `words`
    size_t word_count = 0;  // words the phrase spans
  };

  // Looks for phrases in `words` (the lower-cased words of a text, from SplitWords) and in
  // `lower_text` (for symbol phrases). Returns true on the first match and fills `*m` with the
  // earliest-starting (then longest) match.
  bool Find(const std::vector<std::string_view>& words, std::string_view lower_text,
            Match* m) const;

  bool empty() const { return by_first_.empty() && symbols_.empty(); }

 private:
  // first word -> phrases as word lists (longest first)
  StringMap<std::vector<std::vector<std::string>>> by_first_;
  std::vector<std::string> symbols_;
};

}  // namespace kilang

#endif  // KILANG_UTIL_PHRASE_MATCHER_H_
