#include "kilang/dedup/normalize.h"

#include <gtest/gtest.h>

namespace kilang::dedup {
namespace {

TEST(DedupNormalize, DocumentDefaultsFoldCaseAccentsDigitsPunct) {
  Normalizer n;
  EXPECT_EQ(n.Normalize("  Hello,   WORLD!  "), "hello world");
  EXPECT_EQ(n.Normalize("Café déjà vu"), "cafe deja vu");
  EXPECT_EQ(n.Normalize("Rp 1.234.567,50 on 2024-10-22"), "rp 0 on 0 0 0");
  EXPECT_EQ(n.Normalize("JAKARTA\t—\u00a0Presiden"), "jakarta presiden");
  EXPECT_EQ(n.Normalize(""), "");
  EXPECT_EQ(n.Normalize("!!! ... ???"), "");
}

TEST(DedupNormalize, LineDefaultsFollowCcnet) {
  Normalizer n(NormalizeOptions::ForLines());
  EXPECT_EQ(n.Normalize("Berita Terkait: 12 Foto!"), "berita terkait 00 foto");
  EXPECT_EQ(n.Normalize("Café"), "café");
  EXPECT_EQ(n.Normalize("a-b"), "ab");
}

TEST(DedupNormalize, OptionsCanBeTurnedOff) {
  NormalizeOptions o;
  o.lowercase = false;
  o.strip_accents = false;
  o.digits = NormalizeOptions::Digits::kKeep;
  o.punct = NormalizeOptions::Punct::kKeep;
  o.collapse_whitespace = false;
  Normalizer n(o);
  EXPECT_EQ(n.Normalize("Ab, É 12"), "Ab, É 12");
  EXPECT_EQ(n.Normalize("a  b"), "a  b");
}

TEST(DedupNormalize, NonLatinScriptsAndInvalidBytes) {
  Normalizer n;
  EXPECT_EQ(n.Normalize("ПРИВЕТ мир"), "привет мир");
  EXPECT_EQ(n.Normalize("\xff\xfe abc"), "abc");
  EXPECT_EQ(n.Normalize("٣٤ x"), "0 x");  // Arabic-Indic digits
}

}  // namespace
}  // namespace kilang::dedup
