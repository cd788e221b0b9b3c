#include "learned_model.h"

#include <yaml-cpp/yaml.h>

#include <cstdio>
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
  return m;
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
  const Node* nodes = nodes_.data();
  for (uint32_t root : trees_) {
    const Node* n = nodes + root;
    while (n->feature >= 0) n = nodes + (x[n->feature] <= n->threshold ? n->left : n->right);
    s += n->value;
  }
  return s;
}

}  // namespace kilang
