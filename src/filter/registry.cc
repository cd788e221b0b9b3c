#include "kilang/filter/registry.h"

#include <map>

#include "yaml_options.h"

namespace kilang {

using filter_internal::OptionReader;

std::vector<std::string> FilterStageNames() {
  return {"langid", "gopher_quality", "gopher_repetition", "c4", "fineweb_quality", "pii"};
}

std::vector<std::string> DefaultFilterStageNames() {
  return {"langid", "gopher_quality", "gopher_repetition", "fineweb_quality", "pii"};
}

Status ParseLangIdOptions(const YAML::Node& node, LangIdOptions* o, OptionList* described) {
  OptionReader r(node, "langid");
  r.DescribeInto(described);
  r.Get("model", &o->model);
  r.Get("languages", &o->languages);
  r.Get("threshold", &o->threshold);
  r.Get("thresholds", &o->thresholds);
  r.Get("use_language_configs", &o->use_language_configs);
  r.Get("label_only", &o->label_only);
  r.Get("max_chars", &o->max_chars);
  return r.Finish();
}

Status ParseGopherQualityOptions(const YAML::Node& node, GopherQualityOptions* o,
                                 OptionList* described) {
  OptionReader r(node, "gopher_quality");
  r.DescribeInto(described);
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

Status ParseGopherRepetitionOptions(const YAML::Node& node, GopherRepetitionOptions* o,
                                    OptionList* described) {
  OptionReader r(node, "gopher_repetition");
  r.DescribeInto(described);
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

Status ParseC4Options(const YAML::Node& node, C4Options* o, OptionList* described) {
  OptionReader r(node, "c4");
  r.DescribeInto(described);
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

Status ParseFineWebQualityOptions(const YAML::Node& node, FineWebQualityOptions* o,
                                  OptionList* described) {
  OptionReader r(node, "fineweb_quality");
  r.DescribeInto(described);
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

Status ParsePiiOptions(const YAML::Node& node, PiiOptions* o, OptionList* described) {
  OptionReader r(node, "pii");
  r.DescribeInto(described);
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

namespace {

// One line of help per option, by "stage.key" (from the Options structs' comments).
const std::map<std::string, std::string>& OptionHelp() {
  static const std::map<std::string, std::string> help = {
      {"langid.model", "fastText model file (empty: lid.176.ftz from KILANG_MODEL_DIR or setup)"},
      {"langid.languages", "languages to keep, fastText codes (empty: any language)"},
      {"langid.threshold", "keep when an allowed language scores above this (FineWeb: 0.65)"},
      {"langid.thresholds", "per-language thresholds, winning over the language configs"},
      {"langid.use_language_configs", "take language_score from data/filters/<lang>.yaml"},
      {"langid.label_only", "only annotate metadata.lang and lang_score; never remove"},
      {"langid.max_chars", "predict on the first N bytes only (0: the whole text)"},
      {"gopher_quality.min_doc_words", "fewer non-symbol words: gopher_short_doc"},
      {"gopher_quality.max_doc_words", "more non-symbol words: gopher_long_doc"},
      {"gopher_quality.min_avg_word_length",
       "shorter mean word length: gopher_below_avg_threshold"},
      {"gopher_quality.max_avg_word_length", "longer mean word length: gopher_above_avg_threshold"},
      {"gopher_quality.max_symbol_word_ratio",
       "more '#' or ellipses per word: too_many_hashes/ellipsis"},
      {"gopher_quality.max_bullet_lines_ratio",
       "more lines starting with a bullet: too_many_bullets"},
      {"gopher_quality.max_ellipsis_lines_ratio",
       "more lines ending in an ellipsis: too_many_end_ellipsis"},
      {"gopher_quality.max_non_alpha_words_ratio",
       "fewer words with a letter (a minimum): below_alpha_threshold"},
      {"gopher_quality.min_stop_words", "fewer distinct stop words: gopher_enough_stop_words"},
      {"gopher_quality.stop_words",
       "stop words (empty: the language config's, else Gopher's English)"},
      {"gopher_quality.default_language", "language used when metadata.lang is empty"},
      {"gopher_quality.use_language_configs", "take thresholds from data/filters/<lang>.yaml"},
      {"gopher_repetition.dup_para_frac", "duplicate paragraphs / paragraphs above: dup_para_frac"},
      {"gopher_repetition.dup_para_char_frac", "chars in duplicate paragraphs / chars above"},
      {"gopher_repetition.dup_line_frac", "duplicate lines / lines above: dup_line_frac"},
      {"gopher_repetition.dup_line_char_frac", "chars in duplicate lines / chars above"},
      {"gopher_repetition.top_n_grams",
       "most frequent n-gram's share of chars above: top_<n>_gram"},
      {"gopher_repetition.dup_n_grams",
       "chars of repeated n-grams / chars above: duplicated_<n>_n_grams"},
      {"gopher_repetition.default_language", "language used when metadata.lang is empty"},
      {"gopher_repetition.use_language_configs", "take thresholds from data/filters/<lang>.yaml"},
      {"c4.filter_no_terminal_punct", "drop lines not ending in terminal punctuation"},
      {"c4.min_words_per_line", "drop lines with fewer words"},
      {"c4.max_word_length", "drop lines with a longer word (-1: off)"},
      {"c4.remove_citations", "delete [1], [edit], [citation needed]"},
      {"c4.filter_lorem_ipsum", "remove documents with 'lorem ipsum': lorem_ipsum"},
      {"c4.filter_javascript", "drop lines containing 'javascript'"},
      {"c4.filter_curly_bracket", "remove documents with '{' in a kept line: curly_bracket"},
      {"c4.filter_policy", "drop lines with terms-of-use, privacy or cookie phrases"},
      {"c4.min_num_sentences", "fewer sentences in kept lines: too_few_sentences (-1: off)"},
      {"c4.default_language", "language used when metadata.lang is empty"},
      {"c4.use_language_configs", "take thresholds from data/filters/<lang>.yaml"},
      {"fineweb_quality.line_punct_thr", "fewer lines ending in punctuation: line_punct_ratio"},
      {"fineweb_quality.line_punct_exclude_zero", "do not remove when that ratio is exactly 0"},
      {"fineweb_quality.short_line_thr", "more short lines: short_line_ratio"},
      {"fineweb_quality.short_line_length", "a short line has at most this many chars"},
      {"fineweb_quality.char_duplicates_ratio", "more chars in duplicate lines: char_dup_ratio"},
      {"fineweb_quality.new_line_ratio", "more newlines per word: list_ratio"},
      {"fineweb_quality.default_language", "language used when metadata.lang is empty"},
      {"fineweb_quality.use_language_configs", "take thresholds from data/filters/<lang>.yaml"},
      {"pii.emails", "redact e-mail addresses"},
      {"pii.ips", "redact IPv4 and IPv6 addresses"},
      {"pii.phones", "redact phone numbers"},
      {"pii.email_placeholder", "what an e-mail address becomes"},
      {"pii.ipv4_placeholder", "what an IPv4 address becomes (a documentation address)"},
      {"pii.ipv6_placeholder", "what an IPv6 address becomes"},
      {"pii.phone_placeholder", "what a phone number becomes"},
      {"pii.report_counts", "add pii_email/pii_ip/pii_phone counts to metadata"},
  };
  return help;
}

Status ParseAny(std::string_view name, const YAML::Node& node, OptionList* described) {
  if (name == "langid") {
    LangIdOptions o;
    return ParseLangIdOptions(node, &o, described);
  }
  if (name == "gopher_quality") {
    GopherQualityOptions o;
    return ParseGopherQualityOptions(node, &o, described);
  }
  if (name == "gopher_repetition") {
    GopherRepetitionOptions o;
    return ParseGopherRepetitionOptions(node, &o, described);
  }
  if (name == "c4") {
    C4Options o;
    return ParseC4Options(node, &o, described);
  }
  if (name == "fineweb_quality") {
    FineWebQualityOptions o;
    return ParseFineWebQualityOptions(node, &o, described);
  }
  if (name == "pii") {
    PiiOptions o;
    return ParsePiiOptions(node, &o, described);
  }
  return Status::InvalidArgument("unknown filter stage '" + std::string(name) + "'");
}

}  // namespace

Status CheckFilterOptions(std::string_view name, const YAML::Node& options) {
  return ParseAny(name, options, nullptr);
}

Result<std::vector<FilterOptionInfo>> DescribeFilterOptions(std::string_view name,
                                                            const YAML::Node& options) {
  OptionList list;
  KILANG_RETURN_IF_ERROR(ParseAny(name, options, &list));
  std::vector<FilterOptionInfo> out;
  for (auto& [key, tv] : list) {
    FilterOptionInfo info{key, tv.first, tv.second, ""};
    auto it = OptionHelp().find(std::string(name) + "." + key);
    if (it != OptionHelp().end()) info.help = it->second;
    out.push_back(std::move(info));
  }
  return out;
}

std::string FilterStageSummary(std::string_view name) {
  if (name == "langid")
    return "language ID (fastText lid.176): metadata.lang/lang_score; removes other languages and "
           "low scores";
  if (name == "gopher_quality")
    return "Gopher quality rules: document length, word length, symbols, bullets, stop words";
  if (name == "gopher_repetition")
    return "Gopher repetition rules: duplicate lines/paragraphs and repeated n-grams";
  if (name == "c4") return "C4 line filters and document rules (off in the default pipeline)";
  if (name == "fineweb_quality")
    return "FineWeb quality rules: line punctuation, short lines, duplicate chars, list-like text";
  if (name == "pii") return "PII redaction: e-mail addresses, IP addresses, phone numbers";
  return "";
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
