#include "kilang/extract/extractor.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "kilang/extract/html.h"
#include "kilang/filter/langid.h"
#include "kilang/extract/pagetext.h"
#include "kilang/util/encoding.h"
#include "kilang/util/text.h"
#include "kilang/util/utf8.h"

namespace kilang {

Result<InputFormat> ParseInputFormat(std::string_view name) {
  if (name == "auto") return InputFormat::kAuto;
  if (name == "html") return InputFormat::kHtml;
  if (name == "text") return InputFormat::kText;
  return Status::InvalidArgument("unknown format '" + std::string(name) +
                                 "' (expected auto, html or text)");
}

std::string_view InputFormatName(InputFormat f) {
  switch (f) {
    case InputFormat::kAuto: return "auto";
    case InputFormat::kHtml: return "html";
    case InputFormat::kText: return "text";
  }
  return "auto";
}

InputFormat DetectFormat(std::string_view text) {
  // Look at the first 4 KiB, lower-cased, for markup that only HTML has.
  std::string head = LowerUtf8(text.substr(0, 4096));
  std::string_view h = TrimSpace(head);
  if (StartsWith(h, "<!doctype html") || StartsWith(h, "<html") || StartsWith(h, "<?xml")) {
    return InputFormat::kHtml;
  }
  static const char* kStrong[] = {"<html", "<head>", "<head ", "<body", "<meta ", "<title>",
                                  "<div", "<p>", "<p ", "<script", "<link ", "<article", "<span"};
  int hits = 0;
  for (const char* tag : kStrong) {
    if (h.find(tag) != std::string_view::npos) ++hits;
  }
  if (hits >= 2) return InputFormat::kHtml;
  // Many closing tags also mean markup.
  size_t closes = 0, pos = 0;
  while ((pos = h.find("</", pos)) != std::string_view::npos && closes < 8) {
    ++closes;
    pos += 2;
  }
  return closes >= 4 ? InputFormat::kHtml : InputFormat::kText;
}

struct Extractor::Impl {
  // The fastText model when it can be loaded (scripts/setup.sh fetches it); otherwise the
  // extractors' stopword/script guess stands.
  const LanguageIdentifier* lid = [] {
    auto r = LanguageIdentifier::Default();
    return r.ok() ? *r : nullptr;
  }();
  explicit Impl(const Lexicon& lex)
      : pagetext(lex, PageTextOptions{.debug = std::getenv("KILANG_DEBUG_PAGETEXT") != nullptr}),
        html(lex) {}
  PageTextExtractor pagetext;
  HtmlExtractor html;
};

Extractor::Extractor(const Lexicon& lexicon) : impl_(std::make_unique<Impl>(lexicon)) {}
Extractor::~Extractor() = default;

Status Extractor::ExtractFeatures(std::string_view bytes, const ExtractOptions& options,
                                  FeatureTable* table) const {
  InputFormat f = options.format;
  if (f == InputFormat::kAuto) {
    std::string head;
    KILANG_RETURN_IF_ERROR(DecodeText(bytes.substr(0, 8192), &head, nullptr));
    f = DetectFormat(head);
  }
  if (f == InputFormat::kHtml) {
    return Status::Unsupported("no learned scorer for HTML yet: features are page text only");
  }
  std::string text;
  KILANG_RETURN_IF_ERROR(DecodeText(bytes, &text, nullptr));
  impl_->pagetext.ExtractFeatures(text, options.now, table);
  return Status::Ok();
}

Status Extractor::Extract(std::string_view bytes, const ExtractOptions& options, Document* doc,
                          ExtractReport* report) const {
  ExtractReport local;
  if (!report) report = &local;
  InputFormat f = options.format;
  // UTF-16 without a byte order mark, named by the transport (HTTP Content-Type charset): its
  // NUL bytes would otherwise make the page look binary before the HTML decoder sees the label.
  // Used only when the bytes do not decode as text otherwise (a UTF-16 label on UTF-8 bytes is
  // a common server mistake).
  const std::string_view transport = CanonicalEncodingName(options.declared_charset);
  const bool utf16 = transport == "utf-16le" || transport == "utf-16be";
  auto decode_text = [&](std::string_view b, std::string* out, DecodeInfo* info) -> Status {
    Status plain = DecodeText(b, out, info);
    if (plain.ok() || !utf16 || plain.code() != StatusCode::kUnsupported) return plain;
    size_t invalid = 0;
    Status s = ConvertToUtf8(b.substr(0, b.size() & ~size_t(1)), transport, out, &invalid);
    if (info) {
      *info = DecodeInfo();
      info->encoding = std::string(transport);
      info->source = "transport";
      info->invalid_sequences = invalid;
    }
    return s;
  };
  if (f == InputFormat::kAuto) {
    // DetectFormat looks at the first 4 KiB of text only: decode just enough of the bytes.
    std::string head;
    KILANG_RETURN_IF_ERROR(decode_text(bytes.substr(0, 8192), &head, nullptr));
    f = DetectFormat(head);
  }
  std::string text;
  DecodeInfo info;
  if (f == InputFormat::kHtml) {
    // HTML declares its charset (transport header, <meta>) and legacy encodings are common.
    KILANG_RETURN_IF_ERROR(DecodeHtmlBytes(bytes, options.declared_charset, &text, &info));
  } else {
    KILANG_RETURN_IF_ERROR(decode_text(bytes, &text, &info));
  }
  report->encoding = info.encoding;
  report->invalid_utf8 = info.invalid_sequences;
  report->format = f;
  if (!options.url.empty()) doc->metadata.url = options.url;
  if (f == InputFormat::kHtml) {
    impl_->html.Extract(text, options.now, doc);
  } else {
    impl_->pagetext.Extract(text, options.now, doc);
  }
  // --url hints the site when the page names none: its host, without "www.".
  if (doc->metadata.site.empty() && !doc->metadata.url.empty()) {
    std::string_view u = doc->metadata.url;
    size_t scheme = u.find("://");
    if (scheme != std::string_view::npos) u.remove_prefix(scheme + 3);
    u = u.substr(0, u.find_first_of("/?#"));
    u = u.substr(u.rfind('@') == std::string_view::npos ? 0 : u.rfind('@') + 1);
    u = u.substr(0, u.find(':'));
    if (StartsWith(u, "www.")) u.remove_prefix(4);
    if (u.find('.') != std::string_view::npos) doc->metadata.site = std::string(u);
  }
  if (impl_->lid) {
    // As the reference pipelines do: predict on the text with newlines turned into spaces.
    std::string sample = doc->text.empty() ? doc->metadata.title : doc->text;
    std::replace(sample.begin(), sample.end(), '\n', ' ');
    if (!sample.empty()) {
      auto top = impl_->lid->Predict(sample, 1);
      if (!top.empty()) {
        doc->metadata.lang = top[0].lang;
        doc->metadata.lang_score = top[0].score;
      }
    }
  }
  return Status::Ok();
}

}  // namespace kilang
