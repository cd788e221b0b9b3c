#include "kilang/filter/langid.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace kilang {
namespace {

const LanguageIdentifier* Model() {
  auto r = LanguageIdentifier::Default();
  return r.ok() ? r.value() : nullptr;
}

#define REQUIRE_MODEL()                      \
  const LanguageIdentifier* model = Model(); \
  if (!model) GTEST_SKIP() << "lid.176.ftz not found; run scripts/setup.sh";

const char* kIndonesian =
    "Rusia juga belum mengonfirmasi klaim pengerahan pasukan Korea Utara tetapi membela kerja "
    "sama militer Moskow dengan Pyongyang.\nSetelah Seoul memanggil duta besar Moskow di Korea "
    "Selatan untuk mengajukan keluhan, diplomat tersebut menekankan bahwa kerja sama itu tidak "
    "ditujukan untuk melawan kepentingan keamanan Korea Selatan.";
const char* kEnglish =
    "The library will be closed on Monday for the public holiday. Books that are due on that day "
    "can be returned on Tuesday without a fine.";

// The fast prediction's top-k labels and scores equal fastText's predictLine (within 1e-4).
void ExpectMatchesReference(const LanguageIdentifier* model, const std::string& text, int k = 3) {
  auto fast = model->Predict(text, k);
  auto ref = model->PredictReference(text, k);
  ASSERT_EQ(fast.size(), ref.size()) << text;
  for (size_t i = 0; i < fast.size(); ++i) {
    EXPECT_EQ(fast[i].lang, ref[i].lang) << text;
    EXPECT_NEAR(fast[i].score, ref[i].score, 1e-4) << text;
  }
}

TEST(LanguageIdentifier, IdentifiesIndonesianAndEnglish) {
  REQUIRE_MODEL();
  EXPECT_EQ(model->num_labels(), 176);
  auto id = model->Predict(kIndonesian);
  ASSERT_EQ(id.size(), 1u);
  EXPECT_EQ(id[0].lang, "id");
  EXPECT_GT(id[0].score, 0.65);
  auto en = model->Predict(kEnglish);
  EXPECT_EQ(en[0].lang, "en");
  EXPECT_GT(en[0].score, 0.9);
}

TEST(LanguageIdentifier, MatchesFastTextPredictLine) {
  REQUIRE_MODEL();
  for (const char* text :
       {kIndonesian, kEnglish, "", "   ", "Das ist ein kleiner Test auf Deutsch.",
        "東京は日本の首都です。", "Ceci est une phrase en français, avec des accents: été, déjà.",
        "1234 5678 !!!", "__label__en mixed token",
        "Kami\tsedang\r\nmakan nasi goreng di warung"}) {
    ExpectMatchesReference(model, text, 5);
  }
}

// Top-3 scores equal fastText's within 1e-4; labels may only swap where scores tie (1e-6).
void ExpectSameTop3(const LanguageIdentifier* model, const std::string& text,
                    const std::string& where) {
  auto fast = model->Predict(text, 3);
  auto ref = model->PredictReference(text, 3);
  ASSERT_EQ(fast.size(), ref.size()) << where;
  for (size_t i = 0; i < fast.size(); ++i) {
    EXPECT_NEAR(fast[i].score, ref[i].score, 1e-4) << where;
    if (std::fabs(fast[i].score - ref[i].score) > 1e-6) {
      EXPECT_EQ(fast[i].lang, ref[i].lang) << where;
    }
  }
}

// Calls fn(path, contents) for every file of KILANG_SHARED_DIR/data/<dir> ending with `ext`;
// returns how many.
int ForEachSharedFile(const std::string& dir, const std::string& ext,
                      const std::function<void(const std::string&, const std::string&)>& fn) {
  namespace fs = std::filesystem;
  int n = 0;
  std::error_code ec;
  for (const auto& e :
       fs::directory_iterator(std::string(KILANG_SHARED_DIR) + "/data/" + dir, ec)) {
    if (e.path().extension() != ext) continue;
    std::ifstream f(e.path());
    std::stringstream ss;
    ss << f.rdbuf();
    fn(e.path().string(), ss.str());
    ++n;
  }
  return n;
}

// Every gold article body of the extraction benchmark: same top-3 labels and scores as fastText.
TEST(LanguageIdentifier, MatchesFastTextOnGoldCorpusSlow) {
  REQUIRE_MODEL();
  int n = 0;
  ForEachSharedFile("aeb/gold", ".json", [&](const std::string& path, const std::string& json) {
    YAML::Node doc;
    try {
      doc = YAML::Load(json);
    } catch (const std::exception&) {
      return;
    }
    if (!doc["articleBody"]) return;
    ExpectSameTop3(model, doc["articleBody"].Scalar(), path);
    ++n;
  });
  EXPECT_GT(n, 100);
}

// The page-text dumps (navigation, boilerplate, many languages): same top-3 labels and scores.
TEST(LanguageIdentifier, MatchesFastTextOnPageTextsSlow) {
  REQUIRE_MODEL();
  int n = ForEachSharedFile(
      "aeb/pagetext", ".txt",
      [&](const std::string& path, const std::string& text) { ExpectSameTop3(model, text, path); });
  EXPECT_GT(n, 100);
}

// Tokens of every length around the hash's word sizes (8, 16) and the 16-byte scan blocks, at
// every offset and at the very end of the text (where fewer than 16 bytes remain), all of
// fastText's separators, multi-byte characters and over-long tokens.
TEST(LanguageIdentifier, TokenBoundariesMatchFastText) {
  REQUIRE_MODEL();
  const std::string word = "pemerintahankabupatenbandungbarat";
  for (size_t len = 1; len <= 20; ++len) {
    for (size_t pad = 0; pad < 17; pad += 4) {
      std::string tok = word.substr(0, len);
      ExpectMatchesReference(model, std::string(pad, ' ') + tok);
      ExpectMatchesReference(model, std::string(pad, ' ') + tok + " dan " + tok + "\n");
    }
  }
  ExpectMatchesReference(model, std::string("satu\vdua\ftiga\rempat\tlima") + '\0' + "enam");
  ExpectMatchesReference(model, "日本語のテキスト、 中文文本 Ελληνικά κείμενα кириллица текст");
  ExpectMatchesReference(model, "ab" + std::string(1000, 'x') + " cd " + std::string(900, 'y'));
  std::string accents;
  while (accents.size() < 1000) accents += "é";
  ExpectMatchesReference(model, "kata " + accents + " lagi");
  // Longer tokens are cut to their first 1024 bytes (at a character boundary); fastText reads
  // them whole.
  const std::string x1024(1024, 'x');
  EXPECT_EQ(model->Predict("ab " + x1024 + std::string(5000, 'x') + " cd")[0].score,
            model->Predict("ab " + x1024 + " cd")[0].score);
  std::string accents_long = accents + accents;  // 2000 bytes: cut at 1024 = 512 characters
  EXPECT_EQ(model->Predict("kata " + accents_long + " lagi")[0].score,
            model->Predict("kata " + accents_long.substr(0, 1024) + " lagi")[0].score);
  // Leading spaces shift every token against the scan blocks without changing the result.
  const std::string text = kIndonesian;
  const double base = model->Predict(text)[0].score;
  for (int pad = 1; pad < 17; ++pad) {
    EXPECT_EQ(model->Predict(std::string(pad, ' ') + text)[0].score, base) << pad;
  }
}

// The tokenizer reads 64-byte blocks: every cut of a text (so the last token ends exactly at
// every position, including block ends, and the under-16-bytes tail path), shifted against the
// blocks, tokens longer than a block, and space runs longer than a block.
TEST(LanguageIdentifier, ScanBlockBoundariesMatchFastText) {
  REQUIRE_MODEL();
  const std::string text = kIndonesian;
  for (size_t pad : {0, 1, 7, 31, 63}) {
    for (size_t len = 1; len <= 200; ++len) {
      ExpectMatchesReference(model, std::string(pad, ' ') + text.substr(0, len), 3);
    }
  }
  const std::string word = "pemerintahankabupatenbandungbaratpemerintahankabupatenbandungbarat";
  for (size_t len : {60, 63, 64, 65, 66}) {
    for (size_t pad = 0; pad < 4; ++pad) {
      std::string tok = (word + word).substr(0, len);
      ExpectMatchesReference(model, std::string(pad, ' ') + tok + " dan " + tok + tok);
    }
  }
  ExpectMatchesReference(model, "satu" + std::string(70, ' ') + "dua" + std::string(130, '\t') +
                                    "tiga" + std::string(64, '\n'));
  ExpectMatchesReference(model, std::string(64, ' ') + "empat" + std::string(63, ' ') + "lima");
}

// Unseen tokens take the character n-gram path: one-byte, two-byte and four-byte characters,
// tokens mixing them with ASCII, one- and two-character tokens (the word markers "<" and ">"
// around them), computed in a fresh worker.
TEST(LanguageIdentifier, NgramPathsMatchFastText) {
  REQUIRE_MODEL();
  std::thread([&] {
    for (const char* text :
         {"a b c ab é ü 中 x yz", "naïve café Zürich straße façade", "😀 emoji😀text 😀😀",
          "qwzx qwzxé éqwzx ééé Ελληνικά-ascii", "1 22 333 4444 55555 666666"}) {
      ExpectMatchesReference(model, text, 5);
    }
    // Alone, each token decides the scores.
    for (const char* tok : {"a", "ab", "abc", "abcd", "abcde", "é", "éa", "aé", "中", "中文", "😀",
                            "x😀", "Zürich", "straße", "ünï", "kabupatenbandungbarat"}) {
      ExpectMatchesReference(model, tok, 5);
    }
  }).join();
}

// Tokens are looked up 16 at a time and the next batch is hashed before the current one is
// probed: a new token repeated within a batch and across batch boundaries is computed once,
// and a fresh worker (new thread, empty cache) and a warm one give bit-identical scores.
TEST(LanguageIdentifier, FreshAndWarmCachesGiveIdenticalScores) {
  REQUIRE_MODEL();
  std::vector<std::string> texts;
  for (int n : {15, 16, 17, 31, 32, 33, 47}) {
    std::string t;
    for (int i = 0; i < n; ++i)
      t += (i % 3 == 0 ? "zqxvnew" : "kata" + std::to_string(i % 5)) + " ";
    texts.push_back(t);
  }
  texts.push_back(kIndonesian);
  texts.push_back(std::string(kIndonesian) + " " + kEnglish + " " + kIndonesian);
  for (const auto& t : texts) {
    double fresh = 0;
    std::thread([&] { fresh = model->Predict(t, 1)[0].score; }).join();
    double again = 0;
    std::thread([&] {
      model->Predict(t, 1);  // now cached
      again = model->Predict(t, 1)[0].score;
    }).join();
    EXPECT_EQ(fresh, again) << t;
    ExpectMatchesReference(model, t);
  }
}

// More distinct tokens than the per-worker cache holds (so it evicts, repeatedly): scores stay
// exactly those of a fresh cache and match fastText.
TEST(LanguageIdentifier, CacheEvictionKeepsResultsIdentical) {
  REQUIRE_MODEL();
  const std::vector<std::string> probes = {kIndonesian, kEnglish,
                                           "Das ist ein kleiner Test auf Deutsch."};
  std::vector<double> before;
  for (const auto& p : probes) before.push_back(model->Predict(p, 1)[0].score);
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> letter('a', 'z'), length(3, 12);
  for (int doc = 0; doc < 500; ++doc) {
    std::string text;
    for (int t = 0; t < 600; ++t) {  // 300k tokens, nearly all distinct
      int n = length(rng);
      for (int c = 0; c < n; ++c) text.push_back(static_cast<char>(letter(rng)));
      text.push_back(' ');
    }
    text += probes[doc % probes.size()];  // known tokens stay hot
    auto fast = model->Predict(text, 1);
    if (doc % 50 == 0) ExpectMatchesReference(model, text);
    for (size_t i = 0; i < probes.size(); ++i) {
      if (doc % 100 == 99) {
        EXPECT_EQ(model->Predict(probes[i], 1)[0].score, before[i]);
      }
    }
  }
}

TEST(LanguageIdentifier, AllLabelsWhenKIsZero) {
  REQUIRE_MODEL();
  auto all = model->Predict(kEnglish, 0);
  // Like fastText's predict(k=-1, threshold=0): labels under ~1e-5 are pruned by the tree search.
  EXPECT_GT(all.size(), 10u);
  EXPECT_LE(all.size(), 176u);
  double sum = 0;
  for (const auto& p : all) sum += p.score;
  EXPECT_NEAR(sum, 1.0, 1e-2);
  EXPECT_EQ(all.size(), model->PredictReference(kEnglish, 0).size());
}

TEST(LanguageIdentifier, MissingModelIsNotFound) {
  auto r = LanguageIdentifier::Load("/nonexistent/lid.176.ftz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

Document Doc(std::string text) {
  Document d;
  d.text = std::move(text);
  return d;
}

TEST(LangIdStage, AnnotatesAndKeepsAllowedLanguage) {
  REQUIRE_MODEL();
  LangIdOptions o;
  o.languages = {"id"};
  auto stage = MakeLangIdStage(o);
  ASSERT_TRUE(stage.ok()) << stage.status().ToString();
  StageContext ctx;
  Document d = Doc(kIndonesian);
  EXPECT_TRUE((*stage)->Process(d, ctx).keep);
  EXPECT_EQ(d.metadata.lang, "id");
  EXPECT_GT(d.metadata.lang_score, 0.685);
  Document e = Doc(kEnglish);
  Verdict v = (*stage)->Process(e, ctx);
  EXPECT_FALSE(v.keep);
  EXPECT_EQ(v.reason, "lang_not_allowed");
  EXPECT_EQ(e.metadata.lang, "en");
}

TEST(LangIdStage, ThresholdIsStrictAndOverridable) {
  REQUIRE_MODEL();
  double score = model->Predict(kEnglish)[0].score;
  LangIdOptions o;
  o.use_language_configs = false;
  o.threshold = score - 1e-6;  // just under the score: kept
  StageContext ctx;
  Document d = Doc(kEnglish);
  EXPECT_TRUE((*MakeLangIdStage(o))->Process(d, ctx).keep);
  o.threshold = std::min(1.0, score + 1e-6);  // just over: removed
  Document e = Doc(kEnglish);
  Verdict v = (*MakeLangIdStage(o))->Process(e, ctx);
  EXPECT_FALSE(v.keep);
  EXPECT_EQ(v.reason, "lang_low_score");
  o.thresholds["en"] = 0.1;  // per-language override wins
  Document f = Doc(kEnglish);
  EXPECT_TRUE((*MakeLangIdStage(o))->Process(f, ctx).keep);
}

TEST(LangIdStage, LabelOnlyNeverRemoves) {
  REQUIRE_MODEL();
  LangIdOptions o;
  o.label_only = true;
  o.languages = {"fr"};
  StageContext ctx;
  Document d = Doc(kEnglish);
  EXPECT_TRUE((*MakeLangIdStage(o))->Process(d, ctx).keep);
  EXPECT_EQ(d.metadata.lang, "en");
}

TEST(LangIdStage, BadInputHasDefinedVerdicts) {
  REQUIRE_MODEL();
  auto stage = MakeLangIdStage(LangIdOptions{});
  ASSERT_TRUE(stage.ok());
  StageContext ctx;
  for (std::string text : {std::string(), std::string("   \n\t "), std::string("!!! ... ???"),
                           std::string("\xff\xfe\xc3 bad \x80"), std::string(10 << 20, 'a')}) {
    Document d = Doc(text);
    Verdict v = (*stage)->Process(d, ctx);
    if (!v.keep) {
      EXPECT_FALSE(v.reason.empty());
    }
    EXPECT_FALSE(d.metadata.lang.empty());
  }
  Document empty = Doc("");
  EXPECT_EQ((*stage)->Process(empty, ctx).reason, "lang_empty");
}

}  // namespace
}  // namespace kilang
