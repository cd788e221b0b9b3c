#include "kilang/filter/langid.h"

#include <fasttext/fasttext.h>
#include <fasttext/loss.h>
#include <fasttext/model.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>

#include "kilang/filter/lang_config.h"
#include "kilang/util/text.h"
#include "kilang/util/utf8.h"

namespace kilang {
namespace {

constexpr std::string_view kLabelPrefix = "__label__";
constexpr size_t kMaxCachedTokens = 1 << 18;
constexpr size_t kMaxTokenBytes = 1024;

// fastText's word separators (Dictionary::readWord).
inline bool IsFastTextSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0';
}

// Gives access to the loaded model's parts (protected in fasttext::FastText) without changing
// them. Everything used after loading is const and safe to share between threads.
class Model : public fasttext::FastText {
 public:
  void Init() {
    loss_ = createLoss(output_);
    dim_ = getDimension();
  }
  const fasttext::Dictionary& dict() const { return *dict_; }
  const fasttext::Loss& loss() const { return *loss_; }
  int dim() const { return dim_; }
  // Sum of the input rows of `token` (the word id and its character n-grams, or the n-grams of an
  // out-of-vocabulary word), and how many rows that is. Mirrors Dictionary::getLine/addSubwords.
  void TokenRows(const std::string& token, std::vector<float>* sum, int* count) const {
    sum->assign(dim_, 0.0f);
    *count = 0;
    int32_t wid = dict_->getId(token);
    fasttext::entry_type type = wid < 0 ? dict_->getType(token) : dict_->getType(wid);
    if (type != fasttext::entry_type::word) return;  // a "__label__..." token: ignored
    std::vector<int32_t> ids = dict_->getSubwords(token);
    fasttext::Vector v(dim_);
    for (int32_t id : ids) {
      v.zero();
      const_cast<Model*>(this)->getInputVector(v, id);  // const in effect: reads a row
      for (int d = 0; d < dim_; ++d) (*sum)[d] += v[d];
    }
    *count = static_cast<int>(ids.size());
  }

 private:
  std::shared_ptr<fasttext::Loss> loss_;
  int dim_ = 0;
};

// Transparent hashing so lookups by string_view do not allocate.
struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

}  // namespace

struct LanguageIdentifier::Scratch {
  const void* owner = nullptr;
  struct Entry {
    std::vector<float> sum;
    int count = 0;
  };
  std::unordered_map<std::string, Entry, SvHash, std::equal_to<>> cache;
  std::string token;
};

struct LanguageIdentifier::Impl {
  Model model;
  std::vector<std::string> labels;  // without prefix
};

LanguageIdentifier::LanguageIdentifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LanguageIdentifier::~LanguageIdentifier() = default;

Result<std::unique_ptr<LanguageIdentifier>> LanguageIdentifier::Load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::NotFound("language-ID model not found: " + path +
                            " (run scripts/setup.sh, or set KILANG_MODEL_DIR)");
  }
  auto impl = std::make_unique<Impl>();
  try {
    impl->model.loadModel(path);
    impl->model.Init();
  } catch (const std::exception& e) {
    return Status::Corruption("cannot load fastText model " + path + ": " + e.what());
  }
  const auto& dict = impl->model.dict();
  for (int32_t i = 0; i < dict.nlabels(); ++i) {
    std::string l = dict.getLabel(i);
    if (l.compare(0, kLabelPrefix.size(), kLabelPrefix) == 0) l.erase(0, kLabelPrefix.size());
    impl->labels.push_back(std::move(l));
  }
  if (impl->labels.empty()) return Status::Corruption(path + ": not a supervised fastText model");
  return std::unique_ptr<LanguageIdentifier>(new LanguageIdentifier(std::move(impl)));
}

std::string LanguageIdentifier::DefaultModelPath() {
  namespace fs = std::filesystem;
  const char* env = std::getenv("KILANG_MODEL_DIR");
  if (env && *env) return (fs::path(env) / "lid.176.ftz").string();
  std::vector<fs::path> candidates;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path dir = exe.parent_path();
    candidates.push_back(dir / ".." / "third_party" / "models" / "lid.176.ftz");
    candidates.push_back(dir / "models" / "lid.176.ftz");
  }
#ifdef KILANG_SOURCE_DIR
  candidates.push_back(fs::path(KILANG_SOURCE_DIR) / "third_party" / "models" / "lid.176.ftz");
#endif
  for (const auto& c : candidates) {
    if (fs::is_regular_file(c, ec)) return fs::weakly_canonical(c, ec).string();
  }
  return candidates.empty() ? "lid.176.ftz" : candidates.back().string();
}

Result<const LanguageIdentifier*> LanguageIdentifier::Default() {
  static std::mutex mu;
  static std::unique_ptr<LanguageIdentifier> instance;
  static Status error;
  static bool tried = false;
  std::lock_guard<std::mutex> lock(mu);
  if (!tried) {
    tried = true;
    auto r = Load(DefaultModelPath());
    if (r.ok()) {
      instance = std::move(r).value();
    } else {
      error = r.status();
    }
  }
  if (!instance) return error;
  return static_cast<const LanguageIdentifier*>(instance.get());
}

int LanguageIdentifier::num_labels() const { return static_cast<int>(impl_->labels.size()); }

std::vector<LangScore> LanguageIdentifier::Predict(std::string_view text, int k,
                                                   Scratch* scratch) const {
  thread_local Scratch local;
  if (!scratch) scratch = &local;
  if (scratch->owner != this) {
    scratch->cache.clear();
    scratch->owner = this;
  }
  if (scratch->cache.size() > kMaxCachedTokens) scratch->cache.clear();
  const Model& m = impl_->model;
  const int dim = m.dim();
  fasttext::Model::State state(dim, num_labels(), 0);
  std::vector<double> hidden(dim, 0.0);
  int64_t rows = 0;
  auto add = [&](std::string_view tok) {
    auto it = scratch->cache.find(tok);
    if (it == scratch->cache.end()) {
      Scratch::Entry e;
      scratch->token.assign(tok);
      m.TokenRows(scratch->token, &e.sum, &e.count);
      it = scratch->cache.emplace(scratch->token, std::move(e)).first;
    }
    const auto& e = it->second;
    if (e.count == 0) return;
    for (int d = 0; d < dim; ++d) hidden[d] += e.sum[d];
    rows += e.count;
  };
  // Tokens as fastText reads them; newlines count as spaces (the text is one line).
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    while (i < n && IsFastTextSpace(text[i])) ++i;
    size_t b = i;
    while (i < n && !IsFastTextSpace(text[i])) ++i;
    if (i > b) {
      std::string_view tok = text.substr(b, i - b);
      // Cap absurd tokens (a 10 MB "word" would cost seconds of n-gram hashing): keep the first
      // kMaxTokenBytes bytes, cut at a UTF-8 character boundary.
      if (tok.size() > kMaxTokenBytes) {
        size_t cut = kMaxTokenBytes;
        while (cut > 0 && (static_cast<unsigned char>(tok[cut]) & 0xC0) == 0x80) --cut;
        tok = tok.substr(0, cut);
      }
      add(tok);
    }
  }
  add(fasttext::Dictionary::EOS);  // the line's terminating newline
  for (int d = 0; d < dim; ++d) {
    state.hidden[d] = rows > 0 ? static_cast<float>(hidden[d] / static_cast<double>(rows)) : 0.0f;
  }
  fasttext::Predictions heap;
  int kk = k <= 0 ? num_labels() : std::min(k, num_labels());
  heap.reserve(kk + 1);
  m.loss().predict(kk, 0.0, heap, state);
  std::vector<LangScore> out;
  out.reserve(heap.size());
  for (const auto& [logp, id] : heap) out.push_back({impl_->labels[id], std::exp(logp)});
  return out;
}

std::vector<LangScore> LanguageIdentifier::PredictReference(std::string_view text, int k) const {
  std::string line(text);
  std::replace(line.begin(), line.end(), '\n', ' ');
  line.push_back('\n');
  std::istringstream in(line);
  std::vector<std::pair<fasttext::real, std::string>> preds;
  impl_->model.predictLine(in, preds, k <= 0 ? -1 : k, 0.0);
  std::vector<LangScore> out;
  for (auto& [p, l] : preds) {
    if (l.compare(0, kLabelPrefix.size(), kLabelPrefix) == 0) l.erase(0, kLabelPrefix.size());
    out.push_back({l, p});
  }
  return out;
}

namespace {

bool HasLetterOrDigit(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    unsigned char b = static_cast<unsigned char>(text[pos]);
    if (b < 0x80) {
      if (std::isalnum(b)) return true;
      ++pos;
      continue;
    }
    uint32_t cp = NextCodePoint(text, &pos);
    if (cp != 0xFFFD && (IsLetter(cp) || IsDigit(cp))) return true;
  }
  return false;
}

class LangIdStage : public DocumentStage {
 public:
  LangIdStage(LangIdOptions o, const LanguageIdentifier* model,
              std::unique_ptr<LanguageIdentifier> owned)
      : o_(std::move(o)), model_(model), owned_(std::move(owned)) {
    allowed_.insert(o_.languages.begin(), o_.languages.end());
  }
  std::string_view name() const override { return "langid"; }

  double ThresholdFor(const std::string& lang) const {
    auto it = o_.thresholds.find(lang);
    if (it != o_.thresholds.end()) return it->second;
    if (o_.use_language_configs) {
      const FilterLanguageConfig* c = FindFilterLanguageConfig(lang);
      if (c && c->language_score >= 0) return c->language_score;
    }
    return o_.threshold;
  }

  Verdict Process(Document& doc, StageContext& ctx) const override {
    auto& scratch = ctx.Scratch<std::shared_ptr<LanguageIdentifier::Scratch>>("kilang.langid");
    if (!scratch) scratch = MakeScratch();
    // All labels when a language list must be checked; the top one otherwise.
    std::vector<LangScore> preds =
        model_->Predict(doc.text, allowed_.empty() ? 1 : 0, scratch.get());
    if (preds.empty()) return o_.label_only ? Verdict::Keep() : Verdict::Remove("lang_empty");
    doc.metadata.lang = preds[0].lang;
    doc.metadata.lang_score = preds[0].score;
    if (o_.label_only) return Verdict::Keep();
    if (!HasLetterOrDigit(doc.text)) return Verdict::Remove("lang_empty");
    if (allowed_.empty()) {
      return preds[0].score > ThresholdFor(preds[0].lang) ? Verdict::Keep()
                                                          : Verdict::Remove("lang_low_score");
    }
    for (const auto& p : preds) {
      if (allowed_.count(p.lang) && p.score > ThresholdFor(p.lang)) return Verdict::Keep();
    }
    return Verdict::Remove(allowed_.count(preds[0].lang) ? "lang_low_score" : "lang_not_allowed");
  }

 private:
  static std::shared_ptr<LanguageIdentifier::Scratch> MakeScratch();

  LangIdOptions o_;
  const LanguageIdentifier* model_;
  std::unique_ptr<LanguageIdentifier> owned_;
  std::set<std::string> allowed_;
};

}  // namespace

// Defined here, where Scratch is complete.
std::shared_ptr<LanguageIdentifier::Scratch> LangIdStage::MakeScratch() {
  return std::make_shared<LanguageIdentifier::Scratch>();
}

Result<std::unique_ptr<DocumentStage>> MakeLangIdStage(const LangIdOptions& options) {
  if (options.threshold < 0 || options.threshold > 1) {
    return Status::InvalidArgument("langid: threshold must be in [0, 1]");
  }
  for (const auto& [lang, t] : options.thresholds) {
    if (t < 0 || t > 1) return Status::InvalidArgument("langid: threshold of " + lang + " must be in [0, 1]");
  }
  const LanguageIdentifier* model = nullptr;
  std::unique_ptr<LanguageIdentifier> owned;
  if (options.model.empty()) {
    auto r = LanguageIdentifier::Default();
    if (!r.ok()) return r.status();
    model = r.value();
  } else {
    auto r = LanguageIdentifier::Load(options.model);
    if (!r.ok()) return r.status();
    owned = std::move(r).value();
    model = owned.get();
  }
  return std::unique_ptr<DocumentStage>(new LangIdStage(options, model, std::move(owned)));
}

}  // namespace kilang
