#include "kilang/extract/pagetext.h"

#include <string>
#include <vector>

#include "kilang/util/text.h"

namespace kilang {

PageTextExtractor::PageTextExtractor(const Lexicon& lexicon, PageTextOptions options)
    : lex_(lexicon), dates_(lexicon), options_(options) {}

void PageTextExtractor::Extract(std::string_view text, const std::optional<DateTime>& now,
                                Document* doc) const {
  std::vector<std::string_view> words;
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = TrimSpace(text.substr(pos, nl - pos));
    if (line.size() > options_.max_line_bytes) line = line.substr(0, options_.max_line_bytes);
    SplitWords(line, &words);
    if (words.size() >= 10) {
      if (!out.empty()) out.push_back('\n');
      out.append(line);
    }
    pos = nl + 1;
  }
  doc->text = std::move(out);
}

}  // namespace kilang
