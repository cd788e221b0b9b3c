// LearnedModel: a block scorer whose weights were learned from labelled pages
// (scripts/train_extract.py writes them to data/models/<name>.yaml; the build embeds that file).
//
// Two kinds, chosen by the training script:
//   - "linear": log-odds = bias + sum(weights[j] * x[j]) (logistic regression).
//   - "trees":  log-odds = base + sum over trees of the leaf reached (gradient-boosted trees;
//               a node sends x to `left` when x[feature] <= threshold).
// A block is kept when its log-odds >= `threshold`.
//
// Thread-safety: immutable after Parse(); share one instance between threads.
#ifndef KILANG_SRC_EXTRACT_LEARNED_MODEL_H_
#define KILANG_SRC_EXTRACT_LEARNED_MODEL_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kilang/util/status.h"

namespace kilang {

class LearnedModel {
 public:
  // Parses a model file. `expected_features` are the columns the caller computes, in order; the
  // file must list the same names in the same order (a model trained on other features is an
  // error, not a silent mismatch). `where` names the file in error messages.
  static Result<LearnedModel> Parse(std::string_view where, std::string_view yaml,
                                    std::span<const std::string_view> expected_features);

  // The embedded data/models/<file> (e.g. "pagetext_lines.yaml"), parsed once; nullptr when the
  // build embeds no such file, or when it does not parse or lists other features than
  // `expected_features` (a warning on stderr; the tests fail on it). Thread-safe.
  static const LearnedModel* Embedded(std::string_view file,
                                      std::span<const std::string_view> expected_features);

  // REQUIRES: x holds feature_count() values.
  float Score(const float* x) const;
  bool Decide(const float* x) const { return Score(x) >= threshold_; }

  size_t feature_count() const { return features_; }
  std::string_view kind() const { return trees_.empty() ? "linear" : "trees"; }
  int version() const { return version_; }
  float threshold() const { return threshold_; }

 private:
  struct Node {
    int32_t feature;  // -1: a leaf
    float threshold;
    int32_t left, right;
    float value;  // leaf value (log-odds contribution)
  };
  size_t features_ = 0;
  int version_ = 0;
  float threshold_ = 0;
  float bias_ = 0;
  std::vector<float> weights_;
  std::vector<Node> nodes_;      // all trees, concatenated
  std::vector<uint32_t> trees_;  // root index of each tree in `nodes_`
  // The same trees as complete binary trees of depth `depth_` (shallower leaves repeated under
  // always-left splits), stored level by level: evaluation is branch-free, `depth_` dependent
  // loads per tree. Used when depth_ <= kMaxCompleteDepth.
  static constexpr int kMaxCompleteDepth = 6;
  int depth_ = 0;
  std::vector<int32_t> split_feature_;  // (2^depth - 1) per tree
  std::vector<float> split_threshold_;  // (2^depth - 1) per tree
  std::vector<float> leaf_;             // 2^depth per tree
  void BuildComplete();
};

}  // namespace kilang

#endif  // KILANG_SRC_EXTRACT_LEARNED_MODEL_H_
