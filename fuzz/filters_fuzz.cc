// Fuzzes the filter stages on arbitrary text (including invalid UTF-8 "that slipped through"):
// language ID, Gopher quality and repetition, FineWeb quality, C4, PII, and the word segmenter
// and token facts they share (SSE2 block scans that read ahead within the text). The first byte
// picks the document language the quality stages see (their per-language options and
// segmentation locale). Invariants: every stage gives a verdict, a removal has a reason, PII keeps
// valid UTF-8 valid, the segmenter's tokens are non-empty views inside the text, in order, and
// the token facts it computes along the way are FactsOf's.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "fuzz_util.h"
#include "kilang/filter/registry.h"
#include "kilang/filter/words.h"
#include "kilang/util/utf8.h"
#include "../src/filter/text_util.h"

namespace {

struct Stages {
  std::vector<std::unique_ptr<kilang::DocumentStage>> all;
  Stages() {
    for (const std::string& name : kilang::FilterStageNames()) {
      auto s = kilang::MakeFilterStage(name, YAML::Node());
      if (s.ok()) {
        all.push_back(std::move(s).value());
      } else {
        // Only langid may be missing (no model in this build's tree): skip it.
        kilang::fuzz::Check(name == "langid", "every filter stage but langid builds");
      }
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Stages* stages = new Stages();
  static kilang::StageContext* ctx = new kilang::StageContext();  // a worker, reused
  static const char* const kLangs[] = {"", "en", "id", "ja", "zh", "de", "fr", "th", "ko", "sv"};
  if (size == 0) return 0;
  const char* lang = kLangs[data[0] % (sizeof kLangs / sizeof *kLangs)];
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);

  std::vector<std::string_view> tokens;
  kilang::WordSegmenter seg(lang);
  seg.SegmentAndJoin(text, &tokens);
  const char* prev_end = text.data();
  for (std::string_view t : tokens) {
    kilang::fuzz::Check(!t.empty(), "tokens are not empty");
    kilang::fuzz::Check(t.data() >= prev_end && t.data() + t.size() <= text.data() + text.size(),
                        "tokens are in order, inside the text");
    prev_end = t.data() + t.size();
  }
  // The same tokens with their facts, each equal to FactsOf's (the block layer computes them
  // from its masks).
  std::vector<std::string_view> with_facts;
  kilang::filter_internal::DocumentWords words;
  seg.SegmentAndJoinWithFacts(text, &with_facts, &words);
  const std::vector<kilang::filter_internal::TokenFacts>& facts = words.facts;
  kilang::fuzz::Check(with_facts == tokens && facts.size() == tokens.size(),
                      "SegmentAndJoinWithFacts gives SegmentAndJoin's tokens, one fact each");
  for (size_t i = 0; i < facts.size() && i < with_facts.size(); ++i) {
    const kilang::filter_internal::TokenFacts f = kilang::filter_internal::FactsOf(with_facts[i]);
    kilang::fuzz::Check(facts[i].hash == f.hash && facts[i].chars == f.chars &&
                            facts[i].has_letter == f.has_letter &&
                            facts[i].punct_or_symbol == f.punct_or_symbol,
                        "the segmenter's token facts are FactsOf's");
  }

  const bool valid = kilang::IsValidUtf8(text);
  for (const auto& stage : stages->all) {
    kilang::Document doc;
    doc.text = text;
    doc.metadata.lang = lang;
    kilang::Verdict v = stage->Process(doc, *ctx);
    kilang::fuzz::Check(v.keep || !v.reason.empty(), "a removal has a reason");
    if (valid && stage->name() == "pii") {
      kilang::fuzz::Check(kilang::IsValidUtf8(doc.text), "PII keeps valid UTF-8 valid");
    }
  }
  return 0;
}
