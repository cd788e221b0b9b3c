#include "kilang/dedup/corpus_gen.h"

#include <xxhash.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <unordered_set>

#include "kilang/dedup/minhash.h"
#include "kilang/io/file.h"
#include "kilang/util/utf8.h"

namespace kilang::dedup {

const char* EditKindName(EditKind k) {
  switch (k) {
    case EditKind::kSubstitute:
      return "substitute";
    case EditKind::kInsert:
      return "insert";
    case EditKind::kDelete:
      return "delete";
    case EditKind::kBoilerplate:
      return "boilerplate";
    case EditKind::kReorder:
      return "reorder";
    case EditKind::kMixed:
      return "mixed";
  }
  return "?";
}

namespace {

using Paragraphs = std::vector<std::vector<std::string>>;

Paragraphs Split(const std::string& text) {
  Paragraphs out(1);
  std::string w;
  for (char c : text + "\n") {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!w.empty()) out.back().push_back(std::move(w));
      w.clear();
      if (c == '\n' && !out.back().empty()) out.emplace_back();
    } else {
      w.push_back(c);
    }
  }
  if (out.back().empty() && out.size() > 1) out.pop_back();
  return out;
}

std::string Join(const Paragraphs& p) {
  std::string s;
  for (const auto& para : p) {
    if (para.empty()) continue;
    if (!s.empty()) s.push_back('\n');
    for (size_t i = 0; i < para.size(); ++i) {
      if (i) s.push_back(' ');
      s += para[i];
    }
  }
  return s;
}

size_t CountWords(const Paragraphs& p) {
  size_t n = 0;
  for (const auto& x : p) n += x.size();
  return n;
}

class ShingleSets {
 public:
  ShingleSets(const NormalizeOptions& n, size_t ngram) : norm_(n) {
    MinHashOptions o;
    o.ngram = ngram;
    hasher_ = MinHasher(o);
  }
  std::vector<uint64_t> Of(const std::string& text) {
    norm_.Normalize(text, &buf_);
    std::vector<uint64_t> v;
    hasher_.ForEachShingle(buf_, [&](uint64_t h) { v.push_back(h); });
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }
  static double Jaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
    size_t i = 0, j = 0, inter = 0;
    while (i < a.size() && j < b.size()) {
      if (a[i] < b[j]) {
        ++i;
      } else if (a[i] > b[j]) {
        ++j;
      } else {
        ++inter;
        ++i;
        ++j;
      }
    }
    size_t u = a.size() + b.size() - inter;
    return u == 0 ? 1.0 : static_cast<double>(inter) / static_cast<double>(u);
  }

 private:
  Normalizer norm_;
  MinHasher hasher_;
  std::string buf_;
};

// A random (paragraph, word) position; `end` allows one past the last word.
std::pair<size_t, size_t> RandomPos(const Paragraphs& p, std::mt19937_64* rng, bool end) {
  size_t total = CountWords(p) + (end ? 1 : 0);
  size_t k = total ? (*rng)() % total : 0;
  for (size_t i = 0; i < p.size(); ++i) {
    size_t n = p[i].size() + (end && i + 1 == p.size() ? 1 : 0);
    if (k < n) return {i, k};
    k -= n;
  }
  return {0, 0};
}

}  // namespace

NearDupCorpus MakeNearDupCorpus(const std::vector<std::string>& bases, const NearDupOptions& o) {
  NearDupCorpus c;
  std::mt19937_64 rng(o.seed);
  ShingleSets sets(o.normalize, o.ngram);
  // Vocabulary for substitutions and insertions: every word of every base, in order of first
  // appearance (deterministic).
  std::vector<std::string> vocab;
  {
    std::unordered_set<std::string> seen;
    for (const auto& b : bases) {
      for (const auto& para : Split(b)) {
        for (const auto& w : para) {
          if (seen.insert(w).second) vocab.push_back(w);
        }
      }
    }
    if (vocab.empty()) vocab.push_back("kata");
  }
  auto random_word = [&]() { return vocab[rng() % vocab.size()]; };
  for (size_t i = 0; i < bases.size(); ++i) {
    Document d;
    d.id = "base-" + std::to_string(i);
    d.text = bases[i];
    c.docs.push_back(std::move(d));
  }
  const EditKind kinds[] = {EditKind::kSubstitute,  EditKind::kInsert,  EditKind::kDelete,
                            EditKind::kBoilerplate, EditKind::kReorder, EditKind::kMixed};
  for (size_t i = 0; i < bases.size(); ++i) {
    Paragraphs base = Split(bases[i]);
    if (CountWords(base) < o.min_base_words) continue;
    std::vector<uint64_t> base_set = sets.Of(bases[i]);
    for (size_t j = 0; j < o.copies_per_base; ++j) {
      EditKind kind = kinds[rng() % 6];
      double target = o.targets[rng() % o.targets.size()];
      Paragraphs p = base;
      if (kind == EditKind::kReorder && p.size() > 1) {
        // Swap paragraphs (then substitute words if still above the target).
        std::shuffle(p.begin(), p.end(), rng);
      }
      double jac = ShingleSets::Jaccard(base_set, sets.Of(Join(p)));
      size_t guard = 0;
      while (target < 1.0 && jac > target && guard++ < 5000 && CountWords(p) > 2) {
        // Several edits between measurements while far from the target (each edit changes up
        // to `ngram` shingles); one at a time near it.
        size_t batch = std::max<size_t>(
            1, static_cast<size_t>((jac - target) * static_cast<double>(CountWords(p)) /
                                   (4.0 * static_cast<double>(o.ngram))));
        for (size_t e = 0; e < batch && CountWords(p) > 2; ++e) {
          EditKind op = kind;
          if (kind == EditKind::kMixed || kind == EditKind::kReorder) {
            op = kinds[rng() % 4];
          }
          switch (op) {
            case EditKind::kSubstitute: {
              auto [a, b] = RandomPos(p, &rng, false);
              if (!p[a].empty()) p[a][b] = random_word();
              break;
            }
            case EditKind::kInsert: {
              auto [a, b] = RandomPos(p, &rng, true);
              p[a].insert(p[a].begin() + static_cast<long>(std::min(b, p[a].size())),
                          random_word());
              break;
            }
            case EditKind::kDelete: {
              auto [a, b] = RandomPos(p, &rng, false);
              if (!p[a].empty()) p[a].erase(p[a].begin() + static_cast<long>(b));
              break;
            }
            default: {  // boilerplate: a line of 6-12 words at the start or the end
              std::vector<std::string> line;
              size_t n = 6 + rng() % 7;
              for (size_t k = 0; k < n; ++k) line.push_back(random_word());
              if (rng() % 2) {
                p.insert(p.begin(), line);
              } else {
                p.push_back(line);
              }
              break;
            }
          }
        }
        jac = ShingleSets::Jaccard(base_set, sets.Of(Join(p)));
      }
      Document d;
      d.id = "copy-" + std::to_string(i) + "-" + std::to_string(j);
      d.text = Join(p);
      c.copies.push_back({i, c.docs.size(), kind, target, jac});
      c.docs.push_back(std::move(d));
    }
  }
  // Seeded shuffle into shards.
  std::vector<size_t> order(c.docs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  c.shards.assign(std::max<size_t>(1, o.shards), {});
  for (size_t i = 0; i < order.size(); ++i) c.shards[i % c.shards.size()].push_back(order[i]);
  return c;
}

namespace {

// Minimal JSON string reader for the value of "articleBody" (the gold files are flat objects).
bool ExtractJsonString(const std::string& json, const std::string& key, std::string* out) {
  size_t k = json.find("\"" + key + "\"");
  if (k == std::string::npos) return false;
  size_t q = json.find('"', json.find(':', k) + 1);
  if (q == std::string::npos) return false;
  out->clear();
  for (size_t i = q + 1; i < json.size(); ++i) {
    char c = json[i];
    if (c == '"') return true;
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (++i >= json.size()) return false;
    switch (json[i]) {
      case 'n':
        out->push_back('\n');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'u': {
        if (i + 4 >= json.size()) return false;
        uint32_t cp = static_cast<uint32_t>(std::stoul(json.substr(i + 1, 4), nullptr, 16));
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < json.size() && json[i + 1] == '\\' &&
            json[i + 2] == 'u') {
          uint32_t lo = static_cast<uint32_t>(std::stoul(json.substr(i + 3, 4), nullptr, 16));
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          i += 6;
        }
        AppendUtf8(cp, out);
        break;
      }
      default:
        out->push_back(json[i]);
        break;
    }
  }
  return false;
}

}  // namespace

Result<std::vector<std::string>> LoadArticleBodies(const std::string& dir) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".json") paths.push_back(e.path().string());
  }
  if (ec) return Status::NotFound(dir + ": " + ec.message());
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::string json, body;
    KILANG_RETURN_IF_ERROR(ReadFile(p, 0, &json));
    if (ExtractJsonString(json, "articleBody", &body)) out.push_back(body);
  }
  return out;
}

// ---- synthetic ----

namespace {
// SplitMix64: a tiny, fast PRNG (seeding std::mt19937_64 per document costs more than the
// document).
struct FastRng {
  uint64_t s;
  uint64_t operator()() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
};
}  // namespace

SyntheticCorpus::SyntheticCorpus(const SyntheticOptions& o) : o_(o) {
  // A Zipf-ish vocabulary of pseudo-words: 20k words, short ones frequent.
  std::mt19937_64 rng(o.seed);
  const char* syl[] = {"ka", "ma", "ta", "ra", "pe", "ng", "an", "be", "ri", "si", "lu", "do",
                       "ja", "wa", "ke", "mu", "ha", "ti", "ya", "no", "se", "gu", "la", "bi"};
  for (size_t i = 0; i < 20000; ++i) {
    size_t n = 1 + (i < 200 ? 0 : i < 4000 ? 1 : 2) + rng() % 2;
    std::string w;
    for (size_t k = 0; k < n; ++k) w += syl[rng() % 24];
    vocab_.push_back(w);
  }
}

void SyntheticCorpus::Original(uint64_t key, std::string* text) const {
  FastRng rng{XXH3_64bits_withSeed(&key, sizeof(key), o_.seed)};
  size_t n = o_.words_min + rng() % (o_.words_max - o_.words_min + 1);
  text->clear();
  text->reserve(n * 8);
  for (size_t i = 0; i < n; ++i) {
    // Skewed word choice: min of two uniforms favours low ranks.
    size_t r = std::min(rng() % vocab_.size(), rng() % vocab_.size());
    if (i) text->push_back(i % 40 == 0 ? '\n' : ' ');
    *text += vocab_[r];
  }
}

void SyntheticCorpus::MakeDoc(size_t i, Document* doc) const {
  doc->id = "syn-" + std::to_string(i);
  doc->metadata = Metadata();
  uint64_t h = XXH3_64bits_withSeed(&i, sizeof(i), o_.seed ^ 0x5eed);
  double u = static_cast<double>(h >> 11) / 9007199254740992.0;
  if (i > 0 && u < o_.exact_dup_rate + o_.near_dup_rate) {
    size_t src = (h >> 7) % i;
    Original(src, &doc->text);
    if (u >= o_.exact_dup_rate) {
      // ~3% of words substituted.
      FastRng rng{h};
      std::string out;
      size_t start = 0;
      while (start <= doc->text.size()) {
        size_t e = doc->text.find_first_of(" \n", start);
        if (e == std::string::npos) e = doc->text.size();
        if (rng() % 100 < 3) {
          out += vocab_[rng() % vocab_.size()];
        } else {
          out.append(doc->text, start, e - start);
        }
        if (e < doc->text.size()) out.push_back(doc->text[e]);
        start = e + 1;
      }
      doc->text = std::move(out);
    }
    return;
  }
  Original(i, &doc->text);
}

}  // namespace kilang::dedup
