#include "kilang/filter/registry.h"

#include "yaml_options.h"

namespace kilang {

using filter_internal::OptionReader;

std::vector<std::string> FilterStageNames() {
  return {"langid", "gopher_quality", "gopher_repetition", "c4", "fineweb_quality", "pii"};
}

std::vector<std::string> DefaultFilterStageNames() {
  return {"langid", "gopher_quality", "gopher_repetition", "fineweb_quality", "pii"};
}

Status ParseLangIdOptions(const YAML::Node& node, LangIdOptions* o) {
  OptionReader r(node, "langid");
  r.Get("model", &o->model);
  r.Get("languages", &o->languages);
  r.Get("threshold", &o->threshold);
  r.Get("thresholds", &o->thresholds);
  r.Get("use_language_configs", &o->use_language_configs);
  r.Get("label_only", &o->label_only);
  r.Get("max_chars", &o->max_chars);
  return r.Finish();
}

Status ParseGopherQualityOptions(const YAML::Node& node, GopherQualityOptions* o) {
  OptionReader r(node, "gopher_quality");
  r.Get("min_doc_words", &o->min_doc_words);
  r.Get("max_doc_words", &o->max_doc_words);
  r.Get("min_avg_word_length", &o->min_avg_word_length);
  r.Get("max_avg_word_length", &o->max_avg_word_length);
  r.Get("max_symbol_word_ratio", &o->max_symbol_word_ratio);
  r.Get("max_bullet_lines_ratio", &o->max_bullet_lines_ratio);
  r.Get("max_ellipsis_lines_ratio", &o->max_ellipsis_lines_ratio);
  r.Get("max_non_alpha_words_ratio", &o->max_non_alpha_words_ratio);
  r.Get("min_stop_words", &o->min_stop_words);
  r.Get("stop_words", &o->stop_words);
  r.Get("default_language", &o->default_language);
  r.Get("use_language_configs", &o->use_language_configs);
  return r.Finish();
}

Status ParseGopherRepetitionOptions(const YAML::Node& node, GopherRepetitionOptions* o) {
  OptionReader r(node, "gopher_repetition");
  r.Get("dup_para_frac", &o->dup_para_frac);
  r.Get("dup_para_char_frac", &o->dup_para_char_frac);
  r.Get("dup_line_frac", &o->dup_line_frac);
  r.Get("dup_line_char_frac", &o->dup_line_char_frac);
  r.Get("top_n_grams", &o->top_n_grams);
  r.Get("dup_n_grams", &o->dup_n_grams);
  r.Get("default_language", &o->default_language);
  r.Get("use_language_configs", &o->use_language_configs);
  return r.Finish();
}

Status ParseC4Options(const YAML::Node& node, C4Options* o) {
  OptionReader r(node, "c4");
  r.Get("filter_no_terminal_punct", &o->filter_no_terminal_punct);
  r.Get("min_words_per_line", &o->min_words_per_line);
  r.Get("max_word_length", &o->max_word_length);
  r.Get("remove_citations", &o->remove_citations);
  r.Get("filter_lorem_ipsum", &o->filter_lorem_ipsum);
  r.Get("filter_javascript", &o->filter_javascript);
  r.Get("filter_curly_bracket", &o->filter_curly_bracket);
  r.Get("filter_policy", &o->filter_policy);
  r.Get("min_num_sentences", &o->min_num_sentences);
  r.Get("default_language", &o->default_language);
  r.Get("use_language_configs", &o->use_language_configs);
  return r.Finish();
}

Status ParseFineWebQualityOptions(const YAML::Node& node, FineWebQualityOptions* o) {
  OptionReader r(node, "fineweb_quality");
  r.Get("line_punct_thr", &o->line_punct_thr);
  r.Get("line_punct_exclude_zero", &o->line_punct_exclude_zero);
  r.Get("short_line_thr", &o->short_line_thr);
  r.Get("short_line_length", &o->short_line_length);
  r.Get("char_duplicates_ratio", &o->char_duplicates_ratio);
  r.Get("new_line_ratio", &o->new_line_ratio);
  r.Get("default_language", &o->default_language);
  r.Get("use_language_configs", &o->use_language_configs);
  return r.Finish();
}

Status ParsePiiOptions(const YAML::Node& node, PiiOptions* o) {
  OptionReader r(node, "pii");
  r.Get("emails", &o->emails);
  r.Get("ips", &o->ips);
  r.Get("phones", &o->phones);
  r.Get("email_placeholder", &o->email_placeholder);
  r.Get("ipv4_placeholder", &o->ipv4_placeholder);
  r.Get("ipv6_placeholder", &o->ipv6_placeholder);
  r.Get("phone_placeholder", &o->phone_placeholder);
  r.Get("report_counts", &o->report_counts);
  return r.Finish();
}

Result<std::unique_ptr<DocumentStage>> MakeFilterStage(std::string_view name,
                                                       const YAML::Node& options) {
  if (name == "langid") {
    LangIdOptions o;
    KILANG_RETURN_IF_ERROR(ParseLangIdOptions(options, &o));
    return MakeLangIdStage(o);
  }
  if (name == "gopher_quality") {
    GopherQualityOptions o;
    KILANG_RETURN_IF_ERROR(ParseGopherQualityOptions(options, &o));
    return MakeGopherQualityStage(o);
  }
  if (name == "gopher_repetition") {
    GopherRepetitionOptions o;
    KILANG_RETURN_IF_ERROR(ParseGopherRepetitionOptions(options, &o));
    return MakeGopherRepetitionStage(o);
  }
  if (name == "c4") {
    C4Options o;
    KILANG_RETURN_IF_ERROR(ParseC4Options(options, &o));
    return MakeC4Stage(o);
  }
  if (name == "fineweb_quality") {
    FineWebQualityOptions o;
    KILANG_RETURN_IF_ERROR(ParseFineWebQualityOptions(options, &o));
    return MakeFineWebQualityStage(o);
  }
  if (name == "pii") {
    PiiOptions o;
    KILANG_RETURN_IF_ERROR(ParsePiiOptions(options, &o));
    return MakePiiStage(o);
  }
  return Status::InvalidArgument("unknown filter stage '" + std::string(name) + "'");
}

}  // namespace kilang
