// Checks on the language files themselves (data/lang/*.yaml): each parses on its own, is complete,
// and the merged lexicon has no word that means different things in two languages.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "kilang/extract/lexicon.h"
#include "kilang/util/text.h"

namespace kilang {
namespace {

struct LangFile {
  std::string name, text;
  YAML::Node root;
};

std::vector<LangFile> LanguageFiles() {
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::directory_iterator(KILANG_SOURCE_DIR "/data/lang")) {
    if (e.path().extension() == ".yaml" && e.path().filename() != "common.yaml")
      paths.push_back(e.path());
  }
  // Sorted before loading: assigning a YAML::Node overwrites the node it refers to.
  std::sort(paths.begin(), paths.end());
  std::vector<LangFile> files;
  files.reserve(paths.size());
  for (const auto& p : paths) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    files.push_back(LangFile{p.filename().string(), ss.str(), YAML::Load(ss.str())});
  }
  return files;
}

TEST(LangData, BuiltinLexiconHasEveryLanguage) {
  auto r = Lexicon::LoadBuiltin();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->languages(),
            (std::vector<std::string>{"de", "en", "es", "fr", "id", "ms", "pt"}));
  EXPECT_EQ((*r)->Month("ogos"), 8);
  EXPECT_EQ((*r)->Month("märz"), 3);
  EXPECT_EQ((*r)->Month("août"), 8);
  EXPECT_EQ((*r)->Month("diciembre"), 12);
  EXPECT_EQ((*r)->Month("outubro"), 10);
}

TEST(LangData, EachFileParsesAloneWithTwelveMonths) {
  auto files = LanguageFiles();
  ASSERT_GE(files.size(), 7u);
  for (const auto& f : files) {
    SCOPED_TRACE(f.name);
    auto r = Lexicon::LoadFiles({{f.name, f.text}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const Lexicon& lex = **r;
    ASSERT_EQ(lex.languages().size(), 1u);
    EXPECT_EQ(lex.languages()[0] + ".yaml", f.name);
    YAML::Node months = f.root["months"];
    ASSERT_TRUE(months && months.IsSequence());
    ASSERT_EQ(months.size(), 12u);
    for (size_t i = 0; i < 12; ++i) {
      ASSERT_GE(months[i].size(), 1u) << "month " << i + 1;
      for (const auto& name : months[i]) {
        EXPECT_EQ(lex.Month(LowerUtf8(name.as<std::string>())), int(i) + 1)
            << name.as<std::string>();
      }
    }
  }
}

TEST(LangData, EachFileHasEveryKey) {
  const char* kKeys[] = {"code",         "name",          "months",          "weekdays",
                         "time_units",   "relative_days", "date_filler",     "boilerplate",
                         "list_headers", "copyright",     "byline_prefixes", "ui_lines",
                         "stopwords",    "numbers",       "end_markers",     "comment_markers"};
  for (const auto& f : LanguageFiles()) {
    SCOPED_TRACE(f.name);
    for (const char* key : kKeys) EXPECT_TRUE(f.root[key]) << "missing key " << key;
    EXPECT_TRUE(f.root["ago_after"] || f.root["ago_before"]);
    EXPECT_GE(f.root["weekdays"].size(), 7u);
    EXPECT_GE(f.root["stopwords"].size(), 45u);
    bool yesterday = false;
    for (const auto& kv : f.root["relative_days"]) yesterday |= kv.second.as<int>() == -1;
    EXPECT_TRUE(yesterday) << "no word for yesterday";
  }
}

// A word listed by two languages must mean the same thing in both, because the lexicon merges
// the languages into one table.
void ExpectAgreement(const char* key, bool is_months) {
  std::map<std::string, std::pair<int64_t, std::string>> seen;  // word -> (value, file)
  for (const auto& f : LanguageFiles()) {
    YAML::Node node = f.root[key];
    if (!node) continue;
    std::vector<std::pair<std::string, int64_t>> entries;
    if (is_months) {
      for (size_t i = 0; i < node.size(); ++i)
        for (const auto& n : node[i]) entries.emplace_back(n.as<std::string>(), int64_t(i) + 1);
    } else {
      for (const auto& kv : node)
        entries.emplace_back(kv.first.as<std::string>(), kv.second.as<int64_t>());
    }
    for (const auto& [word, value] : entries) {
      std::string w = LowerUtf8(word);
      auto [it, inserted] = seen.emplace(w, std::make_pair(value, f.name));
      EXPECT_TRUE(inserted || it->second.first == value)
          << key << " '" << w << "' is " << it->second.first << " in " << it->second.second
          << " but " << value << " in " << f.name;
    }
  }
}

TEST(LangData, MonthNamesAgreeAcrossLanguages) { ExpectAgreement("months", true); }
TEST(LangData, TimeUnitsAgreeAcrossLanguages) { ExpectAgreement("time_units", false); }
TEST(LangData, RelativeDaysAgreeAcrossLanguages) { ExpectAgreement("relative_days", false); }
TEST(LangData, NumberWordsAgreeAcrossLanguages) { ExpectAgreement("numbers", false); }

// Malay lists only the words that tell it from Indonesian (see data/lang/README.md, "Close
// languages"); a shared stopword would make every Indonesian page a tie.
TEST(LangData, MalayStopwordsDoNotOverlapIndonesian) {
  auto r = Lexicon::LoadBuiltin();
  ASSERT_TRUE(r.ok());
  const Lexicon& lex = **r;
  const auto& langs = lex.languages();
  const size_t id = std::find(langs.begin(), langs.end(), "id") - langs.begin();
  const size_t ms = std::find(langs.begin(), langs.end(), "ms") - langs.begin();
  ASSERT_LT(id, langs.size());
  ASSERT_LT(ms, langs.size());
  for (const auto& f : LanguageFiles()) {
    if (f.name != "ms.yaml") continue;
    for (const auto& w : f.root["stopwords"]) {
      uint64_t mask = lex.StopwordMask(LowerUtf8(w.as<std::string>()));
      EXPECT_FALSE(mask >> id & 1) << w.as<std::string>() << " is an Indonesian stopword too";
      EXPECT_TRUE(mask >> ms & 1);
    }
  }
}

}  // namespace
}  // namespace kilang
