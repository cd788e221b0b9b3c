// PhraseMatcher: finds which of a fixed set of lower-case phrases occur in a text, matching on
// whole words. Phrases carry a category (0..31), so one matcher serves several lexicons at the
// cost of one hash probe per word of the text. Built once; immutable and thread-safe after.
#ifndef KILANG_UTIL_PHRASE_MATCHER_H_
#define KILANG_UTIL_PHRASE_MATCHER_H_

#include <array>
#include <cstdint>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "kilang/util/hash.h"

namespace kilang {

class PhraseMatcher {
 public:
  static constexpr int kMaxCategories = 32;

  PhraseMatcher() = default;
  // All of `phrases` in category 0.
  explicit PhraseMatcher(const std::vector<std::string>& phrases) { Add(phrases, 0); }

  // Adds lower-case phrases under `category`. Each is split into words with SplitWords; a phrase
  // without any word character (e.g. "©") is matched as a plain substring.
  // REQUIRES: 0 <= category < kMaxCategories; not called concurrently with Find*.
  void Add(const std::vector<std::string>& phrases, int category);

  struct Match {
    size_t word_index = 0;  // index of the first matched word in `words` (words.size() for a
                            // symbol phrase)
    size_t word_count = 0;  // words the phrase spans
  };

  // Looks for phrases in `words` (the lower-cased words of a text, from SplitWords) and in
  // `lower_text` (for symbol phrases). Returns the bit set of categories found; (*found)[c] is
  // the earliest-starting (then longest) match of category c.
  // Only phrases starting before word `max_start` are looked for (a line's opening words, say).
  uint32_t FindAll(const std::vector<std::string_view>& words, std::string_view lower_text,
                   std::array<Match, kMaxCategories>* found, size_t max_start = SIZE_MAX) const;

  // Whether any phrase matches; `*m` gets the earliest match of the lowest category found.
  bool Find(const std::vector<std::string_view>& words, std::string_view lower_text,
            Match* m) const;

 private:
  struct Phrase {
    std::vector<std::string> words;
    int category;
  };
  // first word -> phrases (longest first)
  FlatStringMap<std::vector<Phrase>> by_first_;
  std::vector<std::pair<std::string, int>> symbols_;
};

}  // namespace kilang

#endif  // KILANG_UTIL_PHRASE_MATCHER_H_
