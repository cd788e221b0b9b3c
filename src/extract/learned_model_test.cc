#include "learned_model.h"

#include <gtest/gtest.h>

#include <array>
#include <string_view>

#include "kilang/core/document.h"
#include "kilang/extract/pagetext.h"

namespace kilang {
namespace {

constexpr std::array<std::string_view, 2> kTwo = {"a", "b"};

TEST(LearnedModel, LinearModelIsBiasPlusWeightedSum) {
  auto m = LearnedModel::Parse("t",
                               "version: 1\nkind: linear\nthreshold: 0.5\nfeatures: [a, b]\n"
                               "bias: -1\nweights: [2, 0.5]\n",
                               kTwo);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const float x[2] = {1, 2};
  EXPECT_FLOAT_EQ(m->Score(x), -1 + 2 + 1);
  EXPECT_TRUE(m->Decide(x));
  const float y[2] = {0, 0};
  EXPECT_FALSE(m->Decide(y));
}

TEST(LearnedModel, TreesSendValuesAtTheThresholdLeft) {
  // One stump on feature b: b <= 1 -> -2, else +3; base 0.25.
  auto m = LearnedModel::Parse("t",
                               "kind: trees\nthreshold: 0\nfeatures: [a, b]\nbase: 0.25\ntrees:\n"
                               "  - feature: [1, -1, -1]\n    threshold: [1, 0, 0]\n"
                               "    left: [1, 0, 0]\n    right: [2, 0, 0]\n"
                               "    value: [0, -2, 3]\n",
                               kTwo);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const float at[2] = {9, 1}, above[2] = {9, 1.5f};
  EXPECT_FLOAT_EQ(m->Score(at), 0.25f - 2);
  EXPECT_FLOAT_EQ(m->Score(above), 0.25f + 3);
}

TEST(LearnedModel, FeatureNamesMustMatchTheCode) {
  auto m =
      LearnedModel::Parse("t", "kind: linear\nfeatures: [a, c]\nbias: 0\nweights: [1, 1]\n", kTwo);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("'c'"), std::string::npos) << m.status().message();
}

TEST(LearnedModel, TreeNodesMustPointForward) {
  auto m = LearnedModel::Parse("t",
                               "kind: trees\nfeatures: [a, b]\nbase: 0\ntrees:\n"
                               "  - feature: [0, -1]\n    threshold: [0, 0]\n"
                               "    left: [0, 0]\n    right: [1, 0]\n    value: [0, 1]\n",
                               kTwo);
  EXPECT_FALSE(m.ok());
}

// The embedded page-text models were trained on the features the code computes now: a feature
// change without retraining (scripts/train_extract.py) fails here instead of silently falling
// back to the hand-weighted segmentation.
TEST(LearnedModel, EmbeddedPageTextModelsMatchTheCode) {
  PageTextExtractor ex;
  FeatureTable t;
  ex.ExtractFeatures("Title\n\nA line of prose that ends the way prose does.\n", std::nullopt, &t);
  ASSERT_EQ(t.rows(), 2u);
  const LearnedModel* m = LearnedModel::Embedded("pagetext_lines.yaml", t.names);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->kind(), "trees");
  EXPECT_EQ(m->feature_count(), t.names.size());
}

}  // namespace
}  // namespace kilang
