#include "kilang/eval/shingle_f1.h"

#include <utf8proc.h>

#include <map>
#include <string>

#include "kilang/util/utf8.h"

namespace kilang {

namespace {

bool IsWordChar(uint32_t cp) {
  if (cp < 0x80) {
    return (cp | 32) - 'a' < 26 || cp - '0' < 10 || cp == '_';
  }
  auto c = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
         (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

using Shingles = std::map<std::string, int>;

Shingles MakeShingles(std::string_view text) {
  std::vector<std::string_view> t;
  ShingleTokens(text, &t);
  Shingles out;
  // score.py: range(0, max(1, len - 3)), keeping only non-empty slices; a text with fewer than
  // four tokens yields one shorter shingle.
  size_t count = t.size() >= 4 ? t.size() - 3 : 1;
  for (size_t i = 0; i < count && i < t.size(); ++i) {
    std::string key;
    for (size_t k = i; k < i + 4 && k < t.size(); ++k) {
      key.append(t[k]);
      key.push_back('\x1F');
    }
    ++out[key];
  }
  return out;
}

}  // namespace

void ShingleTokens(std::string_view s, std::vector<std::string_view>* tokens) {
  tokens->clear();
  size_t i = 0, start = std::string_view::npos;
  while (i < s.size()) {
    size_t at = i;
    uint32_t cp = NextCodePoint(s, &i);
    bool w = IsWordChar(cp);
    if (w && start == std::string_view::npos) start = at;
    if (!w && start != std::string_view::npos) {
      tokens->push_back(s.substr(start, at - start));
      start = std::string_view::npos;
    }
  }
  if (start != std::string_view::npos) tokens->push_back(s.substr(start));
}

double PageScore::precision() const {
  if (fp == 0 && fn == 0) return 1.0;
  if (tp == 0 && fp == 0) return 0.0;
  return tp / (tp + fp);
}

double PageScore::recall() const {
  if (fp == 0 && fn == 0) return 1.0;
  if (tp == 0 && fn == 0) return 0.0;
  return tp / (tp + fn);
}

double PageScore::f1() const {
  double p = precision(), r = recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

PageScore ScorePage(std::string_view gold, std::string_view predicted) {
  Shingles a = MakeShingles(gold), b = MakeShingles(predicted);
  double tp = 0, fp = 0, fn = 0;
  for (const auto& [k, x] : a) {
    auto it = b.find(k);
    int y = it == b.end() ? 0 : it->second;
    tp += std::min(x, y);
    fn += x > y ? x - y : 0;
    fp += y > x ? y - x : 0;
  }
  for (const auto& [k, y] : b) {
    if (!a.count(k)) fp += y;
  }
  double sum = tp + fp + fn;
  if (sum == 0) return {};
  return {tp / sum, fp / sum, fn / sum};
}

CorpusScore Aggregate(const std::vector<PageScore>& pages) {
  CorpusScore c;
  c.pages = pages.size();
  double ps = 0, rs = 0;
  size_t pn = 0, rn = 0;
  for (const PageScore& p : pages) {
    if (p.tp + p.fp > 0) {
      ps += p.precision();
      ++pn;
    }
    if (p.tp + p.fn > 0) {
      rs += p.recall();
      ++rn;
    }
  }
  c.precision = pn ? ps / double(pn) : 0;
  c.recall = rn ? rs / double(rn) : 0;
  c.f1 = c.precision + c.recall > 0 ? 2 * c.precision * c.recall / (c.precision + c.recall) : 0;
  return c;
}

}  // namespace kilang
