// Quality gates per benchmark set (issue 13): the SPEC's shingle F1 and the number of pages
// with an empty text, for HTML and page-text input, on AEB and each of the five wceb-dev sets
// in ../shared/data. Thresholds sit just under the figures measured when they were set (see
// docs/html.md and docs/pagetext.md); a change that helps one set and hurts another fails here.
// Each set and input kind is its own CTest test (quality_gate_<set>_<kind>, label `slow`).
#include <dirent.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "kilang/eval/shingle_f1.h"
#include "kilang/extract/extractor.h"
#include "kilang/io/file.h"

namespace kilang {
namespace {

const std::string kShared = KILANG_SHARED_DIR;

std::vector<std::string> Stems(const std::string& dir, const std::string& ext) {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > ext.size() && n.compare(n.size() - ext.size(), ext.size(), ext) == 0)
        out.push_back(n.substr(0, n.size() - ext.size()));
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// AEB's gold is JSON ({"articleBody": ...}); the wceb-dev sets' is plain text.
std::string Gold(const std::string& set_dir, const std::string& id, bool aeb) {
  std::string bytes;
  if (!aeb) {
    return ReadFile(set_dir + "/gold/" + id + ".txt", 0, &bytes).ok() ? bytes : "";
  }
  if (!ReadFile(set_dir + "/gold/" + id + ".json", 0, &bytes).ok()) return "";
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view body;
  if (parser.parse(bytes).get(doc) || doc["articleBody"].get(body)) return "";
  return std::string(body);
}

struct Gate {
  double min_f1;
  size_t max_empty;
};

void CheckSet(const std::string& set, InputFormat format, Gate gate) {
  const bool aeb = set == "aeb";
  const std::string dir = aeb ? kShared + "/data/aeb" : kShared + "/data/wceb-dev/" + set;
  const bool html = format == InputFormat::kHtml;
  const std::string sub = html ? "/html/" : "/pagetext/";
  const std::string ext = html ? ".html" : ".txt";
  std::vector<std::string> ids = Stems(dir + sub, ext);
  if (ids.empty()) GTEST_SKIP() << "no " << dir << sub << " (../shared absent)";
  Extractor ex;
  ExtractOptions opts;
  opts.format = format;
  std::vector<PageScore> scores;
  size_t empty = 0;
  std::string page;
  for (const std::string& id : ids) {
    ASSERT_TRUE(ReadFile(dir + sub + id + ext, 0, &page).ok()) << id;
    Document d;
    ASSERT_TRUE(ex.Extract(page, opts, &d, nullptr).ok()) << id;
    empty += d.text.find_first_not_of(" \n\t") == std::string::npos;
    scores.push_back(ScorePage(Gold(dir, id, aeb), d.text));
  }
  CorpusScore c = Aggregate(scores);
  std::printf("%s %s: f1=%.3f precision=%.3f recall=%.3f pages=%zu empty=%zu\n", set.c_str(),
              html ? "html" : "pagetext", c.f1, c.precision, c.recall, c.pages, empty);
  EXPECT_GE(c.f1, gate.min_f1);
  EXPECT_LE(empty, gate.max_empty);
}

#define KILANG_GATE(Name, set, format, f1, empty) \
  TEST(DevSetQualityGate, Name) { CheckSet(set, InputFormat::format, {f1, empty}); }

// Measured (in-sample; the leave-one-set-out figures are in docs/pagetext.md):
// page text 0.926 / 0.883 / 0.946 / 0.857 / 0.928 / 0.923, empty 0 / 4 / 1 / 6 / 3 / 0.
KILANG_GATE(AebPageText, "aeb", kText, 0.921, 0)
KILANG_GATE(CleanevalPageText, "cleaneval", kText, 0.878, 4)
KILANG_GATE(CleanportalevalPageText, "cleanportaleval", kText, 0.941, 1)
KILANG_GATE(DragnetPageText, "dragnet", kText, 0.852, 6)
KILANG_GATE(L3sGn1PageText, "l3s-gn1", kText, 0.923, 3)
KILANG_GATE(ReadabilityPageText, "readability", kText, 0.918, 0)
// HTML (block scorer + the page-text fallback) 0.971 / 0.897 / 0.926 / 0.821 / 0.928 / 0.916,
// empty 0 / 0 / 0 / 2 / 4 / 0. AEB's bar is the 0.97.
KILANG_GATE(AebHtml, "aeb", kHtml, 0.970, 0)
KILANG_GATE(CleanevalHtml, "cleaneval", kHtml, 0.892, 0)
KILANG_GATE(CleanportalevalHtml, "cleanportaleval", kHtml, 0.921, 0)
KILANG_GATE(DragnetHtml, "dragnet", kHtml, 0.816, 2)
KILANG_GATE(L3sGn1Html, "l3s-gn1", kHtml, 0.923, 4)
KILANG_GATE(ReadabilityHtml, "readability", kHtml, 0.911, 0)

}  // namespace
}  // namespace kilang
