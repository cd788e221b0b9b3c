#include "kilang/dedup/minhash.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

namespace kilang::dedup {
namespace {

std::string RandomText(std::mt19937_64* rng, size_t words) {
  std::string s;
  for (size_t i = 0; i < words; ++i) {
    if (i) s.push_back(' ');
    s.push_back('w');
    s.append(std::to_string((*rng)() % 5000));
  }
  return s;
}

TEST(DedupMinHash, ShinglesAreWordFiveGrams) {
  MinHasher h;
  std::vector<uint64_t> got;
  h.ForEachShingle("a b c d e f", [&](uint64_t x) { got.push_back(x); });
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], ShingleHash("a b c d e"));
  EXPECT_EQ(got[1], ShingleHash("b c d e f"));
  got.clear();
  h.ForEachShingle("short doc", [&](uint64_t x) { got.push_back(x); });
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], ShingleHash("short doc"));
  got.clear();
  h.ForEachShingle("", [&](uint64_t x) { got.push_back(x); });
  EXPECT_TRUE(got.empty());
}

TEST(DedupMinHash, EmptyTextHasNoShingles) {
  MinHasher h;
  std::vector<uint64_t> sig;
  EXPECT_EQ(h.Signature("", &sig), 0u);
  EXPECT_EQ(sig.size(), 112u);
  EXPECT_EQ(sig[0], UINT64_MAX);
}

TEST(DedupMinHash, EstimateTracksExactJaccard) {
  // Over many random pairs the signature estimate must be unbiased and within a few standard
  // deviations (sd = sqrt(J(1-J)/112) ~ 0.047 at J = 0.5).
  MinHasher h;
  std::mt19937_64 rng(3);
  double sum_err = 0, max_err = 0;
  const int kPairs = 200;
  for (int t = 0; t < kPairs; ++t) {
    std::string a = RandomText(&rng, 300);
    // Replace a random fraction of words.
    std::string b;
    double frac = 0.02 + 0.2 * (t % 10) / 10.0;
    size_t i = 0;
    std::string word;
    std::vector<std::string> ws;
    for (char c : a + " ") {
      if (c == ' ') {
        ws.push_back(word);
        word.clear();
      } else {
        word.push_back(c);
      }
    }
    for (auto& w : ws) {
      if (std::uniform_real_distribution<double>(0, 1)(rng) < frac) {
        w = std::to_string(i);
        w.insert(w.begin(), 'x');
      }
      if (!b.empty()) b.push_back(' ');
      b += w;
      ++i;
    }
    std::set<uint64_t> sa, sb;
    h.ForEachShingle(a, [&](uint64_t x) { sa.insert(x); });
    h.ForEachShingle(b, [&](uint64_t x) { sb.insert(x); });
    size_t inter = 0;
    for (auto x : sa) inter += sb.count(x);
    double j = double(inter) / double(sa.size() + sb.size() - inter);
    std::vector<uint64_t> ga, gb;
    h.Signature(a, &ga);
    h.Signature(b, &gb);
    double est = MinHasher::EstimateJaccard(ga.data(), gb.data(), ga.size());
    sum_err += est - j;
    max_err = std::max(max_err, std::abs(est - j));
  }
  EXPECT_LT(std::abs(sum_err / kPairs), 0.015);
  EXPECT_LT(max_err, 0.2);
}

TEST(DedupMinHash, IdenticalTextsShareAllBands) {
  MinHasher h;
  std::vector<uint64_t> s1, s2, k1, k2;
  h.Signature("the quick brown fox jumps over the lazy dog", &s1);
  h.Signature("the quick brown fox jumps over the lazy dog", &s2);
  h.BandKeys(s1, &k1);
  h.BandKeys(s2, &k2);
  EXPECT_EQ(k1, k2);
  EXPECT_EQ(k1.size(), 14u);
}

}  // namespace
}  // namespace kilang::dedup
