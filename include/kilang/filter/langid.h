// Language identification with fastText's lid.176 model (176 languages), and the `langid`
// pipeline stage built on it.
//
// The model file (lid.176.ftz, CC BY-SA 3.0) is fetched once by scripts/setup.sh into
// third_party/models/; nothing is downloaded at run time. See docs/filters.md.
//
// Prediction follows datatrove's LanguageFilter: newlines are turned into spaces and the text is
// scored as one fastText line (so it ends with fastText's end-of-sentence token). Scores are the
// model's probabilities (hierarchical softmax), in [0, 1].
//
// Speed: fastText's own predictLine re-derives the character n-grams of every token on every call
// (about 3 MB/s on news text). LanguageIdentifier computes the same hidden vector but caches the
// per-token sum of input vectors in a per-worker scratch table (bounded: at most 131,072 tokens,
// ~12-15 MB; the less-used half is evicted when full), so repeated words cost one hash lookup
// (~2 ns/byte warm, ~9-12 ns/byte for a new worker; docs/filters.md). The scores equal fastText's
// up to float rounding (tested against predictLine); the cache never changes them.
#ifndef KILANG_FILTER_LANGID_H_
#define KILANG_FILTER_LANGID_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kilang/pipeline/stage.h"
#include "kilang/util/status.h"

namespace kilang {

struct LangScore {
  std::string lang;  // fastText label without "__label__", e.g. "id", "en", "zh"
  double score = 0;  // probability in [0, 1]
};

class LanguageIdentifier {
 public:
  // Per-thread working memory for Predict (token cache, buffers). Not thread-safe; reuse one per
  // worker. Opaque.
  struct Scratch;

  // Loads a fastText supervised model (lid.176.ftz or .bin). NotFound when `path` does not exist,
  // Corruption when it is not a fastText model.
  static Result<std::unique_ptr<LanguageIdentifier>> Load(const std::string& path);

  // The default model path: $KILANG_MODEL_DIR/lid.176.ftz when KILANG_MODEL_DIR is set; else the
  // first existing of <dir of the running binary>/../third_party/models/lid.176.ftz,
  // <dir of the running binary>/models/lid.176.ftz and <source dir>/third_party/models/lid.176.ftz
  // (the folder scripts/setup.sh fills). Returns the last candidate when none exists.
  static std::string DefaultModelPath();

  // Process-wide shared instance for the default model, loaded on first use (thread-safe). Used by
  // the stage when no model path is configured and by `kilang extract` for metadata.lang.
  static Result<const LanguageIdentifier*> Default();

  ~LanguageIdentifier();
  LanguageIdentifier(const LanguageIdentifier&) = delete;  // owns the model; share by pointer
  LanguageIdentifier& operator=(const LanguageIdentifier&) = delete;

  // The `k` most likely languages for `text` (k <= 0: all 176), best first. Never empty for a
  // loaded model (empty or all-space text scores the end-of-sentence token alone). Thread-safe;
  // `scratch` may be null (a thread-local one is used).
  std::vector<LangScore> Predict(std::string_view text, int k = 1,
                                 Scratch* scratch = nullptr) const;

  // Reference implementation: fastText's own predictLine on the same input. Slow; for tests.
  std::vector<LangScore> PredictReference(std::string_view text, int k = 1) const;

  // Number of labels (176 for lid.176).
  int num_labels() const;

 private:
  struct Impl;
  explicit LanguageIdentifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Options of the `langid` stage. Defaults follow datatrove's LanguageFilter / FineWeb.
struct LangIdOptions {
  // Model file; empty: LanguageIdentifier::DefaultModelPath().
  std::string model;
  // Languages to keep (fastText codes: "id", "en", "ms", ...). Empty: any language.
  std::vector<std::string> languages;
  // A document is kept when an allowed language scores strictly above its threshold (FineWeb:
  // 0.65). Per-language overrides in `thresholds` win over the defaults from
  // data/filters/<lang>.yaml
  // (`language_score`, used when use_language_configs), which win over `threshold`.
  double threshold = 0.65;
  std::map<std::string, double> thresholds;
  bool use_language_configs = true;
  // Annotate metadata.lang / metadata.lang_score only; never remove.
  bool label_only = false;
  // When > 0, predict on the first max_chars bytes only (cut at a space when there is one in the
  // last 64 bytes, else at a character boundary). 0 (default): the whole text, as datatrove
  // does. A speed/fidelity trade-off: see docs/filters.md.
  int max_chars = 0;
};

// Builds the stage. Loads the model (once per process for the default path). Errors: the model
// is missing or unreadable (NotFound/Corruption), or a bad option (InvalidArgument).
//
// Process(): sets metadata.lang to the top label and metadata.lang_score to its score, then
//   - keeps everything when label_only;
//   - removes "lang_empty" when the text has no letters or digits at all (nothing to identify);
//   - with `languages`: keeps when any listed language scores > its threshold, else removes
//     "lang_not_allowed" (top label not listed) or "lang_low_score" (top label listed);
//   - without: keeps when the top label scores > its threshold, else removes "lang_low_score".
Result<std::unique_ptr<DocumentStage>> MakeLangIdStage(const LangIdOptions& options);

}  // namespace kilang

#endif  // KILANG_FILTER_LANGID_H_
