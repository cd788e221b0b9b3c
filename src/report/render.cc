// The report's JSON and its HTML page (report.h). The page is data/report/report.html with
// data/report/report.css and data/report/report.js inline (embedded at build time) and the
// JSON in a <script type="application/json"> element.
#include <filesystem>
#include <string_view>

#include "kilang/io/writer.h"
#include "kilang/report/report.h"
#include "kilang/util/embedded.h"
#include "report_internal.h"

namespace kilang::report {

namespace {

using internal::JsonWriter;

void WriteHistogram(JsonWriter& w, const Histogram& h) {
  w.BeginArray();
  for (uint64_t c : h.counts) w.Uint(c);
  w.EndArray();
}

void WriteEdges(JsonWriter& w, const Histogram& h) {
  w.BeginArray();
  for (double e : h.edges) w.Double(e);
  w.EndArray();
}

void WriteDoc(JsonWriter& w, const SampleDoc& s) {
  w.BeginObject();
  w.Key("id").String(s.id);
  auto opt = [&](const char* k, const std::string& v) {
    if (!v.empty()) w.Key(k).String(v);
  };
  opt("title", s.title);
  opt("url", s.url);
  opt("source", s.source);
  opt("date", s.date);
  opt("lang", s.lang);
  if (s.lang_score >= 0) w.Key("lang_score").Double(s.lang_score);
  opt("stage", s.stage);
  opt("reason", s.reason);
  w.Key("chars").Uint(s.chars);
  w.Key("lines").Uint(s.lines);
  w.Key("text").String(s.text);
  if (s.truncated) w.Key("truncated").Bool(true);
  if (!s.extra.empty()) {
    w.Key("extra").BeginArray();
    for (const auto& [k, v] : s.extra) w.BeginArray().String(k).String(v).EndArray();
    w.EndArray();
  }
  if (!s.marks.empty()) {
    w.Key("marks").BeginArray();
    for (const LineMark& m : s.marks) w.BeginArray().Uint(m.line).String(m.kind).EndArray();
    w.EndArray();
  }
  w.EndObject();
}

void WriteSample(JsonWriter& w, const ReasonSample& rs) {
  w.BeginObject();
  w.Key("stage").String(rs.stage);
  w.Key("reason").String(rs.reason);
  w.Key("seen").Uint(rs.seen);
  if (!rs.sampled) w.Key("sampled").Bool(false);
  w.Key("docs").BeginArray();
  for (const SampleDoc& s : rs.docs) WriteDoc(w, s);
  w.EndArray();
  w.EndObject();
}

void WriteFacts(JsonWriter& w, const RunFacts& f) {
  w.BeginObject();
  w.Key("version").String(f.version);
  w.Key("config").String(f.config);
  w.Key("stages").BeginArray();
  for (const auto& s : f.stages) w.String(s);
  w.EndArray();
  w.Key("inputs").BeginArray();
  for (const auto& s : f.inputs) w.String(s);
  w.EndArray();
  w.Key("workers").Int(f.workers);
  w.Key("started").String(f.started);
  w.Key("finished").String(f.finished);
  w.Key("wall_seconds").Double(f.wall_seconds);
  w.Key("read_cpu").Double(f.read_cpu);
  w.Key("stages_cpu").Double(f.stages_cpu);
  w.Key("write_cpu").Double(f.write_cpu);
  w.Key("stage_cpu").BeginObject();
  for (const auto& [k, v] : f.stage_cpu) w.Key(k).Double(v);
  w.EndObject();
  w.Key("docs").Uint(f.docs);
  w.Key("bytes_stored").Uint(f.bytes_stored);
  w.Key("bytes_decoded").Uint(f.bytes_decoded);
  w.Key("tasks_run").Uint(f.tasks_run);
  w.Key("tasks_resumed").Uint(f.tasks_resumed);
  w.EndObject();
}

const EmbeddedFile* FindTemplate(std::string_view name) {
  for (size_t i = 0; i < kEmbeddedReportFileCount; ++i) {
    if (name == kEmbeddedReportFiles[i].name) return &kEmbeddedReportFiles[i];
  }
  return nullptr;
}

std::string_view TemplateText(std::string_view name) {
  const EmbeddedFile* f = FindTemplate(name);
  return f ? std::string_view(reinterpret_cast<const char*>(f->data), f->size) : std::string_view();
}

void AppendHtmlEscaped(std::string_view s, std::string* out) {
  for (char c : s) {
    switch (c) {
      case '&':
        out->append("&amp;");
        break;
      case '<':
        out->append("&lt;");
        break;
      case '>':
        out->append("&gt;");
        break;
      case '"':
        out->append("&quot;");
        break;
      default:
        out->push_back(c);
    }
  }
}

}  // namespace

std::string ReportJson(const ReportData& d) {
  JsonWriter w;
  w.BeginObject();
  w.Key("version").String(d.version);
  w.Key("generated").String(d.generated);
  w.Key("dir").String(d.dir);
  w.Key("run_started").String(d.run_started);
  w.Key("stats").Raw(d.stats_json.empty() ? std::string_view("{}")
                                          : std::string_view(d.stats_json));
  w.Key("totals").BeginObject();
  w.Key("read").Uint(d.read);
  w.Key("kept").Uint(d.kept);
  w.Key("removed").Uint(d.removed);
  w.Key("unreadable").Uint(d.unreadable);
  w.Key("skipped").Uint(d.skipped);
  w.EndObject();
  w.Key("funnel").BeginArray();
  for (const FunnelStep& s : d.funnel) {
    w.BeginObject();
    w.Key("stage").String(s.stage);
    w.Key("in").Uint(s.in);
    w.Key("removed").Uint(s.removed);
    w.Key("reasons").BeginArray();
    for (const auto& [r, n] : s.reasons) w.BeginArray().String(r).Uint(n).EndArray();
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("facts");
  if (d.has_facts) {
    WriteFacts(w, d.facts);
  } else {
    w.Null();
  }
  w.Key("shards").BeginObject();
  w.Key("read").Uint(d.shards_read);
  w.Key("docs_kept").Uint(d.docs_kept);
  w.Key("docs_removed").Uint(d.docs_removed);
  w.Key("bad_lines").Uint(d.bad_lines);
  w.EndObject();
  w.Key("lengths").BeginObject();
  w.Key("edges");
  WriteEdges(w, d.length_kept);
  w.Key("kept");
  WriteHistogram(w, d.length_kept);
  w.Key("removed");
  WriteHistogram(w, d.length_removed);
  w.Key("by_stage").BeginObject();
  for (const auto& [stage, h] : d.length_by_stage) {
    w.Key(stage);
    WriteHistogram(w, h);
  }
  w.EndObject();
  w.Key("chars_kept").Uint(d.total_chars_kept);
  w.Key("chars_removed").Uint(d.total_chars_removed);
  w.EndObject();
  // Languages by decreasing number of documents.
  std::vector<std::pair<std::string, ReportData::LangCount>> langs(d.langs.begin(), d.langs.end());
  std::stable_sort(langs.begin(), langs.end(), [](const auto& a, const auto& b) {
    return a.second.kept + a.second.removed > b.second.kept + b.second.removed;
  });
  // The 60 largest, then the rest as one "(other)" row.
  w.Key("langs").BeginArray();
  ReportData::LangCount other;
  size_t n_other = 0;
  for (size_t i = 0; i < langs.size(); ++i) {
    if (i < 60) {
      w.BeginArray().String(internal::CutBytes(langs[i].first, 40)).Uint(langs[i].second.kept);
      w.Uint(langs[i].second.removed).EndArray();
    } else {
      other.kept += langs[i].second.kept;
      other.removed += langs[i].second.removed;
      ++n_other;
    }
  }
  if (n_other) {
    std::string label = "(";
    label += std::to_string(n_other);
    label += " more)";
    w.BeginArray().String(label).Uint(other.kept);
    w.Uint(other.removed).EndArray();
  }
  w.EndArray();
  w.Key("lang_scores").BeginObject();
  w.Key("edges");
  WriteEdges(w, d.lang_score_kept);
  w.Key("kept");
  WriteHistogram(w, d.lang_score_kept);
  w.Key("removed");
  WriteHistogram(w, d.lang_score_removed);
  w.EndObject();
  w.Key("dedup").BeginObject();
  w.Key("cluster_sizes").BeginObject();
  w.Key("edges");
  WriteEdges(w, d.cluster_sizes);
  w.Key("counts");
  WriteHistogram(w, d.cluster_sizes);
  w.EndObject();
  w.Key("clusters").Uint(d.clusters);
  w.Key("clustered_docs").Uint(d.clustered_docs);
  w.Key("top").BeginArray();
  for (const Cluster& c : d.top_clusters) {
    w.BeginObject();
    w.Key("id").String(c.id);
    w.Key("size").Uint(c.size);
    if (!c.title.empty()) w.Key("title").String(c.title);
    if (!c.url.empty()) w.Key("url").String(c.url);
    w.Key("members").BeginArray();
    for (const ClusterMember& m : c.members)
      w.BeginArray().String(m.id).String(m.reason).EndArray();
    w.EndArray();
    w.Key("members_seen").Uint(c.members_seen);
    w.Key("member_reasons").BeginObject();
    for (const auto& [r, n] : c.member_reasons) w.Key(r).Uint(n);
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.Key("line_edits").BeginObject();
  for (const auto& [k, v] : d.line_edits)
    w.Key(k).BeginArray().Uint(v.first).Uint(v.second).EndArray();
  w.EndObject();
  w.EndObject();
  w.Key("samples").BeginObject();
  if (d.texts_cut) w.Key("text_cap_bytes").Uint(d.text_cap_bytes);
  w.Key("pii_placeholders").BeginArray();
  for (const auto& p : d.pii_placeholders) w.String(p);
  w.EndArray();
  w.Key("removed").BeginArray();
  for (const ReasonSample& rs : d.removed_samples) WriteSample(w, rs);
  w.EndArray();
  w.Key("kept");
  WriteSample(w, d.kept_sample);
  w.EndObject();
  w.Key("warnings").BeginArray();
  for (const auto& s : d.warnings) w.String(s);
  w.EndArray();
  w.EndObject();
  return w.Take();
}

std::string RenderReportHtml(const ReportData& d) {
  const std::string json = ReportJson(d);
  const std::string_view page = TemplateText("report.html");
  const std::string_view css = TemplateText("report.css");
  const std::string_view js = TemplateText("report.js");
  std::string title = "kilang report: ";
  title += std::filesystem::path(d.dir).filename().string();
  std::string out;
  out.reserve(page.size() + css.size() + js.size() + json.size() + 1024);
  // The template's markers, each replaced once, in the order they appear.
  size_t pos = 0;
  for (;;) {
    size_t at = page.find("{{", pos);
    if (at == std::string_view::npos) break;
    size_t end = page.find("}}", at);
    if (end == std::string_view::npos) break;
    out.append(page.substr(pos, at - pos));
    std::string_view key = page.substr(at + 2, end - at - 2);
    if (key == "TITLE") {
      AppendHtmlEscaped(title, &out);
    } else if (key == "CSS") {
      out.append(css);
    } else if (key == "JS") {
      out.append(js);
    } else if (key == "DATA") {
      // '<' only occurs inside JSON strings: as \u003c no "</script>" can end the element.
      for (char c : json) {
        if (c == '<') {
          out.append("\\u003c");
        } else {
          out.push_back(c);
        }
      }
    } else {
      out.append(page.substr(at, end + 2 - at));
    }
    pos = end + 2;
  }
  out.append(page.substr(pos));
  return out;
}

Result<WrittenReport> WriteReport(const std::string& dir, const ReportOptions& options,
                                  const std::string& out) {
  auto data = CollectReport(dir, options);
  if (!data.ok()) return data.status();
  WrittenReport w;
  w.path = out.empty() ? data->dir + "/report.html" : out;
  const std::string html = RenderReportHtml(*data);
  KILANG_RETURN_IF_ERROR(WriteFileAtomic(w.path, html));
  w.bytes = html.size();
  w.documents = data->docs_kept + data->docs_removed;
  w.warnings = std::move(data->warnings);
  return w;
}

}  // namespace kilang::report
