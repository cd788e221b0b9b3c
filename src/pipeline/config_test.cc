#include "kilang/pipeline/config.h"

#include <gtest/gtest.h>

namespace kilang {
namespace {

TEST(RunConfig, ParsesSectionsAndStageOptions) {
  auto cfg = ParseRunConfig(
      "run:\n  workers: 3\n  compression: gzip\ninput:\n  jsonl_text_key: content\n"
      "pipeline:\n  - extract: {format: html}\n",
      "c.yaml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->run.workers, 3);
  EXPECT_EQ(cfg->run.compression, "gzip");
  EXPECT_EQ(cfg->input.jsonl_text_key, "content");
  ASSERT_EQ(cfg->stages.size(), 1u);
  EXPECT_NE(cfg->Fingerprint().find("format=html"), std::string::npos);
  auto stages = cfg->BuildStages();
  ASSERT_TRUE(stages.ok());
  EXPECT_EQ((*stages)[0]->name(), "extract");
}

TEST(RunConfig, NoConfigMeansTheDefaultPipeline) {
  auto cfg = DefaultRunConfig();
  ASSERT_TRUE(cfg.ok());
  ASSERT_EQ(cfg->stages.size(), DefaultPipeline().size());
  EXPECT_EQ(cfg->stages[0].name, "extract");
}

TEST(RunConfig, UnknownKeyIsAnErrorNamingKeyAndLine) {
  auto cfg = ParseRunConfig("run:\n  workers: 2\n  wrokers: 3\n", "c.yaml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.status().message().find("c.yaml:3:"), std::string::npos) << cfg.status().message();
  EXPECT_NE(cfg.status().message().find("'wrokers'"), std::string::npos);
  auto top = ParseRunConfig("pipline: []\n", "c.yaml");
  ASSERT_FALSE(top.ok());
  EXPECT_NE(top.status().message().find("c.yaml:1: unknown key 'pipline'"), std::string::npos);
  auto stage = ParseRunConfig("pipeline:\n  - extract\n  - no_such_stage\n", "c.yaml");
  ASSERT_FALSE(stage.ok());
  EXPECT_NE(stage.status().message().find("c.yaml:3: unknown stage 'no_such_stage'"),
            std::string::npos)
      << stage.status().message();
  auto opt = ParseRunConfig("pipeline:\n  - extract:\n      fromat: html\n", "c.yaml");
  ASSERT_FALSE(opt.ok());
  EXPECT_NE(opt.status().message().find("c.yaml:3: unknown key 'fromat' in 'extract'"),
            std::string::npos)
      << opt.status().message();
}

TEST(RunConfig, BadValueIsAnErrorNamingKeyAndLine) {
  auto cfg = ParseRunConfig("run:\n  workers: many\n", "c.yaml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.status().message().find("c.yaml:2: run.'workers': bad value 'many'"),
            std::string::npos)
      << cfg.status().message();
  auto choice = ParseRunConfig("pipeline:\n  - extract: {format: pdf}\n", "c.yaml");
  ASSERT_FALSE(choice.ok());
  EXPECT_NE(choice.status().message().find("'format': bad value 'pdf'"), std::string::npos);
  auto syntax = ParseRunConfig("run: [unclosed\n", "c.yaml");
  EXPECT_FALSE(syntax.ok());
}

TEST(RunConfig, FlagsSetTheSameFieldsAsYamlKeys) {
  auto cfg = DefaultRunConfig();
  ASSERT_TRUE(cfg.ok());
  EXPECT_TRUE(cfg->Set("run.workers", "5").ok());
  EXPECT_EQ(cfg->run.workers, 5);
  EXPECT_TRUE(cfg->Set("input.jsonl_extract", "true").ok());
  EXPECT_TRUE(cfg->input.jsonl_extract);
  EXPECT_TRUE(cfg->Set("extract.format", "text").ok());
  EXPECT_NE(cfg->Fingerprint().find("format=text"), std::string::npos);
  Status bad = cfg->Set("run.workers", "-1");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("workers"), std::string::npos);
  EXPECT_FALSE(cfg->Set("nostage.x", "1").ok());
  // Workers do not change the output, so they are not in the fingerprint.
  auto other = DefaultRunConfig();
  EXPECT_TRUE(other->Set("extract.format", "text").ok());
  EXPECT_TRUE(other->Set("input.jsonl_extract", "true").ok());
  EXPECT_EQ(cfg->Fingerprint(), other->Fingerprint());
}

TEST(RunConfig, ExtractNowMustBeIso) {
  auto cfg = ParseRunConfig("pipeline:\n  - extract: {now: yesterday}\n", "c.yaml");
  ASSERT_TRUE(cfg.ok());
  EXPECT_FALSE(cfg->BuildStages().ok());
}

}  // namespace
}  // namespace kilang

namespace kilang {
namespace {

TEST(RunConfig, SetReachesFilterStageOptions) {
  auto cfg = DefaultRunConfig();
  ASSERT_TRUE(cfg.ok());
  std::string before = cfg->Fingerprint();
  ASSERT_TRUE(cfg->Set("langid.threshold", "0.9").ok());
  ASSERT_TRUE(cfg->Set("gopher_quality.min_doc_words", "30").ok());
  ASSERT_TRUE(cfg->Set("langid.languages", "[id, ms]").ok());
  EXPECT_NE(cfg->Fingerprint(), before);
  auto find = [&](const std::string& stage, const std::string& key) -> std::string {
    for (auto& sc : cfg->stages) {
      if (sc.name != stage) continue;
      auto opts = sc.factory->DescribeOptions();
      EXPECT_TRUE(opts.ok());
      for (const auto& o : *opts) {
        if (o.key == key) return o.value;
      }
    }
    return "?";
  };
  EXPECT_EQ(find("langid", "threshold"), "0.9");
  EXPECT_EQ(find("langid", "languages"), "[id, ms]");
  EXPECT_EQ(find("gopher_quality", "min_doc_words"), "30");
  EXPECT_EQ(find("gopher_quality", "max_doc_words"), "100000");  // defaults are listed too
  // Unknown keys and bad values are refused, naming the known keys, and change nothing.
  Status unknown = cfg->Set("langid.treshold", "0.5");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.message().find("unknown option 'treshold' (known: label_only, languages,"),
            std::string::npos)
      << unknown.message();
  Status bad = cfg->Set("langid.threshold", "high");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("'threshold' must be a number"), std::string::npos);
  EXPECT_EQ(find("langid", "threshold"), "0.9");
}

TEST(RunConfig, ToYamlListsEveryOptionAndReadsBack) {
  auto cfg = DefaultRunConfig();
  ASSERT_TRUE(cfg.ok());
  ASSERT_TRUE(cfg->Set("langid.languages", "[id, ms]").ok());
  ASSERT_TRUE(cfg->Set("extract.now", "2024-01-02T03:04:05Z").ok());
  ASSERT_TRUE(cfg->Set("run.limit", "10").ok());
  auto yaml = cfg->ToYaml();
  ASSERT_TRUE(yaml.ok());
  for (const char* want :
       {"  limit: 10 ", "      languages: [id, ms] ", "      now: 2024-01-02T03:04:05Z ",
        "      max_doc_words: 100000 ", "  line_min_docs: 5 "}) {
    EXPECT_NE(yaml->find(want), std::string::npos) << want << "\n" << *yaml;
  }
  auto back = ParseRunConfig(*yaml, "printed.yaml");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  auto again = back->ToYaml();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *yaml);
  EXPECT_EQ(back->run.limit, 10u);
}

TEST(CheckStageOrder, TextStagesAfterExtractAndLanguageStagesAfterLangid) {
  EXPECT_TRUE(CheckStageOrder(DefaultPipeline()).ok());
  EXPECT_TRUE(CheckStageOrder({}).ok());
  EXPECT_TRUE(CheckStageOrder({"langid", "pii"}).ok());  // text input (JSONL): no extract needed
  EXPECT_TRUE(CheckStageOrder({"extract", "gopher_quality"}).ok());  // no langid: default_language
  Status before_extract = CheckStageOrder({"langid", "extract"});
  ASSERT_FALSE(before_extract.ok());
  EXPECT_NE(before_extract.message().find("'langid' comes before 'extract'"), std::string::npos);
  Status before_langid = CheckStageOrder({"extract", "fineweb_quality", "langid"});
  ASSERT_FALSE(before_langid.ok());
  EXPECT_NE(before_langid.message().find("'fineweb_quality' picks its rules by metadata.lang"),
            std::string::npos);
}

TEST(RunConfig, BadFilterOptionsInTheFileNameTheFileAndTheKnownKeys) {
  auto cfg = ParseRunConfig("pipeline:\n  - extract\n  - pii:\n      emials: false\n", "c.yaml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.status().message().find("c.yaml:4: stage 'pii': unknown option 'emials'"),
            std::string::npos)
      << cfg.status().message();
  EXPECT_NE(cfg.status().message().find("known: email_placeholder, emails,"), std::string::npos)
      << cfg.status().message();
}

}  // namespace
}  // namespace kilang
