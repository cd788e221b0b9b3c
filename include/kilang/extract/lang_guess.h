// A quick language guess from stopwords and scripts, for when no language-ID model is loaded.
// The fastText-based identifier (filter/langid.h) is the real one; this is the fallback.
#ifndef KILANG_EXTRACT_LANG_GUESS_H_
#define KILANG_EXTRACT_LANG_GUESS_H_

#include <string>
#include <string_view>

#include "kilang/extract/lexicon.h"

namespace kilang {

// The ISO 639-1 code of the language `text` is most likely in, or "" when unsure. Scripts decide
// first (Hangul -> ko, Kana -> ja, Han -> zh, Thai -> th, Cyrillic -> ru, Arabic -> ar, ...);
// for Latin text, the lexicon language with clearly the most stopword hits wins. Reads at most
// the first 64 KiB.
std::string GuessLanguage(std::string_view text, const Lexicon& lexicon);

}  // namespace kilang

#endif  // KILANG_EXTRACT_LANG_GUESS_H_
