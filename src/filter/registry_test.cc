#include "kilang/filter/registry.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace kilang {
namespace {

std::vector<std::string> Texts() {
  std::vector<std::string> t;
  for (int i = 0; i < 40; ++i) {
    std::string s;
    for (int k = 0; k < 12; ++k) {
      s += "Dokumen nomor " + std::to_string(i) + " berisi kalimat yang cukup panjang dan ini "
           "adalah contoh untuk pengujian dengan data dari berbagai sumber, hubungi 0812 3456 " +
           std::to_string(1000 + i) + " atau surat ke orang" + std::to_string(i) + "@mail.co.id.\n";
      if (i % 3 == 0) s += "The same English line repeated here for the filters to see.\n";
    }
    t.push_back(std::move(s));
  }
  return t;
}

// Stages are shared by workers: two threads with their own contexts get the same results as one.
TEST(FilterStages, SharedStagesAreThreadSafe) {
  std::vector<std::unique_ptr<DocumentStage>> stages;
  for (const auto& name : FilterStageNames()) {
    auto s = MakeFilterStage(name, YAML::Node());
    if (!s.ok()) GTEST_SKIP() << name << ": " << s.status().ToString();
    stages.push_back(std::move(s).value());
  }
  const auto texts = Texts();
  auto run = [&](std::vector<std::string>* out) {
    StageContext ctx;
    for (int rep = 0; rep < 3; ++rep) {
      out->clear();
      for (const auto& t : texts) {
        Document d;
        d.text = t;
        std::string r;
        for (const auto& s : stages) {
          Verdict v = s->Process(d, ctx);
          r += v.keep ? "+" : "-" + v.reason;
        }
        out->push_back(r + "|" + d.metadata.lang + "|" + d.text);
      }
    }
  };
  std::vector<std::string> single, a, b;
  run(&single);
  std::thread ta(run, &a), tb(run, &b);
  ta.join();
  tb.join();
  EXPECT_EQ(a, single);
  EXPECT_EQ(b, single);
}

TEST(FilterRegistry, DefaultPipelineOrder) {
  EXPECT_EQ(DefaultFilterStageNames(),
            (std::vector<std::string>{"langid", "gopher_quality", "gopher_repetition",
                                      "fineweb_quality", "pii"}));
}

}  // namespace
}  // namespace kilang
