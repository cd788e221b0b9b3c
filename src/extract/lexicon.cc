#include "kilang/extract/lexicon.h"

#include <dirent.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "kilang/io/file.h"
#include "kilang/util/text.h"

#include "kilang/util/embedded.h"

namespace kilang {


namespace {

Status KeyError(const std::string& file, const YAML::Node& node, const std::string& key,
                const std::string& what) {
  return Status::InvalidArgument(file + ":" + std::to_string(node.Mark().line + 1) + ": key '" +
                                 key + "': " + what);
}

// Reads a list of strings (or a single string) into lower-cased entries.
Status ReadStrings(const std::string& file, const YAML::Node& n, const std::string& key,
                   std::vector<std::string>* out) {
  if (!n) return Status::Ok();
  if (n.IsScalar()) {
    out->push_back(LowerUtf8(n.as<std::string>()));
    return Status::Ok();
  }
  if (!n.IsSequence()) return KeyError(file, n, key, "expected a list of strings");
  for (const auto& item : n) {
    if (!item.IsScalar()) return KeyError(file, item, key, "expected a string");
    out->push_back(LowerUtf8(item.as<std::string>()));
  }
  return Status::Ok();
}

}  // namespace

Status Lexicon::AddFile(const std::string& name, const std::string& text) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(name + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!root.IsMap()) return Status::InvalidArgument(name + ": expected a mapping at the top");
  static const StringSet kKnown = {
      "code", "name", "months", "weekdays", "time_units", "ago_after", "ago_before",
      "relative_days", "am", "pm", "date_filler", "boilerplate", "list_headers", "copyright",
      "byline_prefixes", "ui_lines", "stopwords", "timezones", "end_markers", "comment_markers",
      "numbers"};
  try {
    for (const auto& kv : root) {
      std::string key = kv.first.as<std::string>();
      if (!kKnown.count(key)) return KeyError(name, kv.first, key, "unknown key");
    }
    if (auto tz = root["timezones"]) {
      if (!tz.IsMap()) return KeyError(name, tz, "timezones", "expected a mapping ABBR: +HH:MM");
      for (const auto& kv : tz) {
        std::string abbr = LowerUtf8(kv.first.as<std::string>());
        std::string v = kv.second.IsScalar() ? kv.second.as<std::string>() : "";
        std::string off = v;
        DstRule rule = DstRule::kNone;
        size_t sp = v.find(' ');
        if (sp != std::string::npos) {
          off = v.substr(0, sp);
          std::string r = v.substr(sp + 1);
          if (r == "us-dst") rule = DstRule::kUs;
          else if (r == "eu-dst") rule = DstRule::kEu;
          else return KeyError(name, kv.second, "timezones", "unknown DST rule '" + r + "'");
        }
        int h = 0, m = 0;
        char sign = 0;
        if (std::sscanf(off.c_str(), "%c%d:%d", &sign, &h, &m) != 3 || (sign != '+' && sign != '-')) {
          return KeyError(name, kv.second, "timezones", "expected an offset like +07:00");
        }
        tz_offsets_[abbr] = (sign == '-' ? -1 : 1) * (h * 60 + m);
        tz_dst_[abbr] = rule;
      }
    }
    if (!root["code"]) {
      if (name.find("common") == std::string::npos)
        return Status::InvalidArgument(name + ": missing key 'code'");
      return Status::Ok();
    }
    std::string code = root["code"].as<std::string>();
    if (std::find(languages_.begin(), languages_.end(), code) != languages_.end())
      return Status::InvalidArgument(name + ": language '" + code + "' defined twice");
    size_t lang_index = languages_.size();
    if (lang_index >= 64) return Status::InvalidArgument(name + ": more than 64 languages");
    languages_.push_back(code);

    if (auto months = root["months"]) {
      if (!months.IsSequence() || months.size() != 12)
        return KeyError(name, months, "months", "expected 12 lists, January first");
      for (size_t i = 0; i < 12; ++i) {
        std::vector<std::string> names;
        KILANG_RETURN_IF_ERROR(ReadStrings(name, months[i], "months", &names));
        for (auto& n : names) months_[n] = int(i) + 1;
      }
    }
    std::vector<std::string> tmp;
    KILANG_RETURN_IF_ERROR(ReadStrings(name, root["weekdays"], "weekdays", &tmp));
    weekdays_.insert(tmp.begin(), tmp.end());
    if (auto units = root["time_units"]) {
      if (!units.IsMap()) return KeyError(name, units, "time_units", "expected word: seconds");
      for (const auto& kv : units) time_units_[LowerUtf8(kv.first.as<std::string>())] = kv.second.as<int64_t>();
    }
    if (auto nums = root["numbers"]) {
      if (!nums.IsMap()) return KeyError(name, nums, "numbers", "expected word: number");
      for (const auto& kv : nums) {
        numbers_[LowerUtf8(kv.first.as<std::string>())] = kv.second.as<int>();
      }
    }
    KILANG_RETURN_IF_ERROR(ReadStrings(name, root["ago_after"], "ago_after", &ago_after_));
    KILANG_RETURN_IF_ERROR(ReadStrings(name, root["ago_before"], "ago_before", &ago_before_));
    if (auto rd = root["relative_days"]) {
      if (!rd.IsMap()) return KeyError(name, rd, "relative_days", "expected phrase: day offset");
      for (const auto& kv : rd) relative_days_[LowerUtf8(kv.first.as<std::string>())] = kv.second.as<int>();
    }
    tmp.clear();
    KILANG_RETURN_IF_ERROR(ReadStrings(name, root["am"], "am", &tmp));
    for (auto& w : tmp) am_pm_[w] = false;
    tmp.clear();
    KILANG_RETURN_IF_ERROR(ReadStrings(name, root["pm"], "pm", &tmp));
    for (auto& w : tmp) am_pm_[w] = true;
    tmp.clear();
    KILANG_RETURN_IF_ERROR(ReadStrings(name, root["date_filler"], "date_filler", &tmp));
    date_filler_.insert(tmp.begin(), tmp.end());
    KILANG_RETURN_IF_ERROR(ReadStrings(name, root["boilerplate"], "boilerplate", &boilerplate_));
    tmp.clear();
    KILANG_RETURN_IF_ERROR(ReadStrings(name, root["list_headers"], "list_headers", &tmp));
    for (auto& w : tmp) whole_lines_[w] |= kListHeaderLine;
    KILANG_RETURN_IF_ERROR(ReadStrings(name, root["copyright"], "copyright", &copyright_));
    KILANG_RETURN_IF_ERROR(ReadStrings(name, root["byline_prefixes"], "byline_prefixes", &byline_prefixes_));
    tmp.clear();
    KILANG_RETURN_IF_ERROR(ReadStrings(name, root["end_markers"], "end_markers", &tmp));
    for (auto& w : tmp) whole_lines_[w] |= kEndMarkerLine;
    tmp.clear();
    KILANG_RETURN_IF_ERROR(ReadStrings(name, root["comment_markers"], "comment_markers", &tmp));
    // A comment marker is also an end marker.
    for (auto& w : tmp) whole_lines_[w] |= kCommentMarkerLine | kEndMarkerLine;
    tmp.clear();
    KILANG_RETURN_IF_ERROR(ReadStrings(name, root["ui_lines"], "ui_lines", &tmp));
    for (auto& w : tmp) whole_lines_[w] |= kUiLine;
    tmp.clear();
    KILANG_RETURN_IF_ERROR(ReadStrings(name, root["stopwords"], "stopwords", &tmp));
    for (auto& w : tmp) stopwords_[w] |= uint64_t{1} << lang_index;
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(name + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return Status::Ok();
}

void Lexicon::Finish() {
  for (const auto& [w, mask] : stopwords_) {
    stop_flat_[w] = mask;
    stop_max_len_ = std::max(stop_max_len_, w.size());
  }
  auto dedup = [](std::vector<std::string>* v) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
    // Longest first, so "yang lalu" is tried before "lalu".
    std::stable_sort(v->begin(), v->end(),
                     [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  };
  dedup(&ago_after_);
  dedup(&ago_before_);
  dedup(&boilerplate_);
  dedup(&copyright_);
  dedup(&byline_prefixes_);
}

Result<std::unique_ptr<Lexicon>> Lexicon::LoadFiles(
    const std::vector<std::pair<std::string, std::string>>& files) {
  std::unique_ptr<Lexicon> lex(new Lexicon());
  auto sorted = files;
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [name, text] : sorted) {
    Status s = lex->AddFile(name, text);
    if (!s.ok()) return s;
  }
  if (lex->languages_.empty()) return Status::InvalidArgument("no language files found");
  lex->Finish();
  return lex;
}

Result<std::unique_ptr<Lexicon>> Lexicon::LoadBuiltin() {
  std::vector<std::pair<std::string, std::string>> files;
  for (size_t i = 0; i < kEmbeddedLangFileCount; ++i) {
    const auto& f = kEmbeddedLangFiles[i];
    files.emplace_back(f.name, std::string(reinterpret_cast<const char*>(f.data), f.size));
  }
  return LoadFiles(files);
}

Result<std::unique_ptr<Lexicon>> Lexicon::LoadDir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return Status::NotFound("cannot open language data folder " + dir);
  std::vector<std::pair<std::string, std::string>> files;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.size() < 6 || n.substr(n.size() - 5) != ".yaml") continue;
    std::string text;
    Status s = ReadFile(dir + "/" + n, 1 << 24, &text);
    if (!s.ok()) {
      ::closedir(d);
      return Status(s.code(), dir + "/" + n + ": " + s.message());
    }
    files.emplace_back(n, std::move(text));
  }
  ::closedir(d);
  return LoadFiles(files);
}

const Lexicon& Lexicon::Default() {
  static const Lexicon* lex = [] {
    const char* dir = std::getenv("KILANG_DATA_DIR");
    auto r = dir && *dir ? LoadDir(std::string(dir) + "/lang") : LoadBuiltin();
    if (!r.ok()) {
      std::fprintf(stderr, "kilang: invalid language data: %s\n", r.status().ToString().c_str());
      std::abort();
    }
    return std::move(r).value().release();
  }();
  return *lex;
}

int Lexicon::Month(std::string_view w) const {
  auto it = months_.find(w);
  if (it != months_.end()) return it->second;
  if (!w.empty() && w.back() == '.') {
    it = months_.find(w.substr(0, w.size() - 1));
    if (it != months_.end()) return it->second;
  }
  return 0;
}

bool Lexicon::IsWeekday(std::string_view w) const {
  if (!w.empty() && (w.back() == '.' || w.back() == ',')) w.remove_suffix(1);
  return weekdays_.count(w) > 0;
}

std::optional<int> Lexicon::TimezoneOffset(std::string_view abbr) const {
  auto it = tz_offsets_.find(LowerUtf8(abbr));
  if (it == tz_offsets_.end()) return std::nullopt;
  return it->second;
}

Lexicon::DstRule Lexicon::TimezoneDst(std::string_view abbr) const {
  auto it = tz_dst_.find(LowerUtf8(abbr));
  return it == tz_dst_.end() ? DstRule::kNone : it->second;
}

int64_t Lexicon::TimeUnitSeconds(std::string_view w) const {
  auto it = time_units_.find(w);
  return it == time_units_.end() ? 0 : it->second;
}

std::optional<int> Lexicon::RelativeDay(std::string_view p) const {
  auto it = relative_days_.find(p);
  if (it == relative_days_.end()) return std::nullopt;
  return it->second;
}

std::optional<int> Lexicon::NumberWord(std::string_view w) const {
  auto it = numbers_.find(w);
  if (it == numbers_.end()) return std::nullopt;
  return it->second;
}

std::optional<bool> Lexicon::IsPm(std::string_view w) const {
  auto it = am_pm_.find(w);
  if (it == am_pm_.end()) return std::nullopt;
  return it->second;
}

bool Lexicon::IsDateFiller(std::string_view w) const { return date_filler_.count(w) > 0; }

bool Lexicon::IsListHeader(std::string_view l) const { return WholeLineKinds(l) & kListHeaderLine; }

bool Lexicon::IsEndMarker(std::string_view l) const {
  return WholeLineKinds(l) & kEndMarkerLine;
}

bool Lexicon::IsCommentMarker(std::string_view l) const {
  return WholeLineKinds(l) & kCommentMarkerLine;
}

uint8_t Lexicon::WholeLineKinds(std::string_view l) const {
  const uint8_t* kinds = whole_lines_.Find(l);
  return kinds ? *kinds : 0;
}

bool Lexicon::IsUiLine(std::string_view l) const { return WholeLineKinds(l) & kUiLine; }

uint64_t Lexicon::StopwordMask(std::string_view w) const {
  if (w.size() > stop_max_len_) return 0;
  const uint64_t* mask = stop_flat_.Find(w);
  return mask ? *mask : 0;
}

}  // namespace kilang
