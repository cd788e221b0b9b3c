#include "kilang/pipeline/extract_stage.h"

namespace kilang {

void ExtractStageOptions::Bind(OptionBinder* b) {
  b->Add("format", &format, "how pages are read: auto (by content), html or text",
         {"auto", "html", "text"});
  b->Add("now", &now,
         "ISO 8601 time anchoring relative dates (default: crawl time, else run start)");
}

Status ExtractStageOptions::Validate() const {
  if (!now.empty() && !DateTime::ParseIso(now)) {
    return Status::InvalidArgument("'now': bad value '" + now + "': not an ISO 8601 date/time");
  }
  return Status::Ok();
}

ExtractStage::ExtractStage(const ExtractStageOptions& options) {
  format_ = ParseInputFormat(options.format).value();
  if (!options.now.empty()) now_ = DateTime::ParseIso(options.now);
}

Verdict ExtractStage::Process(Document& doc, StageContext& ctx) const {
  const RawInput* in = ctx.input();
  if (!in || !in->needs_extraction) return Verdict::Keep();
  ExtractOptions opt;
  opt.format = format_;
  opt.url = doc.metadata.url;
  opt.declared_charset = std::string(in->declared_charset);
  opt.now = now_;
  if (!opt.now && !in->anchor_time.empty()) opt.now = DateTime::ParseIso(in->anchor_time);
  Status s = extractor_.Extract(in->bytes, opt, &doc, nullptr);
  if (!s.ok())
    return Verdict::Remove(s.code() == StatusCode::kUnsupported ? "not_text" : "extract_error");
  return Verdict::Keep();
}

}  // namespace kilang
