// Accuracy of MinHash dedup against a slow reference exact-Jaccard implementation, on a seeded
// corpus of real articles (/work/shared/data/aeb/gold) plus copies with controlled edits.
// Prints precision and recall by similarity band for each verification mode.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <unordered_map>

#include "kilang/dedup/corpus_gen.h"
#include "kilang/dedup/dedup.h"

namespace kilang::dedup {
namespace {

// The slow reference: shingles as strings (5 consecutive words of the normalised text joined by
// a space; a text shorter than 5 words is one shingle), Jaccard from an inverted index.
class ReferenceJaccard {
 public:
  ReferenceJaccard(const std::vector<Document>& docs, size_t n) {
    Normalizer norm;
    sets_.resize(docs.size());
    for (size_t d = 0; d < docs.size(); ++d) {
      std::string t = norm.Normalize(docs[d].text);
      std::vector<std::string> words;
      size_t i = 0;
      while (i < t.size()) {
        size_t e = t.find(' ', i);
        if (e == std::string::npos) e = t.size();
        words.push_back(t.substr(i, e - i));
        i = e + 1;
      }
      if (words.empty()) continue;
      if (words.size() < n) {
        sets_[d].insert(t);
        continue;
      }
      for (size_t k = 0; k + n <= words.size(); ++k) {
        std::string s = words[k];
        for (size_t m = 1; m < n; ++m) s += " " + words[k + m];
        sets_[d].insert(s);
      }
    }
    std::unordered_map<std::string, std::vector<size_t>> index;
    for (size_t d = 0; d < sets_.size(); ++d) {
      for (const auto& s : sets_[d]) index[s].push_back(d);
    }
    std::map<std::pair<size_t, size_t>, size_t> inter;
    for (const auto& [s, ds] : index) {
      for (size_t a = 0; a < ds.size(); ++a) {
        for (size_t b = a + 1; b < ds.size(); ++b) ++inter[{ds[a], ds[b]}];
      }
    }
    for (const auto& [p, k] : inter) {
      double j = double(k) / double(sets_[p.first].size() + sets_[p.second].size() - k);
      pairs_[p] = j;
    }
  }
  // Exact Jaccard of docs a and b (0 when they share no shingle).
  double J(size_t a, size_t b) const {
    if (a > b) std::swap(a, b);
    auto it = pairs_.find({a, b});
    return it == pairs_.end() ? 0.0 : it->second;
  }
  const std::map<std::pair<size_t, size_t>, double>& pairs() const { return pairs_; }

 private:
  std::vector<std::set<std::string>> sets_;
  std::map<std::pair<size_t, size_t>, double> pairs_;
};

struct Quality {
  double edge_precision = 0;  // verified edges with reference J >= threshold
  size_t edges = 0;
  double removal_precision = 0;  // minhash-removed docs with J >= threshold to their kept doc
  size_t removed = 0;
  // Per J band: pairs in one group (found, total), and pairs caught: not both kept (a near
  // duplicate slipping through has both kept).
  std::vector<std::pair<size_t, size_t>> band_hits, band_caught;
};

const std::vector<double> kBands = {0.5, 0.6, 0.7, 0.8, 0.9, 1.01};

Quality Measure(const NearDupCorpus& c, const ReferenceJaccard& ref, VerifyMode mode,
                const std::string& dir) {
  VectorCorpus corpus([&] {
    std::vector<std::vector<Document>> shards;
    for (const auto& s : c.shards) {
      shards.emplace_back();
      for (size_t d : s) shards.back().push_back(c.docs[d]);
    }
    return shards;
  }());
  std::unordered_map<DocKey, size_t> doc_of;
  std::unordered_map<std::string, size_t> index_of_id;
  for (size_t s = 0; s < c.shards.size(); ++s) {
    for (size_t p = 0; p < c.shards[s].size(); ++p) {
      doc_of[MakeDocKey(uint32_t(s), uint32_t(p))] = c.shards[s][p];
    }
  }
  for (size_t d = 0; d < c.docs.size(); ++d) index_of_id[c.docs[d].id] = d;
  DedupOptions o;
  o.verify = mode;
  o.lines.enabled = false;
  o.partitions = 4;
  // Group of each document: exact and MinHash duplicates point at their kept document.
  std::vector<std::string> group_key(c.docs.size());
  std::vector<std::string> removed_ids;
  auto r = DedupCorpus(corpus, dir, o, nullptr, [&](const Document& d, const Verdict& v) {
    size_t i = index_of_id.at(d.id);
    for (const auto& [k, val] : d.metadata.extra) {
      if (k == "duplicate_of") group_key[i] = val;
    }
    if (v.reason == "minhash_duplicate") removed_ids.push_back(d.id);
  });
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  Quality q;
  if (!r.ok()) return q;
  std::vector<bool> kept(c.docs.size(), false);
  for (size_t s = 0; s < r->size(); ++s) {
    for (const auto& d : (*r)[s]) {
      size_t i = index_of_id.at(d.id);
      kept[i] = true;
      for (const auto& [k, val] : d.metadata.extra) {
        if (k == "dedup_cluster_id") group_key[i] = val;
      }
    }
  }
  // duplicate_of and dedup_cluster_id name the kept representative by id, and there are no
  // chains: a document's group is that id, or its own id when it is in no group.
  std::vector<std::string> group(c.docs.size());
  for (size_t d = 0; d < c.docs.size(); ++d) {
    group[d] = group_key[d].empty() ? c.docs[d].id : group_key[d];
    if (!group_key[d].empty()) {
      EXPECT_TRUE(index_of_id.count(group_key[d])) << group_key[d];
    }
  }
  // Edge precision.
  auto edges = ReadVerifiedPairs(dir);
  EXPECT_TRUE(edges.ok());
  size_t good = 0;
  for (const auto& [a, b] : *edges) {
    good += ref.J(doc_of.at(a), doc_of.at(b)) >= o.verify_threshold;
  }
  q.edges = edges->size();
  q.edge_precision = q.edges ? double(good) / double(q.edges) : 1.0;
  // Removal precision: a removed document resembles the representative it names.
  size_t rgood = 0;
  for (const auto& id : removed_ids) {
    size_t d = index_of_id.at(id);
    rgood += ref.J(d, index_of_id.at(group[d])) >= o.verify_threshold;
  }
  q.removed = removed_ids.size();
  q.removal_precision = q.removed ? double(rgood) / double(q.removed) : 1.0;
  // Recall by band.
  q.band_hits.assign(kBands.size() - 1, {0, 0});
  q.band_caught = q.band_hits;
  for (const auto& [p, j] : ref.pairs()) {
    for (size_t b = 0; b + 1 < kBands.size(); ++b) {
      if (j >= kBands[b] && j < kBands[b + 1]) {
        ++q.band_hits[b].second;
        q.band_hits[b].first += group[p.first] == group[p.second];
        ++q.band_caught[b].second;
        q.band_caught[b].first += !(kept[p.first] && kept[p.second]);
      }
    }
  }
  std::filesystem::remove_all(dir);
  return q;
}

// Share of the pairs with lo <= J < hi that are in one group (`caught`: not both kept).
double Recall(const Quality& q, double lo, double hi, bool caught) {
  size_t f = 0, t = 0;
  const auto& hits = caught ? q.band_caught : q.band_hits;
  for (size_t b = 0; b + 1 < kBands.size(); ++b) {
    if (kBands[b] >= lo - 1e-9 && kBands[b + 1] <= hi + 1e-9) {
      f += hits[b].first;
      t += hits[b].second;
    }
  }
  return t ? double(f) / double(t) : 1.0;
}

TEST(DedupQuality, PrecisionAndRecallByJaccardBandOnEditedArticles) {
  auto bodies = LoadArticleBodies(std::string(KILANG_SHARED_DIR) + "/data/aeb/gold");
  ASSERT_TRUE(bodies.ok()) << bodies.status().ToString();
  ASSERT_GE(bodies->size(), 100u);
  NearDupOptions go;
  NearDupCorpus c = MakeNearDupCorpus(*bodies, go);
  ReferenceJaccard ref(c.docs, go.ngram);
  // The generator's achieved similarity must be the reference's.
  for (const auto& cp : c.copies) {
    ASSERT_NEAR(cp.jaccard, ref.J(cp.base_doc, cp.copy_doc), 1e-9) << c.docs[cp.copy_doc].id;
  }
  std::printf("corpus: %zu docs (%zu bases, %zu edited copies), %zu pairs with J > 0\n",
              c.docs.size(), bodies->size(), c.copies.size(), ref.pairs().size());
  std::printf("%-10s %8s %8s %8s %8s | %s\n", "verify", "edges", "edgeP", "removed", "removeP",
              "recall by J band [0.5,0.6) [0.6,0.7) [0.7,0.8) [0.8,0.9) [0.9,1]");
  const std::string base_dir =
      (std::filesystem::temp_directory_path() / ("kilang_dq_" + std::to_string(::getpid())))
          .string();
  for (VerifyMode m : {VerifyMode::kExact, VerifyMode::kSignature, VerifyMode::kNone}) {
    Quality q = Measure(c, ref, m, base_dir + std::to_string(static_cast<int>(m)));
    const char* name = m == VerifyMode::kExact       ? "exact"
                       : m == VerifyMode::kSignature ? "signature"
                                                     : "none";
    std::printf("%-10s %8zu %8.4f %8zu %8.4f |", name, q.edges, q.edge_precision, q.removed,
                q.removal_precision);
    for (const auto& [f, t] : q.band_hits) std::printf(" %4zu/%-4zu", f, t);
    std::printf("  same group: R[0.8,0.9)=%.4f R(J>=0.9)=%.4f\n", Recall(q, 0.8, 0.9, false),
                Recall(q, 0.9, 1.01, false));
    std::printf("%-10s %8s %8s %8s %8s | caught:    ", "", "", "", "", "");
    for (const auto& [f, t] : q.band_caught) std::printf(" %4zu/%-4zu", f, t);
    std::printf("  caught:     R[0.8,0.9)=%.4f R(J>=0.9)=%.4f\n", Recall(q, 0.8, 0.9, true),
                Recall(q, 0.9, 1.01, true));
    if (m == VerifyMode::kExact) {
      // Every removed document resembles the one it names (no chains), and near duplicates
      // are caught: at most one of a similar pair is kept.
      EXPECT_GE(q.edge_precision, 0.99);
      EXPECT_EQ(q.removal_precision, 1.0);
      EXPECT_GE(Recall(q, 0.8, 0.9, true), 0.90);
      EXPECT_GE(Recall(q, 0.9, 1.01, true), 0.99);
    }
  }
}

}  // namespace
}  // namespace kilang::dedup
