#include "kilang/filter/lang_config.h"

#include <gtest/gtest.h>

namespace kilang {
namespace {

TEST(FilterLanguageConfig, EmbeddedConfigsParse) {
  auto r = FilterLanguageConfigs();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (const char* lang : {"en", "id", "ms", "de", "fr", "es", "pt", "zh", "ja"}) {
    const FilterLanguageConfig* c = FindFilterLanguageConfig(lang);
    ASSERT_NE(c, nullptr) << lang;
    EXPECT_FALSE(c->stopwords.empty()) << lang;
    EXPECT_GT(c->language_score, 0) << lang;
  }
}

TEST(FilterLanguageConfig, IndonesianValuesFromTheIssue) {
  const FilterLanguageConfig* c = FindFilterLanguageConfig("id");
  ASSERT_NE(c, nullptr);
  EXPECT_DOUBLE_EQ(c->language_score, 0.685);
  EXPECT_EQ(c->stopwords.size(), 10u);
  EXPECT_DOUBLE_EQ(c->gopher_repetition["dup_line_frac"].as<double>(), 0.241);
  EXPECT_DOUBLE_EQ(c->fineweb_quality["line_punct_thr"].as<double>(), 0.111);
  EXPECT_DOUBLE_EQ(c->fineweb_quality["new_line_ratio"].as<double>(), 0.157);
}

}  // namespace
}  // namespace kilang
