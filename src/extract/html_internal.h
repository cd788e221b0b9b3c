// Internal pieces of the HTML extractor (not a public API): the class/id hint vocabulary, the
// nesting-depth guard run before the parser, and the structured-metadata readers. The tree the
// extractor reads is in html_dom.h; gumbo is only behind html_gumbo.h.
#ifndef KILANG_SRC_EXTRACT_HTML_INTERNAL_H_
#define KILANG_SRC_EXTRACT_HTML_INTERNAL_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "kilang/extract/date.h"
#include "kilang/util/status.h"

namespace kilang::html_internal {

// The vocabulary of data/html/hints.yaml. Immutable after loading; thread-safe.
class Hints {
 public:
  // The hints embedded at build time (or $KILANG_DATA_DIR/../html/hints.yaml is not consulted:
  // the HTML hints are always the built-in ones). Aborts on a build defect (invalid YAML).
  static const Hints& Default();
  static Result<Hints> Parse(const std::string& name, const std::string& yaml);

  // `value` is a lower-cased class/id/itemprop/aria-label string.
  bool IsRemove(std::string_view value) const { return remove_.Matches(value); }
  bool IsContent(std::string_view value) const { return content_.Matches(value); }
  bool IsCaption(std::string_view value) const { return caption_.Matches(value); }
  bool IsRemoveRole(std::string_view role) const { return remove_roles_.count(std::string(role)); }
  // Whether a hint text gives an element a hint flag in the extractor: it matches a remove,
  // content or caption pattern or holds "author"/"byline". Patterns match within one class
  // name, so for a class or id value the flags are the OR over its white-space separated names,
  // and a name for which this is false can be left out without changing any flag.
  bool IsRelevant(std::string_view lower) const {
    return IsRemove(lower) || IsContent(lower) || IsCaption(lower) ||
           lower.find("author") != std::string_view::npos ||
           lower.find("byline") != std::string_view::npos;
  }
  // `lower_line` lower-cased, trimmed.
  bool IsDropLine(std::string_view lower_line) const;
  // Whether `lower` starts with an agency credit ("reporting by", "editing by").
  bool IsCreditLine(std::string_view lower) const;
  // Whether `lower` carries an image caption/credit marker ("(image: getty)", "photo:").
  bool IsCaptionText(std::string_view lower) const;
  // Whether `lower` contains a promotional phrase ("delivered to your inbox").
  bool HasPromoPhrase(std::string_view lower) const;

 private:
  struct Pattern {
    std::string text;  // '_' folded to '-'
    bool prefix = false;
  };
  // Patterns indexed by their first token, so a value is matched with a few hash look-ups per
  // token instead of a substring search per pattern.
  class PatternSet {
   public:
    void Add(Pattern p);
    bool Matches(std::string_view value) const;

   private:
    struct Hash {  // lets by_first_token_ be searched with a string_view
      using is_transparent = void;
      size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
    };
    std::vector<Pattern> pats_;
    // exact first token -> indexes into pats_
    std::unordered_map<std::string, std::vector<int>, Hash, std::equal_to<>> by_first_token_;
    std::vector<std::string> prefix_tokens_;  // one-token patterns ending in '*', sorted
    // [first, last) of prefix_tokens_ starting with each byte
    std::array<std::pair<uint16_t, uint16_t>, 256> prefix_range_{};
  };
  PatternSet remove_, content_, caption_;
  std::unordered_set<std::string> remove_roles_;
  std::unordered_set<std::string> drop_lines_;
  std::vector<std::string> promo_phrases_, credit_prefixes_, caption_markers_;
};

// The <meta> names the extractor reads (the name=, property= or itemprop= value, lower-cased),
// per field in order of preference. PrepareHtml leaves out the metas named otherwise.
inline constexpr std::string_view kMetaSiteNames[] = {"og:site_name"};
inline constexpr std::string_view kMetaAppNames[] = {"application-name", "twitter:app:name:iphone"};
inline constexpr std::string_view kMetaUrlNames[] = {"og:url"};
inline constexpr std::string_view kMetaTitleNames[] = {"og:title", "twitter:title", "headline",
                                                       "dc.title"};
inline constexpr std::string_view kMetaPublishedNames[] = {"article:published_time",
                                                           "og:published_time",
                                                           "datepublished",
                                                           "article.published",
                                                           "published_time",
                                                           "publish-date",
                                                           "publish_date",
                                                           "publishdate",
                                                           "pubdate",
                                                           "date",
                                                           "dc.date",
                                                           "dc.date.issued",
                                                           "dcterms.date",
                                                           "dcterms.created",
                                                           "dcterms.issued",
                                                           "sailthru.date",
                                                           "parsely-pub-date",
                                                           "citation_publication_date",
                                                           "og:pubdate",
                                                           "datecreated",
                                                           "article:published",
                                                           "release_date"};
inline constexpr std::string_view kMetaModifiedNames[] = {"article:modified_time",
                                                          "og:updated_time", "datemodified",
                                                          "last-modified", "dcterms.modified"};
inline constexpr std::string_view kMetaAuthorNames[] = {
    "article:author", "author",         "byl", "dc.creator", "sailthru.author",
    "parsely-author", "citation_author"};

// Whether `lower` is one of the kMeta*Names.
bool IsReadMetaName(std::string_view lower);

// Appends the hint text of one class/id/itemprop/... value to `out`: lower-cased, with camelCase
// split at the case change ("RightRailContainer" -> "right-rail-container") so hints match BEM
// and CSS-module names.
void AppendHintText(std::string_view value, std::string* out);

// One linear pass over `html` before the tree builder, which costs per byte, per node and per
// attribute; what it leaves out is never read by the extractor:
//  - comments: most of the bytes of a modern page are comments, scripts and styles;
//  - attributes the extractor does not read (see KeepsAttribute), all attributes of end tags,
//    <link> elements but rel=canonical and rel=author ones, and <meta> elements whose name is
//    not read (IsReadMetaName) and that carry no "author"/"byline" hint;
//  - whole <script> (but JSON-LD), <style> and <svg> elements: not text, and they do not change
//    how the tree builder places the elements around them;
//  - with `hints`, the class and id names that give no hint flag (Hints::IsRelevant), and class
//    and id values longer than the extractor looks at (300 bytes); values holding '&' or CR
//    are kept whole, as the tree builder rewrites them;
//  - white space at either end of a text run beyond its first character (indentation; the
//    extractor collapses white space, so the text is the same);
//  - runaway element nesting (the HTML5 tree builder is quadratic in depth, and deep trees cost
//    stack in consumers): start tags nested deeper than `max_depth` (and as many end tags) are
//    left out. Void elements, raw-text elements and elements with optional end tags are not
//    counted.
// Tags are tokenized as the HTML tokenizer does (quoted attribute values may hold '>'), so the
// result has the same elements with the same kept attributes and text.
// With `lifted`, JSON-LD bodies are also taken out of the markup (their <script> elements stay,
// empty) and appended to `lifted`, in order, as the tokenizer would have given them: the tree
// builder then does not handle their characters one by one. A body holding "<!--" stays (the
// tokenizer's escaped script states could end it elsewhere).
// Returns true and writes the reduced copy to `out` when anything was left out; false (out
// untouched) otherwise.
struct LiftedScript {
  size_t tag_offset;  // of the '<' of the <script> start tag in the prepared markup
  std::string body;   // CR LF and CR as LF, NUL as U+FFFD, as the tokenizer reads them
};
bool PrepareHtml(std::string_view html, int max_depth, const Hints* hints, std::string* out,
                 std::vector<LiftedScript>* lifted = nullptr);

// Whether PrepareHtml keeps attribute `name` (any case) with `value` on start tag `tag`
// (lower-cased): the ones html.cc reads (class, id, role, itemprop, aria-*, hidden, rel, type,
// meta name/property/content, time datetime/pubdate, data-component/-testid, href on <link>,
// style only when it can hide: "none"/"hidden" or a character reference) and the few the tree
// builder looks at (font color/face/size, annotation-xml encoding). Anything html.cc starts to read
// must be added here (ClassifyAttribute in html_prepare.cc) and get an AttrId (html_dom.h).
bool KeepsAttribute(std::string_view tag, std::string_view name, std::string_view value);

// Article facts from JSON-LD (schema.org). Fields are empty when absent.
struct JsonLdInfo {
  std::string type;  // the @type of the object the facts come from
  std::string headline, date_published, date_modified, publisher, url, article_body;
  std::vector<std::string> authors;
  bool is_article = false;  // NewsArticle/Article/BlogPosting/Report/... (not a WebPage/Org)
};

// Parses one <script type="application/ld+json"> body and merges what it finds into `info`
// (first value wins, article objects preferred over others). Tolerates invalid JSON (comments,
// raw control characters, trailing garbage); never throws.
void ParseJsonLd(std::string_view json, JsonLdInfo* info);

// Normalises a machine date ("2019-11-21T10:00:00.000+0000", "2019-11-21 10:00", "20191121")
// to a DateTime; nullopt when it is not one.
std::optional<DateTime> ParseMachineDate(std::string_view s);

// Removes a trailing (or leading) site-name part from a page title: "Headline - Site",
// "Headline | Site | Section". `site` (may be empty) helps to recognise the site part.
std::string CleanTitle(std::string_view title, std::string_view site, std::string_view h1);

// Decodes HTML character references left in attribute or JSON text ("&#8216;", "&amp;amp;").
std::string DecodeEntities(std::string_view s);

// The host of an absolute URL without "www." ("https://www.example.com/a" -> "example.com").
std::string HostOf(std::string_view url);

}  // namespace kilang::html_internal

#endif  // KILANG_SRC_EXTRACT_HTML_INTERNAL_H_
