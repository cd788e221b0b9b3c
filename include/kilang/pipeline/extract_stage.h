// ExtractStage ("extract"): turns a document's raw page (RawInput in the StageContext) into text
// and metadata with the Extractor. Documents that arrive as text (WET, JSONL) pass unchanged.
// Removes, with reason "not_text", inputs that are not pages at all (binary payloads).
#ifndef KILANG_PIPELINE_EXTRACT_STAGE_H_
#define KILANG_PIPELINE_EXTRACT_STAGE_H_

#include <optional>
#include <string>

#include "kilang/extract/extractor.h"
#include "kilang/pipeline/options.h"
#include "kilang/pipeline/stage.h"

namespace kilang {

struct ExtractStageOptions {
  std::string format = "auto";  // auto | html | text: how to read pages (auto: by content)
  std::string now;              // ISO 8601 anchor for relative dates; "" = crawl time, else
                                // the run's start time (kept in the output folder for resume)
  void Bind(OptionBinder* b);
  Status Validate() const;
};

class ExtractStage : public DocumentStage {
 public:
  explicit ExtractStage(const ExtractStageOptions& options);
  std::string_view name() const override { return "extract"; }
  Verdict Process(Document& doc, StageContext& ctx) const override;

 private:
  InputFormat format_ = InputFormat::kAuto;
  std::optional<DateTime> now_;
  Extractor extractor_;
};

}  // namespace kilang

#endif  // KILANG_PIPELINE_EXTRACT_STAGE_H_
