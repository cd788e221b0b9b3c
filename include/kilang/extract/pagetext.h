// PageTextExtractor: the article in a page-text dump (all visible text of a page, one block per
// line, as a naive scraper or a browser's innerText gives it).
//
// The dump is split into lines; each line gets features that hold on any site and language
// (length, words, terminal punctuation, stopword density, lexicon hits for boilerplate, bylines,
// dates and relative times, "teaser..." / full-title pairs, membership in runs of short
// title-like lines). Lines are scored in context and the densest coherent run of prose is kept;
// chrome inside it (share bars, "Baca juga" lines, bylines) is dropped. Title, date, author and
// site come from the lines around the body.
//
// Thread-safety: const methods are thread-safe; per-call scratch lives in the call.
#ifndef KILANG_EXTRACT_PAGETEXT_H_
#define KILANG_EXTRACT_PAGETEXT_H_

#include <memory>
#include <optional>
#include <string_view>

#include "kilang/core/document.h"
#include "kilang/extract/date.h"
#include "kilang/extract/features.h"
#include "kilang/extract/lexicon.h"

namespace kilang {

struct PageTextOptions {
  // Lines longer than this (bytes) are cut before feature extraction, so a single 50 MB line
  // costs linear time and bounded scratch. Default: 1 MiB.
  size_t max_line_bytes = 1 << 20;
  // Print every line with its score, flags and verdict to stderr (for tuning). Default: off;
  // the CLI sets it from the KILANG_DEBUG_PAGETEXT environment variable.
  bool debug = false;
  // Keep non-chrome lines lying between two parts of the body (lists, short headings).
  bool fill_gaps = true;
  // Let the learned line model (data/models/pagetext_lines.yaml, trained by
  // scripts/train_extract.py) make the final keep/drop decision for every line, with the
  // segmentation's verdicts among its features. Off: the segmentation's verdicts are final.
  // Default: on (no cost worth measuring: one small model evaluation per line).
  bool learned = true;
  // Drop every line after a comment marker ("Comments", "Leave a reply") that follows the
  // article, whatever the learned model says. Default: off: the thread is evidence the model
  // weighs (some benchmarks' gold text includes the comments; see docs/pagetext.md).
  bool drop_comments = false;
};

class LearnedModel;

class PageTextExtractor {
 public:
  explicit PageTextExtractor(const Lexicon& lexicon = Lexicon::Default(),
                             PageTextOptions options = {});
  ~PageTextExtractor();

  // Fills doc->text and doc->metadata.{title,date,author,site} from `text` (valid UTF-8; CR/CRLF
  // line ends accepted). `now` anchors relative dates. Never fails: a page without an article
  // yields an empty text.
  void Extract(std::string_view text, const std::optional<DateTime>& now, Document* doc) const;

  // The learned line model's input for `text`: one row per non-blank line, in page order, with
  // the line's text and its feature vector (the columns' names in table->names). For training
  // (`kilang extract --dump-features`); the vectors are the ones Extract() scores.
  void ExtractFeatures(std::string_view text, const std::optional<DateTime>& now,
                       FeatureTable* table) const;

 private:
  void Run(std::string_view text, const std::optional<DateTime>& now, Document* doc,
           FeatureTable* table) const;

  const Lexicon& lex_;
  DateParser dates_;
  PageTextOptions options_;
  struct Matchers;  // phrase matchers built from the lexicon
  std::shared_ptr<const Matchers> matchers_;
  const LearnedModel* line_model_;      // pass 1 (embedded), or nullptr; never owned
  const LearnedModel* line_ctx_model_;  // pass 2 (embedded), or nullptr; never owned
};

}  // namespace kilang

#endif  // KILANG_EXTRACT_PAGETEXT_H_
