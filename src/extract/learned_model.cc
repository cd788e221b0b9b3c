#include "learned_model.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <mutex>

#include "kilang/util/embedded.h"

namespace kilang {

Result<LearnedModel> LearnedModel::Parse(std::string_view where, std::string_view yaml,
                                         std::span<const std::string_view> expected_features) {
  LearnedModel m;
  const std::string w(where);
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    m.version_ = root["version"].as<int>(0);
    std::vector<std::string> names = root["features"].as<std::vector<std::string>>();
    if (names.size() != expected_features.size()) {
      return Status::InvalidArgument(w + ": " + std::to_string(names.size()) +
                                     " features; the code computes " +
                                     std::to_string(expected_features.size()));
    }
    for (size_t j = 0; j < names.size(); ++j) {
      if (names[j] != expected_features[j]) {
        return Status::InvalidArgument(w + ": feature " + std::to_string(j) + " is '" + names[j] +
                                       "'; the code computes '" +
                                       std::string(expected_features[j]) + "'");
      }
    }
    m.features_ = names.size();
    m.threshold_ = root["threshold"].as<float>(0.0f);
    const std::string kind = root["kind"].as<std::string>();
    if (kind == "linear") {
      m.bias_ = root["bias"].as<float>();
      m.weights_ = root["weights"].as<std::vector<float>>();
      if (m.weights_.size() != m.features_) {
        return Status::InvalidArgument(w + ": weights and features differ in number");
      }
    } else if (kind == "trees") {
      m.bias_ = root["base"].as<float>();
      for (const YAML::Node& t : root["trees"]) {
        auto feature = t["feature"].as<std::vector<int32_t>>();
        auto threshold = t["threshold"].as<std::vector<float>>();
        auto left = t["left"].as<std::vector<int32_t>>();
        auto right = t["right"].as<std::vector<int32_t>>();
        auto value = t["value"].as<std::vector<float>>();
        const size_t k = feature.size();
        if (threshold.size() != k || left.size() != k || right.size() != k || value.size() != k ||
            k == 0) {
          return Status::InvalidArgument(w + ": a tree's node arrays differ in length");
        }
        const uint32_t root_index = uint32_t(m.nodes_.size());
        for (size_t i = 0; i < k; ++i) {
          const bool leaf = feature[i] < 0;
          if (!leaf && (size_t(feature[i]) >= m.features_ || left[i] <= int32_t(i) ||
                        right[i] <= int32_t(i) || size_t(left[i]) >= k || size_t(right[i]) >= k)) {
            // Children come after their parent: evaluation always terminates.
            return Status::InvalidArgument(w + ": a tree node points out of its tree");
          }
          m.nodes_.push_back({leaf ? -1 : feature[i], threshold[i],
                              leaf ? 0 : int32_t(root_index) + left[i],
                              leaf ? 0 : int32_t(root_index) + right[i], value[i]});
        }
        m.trees_.push_back(root_index);
      }
    } else {
      return Status::InvalidArgument(w + ": unknown model kind '" + kind + "'");
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(w + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  m.BuildComplete();
  return m;
}

void LearnedModel::BuildComplete() {
  // The depth of every tree (children come after their parent, so one forward pass does).
  int depth = 0;
  std::vector<int> node_depth(nodes_.size(), 0);
  for (size_t t = 0; t < trees_.size(); ++t) {
    const size_t end = t + 1 < trees_.size() ? trees_[t + 1] : nodes_.size();
    for (size_t i = trees_[t]; i < end; ++i) {
      if (nodes_[i].feature < 0) {
        depth = std::max(depth, node_depth[i]);
        continue;
      }
      node_depth[size_t(nodes_[i].left)] = node_depth[i] + 1;
      node_depth[size_t(nodes_[i].right)] = node_depth[i] + 1;
    }
  }
  if (trees_.empty() || depth == 0 || depth > kMaxCompleteDepth) return;
  depth_ = depth;
  const size_t inner = (size_t(1) << depth) - 1, leaves = size_t(1) << depth;
  split_feature_.assign(trees_.size() * inner, 0);
  split_threshold_.assign(trees_.size() * inner, std::numeric_limits<float>::infinity());
  leaf_.assign(trees_.size() * leaves, 0);
  for (size_t t = 0; t < trees_.size(); ++t) {
    // Walk the tree; `slot` is the node's index in the complete layout (root 0, children of k
    // at 2k+1 and 2k+2). A leaf above the last level fills every leaf slot below it; the
    // always-left padding splits (threshold +inf) lead to the first of them, and all of them
    // hold the same value.
    struct Item {
      uint32_t node;
      size_t slot;
      int level;
    };
    std::vector<Item> stack = {{trees_[t], 0, 0}};
    while (!stack.empty()) {
      Item it = stack.back();
      stack.pop_back();
      const Node& nd = nodes_[it.node];
      if (nd.feature >= 0) {
        split_feature_[t * inner + it.slot] = nd.feature;
        split_threshold_[t * inner + it.slot] = nd.threshold;
        stack.push_back({uint32_t(nd.left), 2 * it.slot + 1, it.level + 1});
        stack.push_back({uint32_t(nd.right), 2 * it.slot + 2, it.level + 1});
        continue;
      }
      size_t first = it.slot;  // the leftmost slot under `slot` on the last level
      for (int l = it.level; l < depth; ++l) first = 2 * first + 1;
      const size_t span = size_t(1) << (depth - it.level);
      for (size_t k = 0; k < span; ++k) leaf_[t * leaves + (first - inner) + k] = nd.value;
    }
  }
}

const LearnedModel* LearnedModel::Embedded(std::string_view file,
                                           std::span<const std::string_view> expected_features) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<LearnedModel>, std::less<>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(file);
  if (it != cache.end()) return it->second.get();
  std::unique_ptr<LearnedModel> model;
  for (size_t i = 0; i < kEmbeddedModelFileCount; ++i) {
    if (std::string_view(kEmbeddedModelFiles[i].name) != file) continue;
    std::string_view text(reinterpret_cast<const char*>(kEmbeddedModelFiles[i].data),
                          kEmbeddedModelFiles[i].size);
    Result<LearnedModel> r = Parse("data/models/" + std::string(file), text, expected_features);
    if (!r.ok()) {
      // A model trained on other features (the code changed, the model was not retrained):
      // extraction goes on without it, and scripts/train_extract.py can still dump features.
      // The test suite fails on this (LearnedModel.EmbeddedModelsMatchTheCode).
      std::fprintf(stderr, "kilang: warning: built-in model not used: %s\n",
                   r.status().ToString().c_str());
      break;
    }
    model = std::make_unique<LearnedModel>(std::move(r).value());
  }
  const LearnedModel* out = model.get();
  cache.emplace(std::string(file), std::move(model));
  return out;
}

float LearnedModel::Score(const float* x) const {
  float s = bias_;
  if (trees_.empty()) {
    for (size_t j = 0; j < features_; ++j) s += weights_[j] * x[j];
    return s;
  }
  if (depth_ > 0) {
    const size_t inner = (size_t(1) << depth_) - 1, leaves = size_t(1) << depth_;
    const int32_t* f = split_feature_.data();
    const float* th = split_threshold_.data();
    const float* leaf = leaf_.data();
    for (size_t t = 0; t < trees_.size(); ++t, f += inner, th += inner, leaf += leaves) {
      size_t i = 0;
      for (int l = 0; l < depth_; ++l) i = 2 * i + 1 + size_t(x[f[i]] > th[i]);
      s += leaf[i - inner];
    }
    return s;
  }
  const Node* nodes = nodes_.data();
  for (uint32_t root : trees_) {
    const Node* n = nodes + root;
    while (n->feature >= 0) n = nodes + (x[n->feature] <= n->threshold ? n->left : n->right);
    s += n->value;
  }
  return s;
}

}  // namespace kilang
