// Block features for learned extraction: what the learned scorers see, exported for training.
//
// Both extractors (page text: one block per line; HTML: one block per DOM block) turn each block
// into a fixed-length vector of floats. `kilang extract --dump-features` writes these tables so
// that scripts/train_extract.py can learn the weights (data/models/*.yaml) from labelled pages;
// the same code computes the vectors at extraction time, so training and use cannot drift apart.
#ifndef KILANG_EXTRACT_FEATURES_H_
#define KILANG_EXTRACT_FEATURES_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kilang {

// One page's blocks and their feature vectors, row-major.
struct FeatureTable {
  std::span<const std::string_view> names;  // one per column; static storage
  std::vector<std::string> texts;           // one per row: the block's text
  std::vector<float> values;                // texts.size() * names.size() values

  size_t rows() const { return texts.size(); }
  const float* row(size_t i) const { return values.data() + i * names.size(); }
};

}  // namespace kilang

#endif  // KILANG_EXTRACT_FEATURES_H_
