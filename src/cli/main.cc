// kilang: the command-line front end. Thin: parses flags into Options and calls libkilang.
//
//   kilang extract [--format auto|html|text] [--url URL] [--now ISO8601] FILE... | -
//   kilang run [CONFIG.yaml] --input PATH... --output DIR [--workers N] [--executor local|slurm]
//
// Exit status (SPEC.md): 0 all inputs processed, 1 some input unreadable, 2 usage error.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "kilang/core/document.h"
#include "kilang/extract/extractor.h"
#include "kilang/io/file.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUnreadable = 1;
constexpr int kExitUsage = 2;

struct ExtractFlags {
  std::string format = "auto";
  std::string url;
  std::string now;
  size_t max_bytes = size_t(256) << 20;
  std::vector<std::string> files;
};

int RunExtract(const ExtractFlags& flags) {
  kilang::ExtractOptions options;
  auto fmt = kilang::ParseInputFormat(flags.format);
  if (!fmt.ok()) {
    std::fprintf(stderr, "kilang extract: %s\n", fmt.status().message().c_str());
    return kExitUsage;
  }
  options.format = *fmt;
  options.url = flags.url;
  if (!flags.now.empty()) {
    options.now = kilang::DateTime::ParseIso(flags.now);
    if (!options.now) {
      std::fprintf(stderr, "kilang extract: --now: '%s' is not an ISO 8601 date/time\n",
                   flags.now.c_str());
      return kExitUsage;
    }
  }
  const kilang::Extractor extractor;
  int unreadable = 0;
  std::string bytes;
  for (const std::string& path : flags.files) {
    kilang::Status s = kilang::ReadFile(path, flags.max_bytes, &bytes);
    kilang::Document doc;
    doc.id = path == "-" ? "stdin" : kilang::FileStem(path);
    kilang::ExtractReport report;
    if (s.ok()) s = extractor.Extract(bytes, options, &doc, &report);
    if (!s.ok()) {
      std::fprintf(stderr, "kilang extract: %s: %s\n", path.c_str(), s.ToString().c_str());
      ++unreadable;
      continue;
    }
    if (report.invalid_utf8) {
      std::fprintf(stderr, "kilang extract: %s: warning: %zu invalid UTF-8 sequence(s) replaced by U+FFFD\n",
                   path.c_str(), report.invalid_utf8);
    }
    std::string line = kilang::ToJsonLine(doc);
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  std::fflush(stdout);
  if (unreadable) {
    std::fprintf(stderr, "kilang extract: %d of %zu input(s) could not be read\n", unreadable,
                 flags.files.size());
    return kExitUnreadable;
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kilang: a web-text refinery (HTML and page text -> clean, structured documents)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "kilang 0.1.0");

  ExtractFlags ex;
  auto* extract = app.add_subcommand("extract", "Extract one JSON record per input file to stdout");
  extract->add_option("--format", ex.format, "auto|html|text (auto: judged by content)")
      ->capture_default_str();
  extract->add_option("--url", ex.url, "the page's URL (metadata.url; hints the site)");
  extract->add_option("--now", ex.now, "ISO 8601 time that anchors relative dates");
  extract->add_option("--max-bytes", ex.max_bytes, "inputs larger than this are reported, not read")
      ->capture_default_str();
  extract->add_option("files", ex.files, "input files, or - for stdin")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  if (*extract) return RunExtract(ex);
  return kExitUsage;
}
