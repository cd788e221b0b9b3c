// Document: the unit that flows through every kilang stage, and its JSON Lines form (SPEC.md).
#ifndef KILANG_CORE_DOCUMENT_H_
#define KILANG_CORE_DOCUMENT_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kilang {

// Structured facts about a document. Empty strings mean "absent": they are left out of the JSON
// record (never written as null or "").
struct Metadata {
  std::string url;
  std::string title;
  std::string date;  // ISO 8601: "2024-10-22T13:38:00+07:00", or "2024-10-22" for a date alone
  std::string author;
  std::string site;
  std::string lang;         // ISO 639-1/3 code
  double lang_score = -1;   // < 0: absent
  std::string source;       // "path" or "path#offset"
  // Free-form annotations added by stages (e.g. "stage", "reason"); written in insertion order.
  std::vector<std::pair<std::string, std::string>> extra;
  // Fields kept from the input record (JSONL): key and the JSON text of the value, written as
  // is after `extra`. REQUIRES: each value is valid JSON; keys differ from the others'.
  std::vector<std::pair<std::string, std::string>> json_fields;
};

struct Document {
  std::string id;
  std::string text;  // paragraphs separated by a single '\n'
  Metadata metadata;
};

// Appends `s` to `out` as a JSON string literal (quoted, escaped). `s` must be valid UTF-8.
void AppendJsonString(std::string_view s, std::string* out);

// Serialises `doc` as one JSON object without a trailing newline, keys in SPEC order.
std::string ToJsonLine(const Document& doc);

// The short form of a removed document (`kilang run --removed meta`): its id and, in metadata,
// url, source, stage, reason (from metadata.extra) and the text's length in bytes:
// {"id":"…","metadata":{"url":"…","source":"…","stage":"…","reason":"…","length":1234}}.
std::string ToRemovedMetaLine(const Document& doc);

}  // namespace kilang

#endif  // KILANG_CORE_DOCUMENT_H_
