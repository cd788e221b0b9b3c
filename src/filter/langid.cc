#include "kilang/filter/langid.h"

#include <fasttext/fasttext.h>
#include <fasttext/loss.h>
#include <fasttext/model.h>
#define XXH_INLINE_ALL
#include <unistd.h>
#include <xxhash.h>

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
constexpr size_t kMaxCachedTokens = 1 << 17;  // 20 MiB of slots at most
constexpr size_t kMaxTokenBytes = 1024;

// fastText's word separators (Dictionary::readWord).
inline bool IsFastTextSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0';
}

// Gives access to the loaded model's parts (protected in fasttext::FastText / Dictionary)
// without changing them, to precompute a dense copy of what prediction reads.
class Model : public fasttext::FastText {
 public:
  void Init() { loss_ = createLoss(output_); }
  const fasttext::Dictionary& dict() const { return *dict_; }
  const fasttext::Loss& loss() const { return *loss_; }
  const fasttext::Matrix& input() const { return *input_; }
  const fasttext::Args& args() const { return *args_; }

 private:
  std::shared_ptr<fasttext::Loss> loss_;
};

// Reads Dictionary's protected pruning table through a member pointer formed in a derived class.
struct DictionaryAccess : fasttext::Dictionary {
  static const std::unordered_map<int32_t, int32_t>& PruneIndex(const fasttext::Dictionary& d) {
    return d.*(&DictionaryAccess::pruneidx_);
  }
  static int64_t PruneIndexSize(const fasttext::Dictionary& d) {
    return d.*(&DictionaryAccess::pruneidx_size_);
  }
};

// fastText's string hash (Dictionary::hash): 32-bit FNV-1a over bytes read as signed chars.
inline uint32_t FtHashStep(uint32_t h, char c) {
  h ^= static_cast<uint32_t>(static_cast<int8_t>(c));
  return h * 16777619u;
}

// Transparent hashing so lookups by string_view do not allocate.
struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

constexpr int kDim = 16;  // lid.176's dimension; other models are rejected at load

struct Row {
  float v[kDim];
};

// Open-addressing string -> V table keyed by a 64-bit hash, entries in insertion order. No
// division and one probe array, unlike std::unordered_map (which dominated the profile).
template <typename V>
class StringTable {
 public:
  size_t size() const { return entries_.size(); }
  void Clear() {
    entries_.clear();
    slots_.assign(slots_.empty() ? 1024 : slots_.size(), 0);
  }
  const V* Find(std::string_view key, uint64_t h) const {
    if (slots_.empty()) return nullptr;
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      uint64_t s = slots_[i];
      if (s == 0) return nullptr;
      const Entry& e = entries_[(s & 0xffffffffu) - 1];
      if ((s >> 32) == (h >> 32) && e.key == key) return &e.value;
    }
  }
  void Insert(std::string_view key, uint64_t h, const V& v) {
    if ((entries_.size() + 1) * 2 > slots_.size())
      Rehash(std::max<size_t>(1024, slots_.size() * 2));
    entries_.push_back({std::string(key), h, v});
    Place(h, entries_.size());
  }

 private:
  struct Entry {
    std::string key;
    uint64_t hash;
    V value;
  };
  void Place(uint64_t h, size_t index1) {
    size_t mask = slots_.size() - 1;
    size_t i = h & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = (h >> 32) << 32 | index1;
  }
  void Rehash(size_t n) {
    slots_.assign(n, 0);
    for (size_t k = 0; k < entries_.size(); ++k) Place(entries_[k].hash, k + 1);
  }
  std::vector<Entry> entries_;
  std::vector<uint64_t> slots_;
};

inline uint64_t TokenHash(std::string_view s) { return XXH3_64bits(s.data(), s.size()); }

}  // namespace

// Per-worker cache: token -> summed input rows, in one open-addressing array of 80-byte slots so
// a lookup touches one cache line pair. Tokens are identified by their 64-bit XXH3 hash alone
// (a collision among the at most kMaxCachedTokens cached tokens has probability ~1e-9 and would
// only perturb one score).
struct LanguageIdentifier::Scratch {
  const void* owner = nullptr;
  struct Entry {
    Row sum;
    int count = 0;
  };
  struct Slot {
    uint64_t hash = 0;  // 0: empty
    int32_t count = 0;
    Row sum;
  };
  std::vector<Slot> slots;
  size_t used = 0;
  std::string word;  // "<token>" buffer

  void Clear() {
    slots.assign(4096, Slot{});
    used = 0;
  }
  const Slot* Find(uint64_t h) const {
    h |= 1;  // never 0
    size_t mask = slots.size() - 1;
    for (size_t i = (h >> 7) & mask;; i = (i + 1) & mask) {
      if (slots[i].hash == h) return &slots[i];
      if (slots[i].hash == 0) return nullptr;
    }
  }
  void Insert(uint64_t h, const Entry& e) {
    if ((used + 1) * 2 > slots.size()) {
      std::vector<Slot> old = std::move(slots);
      slots.assign(old.size() * 2, Slot{});
      used = 0;
      for (const Slot& s : old) {
        if (s.hash) Put(s);
      }
    }
    Slot s;
    s.hash = h | 1;
    s.count = e.count;
    s.sum = e.sum;
    Put(s);
  }

 private:
  void Put(const Slot& s) {
    size_t mask = slots.size() - 1;
    size_t i = (s.hash >> 7) & mask;
    while (slots[i].hash != 0) i = (i + 1) & mask;
    slots[i] = s;
    ++used;
  }
};

// What prediction needs, precomputed at load: every input row decoded from the product
// quantizer into floats, the pruned-bucket index, and for each vocabulary word the sum of its
// rows (word + character n-grams) and how many rows that is.
struct LanguageIdentifier::Impl {
  Model model;
  std::vector<std::string> labels;  // without prefix
  std::vector<Row> rows;            // input matrix, dense
  // bucket -> compact n-gram index: open addressing, keys + 1 (0 = empty); fits in L2.
  std::vector<uint64_t> prune;  // (bucket + 1) << 32 | index
  uint64_t prune_mask = 0;
  bool pruned = false;       // pruneidx_size_ > 0
  bool no_subwords = false;  // pruneidx_size_ == 0
  int32_t nwords = 0, minn = 0, maxn = 0;
  uint32_t bucket = 1;
  uint64_t bucket_magic = 0;  // for Mod()
  std::string label_prefix;
  struct Word {
    Row sum;
    int count = 0;
  };
  StringTable<Word> vocab;
  Word eos;

  // Adds the rows of the character n-grams of `word` ("<token>") to `sum`; returns how many.
  // x % bucket without a division (Lemire's fastmod; exact for 32-bit operands).
  uint32_t Mod(uint32_t x) const {
    return static_cast<uint32_t>((static_cast<__uint128_t>(bucket_magic * x) * bucket) >> 64);
  }
  size_t PruneSlot(uint32_t id) const {
    return ((static_cast<uint64_t>(id) + 1) * 0x9E3779B97F4A7C15ULL >> 20) & prune_mask;
  }

  // Adds the rows of the character n-grams of `word` ("<token>") to `sum`; returns how many.
  // Works in batches so the table and row reads (cache misses) overlap.
  int AddNgrams(std::string_view word, Row* sum) const {
    if (no_subwords) return 0;
    constexpr int kBatch = 32;
    uint32_t ids[kBatch];
    int pending = 0, count = 0;
    auto flush = [&] {
      int32_t row_ids[kBatch];
      int m = 0;
      for (int k = 0; k < pending; ++k) {
        int32_t id = static_cast<int32_t>(ids[k]);
        if (pruned) {
          uint64_t key = static_cast<uint64_t>(ids[k]) + 1;
          size_t slot = PruneSlot(ids[k]);
          while (prune[slot] != 0 && (prune[slot] >> 32) != key) slot = (slot + 1) & prune_mask;
          if (prune[slot] == 0) continue;
          id = static_cast<int32_t>(prune[slot] & 0xffffffffu);
        }
        row_ids[m++] = nwords + id;
        __builtin_prefetch(&rows[nwords + id]);
      }
      for (int k = 0; k < m; ++k) {
        const Row& r = rows[row_ids[k]];
        for (int d = 0; d < kDim; ++d) sum->v[d] += r.v[d];
      }
      count += m;
      pending = 0;
    };
    const size_t n = word.size();
    for (size_t i = 0; i < n; ++i) {
      if ((static_cast<unsigned char>(word[i]) & 0xC0) == 0x80) continue;
      uint32_t h = 2166136261u;
      size_t j = i;
      for (int len = 1; j < n && len <= maxn; ++len) {
        h = FtHashStep(h, word[j++]);
        while (j < n && (static_cast<unsigned char>(word[j]) & 0xC0) == 0x80) {
          h = FtHashStep(h, word[j++]);
        }
        if (len < minn || (len == 1 && (i == 0 || j == n))) continue;
        uint32_t id = Mod(h);
        if (pruned) __builtin_prefetch(&prune[PruneSlot(id)]);
        ids[pending++] = id;
        if (pending == kBatch) flush();
      }
    }
    flush();
    return count;
  }
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
  Model& m = impl->model;
  const auto& dict = m.dict();
  const auto& args = m.args();
  if (m.getDimension() != kDim || args.wordNgrams > 1 || dict.nlabels() == 0) {
    return Status::Unsupported(path + ": expected a lid.176-style model (dim 16, no word n-grams)");
  }
  for (int32_t i = 0; i < dict.nlabels(); ++i) {
    std::string l = dict.getLabel(i);
    if (l.compare(0, kLabelPrefix.size(), kLabelPrefix) == 0) l.erase(0, kLabelPrefix.size());
    impl->labels.push_back(std::move(l));
  }
  impl->nwords = dict.nwords();
  impl->minn = args.minn;
  impl->maxn = args.maxn;
  if (args.bucket <= 0 && !(DictionaryAccess::PruneIndexSize(dict) == 0 || args.maxn <= 0)) {
    return Status::Corruption(path + ": bad bucket count");
  }
  impl->bucket = static_cast<uint32_t>(std::max(1, args.bucket));
  impl->bucket_magic = UINT64_C(0xFFFFFFFFFFFFFFFF) / impl->bucket + 1;
  impl->label_prefix = args.label;
  int64_t psize = DictionaryAccess::PruneIndexSize(dict);
  impl->pruned = psize > 0;
  impl->no_subwords = psize == 0 || args.maxn <= 0;
  {
    const auto& pi = DictionaryAccess::PruneIndex(dict);
    size_t cap = 16;
    while (cap < pi.size() * 2) cap <<= 1;
    impl->prune.assign(cap, 0);
    impl->prune_mask = cap - 1;
    for (const auto& [bucket, index] : pi) {
      uint64_t key = static_cast<uint64_t>(bucket) + 1;
      size_t slot = (key * 0x9E3779B97F4A7C15ULL >> 20) & impl->prune_mask;
      while (impl->prune[slot] != 0) slot = (slot + 1) & impl->prune_mask;
      impl->prune[slot] = key << 32 | static_cast<uint32_t>(index);
    }
  }
  const int64_t nrows = m.input().size(0);
  impl->rows.resize(nrows);
  fasttext::Vector v(kDim);
  for (int64_t r = 0; r < nrows; ++r) {
    v.zero();
    m.input().addRowToVector(v, static_cast<int32_t>(r));
    for (int d = 0; d < kDim; ++d) impl->rows[r].v[d] = v[d];
  }
  for (int32_t w = 0; w < impl->nwords; ++w) {
    Impl::Word e{};
    for (int32_t id : dict.getSubwords(w)) {
      if (id < 0 || id >= nrows) continue;
      for (int d = 0; d < kDim; ++d) e.sum.v[d] += impl->rows[id].v[d];
      ++e.count;
    }
    std::string word = dict.getWord(w);
    if (word == fasttext::Dictionary::EOS) impl->eos = e;
    impl->vocab.Insert(word, TokenHash(word), e);
  }
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
    candidates.push_back(dir / ".." / ".." / "third_party" / "models" / "lid.176.ftz");
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
  if (scratch->owner != this || scratch->used > kMaxCachedTokens || scratch->slots.empty()) {
    scratch->Clear();
    scratch->owner = this;
  }
  const Impl& im = *impl_;
  Row hidden{};
  int64_t rows = 0;
  auto add = [&](const Row& r, int count) {
    for (int d = 0; d < kDim; ++d) hidden.v[d] += r.v[d];
    rows += count;
  };
  auto add_token = [&](std::string_view tok) {
    const uint64_t h = TokenHash(tok);
    // The worker cache holds every token seen (vocabulary words too): one probe when warm.
    if (const Scratch::Slot* e = scratch->Find(h)) return add(e->sum, e->count);
    Scratch::Entry e{};
    if (const Impl::Word* w = im.vocab.Find(tok, h)) {
      e.sum = w->sum;
      e.count = w->count;
    } else if (tok.size() >= im.label_prefix.size() &&
               tok.compare(0, im.label_prefix.size(), im.label_prefix) == 0) {
      // fastText treats it as a label, not a word: no rows.
    } else {
      scratch->word.assign("<");
      scratch->word.append(tok);
      scratch->word.push_back('>');
      e.count = im.AddNgrams(scratch->word, &e.sum);
    }
    scratch->Insert(h, e);
    add(e.sum, e.count);
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
      add_token(tok);
    }
  }
  add(im.eos.sum, im.eos.count);  // the line's terminating newline
  fasttext::Model::State state(kDim, num_labels(), 0);
  for (int d = 0; d < kDim; ++d) state.hidden[d] = rows > 0 ? hidden.v[d] / rows : 0.0f;
  fasttext::Predictions heap;
  int kk = k <= 0 ? num_labels() : std::min(k, num_labels());
  heap.reserve(kk + 1);
  im.model.loss().predict(kk, 0.0, heap, state);
  std::vector<LangScore> out;
  out.reserve(heap.size());
  for (const auto& [logp, id] : heap) out.push_back({im.labels[id], std::exp(logp)});
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
    std::string_view text = doc.text;
    if (o_.max_chars > 0 && text.size() > static_cast<size_t>(o_.max_chars)) {
      size_t cut = static_cast<size_t>(o_.max_chars);
      size_t space = text.find_last_of(" \n\t", cut);
      if (space != std::string_view::npos && space + 64 >= cut) {
        cut = space;
      } else {
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
      }
      text = text.substr(0, cut);
    }
    std::vector<LangScore> preds = model_->Predict(text, allowed_.empty() ? 1 : 0, scratch.get());
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
  if (options.max_chars < 0) return Status::InvalidArgument("langid: max_chars must be >= 0");
  if (options.threshold < 0 || options.threshold > 1) {
    return Status::InvalidArgument("langid: threshold must be in [0, 1]");
  }
  for (const auto& [lang, t] : options.thresholds) {
    if (t < 0 || t > 1)
      return Status::InvalidArgument("langid: threshold of " + lang + " must be in [0, 1]");
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
